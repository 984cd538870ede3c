/* sysvctl rm: remove objects named by REF and every object matching the
 * filters, in the kinds named; print one line per object removed. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "ipc/list.h"
#include "ipc/shm_guard.h"
#include "ipc/plist.h"
#include "ipc/proc.h"
#include "ipc/ref.h"
#include "pkind.h"

static const char rm_usage[] =
	"Usage: sysvctl rm [shm|sem|mq|pshm|psem|pmq]... [REF|/NAME...] [OPTIONS]\n"
	"\n"
	"Remove the objects REF names, in the kinds named (all kinds when none:\n"
	"a key may name one object of each kind, a /NAME one of each POSIX\n"
	"kind), and every object of those kinds that passes all the filters\n"
	"given.  Prints 'KIND KEY ID' (POSIX: 'KIND /NAME') for each object\n"
	"removed.  Every argument is checked before anything is removed.\n"
	"Without --all, the filters never remove a POSIX object in use.\n"
	"\n"
	"Options:\n"
	"      --all            every object of the kinds named (needs a kind)\n"
	"      --orphans        no live process uses it (see sysvctl-ls(1))\n"
	"      --older-than D   last activity longer ago than D (30s, 5m, 2h, 1d)\n"
	"      --owner USER     owned by USER (a name or a uid)\n"
	"      --with-messages  the filters and --all also remove queues that hold\n"
	"                       messages (skipped and named on stderr otherwise)\n"
	"  -n, --dry-run        print what would be removed; remove nothing\n"
	"  -f, --force          a REF that names nothing is not an error\n"
	"  -j, --json           {\"removed\": [{\"kind\": ..., \"key\": ..., \"id\": ...}]}\n"
	"  -q, --quiet          no warnings\n"
	"  -h, --help           this help\n";

/* Why an object is to be removed (or not). */
enum { NOT_CHOSEN, BY_FILTER, BY_REF, SKIPPED, IN_USE, UNSEEN, COMPANION };

struct rm_opts {
	unsigned kinds;             /* named; 0: none named */
	bool all, dry_run, force, filtered;
	bool with_messages;         /* bulk removal may delete messages */
	struct sv_filter filter;
	struct sv_ref *refs;
	size_t nrefs;
	size_t nnamed;              /* REFs given, those naming nothing too */
	const char **names;         /* POSIX /NAMEs */
	size_t nnames;
	int code;                   /* the first error's exit code */
};

enum { RM_COL_KIND, RM_COL_KEY, RM_COL_ID, RM_COL_NAME, RM_NCOLS };

static const struct out_col removed_cols[RM_NCOLS] = {
	[RM_COL_KIND] = { .name = "KIND", .type = OUT_STR, .width = 3,
		.help = "shm, sem, mq, pshm, psem or pmq" },
	[RM_COL_KEY] = { .name = "KEY", .type = OUT_NUM, .width = 10,
		.help = "the key; 0 for a private object" },
	[RM_COL_ID] = { .name = "ID", .type = OUT_NUM, .width = 5,
		.help = "the kernel's identifier" },
	[RM_COL_NAME] = { .name = "NAME", .type = OUT_STR, .width = 8,
		.help = "a POSIX object's /NAME" },
};

static void note_error(struct rm_opts *opts, int code)
{
	if (opts->code == EXIT_OK)
		opts->code = code;
}

static bool has_id_ref(const struct rm_opts *opts)
{
	for (size_t i = 0; i < opts->nrefs; i++)
		if (opts->refs[i].form == SV_REF_ID)
			return true;
	return false;
}

/* A positional argument: a kind word or a REF.  A path: REF whose path
 * does not exist names nothing: exit 3 (unless -f), the rest goes on. */
static int add_word(struct rm_opts *opts, const char *word)
{
	struct sv_err err;
	int bit = cmd_kind_bit(word);

	if (bit >= 0) {
		opts->kinds |= 1u << bit;
		return -1;
	}
	opts->nnamed++;
	if (word[0] == '/') {
		if (!cmd_posix_name_ok("rm", word))
			return EXIT_USAGE;
		opts->names[opts->nnames++] = word;
		return -1;
	}
	if (sv_ref_parse(word, 0, &opts->refs[opts->nrefs], &err) == 0) {
		opts->nrefs++;
		return -1;
	}
	if (err.errnum == SV_EUSAGE)
		return cmd_fail(&err);
	if (!opts->force)
		note_error(opts, cmd_fail(&err));
	return -1;
}

