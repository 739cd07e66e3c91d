#ifndef SER_TEAM_H
#define SER_TEAM_H
// A team of threads that one thread's matrix products and element-wise passes share (see team.c). A product is
// cut into parts by output tiles, a pass by samples or elements, never inside one element's arithmetic: the
// bits are the same with or without a team, whatever its size.

typedef struct ser_team ser_team;

/// The most threads a team has (more are not started).
#define SER_TEAM_MAX 64

/// A team of `threads` threads (at most SER_TEAM_MAX): the one that calls `ser_team_use` with it, plus
/// `threads` − 1 helpers started now, which wait for work (fewer when some cannot be started). NULL when `threads`
/// < 2 or no helper can be started: work then runs on the calling thread alone.
ser_team *ser_team_create(int threads);

/// Stops and joins the helpers (and stops being the calling thread's team). No other thread may be using it.
void ser_team_destroy(ser_team *team);

/// Makes `team` (or NULL: none) the calling thread's team, which its `ser_sgemm`, `ser_adam`, `ser_im2col`, …
/// calls then share; returns the previous one. A team serves one thread at a time: a second thread's calls find
/// it busy and run alone.
ser_team *ser_team_use(ser_team *team);

/// The calling thread's team's thread count, 1 without a team.
int ser_team_threads(void);

/// Jobs the calling thread's team has run so far (`ser_team_run` calls it shared), 0 without a team: for tests.
unsigned long ser_team_jobs(void);

/// Runs body(context, part) for part = 0 ..< parts on the calling thread's team (part 0 on the calling thread,
/// parts beyond the team's size one after another on the calling thread too) and returns when all are done;
/// without a team, all on the calling thread in order.
void ser_team_run(int parts, void (*body)(void *context, int part), void *context);

/// Runs body(context, first, end) over the units 0 ..< count: on the calling thread's team, in ranges of whole
/// `grain` units, each thread working through its own share (nearly equal, in order: thread t's follows thread
/// t − 1's) half of what is left at a time, then taking what is left of the others' from their back (shares.h);
/// without a team, or with fewer than two grains or more than UINT32_MAX, once over all of them on the calling
/// thread.
void ser_team_for(long count, long grain, void (*body)(void *context, long first, long end), void *context);

#endif
