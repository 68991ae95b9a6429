#include "core/backend.h"

#include <strings.h>

namespace dpc {

int Rows::column(const std::string& name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (strcasecmp(columns[i].c_str(), name.c_str()) == 0) return static_cast<int>(i);
  }
  return -1;
}

void Backend::copy_backup(const CopyRun& run, std::function<void(Status)> done) {
  const std::string message = "the " + name() + " backend cannot copy the backup set " + run.dir +
                              " from host " + run.from_host + " to host " + run.to_host;
  call_at(now(), [done = std::move(done), message]() { done(Error{message}); });
}

void Backend::install_dm(const InstallRun& run, std::function<void(Status)> done) {
  const std::string message = "the " + name() + " backend cannot install DM from " + run.package + " on host " +
                              run.host;
  call_at(now(), [done = std::move(done), message]() { done(Error{message}); });
}

}  // namespace dpc