static int check_args(const struct rm_opts *opts)
{
	int nkinds = __builtin_popcount(opts->kinds & SYSV_MASK);

	if (opts->nrefs > 0 && opts->kinds != 0 && nkinds == 0)
		return cmd_usage_error("rm", "a key names a System V object: name "
				       "shm, sem or mq too, or no kind");
	if (opts->all && opts->kinds == 0)
		return cmd_usage_error("rm", "--all needs a kind: rm shm --all, "
				       "rm shm sem mq --all");
	if (has_id_ref(opts) && nkinds != 1)
		return cmd_usage_error("rm", "id:ID names an object of one kind: "
				       "name exactly one kind (rm shm id:ID)");
	if (opts->nnamed == 0 && !opts->all && !opts->filtered)
		return cmd_usage_error("rm", "nothing to remove: name REFs, a filter "
				       "or --all");
	return -1;
}

static int parse_args(int argc, char **argv, struct rm_opts *opts)
{
	enum { OPT_ALL = OPT_CMD_FIRST, OPT_ORPHANS, OPT_OLDER, OPT_OWNER,
	       OPT_WITH_MESSAGES };
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, OPT_ALL },
		{ "orphans", no_argument, NULL, OPT_ORPHANS },
		{ "older-than", required_argument, NULL, OPT_OLDER },
		{ "owner", required_argument, NULL, OPT_OWNER },
		{ "with-messages", no_argument, NULL, OPT_WITH_MESSAGES },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "force", no_argument, NULL, 'f' },
		{ "all-namespaces", no_argument, NULL, 'A' },
		CMD_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct sv_err err;
	int opt, code;

	optind = 0;
	while ((opt = cmd_getopt(argc, argv, CMD_COMMON_SHORTOPTS "nfA",
				 longopts)) != -1) {
		switch (opt) {
		case 'A':
			return cmd_usage_error("rm", "removal works in one IPC namespace "
					       "at a time: name it with -N PID");
		case OPT_ALL:
			opts->all = true;
			break;
		case OPT_ORPHANS:
			opts->filter.orphans = opts->filtered = true;
			break;
		case OPT_OLDER:
			if (sv_filter_set_age(&opts->filter, optarg, "--older-than",
					      &err) != 0)
				return cmd_fail(&err);
			opts->filtered = true;
			break;
		case OPT_OWNER:
			if (sv_filter_set_owner(&opts->filter, optarg, "--owner",
						&err) != 0)
				return cmd_fail(&err);
			opts->filtered = true;
			break;
		case OPT_WITH_MESSAGES:
			opts->with_messages = true;
			break;
		case 'n':
			opts->dry_run = true;
			break;
		case 'f':
			opts->force = true;
			break;
		default:
			if (cmd_common_opt(opt, argv, "rm", rm_usage, &code))
				return code;
		}
	}
	/* -f changes how a missing path: is taken: words after the options. */
	for (int i = optind; i < argc; i++)
		if ((code = add_word(opts, argv[i])) >= 0)
			return code;
	return check_args(opts);
}

/* The System V kinds to search: those named, else all. */
static unsigned search_kinds(const struct rm_opts *opts)
{
	return opts->kinds ? opts->kinds & SYSV_MASK : SYSV_MASK;
}

/* The POSIX kinds to search (enum sv_pkind bits): those named, else all. */
static unsigned search_pkinds(const struct rm_opts *opts)
{
	return (opts->kinds ? opts->kinds & POSIX_MASK : POSIX_MASK) >> PKIND_BIT;
}

static void report_missing(struct rm_opts *opts, const struct sv_ref *ref)
{
	unsigned kinds = search_kinds(opts);
	struct sv_err err;
	char what[64], names[32];

	if (opts->force)
		return;
	if (__builtin_popcount(kinds) == 1) {
		enum sv_kind kind = (enum sv_kind)__builtin_ctz(kinds);

		sv_fail(&err, ENOENT, "%s", sv_ref_describe(kind, ref, what, sizeof(what)));
		sv_msg(&err, "no such %s", sv_kind_noun(kind));
	} else {
		sv_fail(&err, ENOENT, "0x%08x", (unsigned)ref->key);
		sv_msg(&err, "no %s has this key",
		       sv_kinds_list(kinds, names, sizeof(names)));
	}
	note_error(opts, cmd_fail(&err));
}

