// The console's server and API over real HTTP: a Beast client on the test
// thread talks to a UiServer on an ephemeral loopback port whose io_context
// runs on its own thread (the only thread that touches the simulator).
// Simulated time moves only by requests (the clock is paused and stepped), so
// what the cluster does is deterministic; only the HTTP exchange is real.
#include <gtest/gtest.h>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/topology_load.h"
#include "sim/scenario/scenario.h"
#include "sim/scenario/scenario_run.h"
#include "ui/server/api.h"
#include "ui/server/ui_server.h"

namespace dpc::ui {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Reply {
  int status = 0;
  std::string body;
  std::string disposition;
  std::string content_type;
  nlohmann::json json() const { return nlohmann::json::parse(body); }
};

class ConsoleServer : public ::testing::Test {
 protected:
  void start(const std::string& token = "", std::string backend = "sim") {
    topology_text_ = read_text(std::string(DPC_SOURCE_DIR) + "/scenarios/topologies/local-7.2.json");
    LoadOutcome lo = load_topology_text(topology_text_, "local-7.2.json");
    ASSERT_TRUE(lo.ok());
    ApiConfig config;
    config.topology_file = "local-7.2.json";
    config.scenario_dir = dir_.string();
    config.backend = backend;
    config.real_status = real_status_;
    std::filesystem::create_directories(dir_);
    api_ = std::make_unique<Api>(config, *lo.topology, topology_text_);
    ServerOptions so;
    so.port = 0;
    so.token = token;
    so.tick_ms = 20;
    server_ = std::make_unique<UiServer>(io_, so, *api_);
    auto port = server_->listen();
    ASSERT_TRUE(port) << port.message();
    port_ = *port;
    thread_ = std::thread([this] { io_.run(); });
    // Time moves only when a request steps it.
    if (backend == "sim") {
      ASSERT_EQ(post("/api/clock", R"({"action":"pause"})", {{"X-Dpcctl-Token", token}}).status, 200);
    }
  }

  void TearDown() override {
    if (server_) asio::post(io_, [this] { server_->stop(); io_.stop(); });
    if (thread_.joinable()) thread_.join();
    std::filesystem::remove_all(dir_);
  }

  Reply request(http::verb verb, const std::string& target, const std::string& body = "",
                std::map<std::string, std::string> headers = {}) {
    asio::io_context io;
    beast::tcp_stream stream(io);
    stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
    http::request<http::string_body> req(verb, target, 11);
    req.set(http::field::host, "127.0.0.1:" + std::to_string(port_));
    for (auto& [k, v] : headers) req.set(k, v);
    req.body() = body;
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    return Reply{static_cast<int>(res.result_int()), res.body(), std::string(res[http::field::content_disposition]),
                 std::string(res[http::field::content_type])};
  }
  Reply get(const std::string& target, std::map<std::string, std::string> headers = {}) {
    return request(http::verb::get, target, "", std::move(headers));
  }
  Reply post(const std::string& target, const std::string& body, std::map<std::string, std::string> headers = {}) {
    return request(http::verb::post, target, body, std::move(headers));
  }

  /// Steps the deployment to its end, one plan step per request.
  void deploy() {
    ASSERT_EQ(post("/api/deploy", "{}").status, 200);
    for (int i = 0; i < 200 && get("/api/status").json()["clock"]["deploying"].get<bool>(); ++i) {
      ASSERT_EQ(post("/api/clock", R"({"action":"step"})").status, 200);
    }
  }

