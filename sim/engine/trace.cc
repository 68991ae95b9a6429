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

namespace {

/// format_time(t) into `buf` (at least 32 bytes) without allocating; returns its length.
size_t format_time_to(char* buf, SimTime t) {
  const bool neg = t < 0;
  uint64_t a = neg ? static_cast<uint64_t>(-t) : static_cast<uint64_t>(t);
  char rev[32];
  size_t n = 0;
  for (int i = 0; i < 3; ++i) {
    rev[n++] = static_cast<char>('0' + a % 10);
    a /= 10;
  }
  rev[n++] = '.';
  do {
    rev[n++] = static_cast<char>('0' + a % 10);
    a /= 10;
  } while (a != 0);
  if (neg) rev[n++] = '-';
  for (size_t i = 0; i < n; ++i) buf[i] = rev[n - 1 - i];
  return n;
}

inline void fnv(uint64_t& h, std::string_view bytes) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
}

}  // namespace

void Trace::record(SimTime time, std::string_view instance, std::string_view kind,
                   std::string_view detail) {
  if (mode_ == TraceMode::Off) return;
  // The hash covers render(e) + '\n', fed piece by piece (no line is built).
  char tbuf[32];
  const size_t tlen = format_time_to(tbuf, time);
  for (size_t pad = tlen; pad < 11; ++pad) fnv(hash_, " ");
  fnv(hash_, std::string_view(tbuf, tlen));
  fnv(hash_, " ");
  fnv(hash_, instance.empty() ? std::string_view("-") : instance);
  fnv(hash_, " ");
  fnv(hash_, kind);
  if (!detail.empty()) {
    fnv(hash_, " ");
    fnv(hash_, detail);
  }
  fnv(hash_, "\n");
  ++count_;
  if (mode_ == TraceMode::Tail && events_.size() >= tail_) {
    // Reuse the oldest event's strings: a bounded trace allocates nothing
    // once it is full.
    TraceEvent e = std::move(events_.front());
    events_.pop_front();
    e.time = time;
    e.instance.assign(instance);
    e.kind.assign(kind);
    e.detail.assign(detail);
    if (listener_) listener_(e);
    events_.push_back(std::move(e));
    return;
  }
  TraceEvent e{time, std::string(instance), std::string(kind), std::string(detail)};
  if (listener_) listener_(e);
  events_.push_back(std::move(e));
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
