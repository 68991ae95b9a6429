#include "sim/scenario/scenario_run.h"

#include <algorithm>
#include <exception>
#include <filesystem>
#include <sstream>

#include "sim/observe/chrome_trace.h"
#include "sim/scenario/scenario_condition.h"
#include "sim/session.h"
#include "sim/observe/timeline.h"

namespace dpc::sim {

namespace {

std::string indent(const std::string& text, const std::string& prefix) {
  std::string out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    out += prefix + line + "\n";
  }
  return out;
}

std::string ms(SimTime t) { return format_time(t) + " ms"; }

class Runner {
 public:
  Runner(const Scenario& s, uint64_t seed, const RunOptions& o) : s_(s), seed_(seed), o_(o) {}

  RunResult run() {
    RunResult r;
    r.file = s_.file;
    r.name = s_.name;
    r.seed = seed_;
    r.replay = replay_command(o_.replay_program, s_.file, seed_);
    SimOptions so;
    so.seed = seed_;
    so.jitter_ms = s_.jitter_ms;
    so.timing = s_.profile;
    so.dm = s_.dm;
    so.fold_heartbeats = o_.fold_heartbeats.value_or(s_.fold_heartbeats);
    session_ = std::make_unique<SimSession>(s_.topology, so);
    // `ctl scale-out FILE` names FILE as the topology is named: relative to the scenario file.
    session_->base_dir = std::filesystem::path(s_.file).parent_path().string();
    SimCluster& cl = session_->cluster();
    for (const auto& l : s_.links) cl.set_link(l.a, l.b, l.latency_ms, l.jitter_ms, l.loss, l.one_way);
    if (o_.prepare) o_.prepare(*session_);

    transcript_ = "scenario " + s_.name + " (seed " + std::to_string(seed_) + ")\n";
    for (size_t i = 0; i < s_.steps.size() && !failure_; ++i) {
      const ScenarioStep& st = s_.steps[i];
      transcript_ += "[" + std::to_string(i + 1) + "] " + st.text + "\n";
      std::optional<std::string> why;
      try {
        why = run_step(st);
      } catch (const std::exception& e) {
        why = std::string("internal error while running the step: ") + e.what();
      }
      // A violation is the root cause of whatever else the step saw.
      if (auto v = violation_text()) why = v;
      if (why) fail(i, st.path, st.line, st.text, *why);
    }
    if (!failure_) {
      if (auto v = violation_text()) fail(s_.steps.size(), "", 0, "(after the last step)", *v);
    }
    transcript_ += failure_ ? "FAILED\n" : "passed at " + ms(cl.now_us()) + "\n";
    if (o_.inspect) o_.inspect(*session_);

    r.passed = !failure_;
    r.failure = failure_;
    r.transcript = transcript_;
    r.trace_hash = cl.trace().hash_hex();
    r.events = cl.trace().count();
    r.end_time = cl.now_us();
    if (failure_) {
      r.trace_tail = tail_at_failure_;
      r.timeline = text_timeline(cl.trace().events(), cl.now_us());
    }
    if (o_.chrome_trace) {
      ChromeTraceOptions co;
      co.title = s_.name + " seed " + std::to_string(seed_);
      co.end = cl.now_us();
      r.chrome_trace = chrome_trace_json(cl.trace().events(), co);
    }
    return r;
  }

 private:
  std::optional<std::string> violation_text() {
    const auto& v = session_->cluster().violations();
    if (v.empty()) return std::nullopt;
    return "the simulator found an invariant violated: " + v.front().render();
  }

  void fail(size_t index, const std::string& path, int line, const std::string& text,
            const std::string& why) {
    failure_ = ScenarioFailure{index, path, line, text, why};
    tail_at_failure_ = session_->cluster().trace().tail(o_.tail_events);
    transcript_ += "  failed: " + why + "\n";
  }

  bool holds(const Condition& c) { return evaluate_condition(c, *session_, marks_).holds; }