/* Mark what the REFs name; report those that name nothing. */
static void choose_named(struct rm_opts *opts, const struct sv_list *list,
			 unsigned char *chosen[SV_NKINDS])
{
	unsigned kinds = search_kinds(opts);

	for (size_t r = 0; r < opts->nrefs; r++) {
		bool found = false;

		for (int k = 0; k < SV_NKINDS; k++) {
			size_t count = sv_list_count(list, (enum sv_kind)k);

			if (!(kinds & (1u << k)))
				continue;
			for (size_t i = 0; i < count; i++) {
				if (sv_ref_matches(&opts->refs[r],
						   sv_list_perm(list, (enum sv_kind)k, i))) {
					chosen[k][i] = BY_REF;
					found = true;
				}
			}
		}
		if (!found)
			report_missing(opts, &opts->refs[r]);
	}
}

/* Undelivered messages are data: bulk removal keeps a queue that holds
 * some unless --with-messages.  A queue named by REF goes anyway. */
static bool holds_messages(const struct rm_opts *opts, const struct sv_list *list,
			   int kind, size_t index)
{
	return kind == SV_MQ && !opts->with_messages && list->mq[index].messages > 0;
}

/* Whether the segment with KEY is chosen for removal in this run. */
static bool segment_chosen(const struct sv_list *list,
			   unsigned char *const chosen[SV_NKINDS], key_t key)
{
	for (size_t j = 0; j < list->nshm; j++)
		if (list->shm[j].perm.key == key)
			return chosen[SV_SHM][j] == BY_FILTER || chosen[SV_SHM][j] == BY_REF;
	return false;
}

/* A filter or --all never takes a segment's companion set while the
 * segment stays (sysvctl-shm(1), FRAMES): without it, a frame left
 * half-written would read as whole.  With its segment it goes, after
 * it (the kinds are removed in order, shm first). */
static void keep_companions(const struct sv_list *list,
			    unsigned char *chosen[SV_NKINDS])
{
	for (size_t i = 0; i < list->nsem; i++) {
		const struct sv_sem_info *set = &list->sem[i];

		if (chosen[SV_SEM][i] == BY_FILTER &&
		    sv_shm_guard_of_segment(set->perm.key, set->perm.id, set->nsems) &&
		    !segment_chosen(list, chosen, set->perm.key))
			chosen[SV_SEM][i] = COMPANION;
	}
}

/* Mark what passes the filters (or --all).  A segment already marked for
 * removal has nothing left to remove. */
static void choose_filtered(struct rm_opts *opts, const struct sv_list *list,
			    unsigned char *chosen[SV_NKINDS], struct sv_procs *procs)
{
	if (!opts->all && !opts->filtered)
		return;
	for (int k = 0; k < SV_NKINDS; k++) {
		size_t count = sv_list_count(list, (enum sv_kind)k);

		if (!(opts->kinds & (1u << k)) && opts->kinds != 0)
			continue;
		for (size_t i = 0; i < count; i++) {
			if (chosen[k][i] != NOT_CHOSEN ||
			    (k == SV_SHM && list->shm[i].marked_for_removal))
				continue;
			if (sv_filter_match(&opts->filter, list, (enum sv_kind)k, i, procs))
				chosen[k][i] = holds_messages(opts, list, k, i) ?
					       SKIPPED : BY_FILTER;
		}
	}
	keep_companions(list, chosen);
}

static void print_removed(const struct sv_obj *obj, struct out_table *json)
{
	struct out_line *line;

	if (json == NULL) {
		printf("%s 0x%08x %d\n", sv_kind_name(obj->kind), (unsigned)obj->key,
		       obj->id);
		return;
	}
	line = out_line_new(json);
	if (line == NULL)
		return;
	out_set_str(line, 0, sv_kind_name(obj->kind));
	out_set_u64(line, 1, (uint32_t)obj->key);
	out_set_num(line, 2, obj->id);
}

/* Remove one object.  Gone meanwhile is success for a filter's match (it
 * is what was wanted) and "no such object" for a REF's. */
static bool remove_one(struct rm_opts *opts, const struct sv_obj *obj,
		       int reason, struct out_table *json)
{
	unsigned long attached = 0;
	struct sv_err err;

	if (!opts->dry_run && sv_obj_remove(obj, &attached, &err) != 0) {
		if (err.errnum != ENOENT || (reason == BY_REF && !opts->force))
			note_error(opts, cmd_fail(&err));
		return false;
	}
	print_removed(obj, json);
	cmd_warn_attached(obj, attached);
	return true;
}

