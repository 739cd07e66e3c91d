// Element-wise passes shared by the calling thread's team (ser_team.h): kernels.c's passes and adam.c's update.
#ifndef SER_PASSES_H
#define SER_PASSES_H

#include "ser_team.h"

/// Passes over fewer elements (of their largest array) run on the calling thread alone: a hand-over would cost
/// more than it saves.
enum { parallel_min_elements = 16384 };

/// body(context, 0, units), shared by the calling thread's team in ranges of whole `grain` units when the pass
/// covers at least `parallel_min_elements` elements.
static inline void run_pass(long units, long grain, long elements, void (*body)(void *, long, long), void *context) {
    if (elements >= parallel_min_elements) ser_team_for(units, grain, body, context);
    else if (units > 0) body(context, 0, units);
}

#endif