  /// Runs one step; the reason it failed, or nullopt.
  std::optional<std::string> run_step(const ScenarioStep& st) {
    switch (st.kind) {
      case ScenarioStep::Kind::Do:
        return run_do(st);
      case ScenarioStep::Kind::Expect: {
        Observation o = evaluate_condition(st.condition, *session_, marks_);
        transcript_ += "  at " + ms(session_->cluster().now_us()) + ": " + o.seen + "\n";
        if (!o.holds) return "expected " + st.condition.text + ", but " + o.seen;
        return std::nullopt;
      }
      case ScenarioStep::Kind::WaitUntil:
        return run_wait_until(st);
      case ScenarioStep::Kind::Hold:
        return run_hold(st);
      case ScenarioStep::Kind::Mark:
        return run_mark(st);
    }
    return std::nullopt;
  }

  /// A `do` step: the command, and its outcome against expect_error / expect_output / may_fail.
  std::optional<std::string> run_do(const ScenarioStep& st) {
    CommandResult r = session_->execute(st.command);
    if (r.ok) {
      transcript_ += indent(r.output, "  | ");
    } else {
      transcript_ += indent(r.error, "  ! ");
    }
    if (st.expect_error) {
      if (r.ok) {
        return "\"" + st.command + "\" succeeded, but it should fail with \"" + *st.expect_error + "\"";
      }
      if (r.error.find(*st.expect_error) == std::string::npos) {
        return "\"" + st.command + "\" failed as expected, but with \"" + r.error +
               "\" instead of a message containing \"" + *st.expect_error + "\"";
      }
      return std::nullopt;
    }
    if (!r.ok && st.may_fail) {
      if (r.report && r.report->failed_step.empty()) {
        return "\"" + st.command + "\" failed without naming the step that failed: " + r.error;
      }
      return std::nullopt;
    }
    if (!r.ok) return "\"" + st.command + "\" failed: " + r.error;
    if (st.expect_output && r.output.find(*st.expect_output) == std::string::npos) {
      return "\"" + st.command + "\" printed no \"" + *st.expect_output + "\"";
    }
    return std::nullopt;
  }

  /// A `wait_until` step: runs until the condition holds, within_ms at most.
  std::optional<std::string> run_wait_until(const ScenarioStep& st) {
    SimCluster& cl = session_->cluster();
    const SimTime start = cl.now_us();
    const Millis deadline = to_ms(start) + st.within_ms;
    bool ok = false;
    if (st.condition.needs_io()) {
      ok = poll_until(st.condition, deadline, st.poll_ms, true);
    } else {
      ok = cl.run_until([&] { return holds(st.condition); }, deadline);
    }
    Observation o = evaluate_condition(st.condition, *session_, marks_);
    if (!ok) {
      transcript_ += "  not within " + std::to_string(st.within_ms) + " ms: " + o.seen + "\n";
      return "not true within " + std::to_string(st.within_ms) + " ms (waited from " + ms(start) +
             " to " + ms(cl.now_us()) + "): " + o.seen;
    }
    transcript_ += "  held after " + ms(cl.now_us() - start) + " (at " + ms(cl.now_us()) + "): " +
                   o.seen + "\n";
    return std::nullopt;
  }

  /// A `hold` step: the condition must keep holding for for_ms.
  std::optional<std::string> run_hold(const ScenarioStep& st) {
    SimCluster& cl = session_->cluster();
    const SimTime start = cl.now_us();
    const Millis until = to_ms(start) + st.for_ms;
    bool broke = false;
    if (st.condition.needs_io()) {
      broke = !poll_until(st.condition, until, st.poll_ms, false);
    } else if (!holds(st.condition)) {
      broke = true;
    } else {
      broke = cl.run_until([&] { return !holds(st.condition); }, until);
    }
    Observation o = evaluate_condition(st.condition, *session_, marks_);
    if (broke) {
      transcript_ += "  broke at " + ms(cl.now_us()) + ": " + o.seen + "\n";
      return "stopped holding after " + ms(cl.now_us() - start) + " (at " + ms(cl.now_us()) +
             "; it had to hold for " + std::to_string(st.for_ms) + " ms): " + o.seen;
    }
    transcript_ += "  held for " + std::to_string(st.for_ms) + " ms: " + o.seen + "\n";
    return std::nullopt;
  }