static void report_companion(const struct sv_obj *obj, bool in_use)
{
	char what[64];

	if (in_use)
		cmd_warn("%s: not removed: it is the companion set of a segment, "
			 "and it is held or waited on", sv_obj_describe(obj, what, sizeof(what)));
	else
		cmd_warn("%s: not removed: it is the companion set of the segment "
			 "with its key, which stays (it goes with the segment)",
			 sv_obj_describe(obj, what, sizeof(what)));
}

/* Whether the set with KEY is chosen in this run (it is removed, or kept
 * with a word, there). */
static bool set_chosen(const struct sv_list *list,
		       unsigned char *const chosen[SV_NKINDS], key_t key)
{
	for (size_t i = 0; i < list->nsem; i++)
		if (list->sem[i].perm.key == key)
			return chosen[SV_SEM][i] != NOT_CHOSEN;
	return false;
}

/* A removed segment takes its companion set along, after it and printed
 * as a set (as shm rm does, and the framed mark of a pshm): a new segment
 * with the key must not inherit an interrupted write's mark.  Not when
 * this run chose the set itself, nor while it is held or waited on. */
static void take_companion(struct rm_opts *opts, const struct sv_list *list,
			   unsigned char *const chosen[SV_NKINDS],
			   const struct sv_obj *segment, struct out_table *json)
{
	struct sv_obj set;

	if (set_chosen(list, chosen, segment->key) ||
	    !sv_shm_guard_find(segment->key, &set))
		return;
	if (sv_shm_guard_in_use(set.id))
		report_companion(&set, true);
	else if (sv_shm_guard_remove(segment->key, opts->dry_run, &set))
		print_removed(&set, json);
}

static void report_skipped(const struct sv_obj *obj, uint64_t messages)
{
	char what[64];

	cmd_warn("%s: not removed: it holds %llu message%s (--with-messages "
		 "removes it too)", sv_obj_describe(obj, what, sizeof(what)),
		 (unsigned long long)messages, messages == 1 ? "" : "s");
}

/* A queue chosen by a filter may have got a message since the listing:
 * look again just before removing it.  (A message sent between this look
 * and the removal is still lost: the kernel has no "remove if empty".) */
static bool got_messages(const struct rm_opts *opts, const struct sv_list *list,
			 int kind, size_t index, uint64_t *messages)
{
	struct sv_mq_info now;

	if (kind != SV_MQ || opts->with_messages || opts->dry_run)
		return false;
	now = list->mq[index];
	if (sv_list_mq_refresh(&now) != 0)
		return false;   /* gone, or not ours: removal says why */
	*messages = now.messages;
	return now.messages > 0;
}

/* Ctrl-C, SIGTERM and SIGHUP are held while objects are removed: one
 * that comes stops the removal between two objects, once the lines of
 * those removed are out, so that no removal goes unreported.  A signal
 * the process ignores (a background job's SIGINT) stops nothing. */
static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };

static void hold_stop_signals(sigset_t *held, sigset_t *old)
{
	struct sigaction action;

	sigemptyset(held);
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
		if (sigaction(stop_signals[i], NULL, &action) == 0 &&
		    action.sa_handler != SIG_IGN)
			sigaddset(held, stop_signals[i]);
	sigprocmask(SIG_BLOCK, held, old);
}

static bool stop_pending(const sigset_t *held)
{
	sigset_t pending;

	if (sigpending(&pending) != 0)
		return false;
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
		if (sigismember(held, stop_signals[i]) == 1 &&
		    sigismember(&pending, stop_signals[i]) == 1)
			return true;
	return false;
}

/* A companion set chosen with its segment: looked at again just before
 * it is removed, and kept when the segment is still there (its removal
 * failed, or a new one took the key) or it is held or waited on (by a
 * writer or reader still attached to the removed segment). */
static bool companion_kept(const struct rm_opts *opts, const struct sv_list *list,
			   int kind, size_t index)
{
	const struct sv_sem_info *set;

	if (kind != SV_SEM || opts->dry_run)
		return false;
	set = &list->sem[index];
	return (sv_shm_guard_of_segment(set->perm.key, set->perm.id, set->nsems) ||
		(sv_shm_guard_is_companion(set->perm.key, set->perm.id, set->nsems) &&
		 sv_shm_guard_in_use(set->perm.id)));
}

