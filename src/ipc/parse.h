/* Bounded parsing of every number a user can type: sizes and offsets,
 * durations, modes, keys and plain integers.  Each parser takes the text
 * and the name of the option or argument it came from ("-s", "VALUE"), so
 * its error names what was wrong; errors are SV_EUSAGE (exit 2).  No other
 * file converts user text to numbers. */
#ifndef SYSVCTL_PARSE_H
#define SYSVCTL_PARSE_H

#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "err.h"

/* Bytes with an optional suffix K, M, G, T (or KiB, MiB, GiB, TiB; powers
 * of 1024), between min and max inclusive. */
int parse_bytes(const char *text, const char *what, uint64_t min,
		uint64_t max, uint64_t *bytes, struct sv_err *err);

/* A duration: seconds, fractions allowed ("0.25"), or with suffix ms, s, m,
 * h or d.  "0" is a zero duration (do not wait). */
int parse_duration(const char *text, const char *what,
		   struct timespec *duration, struct sv_err *err);

/* The same, above 0: a limit of no time at all (--max-time 0) would
 * stop what it limits at once, surely not what was meant. */
int parse_duration_above_zero(const char *text, const char *what,
			      struct timespec *duration, struct sv_err *err);

/* An octal permission mode, 0 to 0777. */
int parse_mode(const char *text, const char *what, mode_t *mode,
	       struct sv_err *err);

/* A decimal integer between min and max (strtonum). */
int parse_int(const char *text, const char *what, long long min,
	      long long max, long long *value, struct sv_err *err);

/* An unsigned integer in decimal or, with 0x, hexadecimal, min..max. */
int parse_uint_dec_hex(const char *text, const char *what, uint64_t min,
		       uint64_t max, uint64_t *value, struct sv_err *err);

#endif
