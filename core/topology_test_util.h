// Test helper for the topology loader's tests (core/topology_*_test.cc,
// core/validate_test.cc): a valid topology to break, loading it, and the
// diagnostics reported. Header-only.
#pragma once

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/diagnostic.h"
#include "core/topology_load.h"

namespace dpc::topology_testing {

using nlohmann::json;

/// A valid cluster: one MP, one SP, a BP group of three, on one host.
inline json base() {
  return json::parse(R"({
    "cluster": "t",
    "defaults": { "host": "127.0.0.1", "base_dir": "/tmp/t" },
    "mp": { "instances": [ { "name": "MP" } ] },
    "sp": [ { "name": "SP1" } ],
    "bp_rafts": [ { "name": "RAFT_1", "members": [ { "name": "BP11" }, { "name": "BP12" },
                                                   { "name": "BP13" } ] } ],
    "bp_groups": [ { "name": "BG_1", "description": "g", "rafts": ["RAFT_1"] } ],
    "fault_domains": [ { "name": "FD_1", "instances": ["MP", "BP11"] },
                       { "name": "FD_2", "instances": ["BP12"] } ]
  })");
}

inline LoadOutcome load(const json& doc) { return load_topology_text(doc.dump(2), "t.json"); }
inline LoadOutcome load_text(const std::string& text) { return load_topology_text(text, "t.json"); }

inline std::string all(const LoadOutcome& outcome) { return format_diagnostics(outcome.diagnostics, "t.json"); }

/// The one diagnostic at `path`; fails the test when there is not exactly one.
inline Diagnostic at(const LoadOutcome& outcome, const std::string& path) {
  std::vector<Diagnostic> found;
  for (const auto& d : outcome.diagnostics) {
    if (d.path == path) found.push_back(d);
  }
  EXPECT_EQ(found.size(), 1u) << "at " << path << ":\n" << all(outcome);
  return found.empty() ? Diagnostic{} : found[0];
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

#define EXPECT_CONTAINS(text, part) EXPECT_TRUE(contains(text, part)) << "in: " << (text)

}  // namespace dpc::topology_testing
