// DbImage: the database behind <path>/DAMENG as the simulator models it —
// what dminit creates, dmrman copies, and dmserver opens. It carries the
// identity of the copy (DB_MAGIC), of its origin (PERMANENT_MAGIC) and of
// the cluster (DPC_MAGIC), whether it was ever opened, whether a restore
// still awaits UPDATE DB_MAGIC, whether it is a shadow copy, the persisted
// RAFT state (term, vote, redo log as compact LSN runs), whether it was left
// dirty by a crash or halt, and — for an MP — the cluster catalog, which
// lives in the MP database and travels with its backups.
//
// Owned by the Host that holds the directory (sim/model/host.h); plain data;
// single-threaded.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/catalog/catalog.h"
#include "sim/raft/raft_node.h"

namespace dpc::sim {

struct DbImage {
  std::string dpc_mode;            ///< as given to dminit: "MP", "SP", "BP" or "BS"
  std::string db_name = "DAMENG";
  uint64_t db_magic = 0;           ///< this copy
  uint64_t permanent_magic = 0;    ///< shared by every copy of one origin
  uint64_t dpc_magic = 0;          ///< MP: made by dminit; SP/BP: 0 until taken on first start
  bool ever_opened = false;
  bool restored_needs_magic_update = false;
  bool shadow = false;             ///< restored TO SHADOW or from a SHADOW backup set

  // Persisted RAFT state.
  Term raft_term = 0;
  int voted_for = 0;               ///< RAFT_SELF_ID voted for in raft_term, 0 for none
  std::vector<LogRun> log;         ///< the redo log as LSN runs
  /// Fingerprint of the redo written outside RAFT (standalone opens and their
  /// DML). Copies made by backup/restore share it; a copy opened standalone
  /// afterwards changes it, and peers then refuse it as "log diverged" [model].
  uint64_t history = 0;

  bool dirty = false;              ///< left by a crash or HALT
  int64_t pending_redo = 0;        ///< LSNs to replay at the next start

  std::optional<Catalog> catalog;  ///< MP only

  Lsn last_lsn() const { return log.empty() ? 0 : log.back().last; }
  Term last_term() const { return log.empty() ? 0 : log.back().term; }

  /// Appends `count` LSNs written outside RAFT by this copy (standalone OPEN
  /// or DML on a standalone instance) and folds them into `history`.
  void append_local(Lsn count) {
    if (count <= 0) return;
    const Lsn first = last_lsn() + 1;
    const Lsn last = first + count - 1;
    if (!log.empty() && log.back().origin == db_magic && log.back().term == raft_term &&
        log.back().last + 1 == first) {
      log.back().last = last;
    } else {
      log.push_back(LogRun{first, last, raft_term, db_magic});
    }
    history = mix(history, static_cast<uint64_t>(first), static_cast<uint64_t>(last), db_magic);
  }

  static uint64_t mix(uint64_t h, uint64_t a, uint64_t b, uint64_t c) {
    for (uint64_t v : {a, b, c}) {
      h ^= v + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
      h *= 0xBF58476D1CE4E5B9ULL;
    }
    return h;
  }
};

/// A backup set directory written by dmrman BACKUP.
struct BackupSet {
  std::string name;        ///< TO <name>
  std::string source_ini;  ///< the dm.ini backed up
  bool shadow = false;     ///< BACKUP ... FULL SHADOW
  DbImage image;
};

}  // namespace dpc::sim
