// Internal to the scenario loader (sim/scenario/scenario_*.cc): reading the
// fields of a scenario file with one error style. Every problem becomes a
// Diagnostic positioned at its JSON path (line and column); a getter returns
// nullopt for a field that is absent or wrong, so loading goes on and
// reports every problem at once. Names are checked against the topology
// and the marks set by earlier steps; conditions are read here too
// (scenario_reader_conditions.cc). The loader (scenario_parse.cc) derives
// from it. Not thread-safe: one reader per file being loaded.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/diagnostic.h"
#include "core/json_positions.h"
#include "core/topology.h"
#include "sim/scenario/scenario.h"

namespace dpc::sim::scenario_internal {

/// The field names known at each level of a scenario file ("top", "sim",
/// "step", "instance", "trace_filter", ...).
const std::map<std::string, std::vector<std::string>>& scenario_fields();

/// "a", "b", "c" (each in double quotes), for messages.
std::string quoted_list(const std::vector<std::string>& words);

class ScenarioReader {
 protected:
  /// An error at `path`, positioned from pos_.
  void error(const std::string& path, std::string message, std::string hint);
  int line_of(const std::string& path) const;
  /// Reports each key of `obj` unknown at `level`, with a "did you mean".
  void check_fields(const nlohmann::json& obj, const std::string& path, const std::string& level);

  // Typed getters: absent -> nullopt; wrong type -> an error and nullopt.
  std::optional<std::string> opt_string(const nlohmann::json& obj, const std::string& path, const std::string& key);
  /// A whole number in min_value..max_value (a JSON integer above INT64_MAX
  /// is out of range too).
  std::optional<int64_t> opt_int(const nlohmann::json& obj, const std::string& path, const std::string& key,
                                 int64_t min_value = 0, int64_t max_value = std::numeric_limits<int64_t>::max());
  /// A finite number in 0..max_value.
  std::optional<double> opt_number(const nlohmann::json& obj, const std::string& path, const std::string& key,
                                   double max_value);
  std::optional<bool> opt_bool(const nlohmann::json& obj, const std::string& path, const std::string& key);
  /// One of `allowed`.
  std::optional<std::string> opt_enum(const nlohmann::json& obj, const std::string& path, const std::string& key,
                                      const std::vector<std::string>& allowed);
  /// An object of column: scalar value, the values as text.
  std::map<std::string, std::string> string_map(const nlohmann::json& obj, const std::string& path,
                                                const std::string& key);

  // Names: reported when the topology (or the marks so far) lacks them.
  void check_instance(const std::string& name, const std::string& path);
  void check_raft(const std::string& name, const std::string& path);
  void check_mark(const std::string& mark, const std::string& path);

  // Conditions (scenario_reader_conditions.cc).
  TraceCheck trace_filter(const nlohmann::json& f, const std::string& path);
  Condition condition(const nlohmann::json& j, const std::string& path);

  std::map<std::string, TextPosition> pos_;  ///< where each JSON path is in the text
  std::vector<Diagnostic> diags_;
  std::set<std::string> marks_;        ///< set by the steps read so far
  const Topology* topo_ = nullptr;     ///< names are checked against it when set

 private:
  void instance_condition(const nlohmann::json& j, const std::string& path, Condition& c);
  void group_condition(const nlohmann::json& j, const std::string& path, Condition& c);
  void sql_condition(const nlohmann::json& j, const std::string& path, Condition& c);
  void catalog_condition(const nlohmann::json& j, const std::string& path, Condition& c);
  void elapsed_condition(const nlohmann::json& j, const std::string& path, Condition& c);
  void trace_condition(const nlohmann::json& j, const std::string& path, Condition& c);
};

}  // namespace dpc::sim::scenario_internal
