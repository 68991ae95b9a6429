// Test helper: a topology of scenarios/topologies/ moved under a fresh temp
// directory with free ports, and a RealBackend on the stand-in DM tools
// (fakes/) and FakeDpcSql, so deploy, start, stop, status and destroy run
// as real processes with real pid files, FIFOs and logs. Header-only; used
// by the real backend's integration tests.
#pragma once

#include <stdlib.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "core/paths.h"
#include "core/topology_load.h"
#include "real-backend/asio_process_launcher.h"
#include "real-backend/real_backend.h"
#include "real-backend/testing/fake_dpc_sql.h"
#include "real-backend/testing/free_ports.h"

namespace dpc::real::testing {

class StandInCluster {
 public:
  static constexpr const char* kPassword = "Deploy_Sysdba_Pwd_77";

  /// Loads scenarios/topologies/<file> and moves it under a new temp dir.
  /// Returns an error text, "" on success.
  std::string set_up(const std::string& file) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "dpc-deploy-XXXXXX").string();
    dir = ::mkdtemp(tmpl.data());
    ::setenv("DPC_FAKE_RECORD", (dir + "/record.txt").c_str(), 1);
    ::unsetenv("DPC_FAKE_FAIL");
    ::unsetenv("DPC_FAKE_HANG");
    auto loaded = load_topology_file(std::string(DPC_SOURCE_DIR) + "/scenarios/topologies/" + file);
    if (!loaded.ok()) return "cannot load " + file;
    topo = *loaded.topology;
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
    backend = make_backend(dir + "/state", &sql);
    return "";
  }

  /// A backend on its own state directory (another dpcctl, run elsewhere).
  std::unique_ptr<RealBackend> make_backend(const std::string& state_dir, FakeDpcSql** sql_out) {
    RealConfig config;
    config.dm_home = DPC_FAKE_DM_HOME;
    config.dm_home_origin = "test";
    config.state_dir = state_dir;
    config.run_one_max_wait_ms = 50;
    config.stop_grace_ms = 1000;
    for (const Instance& inst : topo.instances) config.instance_inis[inst.name] = db_file(inst, "dm.ini");
    auto io = std::make_shared<boost::asio::io_context>();
    auto fake_sql = std::make_unique<FakeDpcSql>(topo);
    if (sql_out != nullptr) *sql_out = fake_sql.get();
    return std::make_unique<RealBackend>(config, Secret(kPassword), io,
                                         std::make_unique<AsioProcessLauncher>(*io), std::move(fake_sql));
  }

  /// Kills what still runs and removes the temp directory.
  void tear_down() {
    if (backend) {
      for (const Instance& inst : topo.instances) {
        if (backend->server_running(inst.name)) (void)backend->signal(inst.name, Signal::Kill);
      }
    }
    backend.reset();
    ::unsetenv("DPC_FAKE_RECORD");
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  std::string dir;
  Topology topo;
  FakeDpcSql* sql = nullptr;
  std::unique_ptr<RealBackend> backend;
};

}  // namespace dpc::real::testing
