// dpcctl's subcommands. Each takes the words after its name and returns the
// process exit code: 0 success, 1 the thing checked or run failed, 2 usage.
// Each lives in its own cmd_<name>.cc.
#pragma once

#include <string>
#include <vector>

namespace dpc::cli {

using Words = std::vector<std::string>;

int cmd_validate(const Words& words);  ///< dpcctl validate FILE [--json]
int cmd_plan(const Words& words);      ///< dpcctl plan FILE [--stop] [--format ...]
int cmd_install(const Words& words);   ///< dpcctl install FILE: only the install steps
int cmd_deploy(const Words& words);    ///< dpcctl deploy FILE --backend=sim|real ...
int cmd_stop(const Words& words);      ///< dpcctl stop FILE ...
int cmd_status(const Words& words);    ///< dpcctl status FILE ...
int cmd_start(const Words& words);     ///< dpcctl start FILE [SEL...]
int cmd_restart(const Words& words);   ///< dpcctl restart FILE [SEL...]
int cmd_kill(const Words& words);      ///< dpcctl kill FILE SEL...
int cmd_switchover(const Words& words);  ///< dpcctl switchover FILE RAFT --to INSTANCE
int cmd_destroy(const Words& words);   ///< dpcctl destroy FILE [--yes]
int cmd_scale_out(const Words& words); ///< dpcctl scale-out FILE [--dry-run]
int cmd_scale_in(const Words& words);  ///< dpcctl scale-in FILE [--dry-run]
int cmd_convert(const Words& words);   ///< dpcctl convert FILE INST --to shadow|raft [--dry-run]
int cmd_shell(const Words& words);     ///< dpcctl shell FILE --backend=sim
int cmd_check(const Words& words);     ///< dpcctl check FILE --backend=real
int cmd_scenario(const Words& words);  ///< dpcctl scenario run PATH...
int cmd_scenario_record(const Words& words);  ///< dpcctl scenario record FILE [--out F]
int cmd_explore(const Words& words);  ///< dpcctl explore FILE [--runs N] ...
int cmd_bench(const Words& words);     ///< dpcctl bench [--out DIR]
int cmd_calibrate(const Words& words); ///< dpcctl calibrate JOURNAL... [--out FILE]
/// dpcctl bench --backend=real TOPOLOGY: failover on a real cluster beside the simulator
int cmd_bench_real(const Words& words);
int cmd_ui(const Words& words);        ///< dpcctl ui [FILE] --backend=sim|real

}  // namespace dpc::cli
