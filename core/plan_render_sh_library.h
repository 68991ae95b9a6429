// Internal to core/plan_render_sh*.cc: the function library of the sh
// runbook, its fixed part. render_plan_sh() puts kBase (with the topology's
// dpc_ini after it) at the top of every runbook, and kCopy / kInstall only
// when the plan has steps that use them; each step's block calls these
// functions. Constant text; no threading concerns.
#pragma once

namespace dpc::sh_library {

/// say, die, step, is_running, run_tool, run_dminit, write_file, set_ini,
/// run_sql, expect_names, wait_state, start_server, console, exit_server,
/// exit_all, exit_remaining and their helpers: every runbook has them.
extern const char* const kBase;

/// copy_backup: only in runbooks whose plan carries a backup set between hosts.
extern const char* const kCopy;

/// install_dm: only in runbooks whose plan installs DM on a host.
extern const char* const kInstall;

}  // namespace dpc::sh_library
