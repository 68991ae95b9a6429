#include "core/plan_render_sh_install.h"

#include "core/install_plan.h"

namespace dpc {
namespace {

// install_dm_silent HOST INSTALLER DM_HOME, after install_dm's helpers.
const char* kSilentLibrary = R"SH(
# install_dm_silent HOST INSTALLER DM_HOME: DM's installer DMInstall.bin is
# run here into a scratch directory once to learn its build (as a tarball is
# unpacked here); unless DM_HOME on HOST reports that build, the installer
# goes to DM_HOME.dpc-install/ on HOST (SHA-256 compared there) with an
# answer file whose INSTALL_PATH is DM_HOME.dpc-new, runs there as
# `DMInstall.bin -q <answer file>`, and the new DM home, once it reports
# the build, is renamed into place and marked as install_dm does.
install_dm_silent() {
  if [ -z "${dpc_silent_want:-}" ] || [ "${dpc_silent_of:-}" != "$2" ]; then
    [ -r "$2" ] || die "cannot read DM's installer $2"
    dpc_tmp=$(mktemp -d) || die "cannot make a scratch directory"
    cp "$2" "$dpc_tmp/DMInstall.bin" && chmod +x "$dpc_tmp/DMInstall.bin" &&
      dpc_answer "$dpc_tmp/dm" > "$dpc_tmp/auto_install.xml" &&
      "$dpc_tmp/DMInstall.bin" -q "$dpc_tmp/auto_install.xml" > "$dpc_tmp/install.log" 2>&1 ||
      { cat "$dpc_tmp/install.log" >&2; rm -rf "$dpc_tmp"; die "DM's installer $2 failed here"; }
    dpc_silent_want=$(sh -c "$(dpc_build_of "$dpc_tmp/dm")"); dpc_silent_of=$2; rm -rf "$dpc_tmp"
  fi
  [ -n "$dpc_silent_want" ] || die "DM's installer $2 installed no runnable bin/dminit, bin/dmserver and bin/dmrman"
  dpc_have=$(dpc_sh_on "$1" "$(dpc_build_of "$3")") || die "cannot ask host $1 for its DM build"
  if [ "$dpc_have" = "$dpc_silent_want" ]; then say "   $3 on $1 already holds build $dpc_have; left alone"; return 0; fi
  dpc_sum=$(sha256sum < "$2" | cut -d' ' -f1)
  dpc_sh_on "$1" "mkdir -p '$3.dpc-install' && cat > '$3.dpc-install/DMInstall.bin'" < "$2" ||
    die "copying DM's installer to $1 failed"
  dpc_got=$(dpc_sh_on "$1" "sha256sum < '$3.dpc-install/DMInstall.bin' | cut -d' ' -f1") ||
    die "cannot checksum the copy on $1"
  [ "$dpc_got" = "$dpc_sum" ] || die "the copy of DM's installer on $1 has SHA-256 $dpc_got, not $dpc_sum"
  dpc_answer "$3.dpc-new" | dpc_sh_on "$1" "cat > '$3.dpc-install/auto_install.xml'" ||
    die "writing the answer file on $1 failed"
  say "   DMInstall.bin -q $3.dpc-install/auto_install.xml on $1"
  dpc_sh_on "$1" "rm -rf '$3.dpc-new' && chmod +x '$3.dpc-install/DMInstall.bin' &&
    '$3.dpc-install/DMInstall.bin' -q '$3.dpc-install/auto_install.xml'" || die "DM's installer failed on $1"
  dpc_new=$(dpc_sh_on "$1" "$(dpc_build_of "$3.dpc-new")")
  [ "$dpc_new" = "$dpc_silent_want" ] ||
    die "DM's installer left build '$dpc_new' in $3.dpc-new on $1, not $dpc_silent_want; nothing was replaced"
  dpc_sh_on "$1" "if [ -e '$3' ]; then rm -rf '$3.before-dpcctl' && mv '$3' '$3.before-dpcctl'; fi &&
    mv '$3.dpc-new' '$3' && printf 'package=%s\nsha256=%s\nbuild=%s\n' '$2' '$dpc_sum' '$dpc_silent_want' > '$3/.dpcctl-installed' &&
    rm -rf '$3.dpc-install'" || die "installing DM into $3 on $1 failed"
  say "   installed build $dpc_silent_want into $3 on $1 with DMInstall.bin -q (SHA-256 $dpc_sum verified there)"
}
)SH";

/// dpc_answer PATH: prints the answer file with INSTALL_PATH=PATH.
std::string answer_function() {
  const std::string hole_text = "@DPC_INSTALL_PATH@";  // survives xml_escape
  const std::string text = silent_install_answer(hole_text);
  std::string out = "dpc_answer() {\n  printf '%s\\n'";
  size_t at = 0;
  while (at < text.size()) {
    size_t nl = text.find('\n', at);
    if (nl == std::string::npos) nl = text.size();
    const std::string line = text.substr(at, nl - at);
    at = nl + 1;
    const size_t hole = line.find(hole_text);
    if (hole == std::string::npos) {
      out += " \\\n    '" + line + "'";
    } else {
      out += " \\\n    \"" + line.substr(0, hole) + "$1" + line.substr(hole + hole_text.size()) + "\"";
    }
  }
  return out + "\n}\n";
}

}  // namespace

std::string sh_silent_install_library(const Plan& plan) {
  for (const Step& s : plan.steps) {
    if (s.kind == StepKind::InstallDm && is_silent_installer(s.package)) return kSilentLibrary + answer_function();
  }
  return "";
}

}  // namespace dpc
