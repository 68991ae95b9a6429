// Rng: the simulator's one random source. Every random draw of a simulated
// run (election-timeout jitter, link jitter, message loss) comes from the one
// Rng its SimCluster owns, seeded from SimOptions::seed, so the same seed and
// inputs replay byte for byte. xoshiro256** seeded through splitmix64; never
// std::random_device, rand() or a clock.
//
// Owned by SimCluster (sim/cluster.h); header-only; single-threaded.
#pragma once

#include <cstdint>

namespace dpc::sim {

/// splitmix64: expands a 64-bit seed into well-mixed words.
inline uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

class Rng {
 public:
  explicit Rng(uint64_t seed = 1) { reseed(seed); }

  void reseed(uint64_t seed) {
    uint64_t sm = seed;
    for (auto& word : s_) word = splitmix64(sm);
  }

  /// The next 64 random bits.
  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  /// A uniform integer in [0, bound]; 0 when bound <= 0 (and no draw is made,
  /// so a knob left at 0 does not perturb the rest of the run).
  int64_t uniform(int64_t bound) {
    if (bound <= 0) return 0;
    const uint64_t span = static_cast<uint64_t>(bound) + 1;
    return static_cast<int64_t>(next() % span);
  }

  /// True with probability p (no draw when p <= 0 or p >= 1).
  bool chance(double p) {
    if (p <= 0.0) return false;
    if (p >= 1.0) return true;
    const double u = static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0);
    return u < p;
  }

  /// A fresh 64-bit identifier that is never 0 (magics).
  uint64_t id() {
    uint64_t v = next();
    return v == 0 ? 1 : v;
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4] = {};
};

}  // namespace dpc::sim
