// The scenario loader's field reader (sim/scenario/scenario_reader.h): the
// field table, diagnostics with positions, the typed getters and the checks
// of names against the topology and earlier marks.
#include "sim/scenario/scenario_reader.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "core/json_positions.h"
#include "core/json_text.h"
#include "sim/limits.h"

namespace dpc::sim::scenario_internal {
namespace {

using nlohmann::json;

std::string scalar_text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "NULL";
  if (v.is_boolean()) return v.get<bool>() ? "1" : "0";
  return v.dump();
}

}  // namespace

const std::map<std::string, std::vector<std::string>>& scenario_fields() {
  static const std::map<std::string, std::vector<std::string>> table = {
      {"top", {"$schema", "name", "description", "topology", "sim", "steps"}},
      {"sim", {"seed", "jitter_ms", "profile", "links", "dm", "fold_heartbeats"}},
      {"link", {"a", "b", "latency_ms", "jitter_ms", "loss", "one_way"}},
      {"step",
       {"do", "expect_error", "expect_output", "may_fail", "wait_until", "within_ms", "poll_ms", "expect", "hold",
        "for_ms", "mark", "at", "note"}},
      {"instance",
       {"instance", "status", "mode", "role", "process", "last_stop", "leader", "error_contains",
        "running", "halted", "valid", "dirty", "caught_up", "term", "min_term", "min_c_lsn"}},
      {"group", {"group", "leader", "no_leader", "open", "term", "min_term", "valid_members"}},
      {"sql", {"sql", "ok", "error_contains", "row_count", "has_row"}},
      {"sql_target", {"on", "query"}},
      {"catalog", {"catalog"}},
      {"catalog_target", {"on", "table", "where", "row", "count"}},
      {"elapsed", {"elapsed_since", "until", "at_most_ms", "at_least_ms"}},
      {"trace", {"trace", "count", "at_least", "at_most"}},
      {"trace_filter", {"kind", "instance", "detail_contains", "since"}},
  };
  return table;
}

std::string quoted_list(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : ", ") + ("\"" + w + "\"");
  return out;
}

void ScenarioReader::error(const std::string& path, std::string message, std::string hint) {
  Diagnostic d = error_at(path, std::move(message), std::move(hint));
  const TextPosition p = position_of(pos_, path);
  d.line = p.line;
  d.column = p.column;
  diags_.push_back(std::move(d));
}

int ScenarioReader::line_of(const std::string& path) const { return position_of(pos_, path).line; }

void ScenarioReader::check_fields(const json& obj, const std::string& path, const std::string& level) {
  const auto& known = scenario_fields().at(level);
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (std::find(known.begin(), known.end(), it.key()) != known.end()) continue;
    auto guess = closest_name(it.key(), known);
    error(json_path_key(path, it.key()), "unknown field \"" + it.key() + "\"",
          guess ? "did you mean \"" + *guess + "\"?" : "known fields here: " + quoted_list(known));
  }
}

std::optional<std::string> ScenarioReader::opt_string(const json& obj, const std::string& path,
                                      const std::string& key) {
  if (!obj.contains(key)) return std::nullopt;
  const json& v = obj.at(key);
  if (!v.is_string()) {
    error(json_path_key(path, key), "must be a string, not " + json_type_phrase(v),
          "write it in double quotes");
    return std::nullopt;
  }
  return v.get<std::string>();
}

/// A whole number in min_value..max_value (a JSON integer above INT64_MAX
/// is out of range too).
std::optional<int64_t> ScenarioReader::opt_int(const json& obj, const std::string& path, const std::string& key,
                               int64_t min_value, int64_t max_value) {
  if (!obj.contains(key)) return std::nullopt;
  const json& v = obj.at(key);
  const bool fits = v.is_number_integer() &&
                    !(v.is_number_unsigned() &&
                      v.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()));
  if (!fits || v.get<int64_t>() < min_value || v.get<int64_t>() > max_value) {
    const std::string range = max_value == std::numeric_limits<int64_t>::max()
                                  ? ">= " + std::to_string(min_value)
                                  : "from " + std::to_string(min_value) + " to " +
                                        std::to_string(max_value);
    error(json_path_key(path, key), "must be a whole number " + range + ", not " + v.dump(),
          max_value == kMaxVirtualWaitMs ? "24 virtual hours (86400000 ms) is the longest "
                                           "wait, hold or time bound"
                                         : "write a number without quotes");
    return std::nullopt;
  }
  return v.get<int64_t>();
}

