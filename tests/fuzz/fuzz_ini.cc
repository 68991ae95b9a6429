// libFuzzer target: any bytes as an ini file (dm.ini, dmarch.ini, mp.ini,
// dmmal.ini as the simulator reads them). Parsing must end in an IniFile or
// an error, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/ini.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  (void)dpc::parse_ini(text, "fuzz.ini");
  return 0;
}
