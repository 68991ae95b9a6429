// Shared helpers of the stand-in DM tools (fake_dminit, fake_dmserver,
// fake_dmrman) that the real backend's integration tests run in place of
// DM's binaries. Test-only code, built by real-backend/CMakeLists.txt into a
// fake DM home (<build>/real-backend/fake-dm/bin); fake_dminstall.cc is DM's
// installer DMInstall.bin (<build>/real-backend/fake-dm-installer), which
// copies those tools into its answer file's INSTALL_PATH.
//
// What the stand-ins keep about a database lives in <path>/DAMENG/fake.db
// (magics, whether it was ever opened, whether DB_MAGIC was updated after a
// restore) and, while a server runs, <path>/DAMENG/fake.state (its pid, the
// STATUS$ it reached). Environment knobs:
//   DPC_FAKE_RECORD=FILE       append one line per run: the tool and its argv
//   DPC_FAKE_FAIL=tool:TEXT    that tool fails when its arguments contain TEXT
//   DPC_FAKE_READY_DELAY_MS=N  dmserver waits N ms before its ready line
//   DPC_FAKE_EXIT_DELAY_MS=N   dmserver takes N ms to shut down after `exit`
//   DPC_FAKE_HANG=tool         that tool prints a line and then hangs (timeouts)
// Each tool is single-threaded.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace fake {

std::string upper(std::string s);
std::string trim(const std::string& s);
/// The stand-in's build string (`-v`): the first line of BUILD beside the
/// program, else $DPC_FAKE_BUILD, else "stand-in-1". Tests give one host
/// another build by writing that file into its DM home's bin/.
std::string build_string(const char* argv0);

/// KEY=VALUE words (keys upper-cased); words without '=' are under "".
std::map<std::string, std::string> parse_kv(const std::vector<std::string>& words);

bool exists(const std::string& path);
bool read_file(const std::string& path, std::string* out);
bool write_file(const std::string& path, const std::string& content);
bool make_dirs(const std::string& path);
std::string parent_dir(const std::string& path);

/// Global KEY = VALUE pairs of an ini file (keys upper-cased, comments cut).
std::map<std::string, std::string> read_ini(const std::string& path);
/// Sections of an ini file: name (upper-cased) -> its pairs.
std::map<std::string, std::map<std::string, std::string>> read_ini_sections(const std::string& path);

/// "MP", "SP", "BP" from "1"/"MP", "3"/"SP", "2"/"BP" (any case); "" otherwise.
std::string dpc_mode_name(const std::string& value);

/// Appends "<tool>\t<word>\t<word>..." to $DPC_FAKE_RECORD, if set.
void record(const std::string& tool, const std::vector<std::string>& words);
/// Whether $DPC_FAKE_FAIL asks `tool` to fail for these arguments.
bool should_fail(const std::string& tool, const std::string& joined_args);
/// When $DPC_FAKE_HANG names `tool`: print a line, then sleep for a minute.
void maybe_hang(const std::string& tool);

bool pid_alive(int pid);
/// The pid of a running fake server of the database in `dameng_dir`, or 0.
int running_server(const std::string& dameng_dir);

/// A fresh magic number, different on each call.
long long new_magic();

}  // namespace fake