  /// A `mark` step: the time now, or of the last trace event its `at` filter matches.
  std::optional<std::string> run_mark(const ScenarioStep& st) {
    SimCluster& cl = session_->cluster();
    SimTime at = cl.now_us();
    if (st.mark_at) {
      at = last_matching_event(*st.mark_at, *session_, marks_);
      if (at < 0) {
        return "no trace event matches the mark's \"at\" filter (kind " + st.mark_at->kind +
               (st.mark_at->instance.empty() ? "" : ", instance " + st.mark_at->instance) + ")";
      }
    }
    marks_[st.mark] = at;
    transcript_ += "  " + st.mark + " = " + ms(at) + "\n";
    return std::nullopt;
  }

  /// Polls a condition that needs SQL: until it holds (want = true) or
  /// until it stops holding (want = false), by `deadline_ms`. Returns
  /// whether the wait succeeded: it held (want) / it never broke (!want).
  bool poll_until(const Condition& c, Millis deadline_ms, int64_t poll_ms, bool want) {
    SimCluster& cl = session_->cluster();
    while (true) {
      const bool h = holds(c);
      if (h == want) return want;
      if (!cl.violations().empty()) return !want;
      const Millis now = cl.now();
      if (now >= deadline_ms) return !want;
      cl.advance(std::min<Millis>(poll_ms, deadline_ms - now));
    }
  }

  const Scenario& s_;
  const uint64_t seed_;
  const RunOptions& o_;
  std::unique_ptr<SimSession> session_;
  Marks marks_;
  std::string transcript_;
  std::optional<ScenarioFailure> failure_;
  std::string tail_at_failure_;
};

}  // namespace

RunResult run_scenario(const Scenario& scenario, uint64_t seed, const RunOptions& options) {
  return Runner(scenario, seed, options).run();
}

std::string replay_command(const std::string& program, const std::string& file, uint64_t seed) {
  return program + " scenario run " + file + " --seed " + std::to_string(seed);
}

std::string format_failure(const RunResult& r) {
  std::string out = "FAIL " + r.file + " (" + r.name + ") seed " + std::to_string(r.seed) + "\n";
  if (r.failure) {
    const ScenarioFailure& f = *r.failure;
    if (f.path.empty()) {
      out += "  after the last step\n";
    } else {
      out += "  step " + std::to_string(f.step + 1) + " (" + f.path +
             (f.line > 0 ? ", line " + std::to_string(f.line) : "") + "): " + f.text + "\n";
    }
    out += "  why: " + f.reason + "\n";
  }
  if (!r.trace_tail.empty()) {
    out += "  last events before it:\n" + indent(r.trace_tail, "    ");
  }
  if (!r.timeline.empty()) out += indent(r.timeline, "  ");
  out += "  replay: " + r.replay + "\n";
  return out;
}

std::optional<std::string> transcript_difference(const std::string& expected, const std::string& actual) {
  if (expected == actual) return std::nullopt;
  std::istringstream e(expected), a(actual);
  std::string le, la;
  for (int line = 1;; ++line) {
    const bool he = static_cast<bool>(std::getline(e, le));
    const bool ha = static_cast<bool>(std::getline(a, la));
    if (!he && !ha) return "the transcripts differ only in line endings";
    if (!he) return "line " + std::to_string(line) + ": the run printed more: " + la;
    if (!ha) return "line " + std::to_string(line) + ": the run ended early; expected: " + le;
    if (le != la) return "line " + std::to_string(line) + ":\n    expected: " + le + "\n    got:      " + la;
  }
}

}  // namespace dpc::sim
