// The state directory: lock, permissions, symbolic links (state_dir.h).
#include "core/state_dir.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace dpc {

namespace {

std::string errno_text(int err) { return std::strerror(err); }

const char* kSymlinkHint =
    "dpcctl does not follow symbolic links in its state directory (one could send the password "
    "file elsewhere); remove the link, or choose another --state-dir";

/// Creates `dir` and its missing parents, each new one 0700; refuses a
/// symbolic link at `dir` itself.
Status make_private_dir(const std::string& dir) {
  std::string built;
  size_t pos = 0;
  while (pos <= dir.size()) {
    const size_t slash = dir.find('/', pos);
    const size_t end = slash == std::string::npos ? dir.size() : slash;
    built = dir.substr(0, end);
    pos = end + 1;
    if (built.empty()) continue;  // the root of an absolute path
    struct stat st {};
    if (::lstat(built.c_str(), &st) == 0) {
      if (S_ISLNK(st.st_mode) && built == dir) {
        return Error{"the state directory " + dir + " is a symbolic link; " + kSymlinkHint};
      }
      if (S_ISDIR(st.st_mode) || (S_ISLNK(st.st_mode) && built != dir)) continue;
      return Error{"cannot use " + built + " as a directory: something that is not a directory "
                   "is in the way (choose another --state-dir)"};
    }
    if (::mkdir(built.c_str(), 0700) != 0 && errno != EEXIST) {
      const int err = errno;
      return Error{"cannot create the state directory " + built + ": " + errno_text(err) +
                   " (choose another with --state-dir)"};
    }
  }
  return Status::Ok();
}

Status secure_entry(const std::string& path, const struct stat& st) {
  if (S_ISLNK(st.st_mode)) return Error{path + " is a symbolic link; " + kSymlinkHint};
  if (st.st_uid != ::geteuid()) {
    return Error{path + " belongs to another user (uid " + std::to_string(st.st_uid) +
                 "); the state directory must be this user's alone (choose another --state-dir)"};
  }
  const mode_t want = S_ISDIR(st.st_mode) ? 0700 : 0600;
  if ((st.st_mode & 07777) != want && (st.st_mode & 077) != 0) {
    if (::chmod(path.c_str(), (st.st_mode & 0700) & want) != 0) {
      const int err = errno;
      return Error{"cannot make " + path + " private (chmod): " + errno_text(err)};
    }
  }
  return Status::Ok();
}

Status secure_tree(const std::string& dir, int depth) {
  if (depth > 8) return Error{dir + " is nested too deep for a state directory"};
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    const int err = errno;
    return Error{"cannot read the state directory " + dir + ": " + errno_text(err)};
  }
  std::vector<std::string> subdirs;
  Status result = Status::Ok();
  while (dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    const std::string path = dir + "/" + name;
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) continue;  // removed meanwhile
    result = secure_entry(path, st);
    if (!result) break;
    if (S_ISDIR(st.st_mode)) subdirs.push_back(path);
  }
  ::closedir(d);
  if (!result) return result;
  for (const auto& sub : subdirs) {
    Status st = secure_tree(sub, depth + 1);
    if (!st) return st;
  }
  return Status::Ok();
}

}  // namespace

Status secure_state_tree(const std::string& dir) {
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) {
    const int err = errno;
    return Error{"cannot read the state directory " + dir + ": " + errno_text(err)};
  }
  if (!S_ISDIR(st.st_mode) && !S_ISLNK(st.st_mode)) {
    return Error{"the state directory " + dir + " is not a directory (choose another --state-dir)"};
  }
  if (Status s = secure_entry(dir, st); !s) return s;
  return secure_tree(dir, 0);
}

int StateDir::lock_holder(const std::string& dir) {
  const int fd = ::open((dir + "/lock").c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return 0;
  char buf[32] = {0};
  const ssize_t n = ::read(fd, buf, sizeof buf - 1);
  ::close(fd);
  return n > 0 ? std::atoi(buf) : 0;
}

Result<StateDir> StateDir::acquire(const std::string& dir_in) {
  std::string dir = dir_in;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  if (dir.empty()) return Error{"no state directory given (--state-dir DIR)"};
  if (Status s = make_private_dir(dir); !s) return s.error();
  if (Status s = secure_state_tree(dir); !s) return s.error();
  const std::string lock = dir + "/lock";
  const int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    const int err = errno;
    return Error{"cannot open the lock file " + lock + ": " + errno_text(err)};
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd);
    if (err != EWOULDBLOCK) return Error{"cannot lock " + lock + ": " + errno_text(err)};
    const int holder = lock_holder(dir);
    return Error{"the state directory " + dir + " is in use by another dpcctl run" +
                 (holder > 0 ? " (pid " + std::to_string(holder) + ")" : std::string()) +
                 "; wait for it to end, or use another --state-dir"};
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    const int err = errno;
    ::close(fd);
    return Error{"cannot write the lock file " + lock + ": " + errno_text(err)};
  }
  StateDir out(dir, fd);
  out.remove_secrets();  // a killed run's leftovers
  return out;
}

StateDir::StateDir(StateDir&& other) noexcept : dir_(std::move(other.dir_)), fd_(other.fd_) {
  other.fd_ = -1;
}

StateDir& StateDir::operator=(StateDir&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    dir_ = std::move(other.dir_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

StateDir::~StateDir() {
  if (fd_ < 0) return;
  remove_secrets();  // whatever a tool that ended with the run left
  (void)::ftruncate(fd_, 0);  // no stale pid for the next reader
  ::close(fd_);               // releases the lock
}

Result<std::string> StateDir::subdir(const std::string& name) const {
  const std::string path = dir_ + "/" + name;
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (Status s = secure_entry(path, st); !s) return s.error();
    if (!S_ISDIR(st.st_mode)) {
      return Error{path + " is not a directory (remove it, or choose another --state-dir)"};
    }
    return path;
  }
  if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
    const int err = errno;
    return Error{"cannot create " + path + ": " + errno_text(err)};
  }
  return path;
}

int StateDir::remove_secrets() const {
  const std::string secrets = dir_ + "/secrets";
  struct stat st {};
  if (::lstat(secrets.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return 0;
  DIR* d = ::opendir(secrets.c_str());
  if (d == nullptr) return 0;
  int removed = 0;
  while (dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    if (::unlink((secrets + "/" + name).c_str()) == 0) ++removed;
  }
  ::closedir(d);
  return removed;
}

}  // namespace dpc
