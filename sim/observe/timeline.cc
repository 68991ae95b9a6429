#include "sim/observe/timeline.h"

#include <algorithm>
#include <map>
#include <vector>

#include "sim/observe/lifecycle.h"

namespace dpc::sim {

namespace {

/// A short-lived bad state inside a bucket wins over what came after it.
int severity(char c) {
  switch (c) {
    case 'X':
    case 'H':
    case 'r':
      return 2;
    case 'c':
      return 1;
    default:
      return 0;
  }
}

SimTime nice_bucket(SimTime span, int width) {
  static const int64_t steps_ms[] = {1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000,
                                     10000, 20000, 30000, 60000, 120000, 300000, 600000};
  for (int64_t s : steps_ms) {
    if (span <= from_ms(s) * width) return from_ms(s);
  }
  return (span + width - 1) / width;
}

std::string pad(const std::string& s, size_t n) { return s.size() >= n ? s : s + std::string(n - s.size(), ' '); }

}  // namespace

char timeline_char(const std::string& state, const std::string& role) {
  if (state == "starting") return 's';
  if (state == "MOUNT") return role == "leader" ? 'l' : role == "candidate" ? 'c' : 'm';
  if (state == "OPEN") return role == "leader" ? 'P' : role.empty() ? 'O' : 'o';
  if (state == "exiting") return 'x';
  if (state == "stopped") return '.';
  if (state == "HALT") return 'H';
  if (state == "crashed") return 'X';
  if (state == "refused") return 'r';
  return '?';
}

std::string text_timeline(const std::deque<TraceEvent>& events, SimTime end,
                          const TimelineOptions& options) {
  const Lifecycle life = build_lifecycle(events, end);
  const int width = std::max(8, options.width);
  const SimTime bucket = nice_bucket(std::max<SimTime>(end, 1), width);
  const int columns = static_cast<int>(std::min<SimTime>(width, end / bucket + 1));

  std::string out = "timeline: 0 .. " + format_time(end) + " ms, " + format_time(bucket) +
                    " ms per column\n";
  out += "legend: ' ' not started  s starting  m MOUNT  c candidate  l leader (not yet OPEN)\n"
         "        P PRIMARY/OPEN leader  o OPEN follower  O OPEN  x exiting  . stopped\n"
         "        H HALT  X crashed  r refused\n";
  size_t name_width = 4;
  for (const auto& n : life.instances) name_width = std::max(name_width, n.size());

  std::map<std::string, std::vector<const LifecycleSegment*>> by_instance;
  for (const auto& s : life.segments) by_instance[s.instance].push_back(&s);
  for (const auto& name : life.instances) {
    std::string row(static_cast<size_t>(columns), ' ');
    for (const LifecycleSegment* s : by_instance[name]) {
      const char c = timeline_char(s->state, s->role);
      const int first = static_cast<int>(s->start / bucket);
      const int last = static_cast<int>(std::min<SimTime>(s->end, end) / bucket);
      for (int col = first; col <= last && col < columns; ++col) {
        char& cell = row[static_cast<size_t>(col)];
        // The state at the end of the bucket, unless a worse one passed through it.
        const bool covers_end = s->end >= (col + 1) * bucket || s->end >= end;
        if (cell == ' ' || severity(c) > severity(cell) ||
            (covers_end && severity(c) >= severity(cell))) {
          cell = c;
        }
      }
    }
    out += pad(name, name_width) + " |" + row + "\n";
  }

  // Dated lines: each state change and each marker (drops summarised).
  struct Line {
    SimTime time;
    std::string text;
  };
  std::vector<Line> lines;
  for (const auto& s : life.segments) {
    lines.push_back({s.start, pad(s.instance, name_width) + "  -> " + segment_label(s)});
  }
  std::map<std::string, int> drops;
  for (const auto& e : life.instants) {
    if (e.kind == "net.drop") {
      ++drops[e.instance.empty() ? "cluster" : e.instance];
      continue;
    }
    lines.push_back({e.time, pad(e.instance.empty() ? "*" : e.instance, name_width) + "  " + e.kind +
                                 (e.detail.empty() ? "" : ": " + e.detail)});
  }
  std::stable_sort(lines.begin(), lines.end(), [](const Line& a, const Line& b) { return a.time < b.time; });
  const size_t first = lines.size() > options.last_changes ? lines.size() - options.last_changes : 0;
  out += "last changes" + std::string(first > 0 ? " (" + std::to_string(lines.size() - first) + " of " +
                                                      std::to_string(lines.size()) + ")"
                                                : "") + ":\n";
  for (size_t i = first; i < lines.size(); ++i) {
    std::string t = format_time(lines[i].time);
    out += "  " + std::string(t.size() < 11 ? 11 - t.size() : 0, ' ') + t + "  " + lines[i].text + "\n";
  }
  if (!drops.empty()) {
    out += "messages dropped:";
    for (const auto& [who, n] : drops) out += " " + who + " " + std::to_string(n);
    out += "\n";
  }
  return out;
}

}  // namespace dpc::sim