/// A finite number in 0..max_value.
std::optional<double> ScenarioReader::opt_number(const json& obj, const std::string& path,
                                 const std::string& key, double max_value) {
  if (!obj.contains(key)) return std::nullopt;
  const json& v = obj.at(key);
  if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() < 0 ||
      v.get<double>() > max_value) {
    std::ostringstream max;
    max << max_value;
    error(json_path_key(path, key), "must be a number from 0 to " + max.str() + ", not " + v.dump(),
          "write a number without quotes");
    return std::nullopt;
  }
  return v.get<double>();
}

std::optional<bool> ScenarioReader::opt_bool(const json& obj, const std::string& path, const std::string& key) {
  if (!obj.contains(key)) return std::nullopt;
  const json& v = obj.at(key);
  if (!v.is_boolean()) {
    error(json_path_key(path, key), "must be true or false, not " + v.dump(), "");
    return std::nullopt;
  }
  return v.get<bool>();
}

std::optional<std::string> ScenarioReader::opt_enum(const json& obj, const std::string& path,
                                    const std::string& key, const std::vector<std::string>& allowed) {
  auto v = opt_string(obj, path, key);
  if (!v) return std::nullopt;
  if (std::find(allowed.begin(), allowed.end(), *v) == allowed.end()) {
    auto guess = closest_name(*v, allowed);
    error(json_path_key(path, key), "\"" + *v + "\" is not one of " + quoted_list(allowed),
          guess ? "did you mean \"" + *guess + "\"?" : "");
    return std::nullopt;
  }
  return v;
}

std::map<std::string, std::string> ScenarioReader::string_map(const json& obj, const std::string& path,
                                              const std::string& key) {
  std::map<std::string, std::string> out;
  if (!obj.contains(key)) return out;
  const json& v = obj.at(key);
  if (!v.is_object()) {
    error(json_path_key(path, key), "must be an object of column: value, not " + json_type_phrase(v),
          "e.g. {\"NAME\": \"BP11\"}");
    return out;
  }
  for (auto it = v.begin(); it != v.end(); ++it) {
    if (it.value().is_object() || it.value().is_array()) {
      error(json_path_key(json_path_key(path, key), it.key()), "must be a string, number or null",
            "");
      continue;
    }
    out[it.key()] = scalar_text(it.value());
  }
  return out;
}

void ScenarioReader::check_instance(const std::string& name, const std::string& path) {
  if (!topo_ || name.empty() || topo_->find_instance(name)) return;
  std::vector<std::string> names;
  for (const auto& i : topo_->instances) names.push_back(i.name);
  auto guess = closest_name(name, names);
  error(path, "no instance \"" + name + "\" in the topology",
        guess ? "did you mean \"" + *guess + "\"?" : "instances: " + quoted_list(names));
}

void ScenarioReader::check_raft(const std::string& name, const std::string& path) {
  if (!topo_ || topo_->find_raft(name)) return;
  std::vector<std::string> names;
  for (const auto& r : topo_->rafts) names.push_back(r.name);
  auto guess = closest_name(name, names);
  error(path, "no RAFT group \"" + name + "\" in the topology",
        guess ? "did you mean \"" + *guess + "\"?" : "groups: " + quoted_list(names));
}

void ScenarioReader::check_mark(const std::string& mark, const std::string& path) {
  if (mark.empty() || marks_.count(mark)) return;
  error(path, "no earlier step sets the mark \"" + mark + "\"",
        "add {\"mark\": \"" + mark + "\"} before this step");
}

}  // namespace dpc::sim::scenario_internal
