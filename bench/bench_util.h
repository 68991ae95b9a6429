// Helpers shared by the Google Benchmark binaries in bench/: the minimal
// mode CI uses, the example topologies, and the process's peak memory.
// Header-only; call from the benchmark
// threads only what is marked thread-safe.
#pragma once

#include <sys/resource.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace dpc::bench {

/// DPC_BENCH_QUICK=1 (CTest sets it): smaller clusters and shorter idles,
/// so every benchmark runs once in seconds. Thread-safe.
inline bool quick_mode() {
  const char* v = std::getenv("DPC_BENCH_QUICK");
  return v && *v && std::string(v) != "0";
}

/// The example topologies the startup benchmarks deploy, by file stem.
inline const std::vector<std::string>& example_topologies() {
  static const std::vector<std::string> names = {"mini-3replica", "manual-7.1", "manual-7.2",
                                                 "manual-7.3",    "local-7.1",  "local-7.2",
                                                 "local-7.3",     "local-large"};
  return names;
}

inline std::string topology_path(const std::string& stem) {
  return std::string(DPC_SOURCE_DIR) + "/scenarios/topologies/" + stem + ".json";
}

/// Peak resident set size of this process so far, in MiB (getrusage). It
/// never goes down, so a benchmark that follows a bigger one reports the
/// bigger one's peak; `dpcctl bench` measures each size in its own process.
inline double peak_rss_mib() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

}  // namespace dpc::bench
