// The scenario loader (sim/scenario/scenario.h): shape checks with "did you mean",
// the topology and timing profile (inline or beside the file), conditions,
// and cross-references (instances, RAFT groups and marks that exist).
#include <algorithm>
#include <cmath>
#include <limits>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/input_text.h"
#include "core/json_positions.h"
#include "core/json_text.h"
#include "core/topology_load.h"
#include "sim/scenario/scenario.h"
#include "sim/session.h"
#include "sim/session_commands.h"

namespace dpc::sim {

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const std::map<std::string, std::vector<std::string>>& field_table() {
  static const std::map<std::string, std::vector<std::string>> table = {
      {"top", {"$schema", "name", "description", "topology", "sim", "steps"}},
      {"sim", {"seed", "jitter_ms", "profile", "links", "dm"}},
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

const std::vector<std::string> kConditionKeys = {"instance", "group",      "sql",
                                                 "catalog",  "elapsed_since", "trace",
                                                 "catalog_consistent", "all", "any", "not"};

/// The first words `do` accepts: the session's vocabulary (sim/session_commands.h).
std::vector<std::string> command_names() {
  std::vector<std::string> names;
  for (const SessionCommand& c : session_commands()) names.push_back(c.name);
  return names;
}

const std::vector<std::string> kStatuses = {"OPEN", "MOUNT", "SHUTDOWN", "STARTUP", "AFTER REDO",
                                            "SUSPEND"};
const std::vector<std::string> kModes = {"NORMAL", "PRIMARY", "STANDBY"};
const std::vector<std::string> kRoles = {"leader", "follower", "candidate", "none"};
const std::vector<std::string> kProcesses = {"stopped", "launching", "connecting", "booting",
                                             "running", "exiting"};
const std::vector<std::string> kStops = {"none", "exit", "halt", "crash", "refused"};

std::string quoted_list(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : ", ") + ("\"" + w + "\"");
  return out;
}

std::string file_stem(const std::string& file) { return fs::path(file).stem().string(); }

std::string scalar_text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "NULL";
  if (v.is_boolean()) return v.get<bool>() ? "1" : "0";
  return v.dump();
}

/// Whether `name` is a host or an instance of `topo` (an empty topology, one
/// that failed to load, accepts anything: its errors are reported already).
bool names_host_or_instance(const Topology& topo, const std::string& name) {
  return topo.instances.empty() || topo.find_instance(name) || topo.hosts().count(name);
}

class Loader {
 public:
  // Positions count from after a byte order mark, as an editor shows them.
  Loader(const std::string& text, std::string file) : text_(strip_bom(text)), file_(std::move(file)) {}

  ScenarioLoad load() {
    ScenarioLoad out;
    JsonText parsed = parse_json_text(text_);
    if (!parsed.ok()) {
      Diagnostic d = error_at("", "not valid JSON: " + parsed.error,
                              "fix the syntax at this line and column (comments are allowed)");
      d.line = parsed.position.line;
      d.column = parsed.position.column;
      out.diagnostics.push_back(d);
      return out;
    }
    pos_ = json_positions(text_);
    for (const auto& dup : parsed.duplicate_keys) {
      error(dup, "this key is written twice; only the last value would count",
            "keep one of them");
    }
    const json& root = *parsed.value;
    if (!root.is_object()) {
      error("", "a scenario must be a JSON object, not " + json_type_phrase(root),
            "start the file with { \"steps\": [...] }");
      out.diagnostics = std::move(diags_);
      return out;
    }
    Scenario s;
    s.file = file_;
    check_fields(root, "", "top");
    s.name = opt_string(root, "", "name").value_or(file_stem(file_));
    s.description = opt_string(root, "", "description").value_or("");
    load_topology(root, s);
    load_sim(root, s);
    load_steps(root, s);
    out.diagnostics = std::move(diags_);
    if (!has_errors(out.diagnostics)) out.scenario = std::move(s);
    return out;
  }

 private:
  // ---- Diagnostics ------------------------------------------------------------
  void error(const std::string& path, std::string message, std::string hint) {
    Diagnostic d = error_at(path, std::move(message), std::move(hint));
    const TextPosition p = position_of(pos_, path);
    d.line = p.line;
    d.column = p.column;
    diags_.push_back(std::move(d));
  }

