// The state directory of a real deployment (--state-dir): dpcctl's journal,
// the logs, pid files and consoles of the servers it starts (logs/, run/),
// and transient PARFILEs holding the SYSDBA password (secrets/). Everything
// that guards it is here, for every command that uses it:
//
// - one run at a time: an exclusive flock(2) on <dir>/lock, which holds the
//   pid of the run that has it; a second run is refused at once, naming
//   that pid (the lock goes with the process, however it ends);
// - private: the directory and every directory below it 0700, every file
//   0600 (they are tightened when found wider);
// - no symbolic links: the directory itself and every entry below it must
//   not be one (a planted `secrets` link would send the PARFILE elsewhere);
// - secrets/ emptied when a run starts, when it is interrupted, and when
//   it ends (release).
//
// POSIX only (Linux); a StateDir belongs to one thread. Not copyable;
// movable. Releasing (destruction) unlocks.
#pragma once

#include <string>

#include "core/result.h"

namespace dpc {

class StateDir {
 public:
  /// Creates `dir` (and missing parents) 0700 when absent, checks it and
  /// everything in it (see above), takes the lock and empties secrets/.
  /// Errors name the path and what to do.
  static Result<StateDir> acquire(const std::string& dir);

  StateDir(StateDir&& other) noexcept;
  StateDir& operator=(StateDir&& other) noexcept;
  StateDir(const StateDir&) = delete;
  StateDir& operator=(const StateDir&) = delete;
  ~StateDir();

  const std::string& path() const { return dir_; }

  /// <dir>/<name>, created 0700 when absent; refused when it is a symbolic
  /// link or not a directory.
  Result<std::string> subdir(const std::string& name) const;

  /// Removes every file in secrets/; the number removed.
  int remove_secrets() const;

  /// The pid written in <dir>/lock, or 0 (used to name the holder).
  static int lock_holder(const std::string& dir);

 private:
  StateDir(std::string dir, int fd) : dir_(std::move(dir)), fd_(fd) {}
  std::string dir_;
  int fd_ = -1;  ///< the locked <dir>/lock, -1 once released
};

/// Checks `dir` and everything below it: no symbolic link anywhere, no
/// entry owned by another user; tightens directories to 0700 and other
/// entries to 0600. The first problem names its path.
Status secure_state_tree(const std::string& dir);

}  // namespace dpc
