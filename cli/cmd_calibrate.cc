// dpcctl calibrate JOURNAL... [--out FILE] [--base PROFILE]: a timing profile
// for the simulator (docs/simulator.md) from the step durations recorded in
// real deployments' journals (sim/calibration.h). Exit 0 written, 1 a
// journal or the base profile unreadable or without durations, 2 usage.
#include <cstdio>
#include <string>

#include "cli/args.h"
#include "cli/commands.h"
#include "core/input_text.h"
#include "real-backend/atomic_file.h"
#include "sim/calibration.h"

namespace dpc::cli {

namespace {

const char* kCalibrateUsage =
    "usage: dpcctl calibrate JOURNAL... [--out FILE] [--base PROFILE]\n"
    "\n"
    "Turns the step durations real deployments recorded (the journal.jsonl of a\n"
    "--state-dir) into a timing profile the simulator reads with --profile:\n"
    "dminit, dmrman and server-start durations, SQL round trips, with the number\n"
    "of steps and the spread seen as comments. Other keys keep the base profile's\n"
    "values (the defaults, or --base PROFILE).\n"
    "\n"
    "  --out FILE      write the profile there (default: standard output)\n"
    "  --base PROFILE  start from this profile instead of the defaults\n"
    "\n"
    "exit status: 0 written, 1 a file unreadable or no durations in it, 2 usage error\n";

}  // namespace

int cmd_calibrate(const Words& words) {
  auto args = parse_args(words, {"help"}, {"out", "base"});
  if (!args) return std::fprintf(stderr, "dpcctl calibrate: %s\n\n%s", args.message().c_str(), kCalibrateUsage), 2;
  if (args->has("help")) return std::fputs(kCalibrateUsage, stdout), 0;
  if (args->positional.empty()) {
    return std::fprintf(stderr, "dpcctl calibrate: give at least one journal file\n\n%s", kCalibrateUsage), 2;
  }
  sim::TimingProfile base;
  if (auto b = args->get("base")) {
    auto text = read_input_file(*b, "base profile");
    if (!text) return std::fprintf(stderr, "dpcctl calibrate: %s\n", text.message().c_str()), 1;
    auto parsed = sim::parse_timing_profile(*text, *b);
    if (!parsed) return std::fprintf(stderr, "dpcctl calibrate: %s\n", parsed.message().c_str()), 1;
    base = *parsed;
  }
  std::vector<sim::JournalText> journals;
  for (const std::string& path : args->positional) {
    auto text = read_input_file(path, "journal");
    if (!text) return std::fprintf(stderr, "dpcctl calibrate: %s\n", text.message().c_str()), 1;
    journals.push_back({path, *text});
  }
  auto cal = sim::calibrate_profile(journals, base);
  if (!cal) return std::fprintf(stderr, "dpcctl calibrate: %s\n", cal.message().c_str()), 1;
  const std::string json = sim::calibration_json(*cal);
  if (auto out = args->get("out")) {
    auto written = real::write_file_atomic(*out, json);
    if (!written) return std::fprintf(stderr, "dpcctl calibrate: %s\n", written.message().c_str()), 1;
    std::fprintf(stderr, "dpcctl calibrate: %zu keys from %d steps written to %s\n", cal->keys.size(),
                 cal->steps_read, out->c_str());
  } else {
    std::fputs(json.c_str(), stdout);
  }
  return 0;
}

}  // namespace dpc::cli
