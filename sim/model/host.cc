#include "sim/model/host.h"

#include <cctype>

namespace dpc::sim {

bool Host::windows_style(const std::string& path) {
  if (path.find('\\') != std::string::npos) return true;
  return path.size() >= 2 && path[1] == ':' && std::isalpha(static_cast<unsigned char>(path[0]));
}

std::string Host::key(const std::string& path) {
  const bool win = windows_style(path);
  const char sep = win ? '\\' : '/';
  std::string out;
  out.reserve(path.size());
  for (char c : path) {
    if (c == '/' || c == '\\') {
      if (!win && c == '\\') {
        out += c;
        continue;
      }
      if (!out.empty() && out.back() == sep) continue;
      out += sep;
    } else {
      out += win ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : c;
    }
  }
  while (out.size() > 1 && out.back() == sep) out.pop_back();
  return out;
}

std::string Host::parent(const std::string& path) {
  const std::string k = key(path);
  const char sep = windows_style(path) ? '\\' : '/';
  const size_t cut = k.find_last_of(sep);
  if (cut == std::string::npos) return "";
  if (cut == 0) return k == "/" ? "" : "/";
  return k.substr(0, cut);
}

namespace {
bool is_root(const std::string& k) {
  if (k == "/") return true;
  return k.size() == 2 && k[1] == ':';
}
}  // namespace

bool Host::is_dir(const std::string& path) const {
  const std::string k = key(path);
  return is_root(k) || dirs_.count(k) != 0;
}

bool Host::is_file(const std::string& path) const { return files_.count(key(path)) != 0; }

Result<std::string> Host::read(const std::string& path) const {
  auto it = files_.find(key(path));
  if (it == files_.end()) {
    if (is_dir(path)) return Error{"host " + name_ + ": " + path + " is a directory, not a file"};
    return Error{"host " + name_ + ": no such file " + path};
  }
  return it->second;
}

Status Host::write(const std::string& path, const std::string& content) {
  const std::string k = key(path);
  if (is_dir(path)) return Error{"host " + name_ + ": cannot write " + path + ": it is a directory"};
  const std::string dir = parent(path);
  if (dir.empty() || !is_dir(dir)) {
    return Error{"host " + name_ + ": cannot write " + path + ": directory " +
                 (dir.empty() ? std::string("(none)") : dir) + " does not exist"};
  }
  files_[k] = content;
  return Status::Ok();
}

void Host::make_dirs(const std::string& path) {
  std::string k = key(path);
  while (!k.empty() && !is_root(k)) {
    if (!dirs_.insert(k).second) break;
    k = parent(k);
  }
}

namespace {
template <typename Map>
void erase_under(Map& m, const std::string& dir, char sep) {
  auto it = m.lower_bound(dir);
  while (it != m.end()) {
    const std::string& k = it->first;
    if (k.compare(0, dir.size(), dir) != 0) break;
    if (k.size() == dir.size() || k[dir.size()] == sep) {
      it = m.erase(it);
    } else {
      ++it;
    }
  }
}
}  // namespace

void Host::remove_tree(const std::string& path) {
  const std::string k = key(path);
  const char sep = windows_style(path) ? '\\' : '/';
  erase_under(files_, k, sep);
  erase_under(dbs_, k, sep);
  erase_under(backups_, k, sep);
  auto it = dirs_.lower_bound(k);
  while (it != dirs_.end() && it->compare(0, k.size(), k) == 0) {
    if (it->size() == k.size() || (*it)[k.size()] == sep) {
      it = dirs_.erase(it);
    } else {
      ++it;
    }
  }
}

std::vector<std::string> Host::files_under(const std::string& dir) const {
  const std::string k = key(dir);
  const char sep = windows_style(dir) ? '\\' : '/';
  std::vector<std::string> out;
  for (auto it = files_.lower_bound(k); it != files_.end(); ++it) {
    if (it->first.compare(0, k.size(), k) != 0) break;
    if (it->first.size() > k.size() && it->first[k.size()] == sep) out.push_back(it->first);
  }
  return out;
}

DbImage* Host::db(const std::string& db_dir) {
  auto it = dbs_.find(key(db_dir));
  return it == dbs_.end() ? nullptr : &it->second;
}

const DbImage* Host::db(const std::string& db_dir) const {
  auto it = dbs_.find(key(db_dir));
  return it == dbs_.end() ? nullptr : &it->second;
}

DbImage& Host::put_db(const std::string& db_dir, DbImage image) {
  DbImage& slot = dbs_[key(db_dir)];
  slot = std::move(image);
  return slot;
}

BackupSet* Host::backup(const std::string& dir) {
  auto it = backups_.find(key(dir));
  return it == backups_.end() ? nullptr : &it->second;
}

void Host::put_backup(const std::string& dir, BackupSet set) { backups_[key(dir)] = std::move(set); }

std::optional<std::string> Host::port_holder(int port) const {
  auto it = ports_.find(port);
  if (it == ports_.end()) return std::nullopt;
  return it->second;
}

bool Host::bind(int port, const std::string& holder) {
  return ports_.emplace(port, holder).second;
}

void Host::release(int port) { ports_.erase(port); }

}  // namespace dpc::sim
