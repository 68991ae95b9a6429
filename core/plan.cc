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
    case StepKind::InstallDm: return "install-dm";
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

Plan sub_plan(const Plan& plan, const std::set<std::string>& ids) {
  Plan sub;
  sub.cluster = plan.cluster;
  sub.stop = plan.stop;
  for (const Step& s : plan.steps) {
    if (!ids.count(s.id)) continue;
    Step copy = s;
    copy.deps.clear();
    for (const std::string& d : s.deps) {
      if (ids.count(d)) copy.deps.push_back(d);
    }
    sub.steps.push_back(std::move(copy));
  }
  return sub;
}

Plan narrow_plan(const Plan& plan, const std::set<std::string>& done, const std::string& upto) {
  std::set<std::string> ids;
  if (upto.empty()) {
    for (const Step& s : plan.steps) {
      if (!done.count(s.id)) ids.insert(s.id);
    }
    return sub_plan(plan, ids);
  }
  std::vector<std::string> todo{upto};
  while (!todo.empty()) {
    std::string id = todo.back();
    todo.pop_back();
    const Step* s = plan.find(id);
    if (!s || done.count(id) || !ids.insert(id).second) continue;
    for (const std::string& d : s->deps) todo.push_back(d);
  }
  return sub_plan(plan, ids);
}

}  // namespace dpc
