// Host: one simulated machine — its filesystem (text files and
// directories, paths in the host's own style), the databases and backup
// sets inside it, the TCP ports its processes have bound, and whether it is
// up. Windows-style paths compare case-insensitively and accept either
// separator, as on Windows; Linux paths are case-sensitive.
//
// A crashed host keeps its disk: files, databases and backup sets survive;
// bound ports are released by the processes dying. Owned by SimCluster
// (sim/cluster.h). Single-threaded.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/result.h"
#include "sim/model/db_image.h"

namespace dpc::sim {

class Host {
 public:
  explicit Host(std::string name) : name_(std::move(name)) {}

  const std::string& name() const { return name_; }
  bool up() const { return up_; }
  void set_up(bool up) { up_ = up; }

  /// The form a path is stored under: separators unified, duplicates and a
  /// trailing separator removed, lower-case for Windows-style paths.
  static std::string key(const std::string& path);
  /// The parent directory of a path ("" at a root).
  static std::string parent(const std::string& path);

  // ---- Files and directories ------------------------------------------
  bool is_dir(const std::string& path) const;
  bool is_file(const std::string& path) const;
  bool exists(const std::string& path) const { return is_dir(path) || is_file(path); }
  /// A file's content, or an error naming the host and path.
  Result<std::string> read(const std::string& path) const;
  /// Writes a whole file; its directory must exist.
  Status write(const std::string& path, const std::string& content);
  /// Creates a directory and its missing parents.
  void make_dirs(const std::string& path);
  /// Removes a directory tree (files, directories, databases, backup sets).
  void remove_tree(const std::string& path);
  /// Files directly or indirectly under a directory, in path order.
  std::vector<std::string> files_under(const std::string& dir) const;

  // ---- Databases and backup sets ---------------------------------------
  /// The database in a DAMENG directory, or nullptr.
  DbImage* db(const std::string& db_dir);
  const DbImage* db(const std::string& db_dir) const;
  /// Creates (or replaces) the database of a directory. The reference stays
  /// valid until the directory is removed (tools never remove the directory
  /// of a running instance).
  DbImage& put_db(const std::string& db_dir, DbImage image);
  BackupSet* backup(const std::string& dir);
  void put_backup(const std::string& dir, BackupSet set);

  // ---- Ports -------------------------------------------------------------
  /// The process holding a port, or nullopt.
  std::optional<std::string> port_holder(int port) const;
  /// Binds a port for `holder`; false when it is taken.
  bool bind(int port, const std::string& holder);
  void release(int port);

 private:
  static bool windows_style(const std::string& path);

  std::string name_;
  bool up_ = true;
  std::set<std::string> dirs_;
  std::map<std::string, std::string> files_;
  std::map<std::string, DbImage> dbs_;
  std::map<std::string, BackupSet> backups_;
  std::map<int, std::string> ports_;
};

}  // namespace dpc::sim
