/* The hints for the pitfalls the core recognised (enum sv_cause), worded
 * with our command-line syntax: the core says what went wrong, this file
 * says which command or option helps. */
#include "cmd.h"

#include <stdio.h>
#include <string.h>

/* A POSIX object: the REF grammar names one "/NAME", never a key. */
static bool posix_ref(const struct sv_err *err)
{
	return err->ref[0] == '/';
}

/* The kinds other than KIND that have an object with KEY, as a mask. */
static unsigned other_kinds(enum sv_kind kind, key_t key)
{
	unsigned mask = 0;

	for (int other = 0; other < SV_NKINDS; other++)
		if (other != (int)kind && sv_key_in_use((enum sv_kind)other, key))
			mask |= 1u << other;
	return mask;
}

/* "a semaphore set and a message queue": the kinds in MASK. */
static void kind_nouns(unsigned mask, char *buf, size_t size)
{
	buf[0] = '\0';
	for (int kind = 0; kind < SV_NKINDS; kind++)
		if (mask & (1u << kind))
			snprintf(buf + strlen(buf), size - strlen(buf), "%sa %s",
				 buf[0] ? " and " : "", sv_kind_noun((enum sv_kind)kind));
}

/* No object of its kind: the key may name one of another kind (say so),
 * else how to make one (CREATE_USE: the verb a --create would serve). */
static void missing_hint(const struct sv_err *err, const char *create_use,
			 char *hint, size_t size)
{
	enum sv_kind kind = (enum sv_kind)err->kind;
	unsigned others;
	char nouns[96];

	if (err->ref[0] == '\0') {     /* an id: nothing to create by it */
		snprintf(hint, size, "'sysvctl ls %s' lists the ids in use",
			 sv_kind_name(kind));
		return;
	}
	if (posix_ref(err)) {
		snprintf(hint, size, "create it with 'sysvctl %s create %s'",
			 sv_kind_name(kind), err->ref);
		return;
	}
	others = other_kinds(kind, (key_t)err->key);
	kind_nouns(others, nouns, sizeof(nouns));
	if (others != 0 && __builtin_popcount(others) == 1)
		snprintf(hint, size, "key 0x%08x names %s, not a %s: see 'sysvctl %s "
			 "stat %s'", err->key, nouns, sv_kind_noun(kind),
			 sv_kind_name((enum sv_kind)__builtin_ctz(others)), err->ref);
	else if (others != 0)
		snprintf(hint, size, "key 0x%08x names %s, not a %s: see 'sysvctl "
			 "ls --key %s'", err->key, nouns, sv_kind_noun(kind), err->ref);
	else
		snprintf(hint, size, "create it with 'sysvctl %s create %s'%s%s",
			 sv_kind_name(kind), err->ref,
			 create_use ? " or pass --create to " : "",
			 create_use ? create_use : "");
}

/* A create found the key or name taken. */
static void exists_hint(const struct sv_err *err, char *hint, size_t size)
{
	enum sv_kind kind = (enum sv_kind)err->kind;

	if (kind == SV_SHM && !posix_ref(err))
		snprintf(hint, size, "use it as it is with --exist-ok, or remove it "
			 "first with 'sysvctl shm rm %s'", err->ref);
	else if (kind == SV_MQ && !posix_ref(err))
		snprintf(hint, size, "pass --exist-ok to use the existing queue, or "
			 "remove it with 'sysvctl mq rm %s'", err->ref);
	else
		snprintf(hint, size, "pass --exist-ok to use it, or remove it with "
			 "'sysvctl %s rm %s'", sv_kind_name(kind), err->ref);
}

/* Reading or writing an object its mode does not allow. */
static void access_hint(const struct sv_err *err, char *hint, size_t size)
{
	bool reading = err->cause == SV_CAUSE_READ_DENIED;

	if (err->kind == SV_SEM)
		snprintf(hint, size, "reading a set needs read permission; see its "
			 "mode with 'sysvctl ls sem'");
	else
		snprintf(hint, size, "%s needs %s permission; 'sysvctl %s stat' "
			 "shows its mode", reading ? "reading" : "writing",
			 reading ? "read" : "read and write",
			 sv_kind_name((enum sv_kind)err->kind));
}

/* The hints that need no more than the cause and the kind. */
static const char *fixed_hint(const struct sv_err *err)
{
	switch (err->cause) {
	case SV_CAUSE_SYSTEM_FULL:
		return err->kind == SV_SEM ?
		       "the system's limit of semaphore sets (semmni) or "
		       "semaphores (semmns) is reached; see 'sysvctl limits'" :
		       "'sysvctl limits' shows the limits and their use";
	case SV_CAUSE_HUGE_PAGES:
		return "--hugetlb needs free huge pages (vm.nr_hugepages)";
	case SV_CAUSE_RESERVE:
		return "--noreserve makes it without reserving the memory up front";
	case SV_CAUSE_HUGE_PERM:
		return "--hugetlb needs CAP_IPC_LOCK or the group "
		       "vm.hugetlb_shm_group";
	case SV_CAUSE_MAX_BYTES:
		return "raise it with 'sysvctl mq set REF --max-bytes N'";
	case SV_CAUSE_NO_FRAME:
		return "a frame is a 4-byte native-endian length, then the bytes "
		       "('shm write --framed' makes one)";
	default:
		return "";
	}
}

/* Whether the hint for CAUSE quotes the REF the user typed. */
static bool quotes_ref(enum sv_cause cause)
{
	return cause == SV_CAUSE_MISSING || cause == SV_CAUSE_DENIED ||
	       cause == SV_CAUSE_EXISTS || cause == SV_CAUSE_MSGSIZE;
}

void cmd_cause_hint(const struct sv_err *err, const char *create_use,
		    char *hint, size_t size)
{
	hint[0] = '\0';
	/* A command to copy is given whole or not at all. */
	if (err->ref_cut && quotes_ref(err->cause))
		return;
	switch (err->cause) {
	case SV_CAUSE_MISSING:
		missing_hint(err, create_use, hint, size);
		break;
	case SV_CAUSE_DENIED:
		snprintf(hint, size, "its mode does not let you in; see 'sysvctl %s "
			 "stat%s%s' as its owner or root",
			 sv_kind_name((enum sv_kind)err->kind),
			 err->ref[0] ? " " : "", err->ref);
		break;
	case SV_CAUSE_EXISTS:
		exists_hint(err, hint, size);
		break;
	case SV_CAUSE_READ_DENIED:
	case SV_CAUSE_WRITE_DENIED:
		access_hint(err, hint, size);
		break;
	case SV_CAUSE_MSGSIZE:
		snprintf(hint, size, "a POSIX queue's message size is set when it "
			 "is made: 'sysvctl mq create %s --msgsize N'", err->ref);
		break;
	default:
		snprintf(hint, size, "%s", fixed_hint(err));
		break;
	}
	if (strlen(hint) + 1 >= size)
		hint[0] = '\0';
}
