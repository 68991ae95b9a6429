#include "sim/raft/raft_invariants.h"

#include <algorithm>

namespace dpc::sim {

namespace {

Lsn end_of(const std::vector<LogRun>& log) { return log.empty() ? 0 : log.back().last; }

std::string who(const RaftView& view) {
  return "RAFT member " + std::to_string(view.id) + " (" + raft_role_name(view.role) + ", term " +
         std::to_string(view.term) + ")";
}

}  // namespace

RaftView RaftView::of(const RaftNode& node) {
  return RaftView{node.self_id(), node.role(), node.term(), node.commit_lsn(), &node.log(),
                  node.log_version()};
}

std::optional<Lsn> first_difference(const std::vector<LogRun>& a, const std::vector<LogRun>& b,
                                    Lsn upto) {
  size_t i = 0;
  size_t j = 0;
  Lsn lsn = 1;
  while (lsn <= upto) {
    while (i < a.size() && a[i].last < lsn) ++i;
    while (j < b.size() && b[j].last < lsn) ++j;
    const bool has_a = i < a.size() && a[i].first <= lsn;
    const bool has_b = j < b.size() && b[j].first <= lsn;
    if (!has_a || !has_b) return lsn;
    if (a[i].term != b[j].term || a[i].origin != b[j].origin) return lsn;
    lsn = std::min(a[i].last, b[j].last) + 1;
  }
  return std::nullopt;
}

std::optional<std::string> RaftInvariants::check(const RaftView& view) {
  static const std::vector<LogRun> kEmpty;
  const std::vector<LogRun>& log = view.log ? *view.log : kEmpty;
  const auto seen = passed_.find(view.id);
  if (view.log_version != 0 && seen != passed_.end() && seen->second.role == view.role &&
      seen->second.term == view.term && seen->second.commit == view.commit &&
      seen->second.log == view.log && seen->second.log_version == view.log_version) {
    return std::nullopt;
  }
  if (seen != passed_.end()) passed_.erase(seen);

  if (auto it = term_of_.find(view.id); it != term_of_.end() && view.term < it->second) {
    return who(view) + ": term went back from " + std::to_string(it->second) + " to " +
           std::to_string(view.term) + "; terms must never decrease";
  }
  term_of_[view.id] = view.term;

  if (view.role == RaftRole::Leader) {
    const auto [it, first_seen] = leader_of_term_.emplace(view.term, view.id);
    if (it->second != view.id) {
      return who(view) + ": member " + std::to_string(it->second) + " already led term " +
             std::to_string(view.term) + "; at most one leader per term";
    }
    if (first_seen) {
      if (const auto lsn = first_difference(log, committed_, committed_lsn())) {
        return who(view) + ": became leader without committed LSN " + std::to_string(*lsn) +
               " (committed up to " + std::to_string(committed_lsn()) +
               "); a leader must hold every committed entry";
      }
    }
  }

  if (auto it = commit_of_.find(view.id); it != commit_of_.end() && view.commit < it->second) {
    return who(view) + ": commit went back from " + std::to_string(it->second) + " to " +
           std::to_string(view.commit) + "; C_LSN must never decrease";
  }
  commit_of_[view.id] = view.commit;
  if (view.commit > end_of(log)) {
    return who(view) + ": commit " + std::to_string(view.commit) + " is past its last LSN " +
           std::to_string(end_of(log));
  }

  const Lsn shared = std::min(view.commit, committed_lsn());
  if (const auto lsn = first_difference(log, committed_, shared)) {
    return who(view) + ": committed LSN " + std::to_string(*lsn) +
           " differs from the entry committed before (lost or overwritten)";
  }
  if (view.commit > committed_lsn()) {
    for (const LogRun& run : log) {
      if (run.last <= committed_lsn()) continue;
      if (run.first > view.commit) break;
      LogRun part = run;
      part.first = std::max(run.first, committed_lsn() + 1);
      part.last = std::min(run.last, view.commit);
      if (!committed_.empty() && committed_.back().term == part.term &&
          committed_.back().origin == part.origin && committed_.back().last + 1 == part.first) {
        committed_.back().last = part.last;
      } else {
        committed_.push_back(part);
      }
    }
  }
  passed_[view.id] = Seen{view.role, view.term, view.commit, view.log, view.log_version};
  return std::nullopt;
}

void RaftInvariants::on_restart(int id) {
  commit_of_.erase(id);
  passed_.erase(id);
}

}  // namespace dpc::sim
