#include "clock.h"

#define NS_PER_S 1000000000L

static struct timespec mono_now(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now;
}

long long sv_mono_ms(void)
{
	struct timespec now = mono_now();

	return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

long long sv_mono_ns(void)
{
	struct timespec now = mono_now();

	return (long long)now.tv_sec * NS_PER_S + now.tv_nsec;
}

void sv_mono_deadline(struct timespec *deadline, const struct timespec *timeout)
{
	sv_clock_deadline(CLOCK_MONOTONIC, deadline, timeout);
}

void sv_clock_deadline(clockid_t clock, struct timespec *deadline,
		       const struct timespec *timeout)
{
	clock_gettime(clock, deadline);
	deadline->tv_sec += timeout->tv_sec;
	deadline->tv_nsec += timeout->tv_nsec;
	if (deadline->tv_nsec >= NS_PER_S) {
		deadline->tv_sec++;
		deadline->tv_nsec -= NS_PER_S;
	}
}

bool sv_mono_passed(const struct timespec *deadline)
{
	struct timespec now = mono_now();

	return now.tv_sec > deadline->tv_sec ||
	       (now.tv_sec == deadline->tv_sec && now.tv_nsec >= deadline->tv_nsec);
}

double sv_mono_seconds_since(const struct timespec *start)
{
	struct timespec now = mono_now();

	return (double)(now.tv_sec - start->tv_sec) +
	       (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}
