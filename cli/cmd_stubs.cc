// Subcommands not yet built. Each file that implements one removes it here.
#include <cstdio>

#include "cli/commands.h"

namespace dpc::cli {

[[maybe_unused]] static int not_yet(const char* name) {
  std::fprintf(stderr, "dpcctl %s: not available in this build yet\n", name);
  return 2;
}

}  // namespace dpc::cli
