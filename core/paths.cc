#include "core/paths.h"

namespace dpc {

OsKind path_style(const std::string& path) {
  if (path.find('\\') != std::string::npos) return OsKind::Windows;
  if (path.size() >= 2 && path[1] == ':') return OsKind::Windows;
  return OsKind::Linux;
}

std::string path_join(OsKind os, const std::string& dir, const std::string& name) {
  const char sep = os == OsKind::Windows ? '\\' : '/';
  if (dir.empty()) return name;
  if (dir.back() == '/' || dir.back() == '\\') return dir + name;
  return dir + sep + name;
}

std::string path_parent(const std::string& path) {
  size_t cut = path.find_last_of(path_style(path) == OsKind::Windows ? "\\/" : "/");
  if (cut == std::string::npos) return "";
  if (cut == 0) return path.substr(0, 1);
  return path.substr(0, cut);
}

std::string db_dir(const Instance& inst) { return path_join(inst.os, inst.path, "DAMENG"); }

std::string db_file(const Instance& inst, const std::string& file) {
  return path_join(inst.os, db_dir(inst), file);
}

}  // namespace dpc
