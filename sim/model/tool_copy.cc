// copy_backup_set(): a backup set carried from one host to another, as the
// plan's copy-backup step asks ([model] rules in docs/simulator.md).
#include <utility>

#include "sim/model/tools.h"

namespace dpc::sim {

void copy_backup_set(World& w, const std::string& from, const std::string& to,
                     const std::string& dir, std::function<void(Status)> done) {
  auto refuse = [&w, &done](std::string message) {
    w.loop.after(w.timing.tool_error, "tool.error",
                 [done, message = std::move(message)]() { done(Error{message}); });
  };
  Host* src = w.find_host(from);
  Host* dst = w.find_host(to);
  if (!src || !dst) return refuse("cannot copy " + dir + ": host " + (src ? to : from) + " is unknown");
  if (!src->up() || !dst->up()) {
    return refuse("cannot copy " + dir + " from " + from + " to " + to + ": host " +
                  (src->up() ? to : from) + " is down");
  }
  BackupSet* set = src->backup(dir);
  if (!set) return refuse("cannot copy " + dir + ": there is no backup set in it on host " + from);
  // [model] copy_backup: the copy lands whole (files and set) when it starts,
  // and completes after the profile's backup duration.
  dst->remove_tree(dir);
  dst->make_dirs(dir);
  for (const std::string& file : src->files_under(dir)) {
    auto text = src->read(file);
    if (!text) continue;
    dst->make_dirs(Host::parent(file));
    (void)dst->write(file, *text);
  }
  dst->put_backup(dir, *set);
  w.log("", "tool.copy", "backup set " + dir + " from " + from + " to " + to);
  w.loop.after(w.timing.backup, "tool.done", [&w, done, dir]() {
    w.log("", "tool.done", "copy " + dir);
    done(Status::Ok());
  });
}

}  // namespace dpc::sim