static void remove_chosen(struct rm_opts *opts, const struct sv_list *list,
			  unsigned char *chosen[SV_NKINDS], struct out_table *json,
			  const sigset_t *held)
{
	for (int k = 0; k < SV_NKINDS && !stop_pending(held); k++) {
		size_t count = sv_list_count(list, (enum sv_kind)k);

		for (size_t i = 0; i < count; i++) {
			const struct sv_perm *perm = sv_list_perm(list, (enum sv_kind)k, i);
			struct sv_obj obj = { (enum sv_kind)k, perm->key, perm->id, NULL };

			uint64_t messages;

			if (chosen[k][i] == SKIPPED)
				report_skipped(&obj, list->mq[i].messages);
			else if (chosen[k][i] == COMPANION)
				report_companion(&obj, false);
			else if (chosen[k][i] == BY_FILTER && companion_kept(opts, list, k, i))
				report_companion(&obj, !sv_shm_guard_of_segment(obj.key, obj.id,
										 list->sem[i].nsems));
			else if (chosen[k][i] == BY_FILTER &&
				 got_messages(opts, list, k, i, &messages))
				report_skipped(&obj, messages);
			else if (chosen[k][i] != NOT_CHOSEN &&
				 remove_one(opts, &obj, chosen[k][i], json) && k == SV_SHM)
				take_companion(opts, list, chosen, &obj, json);
			if (chosen[k][i] != NOT_CHOSEN && stop_pending(held))
				return;
		}
	}
}

/* A user other than root may not read other users' processes: say that
 * their holds and waits were not seen, so that "orphan" is taken for what
 * it is there.  (Root in a container may not read a parent namespace's
 * processes either; sysvctl-ls(1) says so, a warning each time would not
 * help.) */
static void warn_unseen(const struct sv_procs *procs, size_t posix_unseen)
{
	size_t unseen = sv_procs_unseen(procs);

	if (geteuid() == 0)
		return;
	if (unseen > 0)
		cmd_warn("%zu process%s could not be inspected: a sem run holder or a "
			 "waiter among them is not seen (run as root)", unseen,
			 unseen == 1 ? "" : "es");
	if (posix_unseen > 0)
		cmd_warn("%zu process%s could not be inspected: a POSIX object nobody "
			 "was seen using is kept (cannot tell; run as root)",
			 posix_unseen, posix_unseen == 1 ? "" : "es");
}

/* The POSIX half: the objects of /dev/shm and /dev/mqueue of the kinds
 * searched, and which of them go. */
struct rm_posix {
	struct sv_plist list;
	unsigned char *chosen[SV_NPKINDS];
	size_t unseen;
	size_t kept_unseen;     /* "cannot tell" objects the filters chose */
};

static void report_missing_name(struct rm_opts *opts, const char *name)
{
	struct sv_err err;

	if (opts->force)
		return;
	sv_fail(&err, ENOENT, "%s", name);
	sv_msg(&err, "no POSIX object (pshm, psem or pmq) of the kinds searched has this name");
	note_error(opts, cmd_fail(&err));
}

/* A queue whose messages are not known (its file could not be read) is
 * taken to hold some. */
static bool pmq_holds_messages(const struct sv_pobj *obj)
{
	return obj->kind == SV_PMQ && (!obj->has_messages || obj->messages > 0);
}

/* An object the filters would choose but for its users, which could not
 * all be seen: never an orphan; and where /proc shows only part of the
 * processes (PARTIAL: hidepid, a child pid namespace), a filter alone
 * (without --all) does not remove it either, as it does not remove an
 * object in use.  (A user other than root who cannot read some processes
 * is not that case: their filters remove what matches, as ever.) */
static bool kept_unseen(const struct rm_opts *opts, const struct sv_pobj *obj,
			bool partial)
{
	struct sv_filter others = opts->filter;

	others.orphans = false;
	return cmd_pobj_unseen(obj) &&
	       (opts->filter.orphans || (partial && !opts->all)) &&
	       sv_pfilter_match(&others, obj);
}

