#include "core/json_positions.h"

#include <cctype>

namespace dpc {

namespace {

/// A forward-only scanner over JSON with comments, recording positions.
class PositionScanner {
 public:
  PositionScanner(const std::string& text, std::map<std::string, TextPosition>& out)
      : t_(text), out_(out) {}

  void run() {
    skip_space();
    if (i_ < t_.size()) value("", here());
  }

 private:
  /// The position of index i_, tracked incrementally (the scan only moves forward).
  TextPosition here() {
    while (seen_ < i_ && seen_ < t_.size()) {
      unsigned char c = static_cast<unsigned char>(t_[seen_]);
      if (c == '\n') {
        ++pos_.line;
        pos_.column = 1;
      } else if ((c & 0xC0) != 0x80) {
        ++pos_.column;
      }
      ++seen_;
    }
    return pos_;
  }

  void skip_space() {
    while (i_ < t_.size()) {
      unsigned char c = static_cast<unsigned char>(t_[i_]);
      if (std::isspace(c)) {
        ++i_;
      } else if (t_.compare(i_, 2, "//") == 0) {
        size_t end = t_.find('\n', i_);
        i_ = end == std::string::npos ? t_.size() : end + 1;
      } else if (t_.compare(i_, 2, "/*") == 0) {
        size_t end = t_.find("*/", i_ + 2);
        i_ = end == std::string::npos ? t_.size() : end + 2;
      } else {
        return;
      }
    }
  }

  /// Reads a string at i_ (which is '"'); returns its text with the simple
  /// escapes decoded (\uXXXX kept as written: only used to name paths).
  bool string(std::string* out) {
    ++i_;
    while (i_ < t_.size()) {
      char c = t_[i_++];
      if (c == '"') return true;
      if (c == '\\' && i_ < t_.size()) {
        char e = t_[i_++];
        switch (e) {
          case 'n': c = '\n'; break;
          case 't': c = '\t'; break;
          case 'r': c = '\r'; break;
          case 'b': c = '\b'; break;
          case 'f': c = '\f'; break;
          case 'u':
            if (out) *out += "\\u";
            continue;
          default: c = e; break;
        }
      }
      if (out) *out += c;
    }
    return false;
  }

  bool value(const std::string& path, TextPosition at) {
    out_[path] = at;
    if (i_ >= t_.size()) return false;
    const char c = t_[i_];
    if (c == '{') return object(path);
    if (c == '[') return array(path);
    if (c == '"') return string(nullptr);
    const size_t start = i_;
    while (i_ < t_.size()) {
      const char d = t_[i_];
      if (d == ',' || d == ']' || d == '}' || d == '/' ||
          std::isspace(static_cast<unsigned char>(d))) {
        break;
      }
      ++i_;
    }
    return i_ > start;
  }

  bool object(const std::string& path) {
    ++i_;
    skip_space();
    if (i_ < t_.size() && t_[i_] == '}') {
      ++i_;
      return true;
    }
    while (i_ < t_.size()) {
      skip_space();
      if (i_ >= t_.size() || t_[i_] != '"') return false;
      const TextPosition key_at = here();
      std::string key;
      if (!string(&key)) return false;
      skip_space();
      if (i_ >= t_.size() || t_[i_] != ':') return false;
      ++i_;
      skip_space();
      if (!value(json_path_key(path, key), key_at)) return false;
      skip_space();
      if (i_ >= t_.size()) return false;
      if (t_[i_] == ',') {
        ++i_;
        continue;
      }
      if (t_[i_] == '}') {
        ++i_;
        return true;
      }
      return false;
    }
    return false;
  }

  bool array(const std::string& path) {
    ++i_;
    skip_space();
    if (i_ < t_.size() && t_[i_] == ']') {
      ++i_;
      return true;
    }
    size_t index = 0;
    while (i_ < t_.size()) {
      skip_space();
      if (!value(json_path_index(path, index++), here())) return false;
      skip_space();
      if (i_ >= t_.size()) return false;
      if (t_[i_] == ',') {
        ++i_;
        continue;
      }
      if (t_[i_] == ']') {
        ++i_;
        return true;
      }
      return false;
    }
    return false;
  }

  const std::string& t_;
  std::map<std::string, TextPosition>& out_;
  size_t i_ = 0;
  size_t seen_ = 0;
  TextPosition pos_;
};

/// "a.b[2].c" -> "a.b[2]" -> "a.b" -> "a" -> "".
std::string parent_path(const std::string& path) {
  const size_t cut = path.find_last_of(".[");
  return cut == std::string::npos ? std::string() : path.substr(0, cut);
}

}  // namespace

std::map<std::string, TextPosition> json_positions(const std::string& text) {
  std::map<std::string, TextPosition> out;
  PositionScanner(text, out).run();
  return out;
}

TextPosition position_of(const std::map<std::string, TextPosition>& positions,
                         const std::string& path) {
  std::string p = path;
  while (true) {
    auto it = positions.find(p);
    if (it != positions.end()) return it->second;
    if (p.empty()) return TextPosition{0, 0};
    p = parent_path(p);
  }
}

}  // namespace dpc
