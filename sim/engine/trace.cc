#include "sim/engine/trace.h"

#include <cstdio>

namespace dpc::sim {

std::string format_time(SimTime t) {
  const bool neg = t < 0;
  const uint64_t a = neg ? static_cast<uint64_t>(-t) : static_cast<uint64_t>(t);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s%llu.%03llu", neg ? "-" : "",
                static_cast<unsigned long long>(a / 1000),
                static_cast<unsigned long long>(a % 1000));
  return buf;
}

Trace::Trace(TraceMode mode, size_t tail) : mode_(mode), tail_(tail == 0 ? 1 : tail) {}

std::string Trace::render(const TraceEvent& e) {
  std::string line = format_time(e.time);
  if (line.size() < 11) line.insert(0, 11 - line.size(), ' ');
  line += ' ';
  line += e.instance.empty() ? "-" : e.instance;
  line += ' ';
  line += e.kind;
  if (!e.detail.empty()) {
    line += ' ';
    line += e.detail;
  }
  return line;
}

void Trace::record(SimTime time, std::string_view instance, std::string_view kind,
                   std::string_view detail) {
  if (mode_ == TraceMode::Off) return;
  TraceEvent e{time, std::string(instance), std::string(kind), std::string(detail)};
  const std::string line = render(e);
  for (unsigned char c : line) {
    hash_ ^= c;
    hash_ *= 0x100000001b3ULL;
  }
  hash_ ^= static_cast<unsigned char>('\n');
  hash_ *= 0x100000001b3ULL;
  ++count_;
  if (listener_) listener_(e);
  events_.push_back(std::move(e));
  if (mode_ == TraceMode::Tail && events_.size() > tail_) events_.pop_front();
}

std::string Trace::hash_hex() const {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(hash_));
  return buf;
}

std::string Trace::tail(size_t n) const {
  std::string out;
  const size_t start = events_.size() > n ? events_.size() - n : 0;
  for (size_t i = start; i < events_.size(); ++i) {
    out += render(events_[i]);
    out += '\n';
  }
  return out;
}

std::vector<TraceEvent> Trace::find(std::string_view kind_prefix, std::string_view instance) const {
  std::vector<TraceEvent> out;
  for (const auto& e : events_) {
    if (e.kind.compare(0, kind_prefix.size(), kind_prefix) != 0) continue;
    if (!instance.empty() && e.instance != instance) continue;
    out.push_back(e);
  }
  return out;
}

}  // namespace dpc::sim
