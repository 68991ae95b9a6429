#include "core/journal.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace dpc {
namespace {

std::optional<StepOutcome> outcome_from(const std::string& name) {
  for (auto o : {StepOutcome::Pending, StepOutcome::Running, StepOutcome::Done,
                 StepOutcome::Skipped, StepOutcome::Failed, StepOutcome::NotRun}) {
    if (name == step_outcome_name(o)) return o;
  }
  return std::nullopt;
}

}  // namespace

Result<Journal> Journal::open(const std::string& state_dir, const std::string& cluster) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(state_dir, ec);
  if (ec) {
    return Error{"cannot create state directory " + state_dir + ": " + ec.message() +
                 " (choose another with --state-dir)"};
  }
  Journal j;
  j.file_ = (fs::path(state_dir) / "journal.jsonl").string();
  j.cluster_ = cluster;
  // Read line by line, not through read_input_file: the journal is dpcctl's
  // own append-only record, it grows with every deploy past any input-size
  // cap, and a torn last line is skipped rather than refused.
  std::ifstream in(j.file_);
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    auto rec = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (rec.is_discarded() || !rec.is_object()) continue;  // a torn last line
    if (rec.contains("cluster")) {
      std::string other = rec.value("cluster", "");
      if (other != cluster) {
        return Error{j.file_ + ":" + std::to_string(lineno) + ": this journal belongs to cluster '" +
                     other + "', not '" + cluster + "'; use another --state-dir"};
      }
      continue;
    }
    auto o = outcome_from(rec.value("outcome", ""));
    if (o) j.last_[rec.value("step", "")] = *o;
  }
  if (!fs::exists(j.file_)) {
    // Created readable by this user only (the error text of a step may quote
    // a tool's output); an ofstream would take the umask's 0644.
    const int fd = ::open(j.file_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd >= 0) ::close(fd);
    std::ofstream out(j.file_, std::ios::app);
    out << nlohmann::json{{"cluster", cluster}}.dump() << "\n";
    if (fd < 0 || !out) return Error{"cannot write journal " + j.file_};
  }
  return j;
}

Status Journal::record(const std::string& step_id, StepOutcome outcome, Millis at,
                       const std::string& error, const Step* step, Millis started) {
  last_[step_id] = outcome;
  if (file_.empty()) return Status::Ok();
  nlohmann::json rec{{"step", step_id}, {"outcome", step_outcome_name(outcome)}, {"at_ms", at}};
  if (step && (outcome == StepOutcome::Done || outcome == StepOutcome::Failed)) {
    rec["started_ms"] = started;
    rec["duration_ms"] = at - started;
    rec["kind"] = step_kind_name(step->kind);
    if (step->kind == StepKind::StartServer) rec["mount"] = step->mount;
    if (step->kind == StepKind::RunSql) rec["statements"] = step->statements.size();
  }
  if (!error.empty()) rec["error"] = error;
  std::ofstream out(file_, std::ios::app);
  out << rec.dump() << "\n";
  out.flush();
  if (!out) return Error{"cannot append to journal " + file_};
  return Status::Ok();
}

Status Journal::record_interrupt(const std::string& signal_name, Millis at, const std::string& command) {
  if (file_.empty()) return Status::Ok();
  nlohmann::json line{{"interrupted", signal_name}, {"at_ms", at}};
  if (!command.empty()) line["command"] = command;
  std::ofstream out(file_, std::ios::app);
  out << line.dump() << "\n";
  out.flush();
  if (!out) return Error{"cannot append to journal " + file_};
  return Status::Ok();
}

std::optional<StepOutcome> Journal::last(const std::string& step_id) const {
  auto it = last_.find(step_id);
  if (it == last_.end()) return std::nullopt;
  return it->second;
}

bool Journal::done(const std::string& step_id) const {
  auto o = last(step_id);
  return o && (*o == StepOutcome::Done || *o == StepOutcome::Skipped);
}

Status Journal::reset() {
  last_.clear();
  if (file_.empty()) return Status::Ok();
  std::ofstream out(file_, std::ios::trunc);
  out << nlohmann::json{{"cluster", cluster_}}.dump() << "\n";
  if (!out) return Error{"cannot rewrite journal " + file_};
  return Status::Ok();
}

}  // namespace dpc
