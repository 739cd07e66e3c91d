// A team of threads for one thread's products and passes (ser_team.h).
//
// A training step is a few dozen products and passes of 10 µs to 1 ms each, so handing work to a helper must cost
// about a microsecond: a helper that has just finished waits for the next part by spinning on the job counter for
// a short while (`spin_ns`), and only then sleeps on a condition variable, which costs tens of microseconds to wake
// but nothing while the owner does other things (shuffling, an epoch's bookkeeping, another program's time
// slice). The owner waits for the helpers' parts the same way. Each job has one part per thread; a product's or a
// ser_team_for's part works through its own share of the units, then takes what is left of the others' (shares.h):
// which thread computes a unit never changes what it computes.
//
// Why not libdispatch's concurrentPerform (as BatchWorkers uses for whole shards): on the Intel Xeon model 207
// (2 cores, KVM) two parts of 20 µs took 36 µs per call back to back with it, 21 µs with a team (100 µs parts: 116
// and 101 µs), and many of the products split here take 20–100 µs. After a millisecond idle both pay a wake-up
// (team: 45 µs for 20 µs parts, concurrentPerform 55 µs).

#include "ser_team.h"
#include "shares.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#if defined(__x86_64__)
#include <immintrin.h>
#define SPIN_PAUSE() _mm_pause()
#else
#define SPIN_PAUSE() ((void)0)
#endif

/// How long a waiting thread spins before it sleeps.
static const int64_t spin_ns = 200000;

struct ser_team {
    int threads;
    pthread_t *helpers;
    // The current job: written by the owner before `generation` moves, read by the helpers after.
    void (*body)(void *, int);
    void *context;
    int parts;
    _Atomic uint32_t generation; // jobs posted so far
    _Atomic int remaining;       // helpers still to finish the current job
    _Atomic int sleepers;        // helpers asleep on `wake`
    _Atomic int owner_sleeping;  // the owner asleep on `done`
    _Atomic int stopping;
    _Atomic int busy;            // a job is running (a team serves one thread at a time)
    pthread_mutex_t lock;
    pthread_cond_t wake, done;
};

typedef struct {
    ser_team *team;
    int index;
} helper_start;

static int64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void *helper_main(void *argument) {
    helper_start start = *(helper_start *)argument;
    free(argument);
    ser_team *team = start.team;
    uint32_t seen = 0;
    for (;;) {
        uint32_t g = atomic_load(&team->generation);
        if (g == seen && !atomic_load(&team->stopping)) {
            int64_t until = now_ns() + spin_ns;
            for (int i = 1; (g = atomic_load(&team->generation)) == seen; i++) {
                SPIN_PAUSE();
                if (i % 64 == 0 && (atomic_load(&team->stopping) || now_ns() > until)) break;
            }
        }
        if (g == seen) {
            // Asleep until the owner posts a job: it wakes `wake` when it sees a sleeper (sleepers and generation
            // are sequentially consistent, so either it sees this sleeper or this sees its job).
            pthread_mutex_lock(&team->lock);
            atomic_fetch_add(&team->sleepers, 1);
            while ((g = atomic_load(&team->generation)) == seen && !atomic_load(&team->stopping))
                pthread_cond_wait(&team->wake, &team->lock);
            atomic_fetch_sub(&team->sleepers, 1);
            pthread_mutex_unlock(&team->lock);
        }
        if (g == seen) return 0; // stopping
        seen = g;
        if (start.index < team->parts) team->body(team->context, start.index);
        if (atomic_fetch_sub(&team->remaining, 1) == 1 && atomic_load(&team->owner_sleeping)) {
            pthread_mutex_lock(&team->lock);
            pthread_cond_signal(&team->done);
            pthread_mutex_unlock(&team->lock);
        }
    }
}

