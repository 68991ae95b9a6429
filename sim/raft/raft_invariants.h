// RaftInvariants: the safety properties of one RAFT group, checked against
// snapshots of its members after every event (in the style of LogCabin's
// RaftConsensusInvariants). Whoever steps a group owns one checker per group:
// the RAFT test harness does, and the simulated cluster may. It keeps a little
// history (the leader seen per term, each member's last term and commit, the
// committed prefix of the log) and reports the first violation it sees as a
// sentence naming the member, the term and the LSN. Single-threaded.
//
// Properties: at most one leader per term; a member's term never decreases
// (restarts included); a member's commit never decreases while it runs and
// never exceeds its log; every member's log agrees with the committed prefix
// up to its own commit (no committed entry lost or changed); a member that
// leads a term holds the whole committed prefix (leader completeness).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/raft/raft_node.h"

namespace dpc::sim {

/// What the checker needs to see of one member; build it from a RaftNode with
/// RaftView::of(), or by hand in a test.
struct RaftView {
  int id = 0;
  RaftRole role = RaftRole::Follower;
  Term term = 0;
  Lsn commit = 0;
  const std::vector<LogRun>* log = nullptr;  ///< must outlive check()
  /// Changes whenever *log does; 0 (a hand-built view) disables the memo.
  uint64_t log_version = 0;

  static RaftView of(const RaftNode& node);
};

class RaftInvariants {
 public:
  /// Checks one member after an event. Returns the first violation, or
  /// nullopt when the member's state is consistent with everything seen.
  std::optional<std::string> check(const RaftView& view);
  /// The member restarts: its commit may begin again from 0 (it is volatile);
  /// its term must still not go back.
  void on_restart(int id);

  /// The committed prefix seen so far, as runs from LSN 1.
  const std::vector<LogRun>& committed() const { return committed_; }
  Lsn committed_lsn() const { return committed_.empty() ? 0 : committed_.back().last; }
  /// The leader seen in each term so far.
  const std::map<Term, int>& leaders() const { return leader_of_term_; }

 private:
  // The last view of each member that passed. Seeing the same member again
  // unchanged (same term, role, commit and log: an idle heartbeat) cannot
  // find anything new: terms and commits are per member, the committed
  // prefix only grows past what that member already matched, and its own
  // leadership of this term is already recorded.
  struct Seen {
    RaftRole role;
    Term term;
    Lsn commit;
    const std::vector<LogRun>* log;
    uint64_t log_version;
  };
  std::map<int, Seen> passed_;
  std::map<Term, int> leader_of_term_;
  std::map<int, Term> term_of_;
  std::map<int, Lsn> commit_of_;
  std::vector<LogRun> committed_;
};

/// The first LSN in [1, upto] at which logs `a` and `b` differ (term or
/// origin, or one of them ends), or nullopt when they agree up to `upto`.
std::optional<Lsn> first_difference(const std::vector<LogRun>& a, const std::vector<LogRun>& b,
                                    Lsn upto);

}  // namespace dpc::sim
