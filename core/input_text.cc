// User-given input files and text (input_text.h).
#include "core/input_text.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace dpc {

namespace {

/// Length of the valid UTF-8 sequence at `i`, or 0 when it is not one
/// (overlong forms, surrogates and code points above U+10FFFF included).
size_t utf8_length(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) return 1;
  size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (b(i + 1) < lo || b(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
  }
  return n;
}

std::string hex_byte(unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", c);
  return buf;
}

const char* file_kind(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

std::string too_large(const std::string& what, const std::string& path) {
  return "the " + what + " " + path + " is larger than " +
         std::to_string(kMaxInputBytes / (1024 * 1024)) + " MiB, the limit for input files";
}

}  // namespace

std::optional<InputProblem> check_json_input(std::string_view text) {
  enum class State { Code, String, LineComment, BlockComment };
  State state = State::Code;
  int depth = 0;
  for (size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '\0') return InputProblem{i, "the file holds a NUL byte"};
    const size_t n = utf8_length(text, i);
    if (n == 0) {
      return InputProblem{i, "the file is not valid UTF-8: byte " +
                                 hex_byte(static_cast<unsigned char>(c)) +
                                 " does not belong here"};
    }
    switch (state) {
      case State::Code:
        if (c == '"') {
          state = State::String;
        } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
          state = State::LineComment;
          ++i;
        } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '*') {
          state = State::BlockComment;
          ++i;
        } else if (c == '[' || c == '{') {
          if (++depth > kMaxJsonDepth) {
            return InputProblem{i, "arrays and objects are nested deeper than " +
                                       std::to_string(kMaxJsonDepth) + " levels"};
          }
        } else if (c == ']' || c == '}') {
          --depth;
        }
        break;
      case State::String:
        if (c == '\\') {
          if (i + 1 < text.size() && text[i + 1] == '\0') {
            return InputProblem{i + 1, "the file holds a NUL byte"};
          }
          if (i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) < 0x80) ++i;
        } else if (c == '"') {
          state = State::Code;
        }
        break;
      case State::LineComment:
        if (c == '\n') state = State::Code;
        break;
      case State::BlockComment:
        if (c == '*' && i + 1 < text.size() && text[i + 1] == '/') {
          state = State::Code;
          ++i;
        }
        break;
    }
    i += n;
  }
  return std::nullopt;
}

std::string strip_bom(std::string text) {
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
  return text;
}

Result<std::string> read_input_file(const std::string& path, const std::string& what) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    return Error{"cannot read the " + what + " " + path + ": " + std::strerror(errno)};
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const std::string why = std::strerror(errno);
    ::close(fd);
    return Error{"cannot read the " + what + " " + path + ": " + why};
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return Error{"the " + what + " " + path + " is " + file_kind(st.st_mode) +
                 ", not a regular file"};
  }
  if (static_cast<unsigned long long>(st.st_size) > kMaxInputBytes) {
    ::close(fd);
    return Error{too_large(what, path)};
  }
  std::string text;
  text.reserve(static_cast<size_t>(st.st_size));
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const std::string why = std::strerror(errno);
      ::close(fd);
      return Error{"error while reading the " + what + " " + path + ": " + why};
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
    if (text.size() > kMaxInputBytes) {  // it grew while being read
      ::close(fd);
      return Error{too_large(what, path)};
    }
  }
  ::close(fd);
  return text;
}

}  // namespace dpc
