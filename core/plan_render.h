// Renderings of a Plan: `text` for people (numbered steps and their deps),
// `json` for machines (the DAG; plan_from_json reads it back, so a journal
// can store the plan it ran), `sh` (a POSIX shell runbook for a Linux DM
// host) and `cmd` (a Windows batch runbook in the manual's own style).
// The runbooks never contain the SYSDBA password: they read it from the
// environment variable (or file) the topology names, at run time.
// Each format lives in its own plan_render_<format>.cc. Pure functions; no
// I/O; no threading concerns.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/plan.h"
#include "core/result.h"
#include "core/topology.h"

namespace dpc {

enum class PlanFormat { Text, Json, Sh, Cmd };

/// "text", "json", "sh", "cmd" -> the format; nullopt for anything else.
std::optional<PlanFormat> parse_plan_format(const std::string& name);

/// The plan in `format`. `topo` is the topology the plan was built from
/// (the runbooks take DM_HOME, the password source and the instances'
/// SQL ports from it).
std::string render_plan(const Plan& plan, const Topology& topo, PlanFormat format);

std::string render_plan_text(const Plan& plan);
std::string render_plan_sh(const Plan& plan, const Topology& topo);
std::string render_plan_cmd(const Plan& plan, const Topology& topo);

/// A tool or server step's command line as the manual prints it: the
/// program, then each argument; an argument holding a space is written
/// KEY="VALUE" (`dmrman CTLSTMT="BACKUP DATABASE '...' ..." USE_AP=2`).
std::string manual_command_line(const Step& step);

/// The plan as JSON: {"cluster", "stop", "steps": [...]}, every Step field
/// that is set (kind-specific fields only when non-empty).
nlohmann::json plan_to_json(const Plan& plan);

/// Reads plan_to_json's output back. Errors name the step (index and id)
/// and the field: unknown kinds, missing ids, duplicate ids, deps on a step
/// that does not come earlier.
Result<Plan> plan_from_json(const nlohmann::json& json);

}  // namespace dpc
