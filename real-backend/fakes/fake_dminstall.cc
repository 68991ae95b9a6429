// Stand-in for DM's installer DMInstall.bin, run as `DMInstall.bin -q
// /abs/answer.xml` (see fake_common.h for the other stand-ins). It reads
// the answer file's <INSTALL_PATH> (and checks the elements dpcctl writes:
// DATABASE, LANGUAGE, INSTALL_PATH, INIT_DB) and puts the stand-in tools
// into <INSTALL_PATH>/bin, printing lines like DM's installer.
//
// A real installer carries DM inside itself; this one copies the stand-in
// tools from the build's fake DM home (its path compiled in). Its build is
// "stand-in-1" unless the file ends with a line DPC_FAKE_BUILD=<build>
// (tests append one to a copy to make an installer of another build); it
// writes that build to <INSTALL_PATH>/bin/BUILD, which the tools print.
// [model] The answer file must be named by an absolute path, as DM's users
// report of the real installer.
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "real-backend/fakes/fake_common.h"

namespace {

int fail(const std::string& message) {
  std::printf("[ERROR] %s\n", message.c_str());
  std::fflush(stdout);
  return 1;
}

std::string element(const std::string& xml, const std::string& name, bool* present) {
  const std::string open = "<" + name + ">";
  const size_t a = xml.find(open);
  const size_t b = a == std::string::npos ? a : xml.find("</" + name + ">", a);
  *present = a != std::string::npos && b != std::string::npos;
  if (!*present) return "";
  std::string v = fake::trim(xml.substr(a + open.size(), b - a - open.size()));
  const std::pair<const char*, const char*> entities[] = {
      {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&amp;", "&"}};
  for (const auto& [from, to] : entities) {
    for (size_t at = v.find(from); at != std::string::npos; at = v.find(from, at + 1)) {
      v.replace(at, std::string(from).size(), to);
    }
  }
  return v;
}

std::string own_build() {
  std::string self;
  if (!fake::read_file("/proc/self/exe", &self)) return "stand-in-1";
  const std::string key = "DPC_FAKE_BUILD=";
  const size_t at = self.rfind(key);
  if (at == std::string::npos || self.size() - at > 256) return "stand-in-1";
  std::string b = fake::trim(self.substr(at + key.size()));
  return b.empty() ? "stand-in-1" : b.substr(0, b.find('\n'));
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> words(argv + 1, argv + argc);
  fake::record("DMInstall.bin", words);
  if (words.size() != 2 || words[0] != "-q") {
    return fail("usage: DMInstall.bin -q <absolute path of the XML answer file> (stand-in: silent mode only)");
  }
  const std::string file = words[1];
  if (file.empty() || file[0] != '/') return fail("the XML file must be given by its absolute path: " + file);
  std::string xml;
  if (!fake::read_file(file, &xml)) return fail("cannot read the XML file " + file);
  bool has = false;
  if (xml.find("<DATABASE>") == std::string::npos) return fail(file + ": no <DATABASE> element");
  const std::string language = element(xml, "LANGUAGE", &has);
  if (!has || language.empty()) return fail(file + ": <LANGUAGE> must not be empty");
  const std::string path = element(xml, "INSTALL_PATH", &has);
  if (!has || path.empty() || path[0] != '/') return fail(file + ": <INSTALL_PATH> must be an absolute path");
  const std::string init = fake::upper(element(xml, "INIT_DB", &has));
  if (!has || (init != "Y" && init != "N")) return fail(file + ": <INIT_DB> must be Y or N");
  if (init == "Y") return fail("the stand-in installer does not create a database (INIT_DB must be N)");

  std::printf("Extract install files..........\n[INFO] Installing DM DBMS...\n");
  std::error_code ec;
  namespace fs = std::filesystem;
  fs::create_directories(path + "/bin", ec);
  if (ec) return fail("cannot create " + path + "/bin: " + ec.message());
  for (const char* tool : {"dminit", "dmserver", "dmrman"}) {
    const std::string from = std::string(DPC_FAKE_DM_HOME) + "/bin/" + tool;
    fs::copy_file(from, path + "/bin/" + tool, fs::copy_options::overwrite_existing, ec);
    if (ec) return fail("cannot install " + std::string(tool) + " from " + from + ": " + ec.message());
    ::chmod((path + "/bin/" + tool).c_str(), 0755);
  }
  if (!fake::write_file(path + "/bin/BUILD", own_build() + "\n")) return fail("cannot write " + path + "/bin/BUILD");
  std::printf("[INFO] Installed DM DBMS completely.\n");
  return 0;
}
