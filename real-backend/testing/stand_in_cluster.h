// Test helper: a topology of scenarios/topologies/ moved under a fresh temp
// directory with free ports, and a RealBackend on the stand-in DM tools
// (fakes/) and FakeDpcSql, so deploy, start, stop, status and destroy run
// as real processes with real pid files, FIFOs and logs. Header-only; used
// by the real backend's integration tests; its free functions also by
// those that build their own backend (calibration, failover).
#pragma once

#include <stdlib.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "core/paths.h"
#include "core/topology_load.h"
#include "real-backend/asio_process_launcher.h"
#include "real-backend/atomic_file.h"
#include "real-backend/real_backend.h"
#include "real-backend/testing/fake_dpc_sql.h"
#include "real-backend/testing/free_ports.h"

namespace dpc::real::testing {

/// A new temp directory /tmp/dpc-<what>-XXXXXX, with the stand-ins' failure
/// switches (DPC_FAKE_FAIL, DPC_FAKE_HANG) cleared.
inline std::string make_stand_in_dir(const std::string& what) {
  std::string tmpl = (std::filesystem::temp_directory_path() / ("dpc-" + what + "-XXXXXX")).string();
  std::string dir = ::mkdtemp(tmpl.data());
  ::unsetenv("DPC_FAKE_FAIL");
  ::unsetenv("DPC_FAKE_HANG");
  return dir;
}

/// Moves `topo` under `dir`: each instance's directory becomes
/// <dir>/data/<its name in lower case>, each port a free one (a port two
/// instances shared stays shared).
inline void move_under(Topology& topo, const std::string& dir) {
  std::map<int, int> moved;
  auto move = [&moved](int& port) {
    if (port <= 0) return;
    if (!moved.count(port)) moved[port] = free_port();
    port = moved[port];
  };
  for (Instance& inst : topo.instances) {
    std::string lower = inst.name;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    inst.path = dir + "/data/" + lower;
    move(inst.port_num);
    move(inst.ap_port_num);
    move(inst.mp_port);
  }
}

/// The configuration of a backend on the stand-in tools (fakes/).
inline RealConfig stand_in_config(const std::string& state_dir, int run_one_max_wait_ms) {
  RealConfig config;
  config.dm_home = DPC_FAKE_DM_HOME;
  config.dm_home_origin = "test";
  config.state_dir = state_dir;
  config.run_one_max_wait_ms = run_one_max_wait_ms;
  config.stop_grace_ms = 1000;
  return config;
}

/// A RealBackend with real processes and a FakeDpcSql of `topo` (returned
/// through `sql_out` when it is not null).
inline std::unique_ptr<RealBackend> stand_in_backend(const RealConfig& config, const Topology& topo,
                                                     const std::string& password, FakeDpcSql** sql_out = nullptr) {
  auto io = std::make_shared<boost::asio::io_context>();
  auto fake_sql = std::make_unique<FakeDpcSql>(topo);
  if (sql_out != nullptr) *sql_out = fake_sql.get();
  return std::make_unique<RealBackend>(config, Secret(password), io, std::make_unique<AsioProcessLauncher>(*io),
                                       std::move(fake_sql));
}

/// Kills every instance of `topo` whose server still runs.
inline void kill_all(RealBackend& backend, const Topology& topo) {
  for (const Instance& inst : topo.instances) {
    if (backend.server_running(inst.name)) (void)backend.signal(inst.name, Signal::Kill);
  }
}

/// The stand-in dmserver's start delay (DPC_FAKE_READY_DELAY_MS) while it lives.
struct ReadyDelay {
  explicit ReadyDelay(int ms) { ::setenv("DPC_FAKE_READY_DELAY_MS", std::to_string(ms).c_str(), 1); }
  ~ReadyDelay() { ::unsetenv("DPC_FAKE_READY_DELAY_MS"); }
  ReadyDelay(const ReadyDelay&) = delete;
  ReadyDelay& operator=(const ReadyDelay&) = delete;
};

class StandInCluster {
 public:
  static constexpr const char* kPassword = "Deploy_Sysdba_Pwd_77";

  /// Loads scenarios/topologies/<file> and moves it under a new temp dir.
  /// Returns an error text, "" on success.
  std::string set_up(const std::string& file) {
    dir = make_stand_in_dir("deploy");
    ::setenv("DPC_FAKE_RECORD", (dir + "/record.txt").c_str(), 1);
    auto loaded = load_topology_file(std::string(DPC_SOURCE_DIR) + "/scenarios/topologies/" + file);
    if (!loaded.ok()) return "cannot load " + file;
    topo = *loaded.topology;
    move_under(topo, dir);
    backend = make_backend(dir + "/state", &sql);
    return "";
  }

  /// A backend on its own state directory (another dpcctl, run elsewhere).
  std::unique_ptr<RealBackend> make_backend(const std::string& state_dir, FakeDpcSql** sql_out) {
    RealConfig config = stand_in_config(state_dir, 50);
    for (const Instance& inst : topo.instances) config.instance_inis[inst.name] = db_file(inst, "dm.ini");
    return stand_in_backend(config, topo, kPassword, sql_out);
  }

  /// Kills what still runs and removes the temp directory.
  void tear_down() {
    if (backend) kill_all(*backend, topo);
    backend.reset();
    ::unsetenv("DPC_FAKE_RECORD");
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  /// Every file under the temp directory that holds the password.
  std::vector<std::string> files_with_password() const {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec)) {
      if (!e.is_regular_file()) continue;
      auto text = read_whole_file(e.path().string());
      if (text && text->find(kPassword) != std::string::npos) out.push_back(e.path().string());
    }
    return out;
  }

  std::string dir;
  Topology topo;
  FakeDpcSql* sql = nullptr;
  std::unique_ptr<RealBackend> backend;
};

}  // namespace dpc::real::testing