static void choose_posix(struct rm_opts *opts, struct rm_posix *posix)
{
	bool partial;

	for (size_t n = 0; n < opts->nnames; n++) {
		bool found = false;

		for (int k = 0; k < SV_NPKINDS; k++)
			for (size_t i = 0; i < posix->list.count[k]; i++)
				if (strcmp(posix->list.objs[k][i].name, opts->names[n]) == 0) {
					posix->chosen[k][i] = BY_REF;
					found = true;
				}
		if (!found)
			report_missing_name(opts, opts->names[n]);
	}
	if (!opts->all && !opts->filtered)
		return;
	partial = sv_proc_view() != SV_PROC_VIEW_ALL;
	for (int k = 0; k < SV_NPKINDS; k++) {
		for (size_t i = 0; i < posix->list.count[k]; i++) {
			const struct sv_pobj *obj = &posix->list.objs[k][i];

			if (posix->chosen[k][i] != NOT_CHOSEN)
				continue;
			if (kept_unseen(opts, obj, partial)) {
				posix->chosen[k][i] = UNSEEN;
				posix->kept_unseen++;
				continue;
			}
			if (!sv_pfilter_match(&opts->filter, obj))
				continue;
			posix->chosen[k][i] = !opts->all && obj->users.count > 0 ? IN_USE :
					      !opts->with_messages && pmq_holds_messages(obj) ?
					      SKIPPED : BY_FILTER;
		}
	}
}

static void print_removed_posix(const struct sv_pobj *obj, struct out_table *json)
{
	struct out_line *line;

	if (json == NULL) {
		printf("%s %s\n", sv_pkind_name(obj->kind), obj->name);
		return;
	}
	if ((line = out_line_new(json)) == NULL)
		return;
	out_set_str(line, RM_COL_KIND, sv_pkind_name(obj->kind));
	out_set_str(line, RM_COL_NAME, obj->name);
}

static void remove_posix_one(struct rm_opts *opts, const struct rm_posix *posix,
			     const struct sv_pobj *obj, int reason,
			     struct out_table *json)
{
	struct sv_err err;
	struct sv_pobj now;

	if (reason == BY_FILTER && !opts->with_messages && obj->kind == SV_PMQ &&
	    sv_pobj_recheck(&posix->list, obj, &now) == 0 && pmq_holds_messages(&now)) {
		obj = &now;     /* messages came since the listing */
		reason = SKIPPED;
	}
	if (reason == UNSEEN)
		return;         /* counted, and said once at the end */
	if (reason == IN_USE) {
		cmd_warn("%s %s: not removed: %u process%s use%s it (--all removes it too)",
			 sv_pkind_name(obj->kind), obj->name, obj->users.count,
			 obj->users.count == 1 ? "" : "es", obj->users.count == 1 ? "s" : "");
		return;
	}
	if (reason == SKIPPED) {
		if (obj->has_messages)
			cmd_warn("pmq %s: not removed: it holds %llu message%s "
				 "(--with-messages removes it too)", obj->name,
				 (unsigned long long)obj->messages,
				 obj->messages == 1 ? "" : "s");
		else
			cmd_warn("pmq %s: not removed: its messages cannot be counted "
				 "(--with-messages removes it too)", obj->name);
		return;
	}
	if (!opts->dry_run && sv_pobj_remove(&posix->list, obj, &err) != 0) {
		if (err.errnum == ESTALE)
			cmd_warn("%s %s: not removed: it was replaced since it was listed",
				 sv_pkind_name(obj->kind), obj->name);
		else if (err.errnum != ENOENT || (reason == BY_REF && !opts->force))
			note_error(opts, cmd_fail(&err));
		return;
	}
	print_removed_posix(obj, json);
}

static void remove_posix(struct rm_opts *opts, const struct rm_posix *posix,
			 struct out_table *json, const sigset_t *held)
{
	for (int k = 0; k < SV_NPKINDS && !stop_pending(held); k++) {
		for (size_t i = 0; i < posix->list.count[k]; i++) {
			if (posix->chosen[k][i] == NOT_CHOSEN)
				continue;
			remove_posix_one(opts, posix, &posix->list.objs[k][i],
					 posix->chosen[k][i], json);
			if (stop_pending(held))
				return;
		}
	}
}

/* Read the POSIX objects of the kinds searched, and their users when
 * --orphans needs them.  Out of memory is false. */
