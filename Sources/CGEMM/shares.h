// Units of a job shared out among a team's threads (team.c's ser_team_for, gemm.c's products): one contiguous
// share per thread, which that thread takes from its front, half of what is left at a time, and which the others,
// once their own share is done, take from its back, half at a time too. A thread works through its own share
// first (the samples or rows its own earlier passes wrote, in its own cache); a thread that runs slower or is
// preempted leaves its last units to the others, down to a single unit, instead of making them wait for those
// units, and one that starts late (woken from sleep) finds its share done by the others. Which thread computes a
// unit never changes what it computes.
#ifndef SER_SHARES_H
#define SER_SHARES_H

#include "ser_team.h"

#include <stdatomic.h>
#include <stdint.h>

typedef struct {
    _Alignas(64) _Atomic uint64_t range; // the units not taken yet: first in the low 32 bits, end in the high 32
    char padding[64 - sizeof(uint64_t)]; // a cache line of its own per share
} share;

/// Units 0 ..< units (at most UINT32_MAX) in nearly equal shares, in order (share t follows share t − 1), one
/// per thread of `threads` but no more than there are units: returns how many (the job's parts). The other shares
/// are left as they are (never read).
static inline int share_out(share *shares, long units, int threads) {
    int parts = units < threads ? (int)units : threads;
    if (parts > SER_TEAM_MAX) parts = SER_TEAM_MAX;
    for (int t = 0; t < parts; t++) {
        uint64_t first = (uint64_t)(units * t / parts), end = (uint64_t)(units * (t + 1) / parts);
        atomic_init(&shares[t].range, end << 32 | first);
    }
    return parts;
}

/// Takes the first (or, `from_back`, the last) half, rounded up, of the units left in `s`; 0 when none are left.
static inline int take_half(share *s, int from_back, long *first, long *end) {
    uint64_t r = atomic_load_explicit(&s->range, memory_order_relaxed);
    for (;;) {
        uint32_t f = (uint32_t)r, e = (uint32_t)(r >> 32);
        if (f >= e) return 0;
        uint32_t take = (e - f) / 2 + ((e - f) & 1); // half, rounded up (e − f + 1 would wrap at UINT32_MAX)
        uint64_t left = from_back ? (uint64_t)(e - take) << 32 | f : (uint64_t)e << 32 | (f + take);
        if (atomic_compare_exchange_weak_explicit(&s->range, &r, left, memory_order_relaxed, memory_order_relaxed)) {
            *first = from_back ? e - take : f;
            *end = from_back ? e : f + take;
            return 1;
        }
    }
}

/// The next units first ..< end for part `part`'s thread: from its own share while any are left, then from the
/// others' (part + 1, part + 2, … in turn); 0 when every share is done. The job's shares are published to the
/// helpers by ser_team_run, and their results to the owner when it returns.
static inline int take_units(share *shares, int parts, int part, long *first, long *end) {
    if (take_half(&shares[part], 0, first, end)) return 1;
    for (int o = 1; o < parts; o++)
        if (take_half(&shares[(part + o) % parts], 1, first, end)) return 1;
    return 0;
}

#endif
