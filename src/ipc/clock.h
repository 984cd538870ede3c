/* The monotonic clock, as every wait and deadline reads it: one place for
 * "now" in ms or ns, a deadline TIMEOUT from now, whether one has passed
 * and the seconds since a start. */
#ifndef SYSVCTL_CLOCK_H
#define SYSVCTL_CLOCK_H

#include <stdbool.h>
#include <time.h>

/* CLOCK_MONOTONIC now, in milliseconds and in nanoseconds. */
long long sv_mono_ms(void);
long long sv_mono_ns(void);

/* *DEADLINE: CLOCK_MONOTONIC now plus TIMEOUT. */
void sv_mono_deadline(struct timespec *deadline, const struct timespec *timeout);

/* *DEADLINE: CLOCK now plus TIMEOUT (CLOCK_REALTIME for mq_timedsend and
 * mq_timedreceive, which take their deadline on that clock). */
void sv_clock_deadline(clockid_t clock, struct timespec *deadline,
		       const struct timespec *timeout);

/* Whether CLOCK_MONOTONIC has reached DEADLINE. */
bool sv_mono_passed(const struct timespec *deadline);

/* The seconds since START (a CLOCK_MONOTONIC time). */
double sv_mono_seconds_since(const struct timespec *start);

#endif
