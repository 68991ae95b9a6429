#include "ui/server/sim_driver.h"

#include <algorithm>
#include <chrono>

#include "sim/engine/trace.h"

namespace dpc::ui {
namespace {

/// Trace kinds the timeline shows: lifecycle, RAFT roles, faults, consoles.
/// Messages, SQL, catalog and file traffic stay in the trace only.
bool shown_on_timeline(const std::string& kind) {
  static const char* kPrefixes[] = {"server.", "raft.leader", "raft.candidate", "raft.follow",
                                    "raft.start", "fault.", "signal", "console", "host."};
  for (const char* p : kPrefixes) {
    if (kind.rfind(p, 0) == 0) return true;
  }
  return false;
}

constexpr size_t kMaxEvents = 20000;  ///< the log keeps the newest ones

}  // namespace

nlohmann::json UiEvent::to_json() const {
  return {{"seq", seq}, {"at_ms", static_cast<double>(at_us) / 1000.0}, {"kind", kind},
          {"instance", instance}, {"detail", detail}};
}

SimDriver::SimDriver(Topology topo, std::string topology_text, sim::SimOptions options)
    : topo_(std::move(topo)), topology_text_(std::move(topology_text)), options_(options) {
  options_.trace = sim::TraceMode::Tail;  // the console runs for hours: keep memory bounded
  session_ = std::make_unique<sim::SimSession>(topo_, options_);
  session_->cluster().trace().set_listener([this](const sim::TraceEvent& e) {
    if (shown_on_timeline(e.kind)) log(e.time, e.kind, e.instance, e.detail);
  });
  session_->on_event = [this](const StepEvent& e) {
    if (!e.step) return;
    const char* kind = e.kind == StepEvent::Kind::Started    ? "step.running"
                       : e.kind == StepEvent::Kind::Finished ? "step.done"
                       : e.kind == StepEvent::Kind::Skipped  ? "step.skipped"
                                                             : "step.failed";
    log(session_->cluster().now_us(), kind, e.step->instance, e.step->id + (e.detail.empty() ? "" : ": " + e.detail));
  };
}

SimDriver::~SimDriver() {
  session_->cluster().trace().set_listener(nullptr);
  session_->on_event = nullptr;
}

void SimDriver::log(int64_t at_us, std::string kind, std::string instance, std::string detail) {
  events_.push_back(UiEvent{next_seq_++, at_us, std::move(kind), std::move(instance), std::move(detail)});
  if (events_.size() > kMaxEvents) events_.pop_front();
}

nlohmann::json SimDriver::command(const std::string& line) {
  const auto words = sim::split_command(line);
  if (words.empty()) return {{"ok", false}, {"error", "empty command; type a shell command such as 'kill BP11'"}};
  if (deploying_) {
    return {{"ok", false}, {"error", "a deployment is running (step " + running_step_ + "); pause or wait for it"}};
  }
  const int64_t before = session_->cluster().now();
  log(session_->cluster().now_us(), "command", "", line);
  sim::CommandResult r = session_->execute(words);
  if (r.ok) {
    history_.push_back(Done{before, session_->cluster().now(), line});
  } else {
    log(session_->cluster().now_us(), "command.failed", "", r.error);
  }
  if (on_events) on_events();
  nlohmann::json out{{"ok", r.ok}, {"output", r.output}, {"shell", line}};
  if (!r.ok) out["error"] = r.error;
  return out;
}

nlohmann::json SimDriver::start_deploy() {
  if (deploying_) return {{"ok", true}, {"output", "already deploying"}};
  deploying_ = true;
  log(session_->cluster().now_us(), "command", "", "deploy");
  if (on_events) on_events();
  return {{"ok", true}, {"shell", "deploy"}};
}

void SimDriver::run_deploy_step() {
  const Plan& plan = session_->deploy_plan();
  auto next = std::find_if(plan.steps.begin(), plan.steps.end(),
                           [&](const Step& s) { return !session_->step_done(s.id); });
  if (next == plan.steps.end()) {
    deploying_ = false;
    running_step_.clear();
    log(session_->cluster().now_us(), "deploy.done", "", "every step of the deploy plan is done");
    return;
  }
  running_step_ = next->id;
  const std::string line = "step " + next->id;
  const int64_t before = session_->cluster().now();
  ExecutionReport report = session_->run_step(next->id);
  step_times_[next->id] = {before, session_->cluster().now()};
  if (report.ok) {
    history_.push_back(Done{before, session_->cluster().now(), line});
    if (failed_step_ == next->id) failed_step_.clear(), failed_error_.clear();
  } else {
    deploying_ = false;
    failed_step_ = next->id;
    failed_error_ = report.error;
    log(session_->cluster().now_us(), "deploy.failed", next->instance, report.error);
  }
  running_step_.clear();
}

void SimDriver::step_once() {
  if (deploying_) {
    run_deploy_step();
  } else {
    // The next event, and any due with it, by a move of whole milliseconds:
    // what `advance MS` can say, so a saved scenario replays it exactly.
    auto& cluster = session_->cluster();
    const sim::SimTime next = cluster.world().loop.next_time();
    if (next >= 0) {
      const int64_t delta_us = next - cluster.now_us();
      cluster.advance(std::max<int64_t>(1, (delta_us + 999) / 1000));
    }
  }
  if (on_events) on_events();
}

void SimDriver::tick(int64_t wall_ms) {
  if (paused_) return;
  if (deploying_ && speed_ <= 0) {
    // As fast as possible: plan steps for most of the tick's real time.
    const auto start = std::chrono::steady_clock::now();
    const auto budget = std::chrono::milliseconds(std::max<int64_t>(1, wall_ms * 4 / 5));
    while (deploying_ && std::chrono::steady_clock::now() - start < budget) run_deploy_step();
  } else if (deploying_) {
    run_deploy_step();  // one step per tick: the page sees each start and finish
  } else if (speed_ <= 0) {
    // As fast as possible: whole events for most of the tick's real time.
    const auto start = std::chrono::steady_clock::now();
    const auto budget = std::chrono::milliseconds(std::max<int64_t>(1, wall_ms * 4 / 5));
    while (std::chrono::steady_clock::now() - start < budget) session_->cluster().advance(50);
  } else {
    carry_ms_ += speed_ * static_cast<double>(wall_ms) / 1000.0;
    const auto whole = static_cast<int64_t>(carry_ms_);
    if (whole > 0) {
      carry_ms_ -= static_cast<double>(whole);
      session_->cluster().advance(whole);
    }
  }
  if (on_events) on_events();
}

}  // namespace dpc::ui