  std::filesystem::path dir_ = std::filesystem::temp_directory_path() /
                               ("dpcctl-ui-test-" + std::to_string(::getpid()));
  std::string topology_text_;
  std::function<Result<ClusterStatus>(const Topology&)> real_status_;
  asio::io_context io_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<UiServer> server_;
  std::thread thread_;
  uint16_t port_ = 0;
};

TEST_F(ConsoleServer, ServesTheEmbeddedPageAndNothingElse) {
  start();
  Reply index = get("/");
  EXPECT_EQ(index.status, 200);
  EXPECT_NE(index.body.find("dpcctl console"), std::string::npos);
  EXPECT_EQ(index.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(get("/monitor.js").status, 200);
  EXPECT_EQ(get("/../etc/passwd").status, 404);
  EXPECT_EQ(get("/api/nothing").status, 404);
}

TEST_F(ConsoleServer, ValidateAnswersWhatValidateJsonPrints) {
  start();
  std::string bad = topology_text_;
  const size_t at = bad.find("\"port_num\": 5239");
  ASSERT_NE(at, std::string::npos);
  bad.replace(at, 16, "\"port_num\": 5238");  // BP12 takes BP11's port
  Reply r = post("/api/validate?name=bad.json", bad);
  ASSERT_EQ(r.status, 200);
  const LoadOutcome lo = load_topology_text(bad, "bad.json");
  nlohmann::json expected = diagnostics_json(lo.diagnostics, "bad.json", false);
  expected["cluster"] = "local-7.2";
  expected["instances"] = 8;
  expected["raft_groups"] = 4;
  EXPECT_EQ(r.json(), expected);
  EXPECT_FALSE(r.json()["valid"].get<bool>());
  EXPECT_EQ(r.json()["diagnostics"][0]["path"], "bp_rafts[0].members[1].port_num");
  EXPECT_TRUE(post("/api/validate", topology_text_).json()["valid"].get<bool>());
  EXPECT_FALSE(post("/api/validate", "{ not json").json()["valid"].get<bool>());
}

TEST_F(ConsoleServer, PlanInEveryFormatAndTheRunbookAsADownload) {
  start();
  Reply sh = get("/api/plan?format=sh&download=1");
  EXPECT_EQ(sh.status, 200);
  EXPECT_EQ(sh.body.rfind("#!/bin/sh", 0), 0U);
  EXPECT_EQ(sh.disposition, "attachment; filename=\"local-7.2-deploy.sh\"");
  EXPECT_EQ(get("/api/plan?format=json").json()["steps"].size(), 83U);
  EXPECT_NE(get("/api/plan?format=text&stop=1").body.find("exit"), std::string::npos);
  EXPECT_EQ(get("/api/plan?format=pdf").status, 400);
}

TEST_F(ConsoleServer, RefusesOtherOriginsAndOtherHostNames) {
  start();
  EXPECT_EQ(post("/api/command", R"({"line":"kill BP11"})", {{"Origin", "http://evil.example"}}).status, 403);
  EXPECT_EQ(get("/api/status", {{"Host", "evil.example:80"}}).status, 403);
  const std::string own = "http://127.0.0.1:" + std::to_string(port_);
  EXPECT_EQ(post("/api/clock", R"({"action":"pause"})", {{"Origin", own}}).status, 200);
}

TEST_F(ConsoleServer, ATokenGuardsEveryApiRequest) {
  start("0123456789abcdef0123456789abcdef");
  EXPECT_EQ(get("/api/status").status, 403);
  EXPECT_EQ(get("/api/status", {{"X-Dpcctl-Token", "wrong"}}).status, 403);
  EXPECT_EQ(get("/api/status?token=0123456789abcdef0123456789abcdef").status, 200);
  EXPECT_EQ(get("/api/status", {{"X-Dpcctl-Token", "0123456789abcdef0123456789abcdef"}}).status, 200);
  EXPECT_EQ(get("/").status, 200);  // the page itself reads the token from its URL
  EXPECT_NE(server_->url().find("?token=0123456789abcdef0123456789abcdef"), std::string::npos);
}

TEST_F(ConsoleServer, DeployKillAndFailoverThroughTheApi) {
  start();
  deploy();
  nlohmann::json st = get("/api/status").json();
  for (const auto& s : st["steps"]) EXPECT_EQ(s["state"], "done") << s["id"];
  EXPECT_TRUE(st["health"]["healthy"].get<bool>());
  EXPECT_EQ(st["groups"][2]["leader"], "BP11");

  Reply kill = post("/api/command", R"({"line":"kill BP11"})");
  EXPECT_EQ(kill.status, 200);
  EXPECT_EQ(kill.json()["shell"], "kill BP11");
  EXPECT_EQ(post("/api/command", R"({"line":"advance 4000"})").status, 200);
  st = get("/api/status").json();
  EXPECT_EQ(st["groups"][2]["name"], "RAFT_1");
  EXPECT_EQ(st["groups"][2]["leader"], "BP12");
  EXPECT_EQ(st["groups"][2]["term"], 2);

  bool elected = false;
  const nlohmann::json events = get("/api/events?since=0").json();
  for (const auto& e : events["events"]) {
    if (e["kind"] == "raft.leader" && e["instance"] == "BP12") elected = true;
  }
  EXPECT_TRUE(elected);
  EXPECT_EQ(post("/api/start", R"({"instance": 5})").status, 400);  // a wrong type is refused, not a crash
  EXPECT_EQ(post("/api/start", R"({"instance": "BP11", "mount": "yes"})").status, 400);
  EXPECT_EQ(post("/api/command", R"({"line": ["kill", "BP12"]})").status, 400);
  EXPECT_EQ(post("/api/clock", R"([1, 2])").status, 400);
  Reply bad = post("/api/command", R"({"line":"kill NOPE"})");
  EXPECT_EQ(bad.status, 422);
  EXPECT_NE(bad.json()["error"].get<std::string>().find("NOPE"), std::string::npos);
}

TEST_F(ConsoleServer, AFailedStepShowsItsErrorAndTheDeploymentResumes) {
  start();
  ASSERT_EQ(post("/api/command", R"({"line":"crash-host 127.0.0.1"})").status, 200);
  deploy();  // stops at the first step that fails
  nlohmann::json st = get("/api/status").json();
  std::string failed, error;
  for (const auto& s : st["steps"]) {
    if (s["state"] == "failed") failed = s["id"], error = s["error"];
  }
  ASSERT_FALSE(failed.empty());
  EXPECT_NE(error.find(failed), std::string::npos) << error;
  ASSERT_EQ(post("/api/command", R"({"line":"restart-host 127.0.0.1"})").status, 200);
  deploy();  // the steps not yet done
  st = get("/api/status").json();
  for (const auto& s : st["steps"]) EXPECT_EQ(s["state"], "done") << s["id"];
  const auto path = st["critical_path"].get<std::vector<std::string>>();
  ASSERT_FALSE(path.empty());
  EXPECT_EQ(path.back(), "verify-health");
}

TEST_F(ConsoleServer, SavesAScenarioOnlyUnderAPlainName) {
  start();
  deploy();
  ASSERT_EQ(post("/api/command", R"({"line":"kill BP11"})").status, 200);
  EXPECT_EQ(post("/api/scenario", R"({"name":"../escape"})").status, 400);
  Reply saved = post("/api/scenario", R"({"name":"kill-bp11","description":"test"})");
  ASSERT_EQ(saved.status, 200) << saved.body;
  const std::string text = read_text((dir_ / "kill-bp11.json").string());
  EXPECT_NE(text.find(R"({"do":"kill BP11"})"), std::string::npos);
  EXPECT_NE(text.find(R"({"do":"step verify-health"})"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "escape.json"));
}

TEST_F(ConsoleServer, ASavedScenarioReplaysSingleStepsAndRunningTimeAlike) {
  start();
  deploy();
  ASSERT_EQ(post("/api/command", R"({"line":"kill BP11"})").status, 200);
  for (int i = 0; i < 40; ++i) ASSERT_EQ(post("/api/clock", R"({"action":"step"})").status, 200);
  ASSERT_EQ(post("/api/command", R"({"line":"partition BP12 BP13"})").status, 200);
  ASSERT_EQ(post("/api/command", R"({"line":"advance 3000"})").status, 200);
  ASSERT_EQ(post("/api/command", R"({"line":"heal"})").status, 200);
  ASSERT_EQ(post("/api/clock", R"({"action":"speed","speed":0})").status, 200);
  ASSERT_EQ(post("/api/clock", R"({"action":"resume"})").status, 200);  // time runs for a while
  const double before = get("/api/status").json()["clock"]["now_ms"].get<double>();
  for (int i = 0; i < 20000 && get("/api/status").json()["clock"]["now_ms"].get<double>() < before + 5000; ++i) {
  }
  ASSERT_EQ(post("/api/clock", R"({"action":"pause"})").status, 200);
  const nlohmann::json st = get("/api/status").json();
  ASSERT_EQ(post("/api/scenario", R"({"name":"mixed"})").status, 200);

  const std::string file = (dir_ / "mixed.json").string();
  sim::ScenarioLoad load = sim::load_scenario_file(file);
  ASSERT_TRUE(load.scenario) << read_text(file);
  sim::RunResult run = sim::run_scenario(*load.scenario, 1);
  EXPECT_TRUE(run.passed) << sim::format_failure(run);
  // The replay ends at the console's virtual time with the same leaders (the file's expectations).
  EXPECT_EQ(static_cast<double>(run.end_time) / 1000.0, st["clock"]["now_ms"].get<double>());
  EXPECT_EQ(run.trace_hash, st["trace_hash"]);  // the same events, byte for byte
}

TEST_F(ConsoleServer, TheSysdbaPasswordNeverReachesAnAnswer) {
  const char* secret = "Console-Secret-Pw0rd";
  ::setenv("DM_SYSDBA_PWD", secret, 1);
  start();
  deploy();
  for (const char* target : {"/api/status", "/api/events?since=0", "/api/scenario", "/api/topology",
                             "/api/plan?format=sh", "/api/plan?format=json", "/api/info"}) {
    EXPECT_EQ(get(target).body.find(secret), std::string::npos) << target;
  }
  ::unsetenv("DM_SYSDBA_PWD");
}

TEST_F(ConsoleServer, TheEventStreamSendsBatchesAsServerSentEvents) {
  start();
  ASSERT_EQ(post("/api/command", R"({"line":"advance 10"})").status, 200);
  asio::io_context io;
  tcp::socket sock(io);
  sock.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
  const std::string req = "GET /api/stream?since=0 HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) + "\r\n\r\n";
  asio::write(sock, asio::buffer(req));
  std::string got;
  char buf[4096];
  while (got.find("data: ") == std::string::npos || got.find("\n\n", got.find("data: ")) == std::string::npos) {
    const size_t n = sock.read_some(asio::buffer(buf));
    got.append(buf, n);
  }
  EXPECT_EQ(got.rfind("HTTP/1.1 200 OK", 0), 0U);
  EXPECT_NE(got.find("Content-Type: text/event-stream"), std::string::npos);
  const size_t d = got.find("data: ") + 6;
  nlohmann::json batch = nlohmann::json::parse(got.substr(d, got.find('\n', d) - d));
  ASSERT_TRUE(batch.is_array());
  EXPECT_EQ(batch[0]["kind"], "command");
  EXPECT_EQ(batch[0]["detail"], "advance 10");
}

TEST_F(ConsoleServer, OnTheRealBackendTheMonitorShowsTheStatusQueries) {
  real_status_ = [](const Topology& t) -> Result<ClusterStatus> {
    ClusterStatus st;
    for (const Instance& i : t.instances) {
      const bool primary = i.name == "BP12" || i.name == "BP21";
      InstanceStatus is;
      is.name = i.name;
      is.role = role_name(i.role);
      is.raft = i.raft;
      is.state = i.name == "BP11" ? "DOWN" : "RUNNING";
      is.status = i.name == "BP11" ? "-" : "OPEN";
      is.mode = i.name == "BP11" ? "-" : i.role != Role::BP ? "NORMAL" : primary ? "PRIMARY" : "STANDBY";
      is.leader = i.raft == "RAFT_1" ? "BP12" : i.raft == "RAFT_2" ? "BP21" : "-";
      is.term = i.role == Role::BP ? "2" : "-";
      st.instances.push_back(is);
    }
    st.healthy = true;
    return st;
  };
  start("", "real");
  const nlohmann::json st = get("/api/status").json();
  EXPECT_EQ(st["backend"], "real");
  EXPECT_EQ(st["groups"][2]["leader"], "BP12");
  EXPECT_EQ(st["groups"][2]["term"], "2");
  EXPECT_EQ(st["instances"][2]["name"], "BP11");
  EXPECT_FALSE(st["instances"][2]["running"].get<bool>());
  EXPECT_TRUE(st["health"]["healthy"].get<bool>());
  EXPECT_EQ(post("/api/deploy", "{}").status, 501);  // deploys on DM's binaries stay with dpcctl deploy
}

}  // namespace
}  // namespace dpc::ui
