// Stand-in for DM's dminit (see fake_common.h): reads its KEY=VALUE
// arguments and an optional PARFILE (which must be readable only by its
// owner), checks them, records them (the password only as "given"), and
// creates <PATH>/DAMENG with a dm.ini and fake.db as dminit would; refuses
// an existing database unless AUTO_OVERWRITE is 1 or 2.
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "real-backend/fakes/fake_common.h"

namespace {

int fail(const std::string& message) {
  std::printf("%s\n", message.c_str());
  std::fflush(stdout);
  return 1;
}

using Params = std::map<std::string, std::string>;

/// Adds the PARFILE's KEY=VALUE lines to `kv` (the command line wins) and to
/// what is recorded (the password only as "given"); an error when the file
/// is missing or readable by others.
std::string read_parfile(const std::string& par, Params& kv, std::vector<std::string>& recorded) {
  struct stat st {};
  if (::stat(par.c_str(), &st) != 0) return "PARFILE " + par + " not found";
  if ((st.st_mode & 077) != 0) return "PARFILE " + par + " is readable by others";
  std::string text;
  fake::read_file(par, &text);
  std::stringstream lines(text);
  std::vector<std::string> par_words;
  for (std::string line; std::getline(lines, line);) {
    line = fake::trim(line);
    if (!line.empty()) par_words.push_back(line);
  }
  for (const auto& [k, v] : fake::parse_kv(par_words)) {
    if (!kv.count(k)) kv[k] = v;  // the command line wins
    if (k == "SYSDBA_PWD") {
      recorded.push_back("parfile:SYSDBA_PWD=<given, " + std::to_string(v.size()) + " characters>");
    } else if (!k.empty()) {
      recorded.push_back("parfile:" + k + "=" + v);
    }
  }
  return "";
}

/// What dminit refuses in its parameters; empty when they are fine.
std::string check_parameters(Params& kv) {
  for (const char* key : {"PATH", "INSTANCE_NAME", "PORT_NUM", "DPC_MODE"}) {
    if (!kv.count(key) || kv[key].empty()) return std::string("missing parameter ") + key;
  }
  if (fake::dpc_mode_name(kv["DPC_MODE"]).empty()) return "invalid DPC_MODE " + kv["DPC_MODE"];
  if (kv.count("SYSDBA_PWD") && (kv["SYSDBA_PWD"].size() < 9 || kv["SYSDBA_PWD"].size() > 48)) {
    return "[-104] invalid SYSDBA_PWD: it must be 9 to 48 characters";
  }
  for (const char* key : {"PORT_NUM", "AP_PORT_NUM"}) {
    if (!kv.count(key)) continue;
    int port = std::atoi(kv[key].c_str());
    if (port < 1024 || port > 65534) return std::string("invalid ") + key + " " + kv[key];
  }
  return "";
}

/// The dm.ini dminit writes for these parameters.
std::string ini_text(Params& kv, const std::string& dir, const std::string& mode) {
  std::string ini = "#DaMeng Database Server Configuration file (stand-in)\n";
  auto line = [&ini](const std::string& k, const std::string& v, const std::string& comment) {
    std::string key = k;
    key.resize(32, ' ');
    ini += "\t\t" + key + "= " + v + "\t\t\t#" + comment + "\n";
  };
  line("CTL_PATH", dir + "/dm.ctl", "ctl file path");
  line("SYSTEM_PATH", dir, "system path");
  line("INSTANCE_NAME", kv["INSTANCE_NAME"], "Instance Name");
  line("PORT_NUM", kv["PORT_NUM"], "Port number on which the database server will listen");
  line("AP_PORT_NUM", kv.count("AP_PORT_NUM") ? kv["AP_PORT_NUM"] : "6000", "AP port");
  line("DPC_MODE", mode == "MP" ? "1" : mode == "BP" ? "2" : "3", "DPC mode");
  line("ARCH_INI", "0", "dmarch.ini");
  line("ALTER_MODE_STATUS", "1", "Whether to allow alter database mode/status");
  line("MAL_INI", "0", "dmmal.ini");
  return ini;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> words(argv + 1, argv + argc);
  if (words.size() == 1 && words[0] == "-v") {
    std::printf("initdb V8 %s\n", fake::build_string(argv[0]).c_str());
    return 0;
  }
  if (words.size() == 1 && fake::upper(words[0]) == "HELP") {
    std::printf("initdb V8 (stand-in)\nformat: ./dminit KEYWORD=value\n"
                "keyword                 explanation\n"
                "PATH                    initial database path\n"
                "SYSDBA_PWD              SYSDBA password\n"
                "PARFILE                 parameter file\n");
    return 0;
  }
  auto kv = fake::parse_kv(words);
  std::vector<std::string> recorded = words;

  if (kv.count("PARFILE")) {
    if (std::string bad = read_parfile(kv["PARFILE"], kv, recorded); !bad.empty()) return fail(bad);
  }
  if (kv.count("SYSDBA_PWD") && !kv.count("PARFILE")) {
    recorded.push_back("WARNING:SYSDBA_PWD on the command line");
  }
  fake::maybe_hang("dminit");
  fake::record("dminit", recorded);

  std::string joined;
  for (const auto& [k, v] : kv) joined += k + "=" + v + " ";
  if (fake::should_fail("dminit", joined)) return fail("[-1] fault injected by DPC_FAKE_FAIL");

  if (std::string bad = check_parameters(kv); !bad.empty()) return fail(bad);
  const std::string mode = fake::dpc_mode_name(kv["DPC_MODE"]);
  const std::string path = kv["PATH"];
  const std::string dir = path + "/DAMENG";
  const std::string overwrite = kv.count("AUTO_OVERWRITE") ? kv["AUTO_OVERWRITE"] : "0";
  if (fake::exists(dir + "/dm.ini") && overwrite != "1" && overwrite != "2") {
    return fail("[-2114] the database " + dir + " already exists; use AUTO_OVERWRITE=1 to overwrite it");
  }
  if (!fake::make_dirs(dir)) return fail("cannot create " + dir);

  const std::string ini = ini_text(kv, dir, mode);
  if (!fake::write_file(dir + "/dm.ini", ini)) return fail("cannot write " + dir + "/dm.ini");

  long long magic = fake::new_magic();
  std::string db = "DPC_MODE=" + mode + "\nPERMANENT_MAGIC=" + std::to_string(magic) +
                   "\nDB_MAGIC=" + std::to_string(magic) + "\nOPENED=0\nMAGIC_UPDATED=1\nSHADOW=0\n";
  if (!fake::write_file(dir + "/fake.db", db)) return fail("cannot write " + dir + "/fake.db");

  std::printf("initdb V8\ndb version: 0x7000c\nfile dm.key not found, use default license!\n");
  std::printf("Normal of FAST\nNormal of DEFAULT\nNormal of RECYCLE\nNormal of KEEP\nNormal of ROLL\n\n");
  std::printf(" log file path: %s/DAMENG01.log\n\n log file path: %s/DAMENG02.log\n\n", dir.c_str(), dir.c_str());
  std::printf("write to dir [%s].\ncreate dm database success. 2024-01-01 00:00:00\n", dir.c_str());
  return 0;
}