  int line_of(const std::string& path) const { return position_of(pos_, path).line; }

  void check_fields(const json& obj, const std::string& path, const std::string& level) {
    const auto& known = field_table().at(level);
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      if (std::find(known.begin(), known.end(), it.key()) != known.end()) continue;
      auto guess = closest_name(it.key(), known);
      error(json_path_key(path, it.key()), "unknown field \"" + it.key() + "\"",
            guess ? "did you mean \"" + *guess + "\"?" : "known fields here: " + quoted_list(known));
    }
  }

  // ---- Typed getters: absent -> nullopt; wrong type -> an error and nullopt ----
  std::optional<std::string> opt_string(const json& obj, const std::string& path,
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
  std::optional<int64_t> opt_int(const json& obj, const std::string& path, const std::string& key,
                                 int64_t min_value = 0,
                                 int64_t max_value = std::numeric_limits<int64_t>::max()) {
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
  std::optional<double> opt_number(const json& obj, const std::string& path,
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

  std::optional<bool> opt_bool(const json& obj, const std::string& path, const std::string& key) {
    if (!obj.contains(key)) return std::nullopt;
    const json& v = obj.at(key);
    if (!v.is_boolean()) {
      error(json_path_key(path, key), "must be true or false, not " + v.dump(), "");
      return std::nullopt;
    }
    return v.get<bool>();
  }

  std::optional<std::string> opt_enum(const json& obj, const std::string& path,
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

  std::map<std::string, std::string> string_map(const json& obj, const std::string& path,
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

  // ---- Topology, sim ------------------------------------------------------------
  std::string relative_to_file(const std::string& p) const {
    fs::path path(p);
    if (path.is_absolute()) return p;
    return (fs::path(file_).parent_path() / path).lexically_normal().string();
  }

  void load_topology(const json& root, Scenario& s) {
    if (!root.contains("topology")) {
      error("topology", "missing field \"topology\"",
            "give a topology file relative to this file, e.g. \"topologies/local-7.2.json\", or an "
            "inline topology object");
      return;
    }
    const json& t = root.at("topology");
    LoadOutcome lo;
    const bool inline_topo = t.is_object();
    if (t.is_string()) {
      s.topology_source = relative_to_file(t.get<std::string>());
      lo = load_topology_file(s.topology_source);
    } else if (inline_topo) {
      s.topology_source = "<inline>";
      lo = load_topology_text(t.dump(), file_ + " (inline topology)");
    } else {
      error("topology", "must be a file name or an object, not " + json_type_phrase(t), "");
      return;
    }
    for (const auto& d : lo.diagnostics) {
      if (d.severity != Diagnostic::Severity::Error) continue;
      if (inline_topo) {
        error(json_path_key("topology", d.path), d.message, d.hint);
      } else {
        error("topology", s.topology_source + (d.path.empty() ? "" : ": " + d.path) + ": " + d.message,
              d.hint.empty() ? "run dpcctl validate " + s.topology_source : d.hint);
      }
    }
    if (lo.ok()) s.topology = std::move(*lo.topology);
  }

  void load_sim(const json& root, Scenario& s) {
    if (!root.contains("sim")) return;
    const json& sim = root.at("sim");
    if (!sim.is_object()) {
      error("sim", "must be an object, not " + json_type_phrase(sim), "e.g. {\"seed\": 1}");
      return;
    }
    check_fields(sim, "sim", "sim");
    if (auto v = opt_int(sim, "sim", "seed")) s.seed = static_cast<uint64_t>(*v);
    if (auto v = opt_int(sim, "sim", "jitter_ms", 0, kMaxJitterMs)) s.jitter_ms = *v;
    if (sim.contains("profile")) {
      const json& p = sim.at("profile");
      Result<TimingProfile> prof = Error{""};
      if (p.is_string()) {
        const std::string path = relative_to_file(p.get<std::string>());
        Result<std::string> text = read_input_file(path, "timing profile");
        if (!text) {
          error("sim.profile", text.message(),
                "give a path relative to this scenario file, or an inline object");
          return;
        }
        prof = parse_timing_profile(*text, path);
      } else if (p.is_object()) {
        prof = parse_timing_profile(p.dump(), "sim.profile");
      } else {
        error("sim.profile", "must be a file name or an object, not " + json_type_phrase(p), "");
        return;
      }
      if (prof.ok()) {
        s.profile = *prof;
      } else {
        error("sim.profile", prof.message(), "see docs/simulator.md for the profile's keys");
      }
    }
    if (sim.contains("dm")) {
      const json& d = sim.at("dm");
      auto setup = d.is_string() ? parse_dm_setup(d.get<std::string>())
                                 : Result<DmSetup>(Error{"must be a string, not " + json_type_phrase(d)});
      if (setup) s.dm = *setup;
      else error("sim.dm", setup.message(), "e.g. \"h2=none\" (docs/scenarios.md, sim)");
    }
    if (sim.contains("links")) {
      const json& links = sim.at("links");
      if (!links.is_array()) {
        error("sim.links", "must be an array of links", "e.g. [{\"a\": \"h1\", \"b\": \"h2\", \"latency_ms\": 5}]");
        return;
      }
      for (size_t i = 0; i < links.size(); ++i) {
        const std::string path = json_path_index("sim.links", i);
        const json& l = links[i];
        if (!l.is_object()) {
          error(path, "a link must be an object", "");
          continue;
        }
        check_fields(l, path, "link");
        LinkSetting ls;
        ls.a = opt_string(l, path, "a").value_or("");
        ls.b = opt_string(l, path, "b").value_or("");
        if (ls.a.empty() || ls.b.empty()) {
          error(path, "a link needs \"a\" and \"b\" (hosts or instances)", "");
        }
        for (const char* end : {"a", "b"}) {
          const std::string& name = std::string(end) == "a" ? ls.a : ls.b;
          if (!name.empty() && !names_host_or_instance(s.topology, name)) {
            error(json_path_key(path, end), "'" + name + "' is neither a host nor an instance of the topology",
                  "name a host (e.g. 127.0.0.1) or an instance (e.g. BP11) of " + s.topology.cluster);
          }
        }
        ls.latency_ms = opt_number(l, path, "latency_ms", kMaxLinkDelayMs).value_or(0);
        ls.jitter_ms = opt_number(l, path, "jitter_ms", kMaxLinkDelayMs).value_or(0);
        ls.loss = opt_number(l, path, "loss", 1).value_or(0);
        ls.one_way = opt_bool(l, path, "one_way").value_or(false);
        s.links.push_back(ls);
      }
    }
  }

  // ---- Steps ----------------------------------------------------------------------
  void load_steps(const json& root, Scenario& s) {
    if (!root.contains("steps")) {
      error("steps", "missing field \"steps\"", "list what to do: [{\"do\": \"deploy\"}, ...]");
      return;
    }
    const json& steps = root.at("steps");
    if (!steps.is_array() || steps.empty()) {
      error("steps", "must be a non-empty array of steps", "e.g. [{\"do\": \"deploy\"}]");
      return;
    }
    if (!s.topology.instances.empty()) topo_ = &s.topology;
    for (size_t i = 0; i < steps.size(); ++i) {
      s.steps.push_back(step(steps[i], json_path_index("steps", i)));
    }
  }

  ScenarioStep step(const json& j, const std::string& path) {
    ScenarioStep st;
    st.path = path;
    st.line = line_of(path);
    st.text = j.dump();
    if (!j.is_object()) {
      error(path, "a step must be an object", "e.g. {\"do\": \"deploy\"}");
      return st;
    }
    check_fields(j, path, "step");
    st.note = opt_string(j, path, "note").value_or("");
    int kinds = 0;
    for (const char* k : {"do", "wait_until", "expect", "hold", "mark"}) kinds += j.contains(k) ? 1 : 0;
    if (kinds != 1) {
      error(path, kinds == 0 ? "a step needs one of \"do\", \"wait_until\", \"expect\", \"hold\", \"mark\""
                             : "a step has exactly one of \"do\", \"wait_until\", \"expect\", \"hold\", \"mark\"",
            "split it into several steps");
      return st;
    }
    auto only_with = [&](const char* key, const char* kind) {
      if (j.contains(key)) {
        error(json_path_key(path, key), std::string("\"") + key + "\" belongs to a \"" + kind + "\" step", "");
      }
    };
    if (j.contains("do")) {
      st.kind = ScenarioStep::Kind::Do;
      st.command = opt_string(j, path, "do").value_or("");
      check_command(st.command, json_path_key(path, "do"));
      st.expect_error = opt_string(j, path, "expect_error");
      st.expect_output = opt_string(j, path, "expect_output");
      st.may_fail = opt_bool(j, path, "may_fail").value_or(false);
      if (st.expect_error && st.expect_output) {
        error(path, "a command cannot both fail (expect_error) and succeed (expect_output)", "");
      }
      if (st.may_fail && (st.expect_error || st.expect_output)) {
        error(json_path_key(path, "may_fail"), "\"may_fail\" leaves the outcome open; it cannot be combined with expect_error or expect_output",
              "drop one of them");
      }
    } else {
      only_with("expect_error", "do");
      only_with("expect_output", "do");
      only_with("may_fail", "do");
    }
    if (!j.contains("wait_until")) only_with("within_ms", "wait_until");
    if (!j.contains("hold")) only_with("for_ms", "hold");
    if (!j.contains("mark")) only_with("at", "mark");
    if (j.contains("wait_until")) {
      st.kind = ScenarioStep::Kind::WaitUntil;
      st.condition = condition(j.at("wait_until"), json_path_key(path, "wait_until"));
      auto within = opt_int(j, path, "within_ms", 1, kMaxVirtualWaitMs);
      if (!within) {
        if (!j.contains("within_ms")) {
          error(path, "a wait_until step needs \"within_ms\" (a virtual-time bound)",
                "add e.g. \"within_ms\": 5000");
        }
      } else {
        st.within_ms = *within;
      }
    } else if (j.contains("expect")) {
      st.kind = ScenarioStep::Kind::Expect;
      st.condition = condition(j.at("expect"), json_path_key(path, "expect"));
    } else if (j.contains("hold")) {
      st.kind = ScenarioStep::Kind::Hold;
      st.condition = condition(j.at("hold"), json_path_key(path, "hold"));
      auto f = opt_int(j, path, "for_ms", 1, kMaxVirtualWaitMs);
      if (!f) {
        if (!j.contains("for_ms")) {
          error(path, "a hold step needs \"for_ms\" (how long the condition must keep holding)",
                "add e.g. \"for_ms\": 10000");
        }
      } else {
        st.for_ms = *f;
      }
    } else if (j.contains("mark")) {
      st.kind = ScenarioStep::Kind::Mark;
      st.mark = opt_string(j, path, "mark").value_or("");
      if (st.mark.empty()) error(json_path_key(path, "mark"), "a mark needs a name", "");
      if (j.contains("at")) {
        const std::string at_path = json_path_key(path, "at");
        const json& at = j.at("at");
        if (!at.is_object()) {
          error(at_path, "must be a trace filter object", "e.g. {\"kind\": \"server.mount\", \"instance\": \"BP13\"}");
        } else {
          st.mark_at = trace_filter(at, at_path);
        }
      }
      marks_.insert(st.mark);
    }
    if (auto p = opt_int(j, path, "poll_ms", 1, kMaxVirtualWaitMs)) st.poll_ms = *p;
    return st;
  }

  /// A `do:` line is checked against the session's command table now, when
  /// the file loads: an unknown command, a wrong number of words or a name
  /// the topology lacks fails here, not halfway through a run.
  void check_command(const std::string& line, const std::string& path) {
    const std::vector<std::string> words = split_command(line);
    if (words.empty()) {
      error(path, "the command is empty", "write a shell command, e.g. \"deploy\"");
      return;
    }
    if (!find_session_command(words[0])) {
      const std::vector<std::string> names = command_names();
      auto guess = closest_name(words[0], names);
      error(path, "unknown command \"" + words[0] + "\"",
            guess ? "did you mean \"" + *guess + "\"?" : "commands: " + quoted_list(names));
      return;
    }
    if (!topo_) return;  // the topology's own errors are reported already
    if (words[0] == "ctl" && words.size() == 3 && (words[1] == "scale-out" || words[1] == "scale-in")) {
      learn_names(words[2], path);
    }
    const std::string why = check_session_command(words, *topo_);
    if (why.empty()) return;
    const size_t nl = why.find('\n');
    error(path, why.substr(0, nl), nl == std::string::npos ? "see docs/scenarios.md, \"Commands\"" : why.substr(nl + 1));
  }

  /// `ctl scale-out FILE`: the steps after it may name FILE's instances and
  /// groups; a FILE that does not load is an error here, not at run time.
  void learn_names(const std::string& file, const std::string& path) {
    if (!topo_) return;
    LoadOutcome lo = load_topology_file(relative_to_file(file));
    if (!lo.ok()) {
      error(path, file + " (relative to this file) is not a valid topology", "check it with: dpcctl validate " + file);
      return;
    }
    if (topo_ != &known_) known_ = *topo_;
    for (const Instance& i : lo.topology->instances) {
      if (!known_.find_instance(i.name)) known_.instances.push_back(i);
    }
    for (const RaftGroup& r : lo.topology->rafts) {
      if (!known_.find_raft(r.name)) known_.rafts.push_back(r);
    }
    topo_ = &known_;
  }

  // ---- Conditions -------------------------------------------------------------------
  void check_instance(const std::string& name, const std::string& path) {
    if (!topo_ || name.empty() || topo_->find_instance(name)) return;
    std::vector<std::string> names;
    for (const auto& i : topo_->instances) names.push_back(i.name);
    auto guess = closest_name(name, names);
    error(path, "no instance \"" + name + "\" in the topology",
          guess ? "did you mean \"" + *guess + "\"?" : "instances: " + quoted_list(names));
  }

  void check_raft(const std::string& name, const std::string& path) {
    if (!topo_ || topo_->find_raft(name)) return;
    std::vector<std::string> names;
    for (const auto& r : topo_->rafts) names.push_back(r.name);
    auto guess = closest_name(name, names);
    error(path, "no RAFT group \"" + name + "\" in the topology",
          guess ? "did you mean \"" + *guess + "\"?" : "groups: " + quoted_list(names));
  }

  void check_mark(const std::string& mark, const std::string& path) {
    if (mark.empty() || marks_.count(mark)) return;
    error(path, "no earlier step sets the mark \"" + mark + "\"",
          "add {\"mark\": \"" + mark + "\"} before this step");
  }

  TraceCheck trace_filter(const json& f, const std::string& path) {
    TraceCheck t;
    check_fields(f, path, "trace_filter");
    t.kind = opt_string(f, path, "kind").value_or("");
    t.instance = opt_string(f, path, "instance").value_or("");
    t.detail_contains = opt_string(f, path, "detail_contains").value_or("");
    t.since = opt_string(f, path, "since").value_or("");
    check_mark(t.since, json_path_key(path, "since"));
    if (t.kind.empty()) {
      error(path, "a trace filter needs \"kind\"", "a kind such as \"raft.leader\", or a prefix ending in '.' such as \"fault.\"");
    }
    return t;
  }

  Condition condition(const json& j, const std::string& path) {
    Condition c;
    c.path = path;
    c.line = line_of(path);
    c.text = j.dump();
    if (!j.is_object()) {
      error(path, "a condition must be an object", "e.g. {\"instance\": \"BP11\", \"status\": \"OPEN\"}");
      return c;
    }
    std::vector<std::string> present;
    for (const auto& k : kConditionKeys) {
      if (j.contains(k)) present.push_back(k);
    }
    if (present.size() != 1) {
      error(path,
            present.empty() ? "a condition needs one of " + quoted_list(kConditionKeys)
                            : "a condition has exactly one of " + quoted_list(kConditionKeys) +
                                  "; this one has " + quoted_list(present),
            "combine several with {\"all\": [...]}");
      return c;
    }
    const std::string& k = present[0];
    if (k == "instance") {
      c.kind = Condition::Kind::Instance;
      check_fields(j, path, "instance");
      InstanceCheck& i = c.instance;
      i.name = opt_string(j, path, "instance").value_or("");
      check_instance(i.name, json_path_key(path, "instance"));
      i.status = opt_enum(j, path, "status", kStatuses);
      i.mode = opt_enum(j, path, "mode", kModes);
      i.role = opt_enum(j, path, "role", kRoles);
      i.process = opt_enum(j, path, "process", kProcesses);
      i.last_stop = opt_enum(j, path, "last_stop", kStops);
      i.leader = opt_string(j, path, "leader");
      if (i.leader && !i.leader->empty()) check_instance(*i.leader, json_path_key(path, "leader"));
      i.error_contains = opt_string(j, path, "error_contains");
      i.running = opt_bool(j, path, "running");
      i.halted = opt_bool(j, path, "halted");
      i.valid = opt_bool(j, path, "valid");
      i.dirty = opt_bool(j, path, "dirty");
      i.caught_up = opt_bool(j, path, "caught_up");
      i.term = opt_int(j, path, "term");
      i.min_term = opt_int(j, path, "min_term");
      i.min_c_lsn = opt_int(j, path, "min_c_lsn");
      if (j.size() == 1) error(path, "an instance condition needs something to check", "e.g. \"status\": \"OPEN\"");
    } else if (k == "group") {
      c.kind = Condition::Kind::Group;
      check_fields(j, path, "group");
      GroupCheck& g = c.group;
      g.raft = opt_string(j, path, "group").value_or("");
      check_raft(g.raft, json_path_key(path, "group"));
      g.leader = opt_string(j, path, "leader");
      if (g.leader) check_instance(*g.leader, json_path_key(path, "leader"));
      g.no_leader = opt_bool(j, path, "no_leader").value_or(false);
      g.open = opt_bool(j, path, "open");
      g.term = opt_int(j, path, "term");
      g.min_term = opt_int(j, path, "min_term");
      g.valid_members = opt_int(j, path, "valid_members");
      if (g.no_leader && (g.leader || g.open || g.term || g.min_term)) {
        error(path, "\"no_leader\" contradicts the leader's fields", "");
      }
      if (j.size() == 1) error(path, "a group condition needs something to check", "e.g. \"leader\": \"BP11\"");
    } else if (k == "sql") {
      c.kind = Condition::Kind::Sql;
      check_fields(j, path, "sql");
      const std::string tp = json_path_key(path, "sql");
      const json& target = j.at("sql");
      if (!target.is_object()) {
        error(tp, "must be {\"on\": INSTANCE, \"query\": \"...\"}", "");
        return c;
      }
      check_fields(target, tp, "sql_target");
      c.sql.on = opt_string(target, tp, "on").value_or("");
      c.sql.query = opt_string(target, tp, "query").value_or("");
      if (c.sql.on.empty() || c.sql.query.empty()) error(tp, "needs \"on\" and \"query\"", "");
      check_instance(c.sql.on, json_path_key(tp, "on"));
      c.sql.ok = opt_bool(j, path, "ok");
      c.sql.error_contains = opt_string(j, path, "error_contains");
      c.sql.row_count = opt_int(j, path, "row_count");
      c.sql.has_row = string_map(j, path, "has_row");
      if (!c.sql.ok && !c.sql.error_contains && !c.sql.row_count && c.sql.has_row.empty()) {
        error(path, "a sql condition needs \"ok\", \"error_contains\", \"row_count\" or \"has_row\"", "");
      }
      if (c.sql.error_contains && c.sql.ok.value_or(false)) {
        error(path, "\"ok\": true contradicts \"error_contains\"", "");
      }
    } else if (k == "catalog") {
      c.kind = Condition::Kind::Catalog;
      check_fields(j, path, "catalog");
      const std::string tp = json_path_key(path, "catalog");
      const json& target = j.at("catalog");
      if (!target.is_object()) {
        error(tp, "must be {\"table\": ..., \"where\": {...}, \"row\": {...}}", "");
        return c;
      }
      check_fields(target, tp, "catalog_target");
      c.catalog.on = opt_string(target, tp, "on").value_or("");
      if (!c.catalog.on.empty()) check_instance(c.catalog.on, json_path_key(tp, "on"));
      c.catalog.table = opt_string(target, tp, "table").value_or("");
      if (c.catalog.table.empty()) error(tp, "needs \"table\" (e.g. \"DPC_INSTANCE\")", "");
      c.catalog.where = string_map(target, tp, "where");
      c.catalog.row = string_map(target, tp, "row");
      c.catalog.count = opt_int(target, tp, "count");
      if (c.catalog.row.empty() && !c.catalog.count) {
        error(tp, "needs \"row\" (values every selected row has) or \"count\"", "");
      }
    } else if (k == "elapsed_since") {
      c.kind = Condition::Kind::Elapsed;
      check_fields(j, path, "elapsed");
      c.elapsed.mark = opt_string(j, path, "elapsed_since").value_or("");
      check_mark(c.elapsed.mark, json_path_key(path, "elapsed_since"));
      c.elapsed.until = opt_string(j, path, "until").value_or("");
      check_mark(c.elapsed.until, json_path_key(path, "until"));
      c.elapsed.at_most_ms = opt_int(j, path, "at_most_ms", 0, kMaxVirtualWaitMs);
      c.elapsed.at_least_ms = opt_int(j, path, "at_least_ms", 0, kMaxVirtualWaitMs);
      if (!c.elapsed.at_most_ms && !c.elapsed.at_least_ms) {
        error(path, "needs \"at_most_ms\" or \"at_least_ms\"", "");
      }
    } else if (k == "trace") {
      c.kind = Condition::Kind::Trace;
      check_fields(j, path, "trace");
      const json& f = j.at("trace");
      if (!f.is_object()) {
        error(json_path_key(path, "trace"), "must be a trace filter object",
              "e.g. {\"kind\": \"raft.leader\", \"instance\": \"BP13\"}");
        return c;
      }
      TraceCheck t = trace_filter(f, json_path_key(path, "trace"));
      t.count = opt_int(j, path, "count");
      t.at_least = opt_int(j, path, "at_least");
      t.at_most = opt_int(j, path, "at_most");
      if (!t.count && !t.at_least && !t.at_most) error(path, "needs \"count\", \"at_least\" or \"at_most\"", "");
      if (!t.instance.empty()) check_instance(t.instance, json_path_key(path, "trace.instance"));
      c.trace = t;
    } else if (k == "catalog_consistent") {
      c.kind = Condition::Kind::CatalogConsistent;
      if (j.size() != 1 || !j.at(k).is_boolean() || !j.at(k).get<bool>()) {
        error(path, "write {\"catalog_consistent\": true} alone", "");
      }
    } else if (k == "not") {
      c.kind = Condition::Kind::Not;
      if (j.size() != 1) error(path, "\"not\" stands alone in its object", "");
      c.children.push_back(condition(j.at("not"), json_path_key(path, "not")));
    } else {  // all / any
      c.kind = k == "all" ? Condition::Kind::All : Condition::Kind::Any;
      const json& list = j.at(k);
      if (j.size() != 1) error(path, "\"" + k + "\" stands alone in its object", "");
      if (!list.is_array() || list.empty()) {
        error(json_path_key(path, k), "must be a non-empty array of conditions", "");
        return c;
      }
      for (size_t i = 0; i < list.size(); ++i) {
        c.children.push_back(condition(list[i], json_path_index(json_path_key(path, k), i)));
      }
    }
    return c;
  }

  const std::string text_;
  std::string file_;
  std::map<std::string, TextPosition> pos_;
  std::vector<Diagnostic> diags_;
  std::set<std::string> marks_;
  const Topology* topo_ = nullptr;
  Topology known_;  ///< the topology plus what `ctl scale-out FILE` steps add
};

}  // namespace

bool Condition::needs_io() const {
  if (kind == Kind::Sql || kind == Kind::Catalog) return true;
  return std::any_of(children.begin(), children.end(), [](const Condition& c) { return c.needs_io(); });
}

std::string Scenario::transcript_path() const {
  fs::path p(file);
  return (p.parent_path() / (p.stem().string() + ".transcript")).string();
}

ScenarioLoad load_scenario_text(const std::string& text, const std::string& file) {
  return Loader(text, file).load();
}

ScenarioLoad load_scenario_file(const std::string& file) {
  Result<std::string> text = read_input_file(file, "scenario file");
  if (!text) {
    ScenarioLoad out;
    out.diagnostics.push_back(error_at("", text.message(),
                                       "check the path (directories are scanned for *.json)"));
    return out;
  }
  return load_scenario_text(*text, file);
}

bool is_scenario_file(const std::string& file) {
  Result<std::string> text = read_input_file(file, "scenario file");
  if (!text) return true;  // loading it reports why
  JsonText parsed = parse_json_text(strip_bom(*text));
  if (!parsed.ok()) return true;
  return parsed.value->is_object() && parsed.value->contains("steps");
}

std::vector<std::string> scenario_field_names(const std::string& level) {
  auto it = field_table().find(level);
  return it == field_table().end() ? std::vector<std::string>{} : it->second;
}

}  // namespace dpc::sim
