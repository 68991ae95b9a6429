#include "core/step_effect.h"

#include <strings.h>

#include <set>

#include "core/ini.h"
#include "core/paths.h"

namespace dpc {
namespace {

/// Whether a step of `kind` for `instance` after `index` is journal-done.
bool later_done(const Plan& plan, int index, const std::string& instance, StepKind kind,
                const Journal& journal) {
  for (size_t i = static_cast<size_t>(index) + 1; i < plan.steps.size(); ++i) {
    const Step& s = plan.steps[i];
    if (s.instance == instance && s.kind == kind && journal.done(s.id)) return true;
  }
  return false;
}

/// The quoted text after `keyword '` in a dmrman CTLSTMT, e.g. BACKUPSET '<dir>'.
std::string quoted_after(const std::string& text, const std::string& keyword) {
  size_t k = text.find(keyword + " '");
  if (k == std::string::npos) return "";
  size_t b = k + keyword.size() + 2;
  size_t e = text.find('\'', b);
  return e == std::string::npos ? "" : text.substr(b, e - b);
}

}  // namespace

std::string arg_value(const std::vector<std::string>& args, const std::string& key) {
  for (const auto& a : args) {
    size_t eq = a.find('=');
    if (eq != std::string::npos && strncasecmp(a.c_str(), key.c_str(), key.size()) == 0 &&
        eq == key.size()) {
      return a.substr(eq + 1);
    }
  }
  return "";
}

namespace {

EffectCheck said(bool holds, std::string why) {
  return {holds ? EffectCheck::State::Holds : EffectCheck::State::Absent, std::move(why)};
}

}  // namespace

EffectCheck local_effect(const StepEnv& env, const Plan& plan, int index, const Journal& journal) {
  Backend& b = *env.backend;
  const Step& step = plan.steps[static_cast<size_t>(index)];
  switch (step.kind) {
    case StepKind::InitInstance: {
      std::string path = arg_value(step.args, "path");
      OsKind os = path_style(path);
      std::string ini = path_join(os, path_join(os, path, "DAMENG"), "dm.ini");
      bool holds = !path.empty() && b.exists(step.host, ini);
      return said(holds, holds ? ini + " exists" : ini + " is missing");
    }
    case StepKind::WriteFile: {
      auto text = b.read_file(step.host, step.path);
      bool holds = text.ok() && *text == step.content;
      return said(holds, holds ? step.path + " is as planned" : step.path + " differs");
    }
    case StepKind::EditIni: {
      auto text = b.read_file(step.host, step.path);
      if (!text.ok()) return said(false, step.path + " unreadable");
      auto ini = parse_ini(*text, step.path);
      if (!ini.ok()) return said(false, ini.message());
      for (const auto& [k, v] : step.ini_set) {
        if (ini->get(k) != v) return said(false, step.path + ": " + k + " is not " + v);
      }
      return said(true, step.path + " has the planned keys");
    }
    case StepKind::Backup: {
      std::string set = quoted_after(arg_value(step.args, "CTLSTMT"), "BACKUPSET");
      bool holds = !set.empty() && b.exists(step.host, set);
      return said(holds, holds ? "backup set " + set + " exists" : "backup set missing");
    }
    case StepKind::InstallDm: {
      // Repeating it is harmless: a DM home holding the package's build is
      // left alone. So it is never taken as done on the journal's word.
      return said(false, "the install step decides itself whether " + step.host + " needs DM");
    }
    case StepKind::CopyBackup: {
      // The copy is renamed into place only once verified: present = whole.
      bool holds = !step.path.empty() && b.exists(step.host, step.path);
      return said(holds, holds ? "backup set " + step.path + " is on " + step.host
                               : "backup set " + step.path + " is not on " + step.host);
    }
    case StepKind::StartServer: {
      if (b.server_running(step.instance)) return said(true, step.instance + " is running");
      bool exited = later_done(plan, index, step.instance, StepKind::ConsoleExit, journal);
      return said(exited, exited ? step.instance + " was started and exited by plan"
                                 : step.instance + " is not running");
    }
    case StepKind::Restore:
    case StepKind::UpdateDbMagic: {
      bool holds = b.server_running(step.instance) ||
                   later_done(plan, index, step.instance, StepKind::StartServer, journal);
      return said(holds, holds ? step.instance + " was restored and started since"
                               : "run again (the instance was not started since)");
    }
    case StepKind::ConsoleExit:
    case StepKind::ConsoleExitAll: {
      std::vector<std::string> insts = step.wait.instances;
      if (!step.instance.empty() && step.kind == StepKind::ConsoleExit) insts = {step.instance};
      bool all_down = true;
      for (const auto& i : insts) all_down = all_down && !b.server_running(i);
      bool restarted = !step.instance.empty() &&
                       later_done(plan, index, step.instance, StepKind::StartServer, journal);
      bool holds = all_down || restarted;
      return said(holds, holds ? "already exited" : "still running");
    }
    case StepKind::RunSql:
    case StepKind::Verify:
    case StepKind::WaitState:
      break;
  }
  return {EffectCheck::State::Unknown, "cannot be observed after the fact"};
}

bool superseded(const StepEnv& env, const Plan& plan, int index, const Journal& journal,
                std::string* by) {
  const std::string& id = plan.steps[static_cast<size_t>(index)].id;
  std::set<std::string> reached{id};
  // Plan order is topological: one forward pass finds every dependent.
  for (size_t j = static_cast<size_t>(index) + 1; j < plan.steps.size(); ++j) {
    const Step& s = plan.steps[j];
    bool depends = false;
    for (const auto& d : s.deps) depends = depends || reached.count(d) > 0;
    if (!depends) continue;
    reached.insert(s.id);
    if (!journal.done(s.id)) continue;
    if (local_effect(env, plan, static_cast<int>(j), journal).state == EffectCheck::State::Holds) {
      if (by) *by = s.id;
      return true;
    }
  }
  return false;
}

void check_effect(const StepEnv& env, const Plan& plan, int index, const Journal& journal,
                  std::function<void(EffectCheck)> done) {
  Backend& b = *env.backend;
  const Step& step = plan.steps[static_cast<size_t>(index)];
  if (step.kind == StepKind::RunSql && !step.guard_query.empty()) {
    return b.sql(step.endpoint, step.guard_query, [done, q = step.guard_query](Result<Rows> rows) {
      if (!rows.ok()) return done({EffectCheck::State::Unknown, "cannot check (" + rows.message() + ")"});
      bool holds = !rows->rows.empty();
      done(said(holds, holds ? "already present (" + q + ")" : "not present (" + q + ")"));
    });
  }
  EffectCheck c = local_effect(env, plan, index, journal);
  b.call_at(b.now(), [done, c]() { done(c); });
}

}  // namespace dpc