static bool read_posix(struct rm_opts *opts, struct rm_posix *posix)
{
	struct sv_plist *lists[1] = { &posix->list };
	unsigned pkinds = search_pkinds(opts);
	struct sv_err err;

	memset(posix, 0, sizeof(*posix));
	posix->list.dirfd[0] = posix->list.dirfd[1] = -1;
	if (pkinds == 0 || (opts->nnames == 0 && !opts->all && !opts->filtered))
		return true;
	if (sv_plist_read(pkinds, "", NULL, 0, &posix->list, &err) != 0) {
		note_error(opts, cmd_fail(&err));
		return false;
	}
	for (int k = 0; k < SV_NPKINDS; k++)
		if ((posix->chosen[k] = calloc(posix->list.count[k] + 1, 1)) == NULL)
			return false;
	/* An object in use is never removed by a filter alone: the users
	 * are needed whenever a filter chooses, not only for --orphans. */
	if (opts->filter.orphans)
		posix->unseen = sv_plist_users(lists, 1, geteuid() != 0);
	else if (opts->filtered && !opts->all)
		sv_plist_users(lists, 1, geteuid() != 0);
	return true;
}

static void free_posix(struct rm_posix *posix)
{
	for (int k = 0; k < SV_NPKINDS; k++)
		free(posix->chosen[k]);
	sv_plist_free(&posix->list);
}

/* The columns of --json: KEY and ID for System V objects, NAME for POSIX
 * ones, those of the kinds that can be removed. */
static const char *json_columns(const struct rm_opts *opts)
{
	bool sysv = opts->kinds == 0 || (opts->kinds & SYSV_MASK);
	/* As read_posix: POSIX kinds searched (named, or none named) and
	 * something that can pick them (a /NAME, --all or a filter). */
	bool posix = search_pkinds(opts) != 0 &&
		     (opts->nnames > 0 || opts->all || opts->filtered);

	return !posix ? "KIND,KEY,ID" : sysv ? "KIND,KEY,ID,NAME" : "KIND,NAME";
}

static int remove_objects(struct rm_opts *opts)
{
	struct out_opts out = { .json = true };
	unsigned char *chosen[SV_NKINDS] = { NULL };
	struct out_table *json = NULL;
	struct sv_procs *procs = sv_procs_new();
	struct rm_posix posix;
	struct sv_list list = { 0 };    /* freed even when never read */
	struct sv_err err;
	sigset_t held, old;
	bool ok = procs != NULL;

	ok = read_posix(opts, &posix) && ok;

	if (ok && sv_list_read(search_kinds(opts), &list, &err) != 0) {
		note_error(opts, cmd_fail(&err));
		ok = false;
	}
	for (int k = 0; k < SV_NKINDS && ok; k++)
		ok = (chosen[k] = calloc(sv_list_count(&list, (enum sv_kind)k) + 1, 1)) != NULL;
	if (ok && sv_globals.json)
		ok = (json = out_table_new("removed", removed_cols, RM_NCOLS,
					   json_columns(opts), &out, &err)) != NULL;
	if (ok) {
		choose_named(opts, &list, chosen);
		choose_filtered(opts, &list, chosen, procs);
		choose_posix(opts, &posix);
		hold_stop_signals(&held, &old);
		remove_chosen(opts, &list, chosen, json, &held);
		remove_posix(opts, &posix, json, &held);
		if (json != NULL && out_print_tables(&json, 1) != 0)
			note_error(opts, EXIT_OSERR);
		/* A signal held meanwhile ends the process here, 128+N. */
		fflush(stdout);
		sigprocmask(SIG_SETMASK, &old, NULL);
	} else if (opts->code == EXIT_OK) {
		note_error(opts, EXIT_LIMIT);   /* out of memory */
	}
	out_table_free(json);
	for (int k = 0; k < SV_NKINDS; k++)
		free(chosen[k]);
	sv_list_free(&list);
	warn_unseen(procs, posix.unseen);
	cmd_warn_proc_view(posix.kept_unseen, "kept");
	free_posix(&posix);
	sv_procs_free(procs);
	return opts->code;
}

int cmd_rm(int argc, char **argv)
{
	struct rm_opts opts;
	int code;

	memset(&opts, 0, sizeof(opts));
	opts.refs = calloc((size_t)argc, sizeof(*opts.refs));
	opts.names = calloc((size_t)argc, sizeof(*opts.names));
	if (opts.refs == NULL || opts.names == NULL) {
		free(opts.refs);
		free(opts.names);
		return EXIT_LIMIT;
	}
	code = parse_args(argc, argv, &opts);
	if (code < 0)
		code = remove_objects(&opts);
	free(opts.refs);
	free(opts.names);
	return code;
}
