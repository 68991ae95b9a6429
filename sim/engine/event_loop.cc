#include "sim/engine/event_loop.h"

#include <algorithm>
#include <utility>

namespace dpc::sim {

uint32_t EventLoop::take_slot(const char* tag, std::function<void()> fn) {
  uint32_t slot;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else {
    slot = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  Slot& s = slots_[slot];
  s.fn = std::move(fn);
  s.tag = tag;
  s.live = true;
  ++live_;
  return slot;
}

EventId EventLoop::at(SimTime when, const char* tag, std::function<void()> fn) {
  if (when < now_) when = now_;
  const uint32_t slot = take_slot(tag, std::move(fn));
  const uint32_t gen = slots_[slot].gen;
  heap_.push_back(Entry{when, (++seq_ << kSubBits) | kRealSub, slot, gen});
  std::push_heap(heap_.begin(), heap_.end(), later);
  return (static_cast<uint64_t>(slot) << 32 | gen) + 1;
}

void EventLoop::at_key(SimTime when, uint64_t key, const char* tag, std::function<void()> fn) {
  if (when < now_) when = now_;
  const uint32_t slot = take_slot(tag, std::move(fn));
  heap_.push_back(Entry{when, key, slot, slots_[slot].gen});
  std::push_heap(heap_.begin(), heap_.end(), later);
}

uint64_t EventLoop::key_base_at(SimTime t) const {
  // The first instant at or after t that the loop reached; none yet: now.
  auto it = std::lower_bound(marks_.begin() + static_cast<std::ptrdiff_t>(marks_begin_), marks_.end(), t,
                             [](const std::pair<SimTime, uint64_t>& m, SimTime v) { return m.first < v; });
  return it == marks_.end() ? next_key_base() : it->second;
}

void EventLoop::post(SimTime when, const char* tag, std::function<void()> fn) {
  if (when < now_) when = now_;
  if (post_seq_ == seq_ && post_seq_ != 0 && when == post_when_ && tag == post_tag_) {
    Slot& s = slots_[post_slot_];
    if (s.live && s.gen == post_gen_) {
      s.more.push_back(std::move(fn));
      ++live_;
      return;
    }
  }
  const EventId id = at(when, tag, std::move(fn)) - 1;
  post_seq_ = seq_;
  post_slot_ = static_cast<uint32_t>(id >> 32);
  post_gen_ = static_cast<uint32_t>(id & 0xffffffffu);
  post_when_ = when;
  post_tag_ = tag;
}

void EventLoop::release(uint32_t slot) {
  Slot& s = slots_[slot];
  s.fn = nullptr;
  live_ -= s.more.size();  // only cancel() releases a slot that still has any
  s.more.clear();
  s.live = false;
  ++s.gen;
  --live_;
  free_.push_back(slot);
}

bool EventLoop::cancel(EventId id) {
  if (id == 0) return false;
  const uint64_t raw = id - 1;
  const uint32_t slot = static_cast<uint32_t>(raw >> 32);
  const uint32_t gen = static_cast<uint32_t>(raw & 0xffffffffu);
  if (slot >= slots_.size()) return false;
  Slot& s = slots_[slot];
  if (!s.live || s.gen != gen) return false;
  release(slot);
  return true;
}

void EventLoop::drop_dead_top() {
  while (!heap_.empty()) {
    const Entry& top = heap_.front();
    const Slot& s = slots_[top.slot];
    if (s.live && s.gen == top.gen) return;
    std::pop_heap(heap_.begin(), heap_.end(), later);
    heap_.pop_back();
  }
}

SimTime EventLoop::next_time() {
  if (batch_next_ < batch_.size()) return now_;
  drop_dead_top();
  return heap_.empty() ? -1 : heap_.front().when;
}

void EventLoop::advance_to(SimTime when) {
  const SimTime next = next_time();
  if (next >= 0 && next < when) when = next;
  if (when > now_) {
    if (mark_horizon_ >= 0) mark(when);
    now_ = when;
  }
  // Whatever runs now, outside any event, comes after everything that was
  // due at this instant when nothing due is left.
  if (next < 0 || next > now_) current_key_ = UINT64_MAX;
}

void EventLoop::mark(SimTime when) {
  marks_.emplace_back(when, next_key_base());
  // Forget instants older than the horizon (amortised: compact when half is old).
  while (marks_begin_ < marks_.size() && marks_[marks_begin_].first < when - mark_horizon_) ++marks_begin_;
  if (marks_begin_ > 1024 && marks_begin_ * 2 > marks_.size()) {
    marks_.erase(marks_.begin(), marks_.begin() + static_cast<std::ptrdiff_t>(marks_begin_));
    marks_begin_ = 0;
  }
}

bool EventLoop::step() {
  if (batch_next_ < batch_.size()) {
    std::function<void()> fn = std::move(batch_[batch_next_++]);
    if (batch_next_ == batch_.size()) {
      batch_.clear();
      batch_next_ = 0;
    }
    --live_;
    current_tag_ = batch_tag_;
    current_key_ = batch_key_;
    ++executed_;
    fn();
    return true;
  }
  drop_dead_top();
  if (heap_.empty()) return false;
  std::pop_heap(heap_.begin(), heap_.end(), later);
  const Entry e = heap_.back();
  heap_.pop_back();
  Slot& s = slots_[e.slot];
  std::function<void()> fn = std::move(s.fn);
  current_tag_ = s.tag;
  if (!s.more.empty()) {
    batch_.swap(s.more);  // batch_ was empty: the slot keeps its capacity
    batch_tag_ = s.tag;
    batch_key_ = e.seq;
  }
  release(e.slot);
  if (mark_horizon_ >= 0 && e.when != now_) mark(e.when);
  now_ = e.when;
  current_key_ = e.seq;
  ++executed_;
  fn();
  return true;
}

}  // namespace dpc::sim
