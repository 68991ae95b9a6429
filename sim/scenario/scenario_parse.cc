// The scenario loader (sim/scenario/scenario.h): the topology and timing
// profile (inline or beside the file), the simulator options and the steps,
// each `do:` line checked against the session's command table. Fields,
// names and conditions are read by its base, ScenarioReader
// (sim/scenario/scenario_reader.h).
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
#include "sim/scenario/scenario_reader.h"
#include "sim/session.h"
#include "sim/session_commands.h"

namespace dpc::sim {

namespace {

using nlohmann::json;
using scenario_internal::quoted_list;
using scenario_internal::scenario_fields;
using scenario_internal::ScenarioReader;
namespace fs = std::filesystem;

/// The first words `do` accepts: the session's vocabulary (sim/session_commands.h).
std::vector<std::string> command_names() {
  std::vector<std::string> names;
  for (const SessionCommand& c : session_commands()) names.push_back(c.name);
  return names;
}

std::string file_stem(const std::string& file) { return fs::path(file).stem().string(); }

/// Whether `name` is a host or an instance of `topo` (an empty topology, one
/// that failed to load, accepts anything: its errors are reported already).
bool names_host_or_instance(const Topology& topo, const std::string& name) {
  return topo.instances.empty() || topo.find_instance(name) || topo.hosts().count(name);
}

class Loader : public ScenarioReader {
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
    if (auto v = opt_bool(sim, "sim", "fold_heartbeats")) s.fold_heartbeats = *v;
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
    read_do(j, path, st);
    if (!j.contains("wait_until")) only_with(j, path, "within_ms", "wait_until");
    if (!j.contains("hold")) only_with(j, path, "for_ms", "hold");
    if (!j.contains("mark")) only_with(j, path, "at", "mark");
    read_condition_or_mark(j, path, st);
    if (auto p = opt_int(j, path, "poll_ms", 1, kMaxVirtualWaitMs)) st.poll_ms = *p;
    return st;
  }

  /// Reports `key` in a step that is not of `kind`.
  void only_with(const json& j, const std::string& path, const char* key, const char* kind) {
    if (j.contains(key)) {
      error(json_path_key(path, key), std::string("\"") + key + "\" belongs to a \"" + kind + "\" step", "");
    }
  }

  /// A `do` step's command and expected outcome; the outcome's fields in
  /// any other step are reported.
  void read_do(const json& j, const std::string& path, ScenarioStep& st) {
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
      only_with(j, path, "expect_error", "do");
      only_with(j, path, "expect_output", "do");
      only_with(j, path, "may_fail", "do");
    }
  }

  /// A wait_until, expect, hold or mark step.
  void read_condition_or_mark(const json& j, const std::string& path, ScenarioStep& st) {
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

  const std::string text_;
  std::string file_;
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

std::vector<std::string> scenario_files_in(const std::string& dir) {
  std::vector<std::string> found;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
    const std::string f = entry.path().string();
    if (is_scenario_file(f)) found.push_back(f);
  }
  std::sort(found.begin(), found.end());
  return found;
}

std::vector<std::string> scenario_field_names(const std::string& level) {
  const auto& fields = scenario_fields();
  auto it = fields.find(level);
  return it == fields.end() ? std::vector<std::string>{} : it->second;
}

}  // namespace dpc::sim
