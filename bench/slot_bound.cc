#include "bench/slot_bound.h"

#include <algorithm>
#include <unordered_map>

namespace dpc::bench {

SlotBound slot_bound(const Plan& plan, const std::vector<StepSpan>& spans, int slots) {
  const size_t n = plan.steps.size();
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < n; ++i) index.emplace(plan.steps[i].id, i);
  std::vector<std::vector<size_t>> users(n);
  for (size_t i = 0; i < n; ++i) {
    for (const auto& d : plan.steps[i].deps) {
      auto it = index.find(d);
      if (it != index.end()) users[it->second].push_back(i);
    }
  }
  auto work = [&](size_t i) {
    const StepKind k = plan.steps[i].kind;
    if (k == StepKind::WaitState || k == StepKind::Verify || i >= spans.size()) return 0.0;
    return spans[i].duration_ms;
  };
  SlotBound best;
  for (size_t i = 0; i < n && i < spans.size(); ++i) {
    best.bound_ms = std::max(best.bound_ms, spans[i].start_ms + spans[i].duration_ms);
  }
  const double p = std::max(1, slots);
  std::vector<char> seen(n);
  std::vector<size_t> stack;
  for (size_t s = 0; s < n && s < spans.size(); ++s) {
    std::fill(seen.begin(), seen.end(), 0);
    stack.assign(1, s);
    seen[s] = 1;
    double w = 0;
    while (!stack.empty()) {
      size_t i = stack.back();
      stack.pop_back();
      w += work(i);
      for (size_t u : users[i]) {
        if (!seen[u]) {
          seen[u] = 1;
          stack.push_back(u);
        }
      }
    }
    const double b = spans[s].start_ms + w / p;
    if (b > best.bound_ms) best = {b, plan.steps[s].id, w};
  }
  // Every step whose earliest start is t or later runs after t: for each t,
  // t + (their work) / P (t = 0: all the work on P slots).
  std::vector<size_t> order;
  for (size_t i = 0; i < n && i < spans.size(); ++i) order.push_back(i);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return spans[a].start_ms < spans[b].start_ms; });
  double later = 0;
  for (size_t k = order.size(); k-- > 0;) {
    later += work(order[k]);
    const double t = spans[order[k]].start_ms;
    if (k > 0 && spans[order[k - 1]].start_ms == t) continue;  // the whole group starting at t
    const double b = t + later / p;
    if (b > best.bound_ms) best = {b, "steps from " + plan.steps[order[k]].id + " on", later};
  }
  return best;
}

}  // namespace dpc::bench