ser_team *ser_team_create(int threads) {
    if (threads < 2) return 0;
    if (threads > SER_TEAM_MAX) threads = SER_TEAM_MAX;
    ser_team *team = calloc(1, sizeof(ser_team));
    if (!team) return 0;
    team->helpers = calloc((size_t)threads - 1, sizeof(pthread_t));
    if (!team->helpers) {
        free(team);
        return 0;
    }
    pthread_mutex_init(&team->lock, 0);
    pthread_cond_init(&team->wake, 0);
    pthread_cond_init(&team->done, 0);
    team->threads = 1;
    for (int h = 1; h < threads; h++) {
        helper_start *start = malloc(sizeof(helper_start));
        if (!start) break;
        *start = (helper_start){team, h};
        if (pthread_create(&team->helpers[h - 1], 0, helper_main, start) != 0) {
            free(start);
            break;
        }
        team->threads++;
    }
    if (team->threads < 2) {
        ser_team_destroy(team);
        return 0;
    }
    return team;
}

static _Thread_local ser_team *current_team;

void ser_team_destroy(ser_team *team) {
    if (!team) return;
    if (current_team == team) current_team = 0;
    pthread_mutex_lock(&team->lock);
    atomic_store(&team->stopping, 1);
    pthread_cond_broadcast(&team->wake);
    pthread_mutex_unlock(&team->lock);
    for (int h = 1; h < team->threads; h++) pthread_join(team->helpers[h - 1], 0);
    pthread_cond_destroy(&team->wake);
    pthread_cond_destroy(&team->done);
    pthread_mutex_destroy(&team->lock);
    free(team->helpers);
    free(team);
}

ser_team *ser_team_use(ser_team *team) {
    ser_team *previous = current_team;
    current_team = team;
    return previous;
}

int ser_team_threads(void) { return current_team ? current_team->threads : 1; }

unsigned long ser_team_jobs(void) { return current_team ? atomic_load(&current_team->generation) : 0; }

void ser_team_run(int parts, void (*body)(void *context, int part), void *context) {
    ser_team *team = current_team;
    // Without a team, or with one another thread is using (a misuse the API forbids, made harmless), the parts
    // run here one after another.
    if (!team || parts < 2 || atomic_exchange(&team->busy, 1)) {
        for (int p = 0; p < parts; p++) body(context, p);
        return;
    }
    // A part may itself call into the team's kernels (a product inside a pass): it then runs on its own thread.
    current_team = 0;
    team->body = body;
    team->context = context;
    team->parts = parts;
    atomic_store(&team->remaining, team->threads - 1);
    atomic_fetch_add(&team->generation, 1);
    if (atomic_load(&team->sleepers) > 0) {
        pthread_mutex_lock(&team->lock);
        pthread_cond_broadcast(&team->wake);
        pthread_mutex_unlock(&team->lock);
    }
    body(context, 0);
    for (int p = team->threads; p < parts; p++) body(context, p);
    if (atomic_load(&team->remaining) > 0) {
        int64_t until = now_ns() + spin_ns;
        for (int i = 1; atomic_load(&team->remaining) > 0; i++) {
            SPIN_PAUSE();
            if (i % 64 == 0 && now_ns() > until) break;
        }
        if (atomic_load(&team->remaining) > 0) {
            pthread_mutex_lock(&team->lock);
            atomic_store(&team->owner_sleeping, 1);
            while (atomic_load(&team->remaining) > 0) pthread_cond_wait(&team->done, &team->lock);
            atomic_store(&team->owner_sleeping, 0);
            pthread_mutex_unlock(&team->lock);
        }
    }
    atomic_store(&team->busy, 0);
    current_team = team;
}

typedef struct {
    long count, grain;
    int parts;
    void (*body)(void *, long, long);
    void *context;
    share *shares; // of grains, one per part (shares.h)
} range_job;

static void range_part(void *context, int part) {
    range_job *job = context;
    for (long first, end; take_units(job->shares, job->parts, part, &first, &end);) {
        end = end * job->grain < job->count ? end * job->grain : job->count;
        job->body(job->context, first * job->grain, end);
    }
}

void ser_team_for(long count, long grain, void (*body)(void *context, long first, long end), void *context) {
    if (count <= 0) return;
    long chunks = (count + grain - 1) / grain;
    int threads = ser_team_threads();
    if (threads < 2 || chunks < 2 || chunks > UINT32_MAX) {
        body(context, 0, count);
        return;
    }
    share shares[SER_TEAM_MAX]; // a cache line each; only the job's `parts` are initialised
    range_job job = {count, grain, share_out(shares, chunks, threads), body, context, shares};
    ser_team_run(job.parts, range_part, &job);
}
