#include "sim/engine/timing_profile.h"

#include <cmath>
#include <nlohmann/json.hpp>
#include <variant>
#include <vector>

namespace dpc::sim {
namespace {

struct Field {
  const char* key;
  std::variant<int64_t TimingProfile::*, int TimingProfile::*, double TimingProfile::*> member;
  bool in_ms = true;  ///< a time given in milliseconds (stored in microseconds)
};

const std::vector<Field>& fields() {
  static const std::vector<Field> kFields = {
      {"dminit_ms", &TimingProfile::dminit},
      {"backup_ms", &TimingProfile::backup},
      {"restore_ms", &TimingProfile::restore},
      {"update_magic_ms", &TimingProfile::update_magic},
      {"recover_ms", &TimingProfile::recover},
      {"tool_error_ms", &TimingProfile::tool_error},
      {"server_launch_ms", &TimingProfile::server_launch},
      {"server_startup_ms", &TimingProfile::server_startup},
      {"redo_to_mount_ms", &TimingProfile::redo_to_mount},
      {"mount_to_open_ms", &TimingProfile::mount_to_open},
      {"primary_open_delay_ms", &TimingProfile::primary_open_delay},
      {"standby_open_delay_ms", &TimingProfile::standby_open_delay},
      {"redo_replay_ms_per_1000_lsn", &TimingProfile::redo_replay_per_klsn},
      {"dirty_redo_lsn", &TimingProfile::dirty_redo_lsn, false},
      {"exit_ms", &TimingProfile::exit},
      {"exit_all_ms", &TimingProfile::exit_all},
      {"forced_halt_ms", &TimingProfile::forced_halt},
      {"halt_delay_ms", &TimingProfile::halt_delay},
      {"mp_retry_ms", &TimingProfile::mp_retry},
      {"xmal_hb_ms", &TimingProfile::xmal_hb},
      {"mp_dead_after_hb", &TimingProfile::mp_dead_after_hb},
      {"open_redo_lsn", &TimingProfile::open_redo_lsn, false},
      {"dml_redo_lsn", &TimingProfile::dml_redo_lsn, false},
      {"sql_ms", &TimingProfile::sql},
      {"link_latency_ms", &TimingProfile::link_latency},
      {"remote_link_latency_ms", &TimingProfile::remote_link_latency},
      {"link_jitter_ms", &TimingProfile::link_jitter},
      {"link_loss", &TimingProfile::link_loss},
  };
  return kFields;
}

std::string known_keys() {
  std::string out;
  for (const auto& f : fields()) {
    if (!out.empty()) out += ", ";
    out += f.key;
  }
  return out;
}

}  // namespace

Result<TimingProfile> parse_timing_profile(const std::string& json_text, const std::string& source) {
  nlohmann::json doc = nlohmann::json::parse(json_text, nullptr, false, true);
  if (doc.is_discarded()) {
    return Error{source + ": not valid JSON; expected an object such as {\"dminit_ms\": 2000}"};
  }
  if (!doc.is_object()) return Error{source + ": the timing profile must be a JSON object"};
  TimingProfile p;
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    const Field* field = nullptr;
    for (const auto& f : fields()) {
      if (it.key() == f.key) field = &f;
    }
    if (!field) {
      return Error{source + ": unknown key \"" + it.key() + "\"; known keys: " + known_keys()};
    }
    if (!it.value().is_number()) {
      return Error{source + ": \"" + it.key() + "\" must be a number"};
    }
    const double v = it.value().get<double>();
    if (v < 0 || !std::isfinite(v)) {
      return Error{source + ": \"" + it.key() + "\" must be a non-negative number, got " +
                   it.value().dump()};
    }
    if (auto* i = std::get_if<int64_t TimingProfile::*>(&field->member)) {
      p.*(*i) = static_cast<int64_t>(std::llround(field->in_ms ? v * kMicrosPerMilli : v));
    } else if (auto* n = std::get_if<int TimingProfile::*>(&field->member)) {
      p.*(*n) = static_cast<int>(std::lround(v));
    } else if (auto* d = std::get_if<double TimingProfile::*>(&field->member)) {
      if (v > 1.0) return Error{source + ": \"" + it.key() + "\" is a probability (0..1)"};
      p.*(*d) = v;
    }
  }
  if (p.mp_dead_after_hb < 1) return Error{source + ": \"mp_dead_after_hb\" must be at least 1"};
  if (p.xmal_hb <= 0) return Error{source + ": \"xmal_hb_ms\" must be positive"};
  if (p.mp_retry <= 0) return Error{source + ": \"mp_retry_ms\" must be positive"};
  return p;
}

std::string timing_profile_json(const TimingProfile& profile) {
  nlohmann::ordered_json doc = nlohmann::ordered_json::object();
  for (const auto& f : fields()) {
    if (auto* i = std::get_if<int64_t TimingProfile::*>(&f.member)) {
      if (f.in_ms) {
        doc[f.key] = static_cast<double>(profile.*(*i)) / kMicrosPerMilli;
      } else {
        doc[f.key] = profile.*(*i);
      }
    } else if (auto* n = std::get_if<int TimingProfile::*>(&f.member)) {
      doc[f.key] = profile.*(*n);
    } else if (auto* d = std::get_if<double TimingProfile::*>(&f.member)) {
      doc[f.key] = profile.*(*d);
    }
  }
  return doc.dump(2);
}

}  // namespace dpc::sim
