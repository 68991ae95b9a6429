#include "real-backend/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace dpc::real {

namespace {

std::string errno_text(int err) { return std::strerror(err); }

Status write_all(int fd, const std::string& content, const std::string& path) {
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      return Error{"cannot write " + path + ": " + errno_text(err)};
    }
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

}  // namespace

Status write_file_atomic(const std::string& path, const std::string& content, int mode,
                         bool force_mode) {
  struct stat existing {};
  if (!force_mode && ::stat(path.c_str(), &existing) == 0) mode = existing.st_mode & 07777;
  std::string tmp = path + ".dpctmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    int err = errno;
    std::string dir = std::filesystem::path(path).parent_path().string();
    if (err == ENOENT) {
      return Error{"cannot write " + path + ": its directory " + dir +
                   " does not exist (an instance's directory is created by dminit)"};
    }
    return Error{"cannot write " + path + ": " + errno_text(err)};
  }
  Status st = write_all(fd, content, path);
  if (st.ok() && ::fchmod(fd, static_cast<mode_t>(mode)) != 0) {
    int err = errno;
    st = Error{"cannot set the mode of " + path + ": " + errno_text(err)};
  }
  if (st.ok() && ::fsync(fd) != 0) {
    int err = errno;
    st = Error{"cannot flush " + path + ": " + errno_text(err)};
  }
  ::close(fd);
  if (st.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    st = Error{"cannot replace " + path + ": " + errno_text(err)};
  }
  if (!st.ok()) ::unlink(tmp.c_str());
  return st;
}

Status append_file(const std::string& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    int err = errno;
    return Error{"cannot append to " + path + ": " + errno_text(err)};
  }
  Status st = write_all(fd, text, path);
  ::close(fd);
  return st;
}

Result<std::string> read_whole_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    return Error{"cannot read " + path + ": " + errno_text(err)};
  }
  std::string out;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return Error{"cannot read " + path + ": " + errno_text(err)};
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

Status create_private_dir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::path p(dir);
  std::filesystem::path built;
  for (const auto& part : p) {
    built /= part;
    if (std::filesystem::is_directory(built, ec)) continue;
    if (::mkdir(built.c_str(), 0700) != 0) {
      int err = errno;
      if (err == EEXIST && std::filesystem::is_directory(built, ec)) continue;  // made meanwhile
      return Error{"cannot create the directory " + built.string() + ": " +
                   (err == EEXIST ? std::string("something that is not a directory is in the way")
                                  : errno_text(err))};
    }
  }
  return Status::Ok();
}

std::string absolute_path(const std::string& path) {
  if (path.empty()) return path;
  std::error_code ec;
  auto abs = std::filesystem::absolute(path, ec);
  return ec ? path : abs.lexically_normal().string();
}

}  // namespace dpc::real
