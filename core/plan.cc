#include "core/plan.h"

namespace dpc {

const char* step_kind_name(StepKind kind) {
  switch (kind) {
    case StepKind::InitInstance: return "init";
    case StepKind::WriteFile: return "write";
    case StepKind::EditIni: return "edit-ini";
    case StepKind::StartServer: return "start";
    case StepKind::RunSql: return "sql";
    case StepKind::Verify: return "verify";
    case StepKind::Backup: return "backup";
    case StepKind::Restore: return "restore";
    case StepKind::UpdateDbMagic: return "update-magic";
    case StepKind::WaitState: return "wait";
    case StepKind::ConsoleExit: return "exit";
    case StepKind::ConsoleExitAll: return "exit-all";
    case StepKind::CopyBackup: return "copy-backup";
  }
  return "?";
}

const Step* Plan::find(const std::string& id) const {
  int i = index_of(id);
  return i < 0 ? nullptr : &steps[static_cast<size_t>(i)];
}

int Plan::index_of(const std::string& id) const {
  for (size_t i = 0; i < steps.size(); ++i) {
    if (steps[i].id == id) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace dpc
