/* The progress line of shm write and shm read: see progress.h. */
#include <stdio.h>
#include <unistd.h>

#include "progress.h"

#define PROGRESS_THRESHOLD (64ull << 20)
#define PROGRESS_PERIOD_NS 100000000ll

static double seconds_between(const struct timespec *from,
			      const struct timespec *to)
{
	return (double)(to->tv_sec - from->tv_sec) +
	       (double)(to->tv_nsec - from->tv_nsec) / 1e9;
}

/* BYTES in binary units: "812 B", "3.5 MiB", "512 MiB". */
static const char *size_text(char *buf, size_t len, double bytes)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	unsigned u = 0;

	while (bytes >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		bytes /= 1024;
		u++;
	}
	snprintf(buf, len, u > 0 && bytes < 10 ? "%.1f %s" : "%.0f %s", bytes,
		 units[u]);
	return buf;
}

static bool due(const struct progress *p)
{
	uint64_t size = p->total != SV_PROGRESS_UNKNOWN ? p->total : p->done;

	return p->forced || size > PROGRESS_THRESHOLD;
}

static void print_line(struct progress *p, const struct timespec *now)
{
	double secs = seconds_between(&p->start, now);
	char done[32], total[32], rate[32];

	size_text(rate, sizeof(rate), secs > 0 ? (double)p->done / secs : 0);
	if (p->total == SV_PROGRESS_UNKNOWN)
		fprintf(stderr, "\r%s %s, %s/s", p->verb,
			size_text(done, sizeof(done), (double)p->done), rate);
	else
		fprintf(stderr, "\r%s %s of %s (%llu%%), %s/s", p->verb,
			size_text(done, sizeof(done), (double)p->done),
			size_text(total, sizeof(total), (double)p->total),
			p->total > 0 ? (unsigned long long)(p->done * 100 / p->total) : 100ull,
			rate);
	if (p->tty)
		fputs("\033[K", stderr);
	p->shown = true;
	p->last = *now;
}

static void tell(void *ctx, uint64_t done, uint64_t total)
{
	struct progress *p = ctx;
	struct timespec now;

	p->done = done;
	p->total = total;
	/* The last state is progress_end's to print. */
	if (!due(p) || done == total)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!p->shown || (now.tv_sec - p->last.tv_sec) * 1000000000ll +
	    (now.tv_nsec - p->last.tv_nsec) >= PROGRESS_PERIOD_NS)
		print_line(p, &now);
}

const struct sv_progress *progress_begin(struct progress *p, const char *verb,
					 enum progress_mode mode)
{
	*p = (struct progress){ .verb = verb };
	p->forced = mode == PROGRESS_ON;
	p->tty = isatty(STDERR_FILENO);
	p->wanted = p->forced || (mode == PROGRESS_AUTO && p->tty);
	p->hook = (struct sv_progress){ .tell = tell, .ctx = p };
	clock_gettime(CLOCK_MONOTONIC, &p->start);
	return p->wanted ? &p->hook : NULL;
}

void progress_end(struct progress *p)
{
	struct timespec now;

	if (!p->wanted || !(p->shown || due(p)))
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	print_line(p, &now);
	fputc('\n', stderr);
}
