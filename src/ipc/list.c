#define _GNU_SOURCE     /* MSG_STAT_ANY */
#include "list.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <pwd.h>
#include <unistd.h>

#include "mq.h"
#include "parse.h"
#include "readfile.h"
#include "sem.h"
#include "semun.h"
#include "shm.h"
#include "shm_guard.h"

/* SHM_DEST and SHM_LOCKED, as the perms column of /proc/sysvipc/shm
 * shows them above the nine permission bits. */
#define PERMS_SHM_DEST 01000
#define PERMS_SHM_LOCKED 02000

/* Read a whole /proc/sysvipc file: malloc'd text, or NULL. */
static char *read_whole(const char *path, size_t *length, struct sv_err *err)
{
	char *buf = NULL;
	size_t size = 0;
	ssize_t len = sv_read_file_grow(path, &buf, &size);

	if (len < 0) {
		sv_fail_proc(err, errno, path);
		free(buf);
		return NULL;
	}
	*length = (size_t)len;
	return buf;
}

/* A cursor over the numbers of one line. */
struct fields {
	char *p;
	bool bad;
};

static long long next_signed(struct fields *f, int base)
{
	char *end;
	long long value = strtoll(f->p, &end, base);

	if (end == f->p)
		f->bad = true;
	f->p = end;
	return value;
}

static unsigned long long next_unsigned(struct fields *f)
{
	char *end;
	unsigned long long value = strtoull(f->p, &end, 10);

	if (end == f->p)
		f->bad = true;
	f->p = end;
	return value;
}

static void read_perm(struct fields *f, struct sv_perm *perm, mode_t *flags)
{
	perm->key = (key_t)next_signed(f, 10);
	perm->id = (int)next_signed(f, 10);
	*flags = (mode_t)next_signed(f, 8);
	perm->mode = *flags & 0777;
}

static void read_owners(struct fields *f, struct sv_perm *perm)
{
	perm->uid = (uid_t)next_unsigned(f);
	perm->gid = (gid_t)next_unsigned(f);
	perm->cuid = (uid_t)next_unsigned(f);
	perm->cgid = (gid_t)next_unsigned(f);
}

/* key shmid perms size cpid lpid nattch uid gid cuid cgid atime dtime ctime ... */
static bool parse_shm(char *line, struct sv_shm_info *info)
{
	struct fields f = { line, false };
	mode_t flags;

	read_perm(&f, &info->perm, &flags);
	info->size = next_unsigned(&f);
	info->cpid = (pid_t)next_signed(&f, 10);
	info->lpid = (pid_t)next_signed(&f, 10);
	info->nattch = next_unsigned(&f);
	read_owners(&f, &info->perm);
	info->atime = (time_t)next_signed(&f, 10);
	info->dtime = (time_t)next_signed(&f, 10);
	info->ctime = (time_t)next_signed(&f, 10);
	info->marked_for_removal = flags & PERMS_SHM_DEST;
	info->locked = flags & PERMS_SHM_LOCKED;
	return !f.bad;
}

/* key semid perms nsems uid gid cuid cgid otime ctime */
static bool parse_sem(char *line, struct sv_sem_info *info)
{
	struct fields f = { line, false };
	mode_t flags;

	read_perm(&f, &info->perm, &flags);
	info->nsems = (unsigned)next_unsigned(&f);
	read_owners(&f, &info->perm);
	info->otime = (time_t)next_signed(&f, 10);
	info->ctime = (time_t)next_signed(&f, 10);
	return !f.bad;
}

/* key msqid perms cbytes qnum lspid lrpid uid gid cuid cgid stime rtime ctime */
static bool parse_mq(char *line, struct sv_mq_info *info)
{
	struct fields f = { line, false };
	mode_t flags;

	read_perm(&f, &info->perm, &flags);
	info->used_bytes = next_unsigned(&f);
	info->messages = next_unsigned(&f);
	info->lspid = (pid_t)next_signed(&f, 10);
	info->lrpid = (pid_t)next_signed(&f, 10);
	read_owners(&f, &info->perm);
	info->stime = (time_t)next_signed(&f, 10);
	info->rtime = (time_t)next_signed(&f, 10);
	info->ctime = (time_t)next_signed(&f, 10);
	return !f.bad;
}

static size_t count_lines(const char *text, size_t len)
{
	size_t lines = 0;

	for (const char *p = text; (p = memchr(p, '\n', len - (size_t)(p - text))) != NULL; p++)
		lines++;
	return lines;
}

/* Parse every line but the header of the file of KIND into an array of
 * its info structs (item bytes each). */
static int read_kind(enum sv_kind kind, void **items, size_t *count,
		     struct sv_err *err)
{
	static const char *const paths[SV_NKINDS] = {
		"/proc/sysvipc/shm", "/proc/sysvipc/sem", "/proc/sysvipc/msg",
	};
	static const size_t item_size[SV_NKINDS] = {
		sizeof(struct sv_shm_info), sizeof(struct sv_sem_info),
		sizeof(struct sv_mq_info),
	};
	size_t len, n = 0;
	char *text = read_whole(paths[kind], &len, err), *line, *next;
	char *array;

	if (text == NULL)
		return -1;
	array = calloc(count_lines(text, len) + 1, item_size[kind]);
	if (array == NULL) {
		free(text);
		return sv_fail(err, ENOMEM, "%s", paths[kind]);
	}
	line = strchr(text, '\n');      /* the header line */
	for (line = line ? line + 1 : text + len; *line != '\0'; line = next) {
		void *item = array + n * item_size[kind];
		bool ok;

		next = strchr(line, '\n');
		next = next ? next + 1 : line + strlen(line);
		ok = kind == SV_SHM ? parse_shm(line, item) :
		     kind == SV_SEM ? parse_sem(line, item) : parse_mq(line, item);
		if (ok)
			n++;
	}
	free(text);
	*items = array;
	*count = n;
	return 0;
}

int sv_list_read(unsigned kind_mask, struct sv_list *list, struct sv_err *err)
{
	memset(list, 0, sizeof(*list));
	if ((kind_mask & (1u << SV_SHM)) &&
	    read_kind(SV_SHM, (void **)&list->shm, &list->nshm, err) != 0)
		return -1;
	if ((kind_mask & (1u << SV_SEM)) &&
	    read_kind(SV_SEM, (void **)&list->sem, &list->nsem, err) != 0)
		return -1;
	if ((kind_mask & (1u << SV_MQ)) &&
	    read_kind(SV_MQ, (void **)&list->mq, &list->nmq, err) != 0)
		return -1;
	return 0;
}

/* The *_STAT_ANY calls of one kind: how many objects are in use and the
 * highest index (the *_INFO call), and the object at an index into its
 * info struct (-1 when the index is free). */
struct stat_any {
	int (*max_index)(size_t *in_use);
	int (*stat)(int index, void *item);
	size_t item_size;
};

static int shm_max_index(size_t *in_use)
{
	struct shm_info info = { 0 };
	int max = shmctl(0, SHM_INFO, (struct shmid_ds *)&info);

	*in_use = (size_t)info.used_ids;
	return max;
}

static int shm_stat_any(int index, void *item)
{
	/* Zeroed: valgrind does not know that *_STAT_ANY fills it. */
	struct shmid_ds ds = { 0 };
	int id = shmctl(index, SHM_STAT_ANY, &ds);

	if (id >= 0)
		sv_shm_info_from_ds(item, &ds, id);
	return id;
}

static int sem_max_index(size_t *in_use)
{
	struct seminfo info = { 0 };
	int max = semctl(0, 0, SEM_INFO, (union semun){ .__buf = &info });

	*in_use = (size_t)info.semusz;
	return max;
}

static int sem_stat_any(int index, void *item)
{
	struct semid_ds ds = { 0 };
	int id = semctl(index, 0, SEM_STAT_ANY, (union semun){ .buf = &ds });

	if (id >= 0)
		sv_sem_info_from_ds(item, &ds, id);
	return id;
}

static int mq_max_index(size_t *in_use)
{
	struct msginfo info = { 0 };
	int max = msgctl(0, MSG_INFO, (struct msqid_ds *)&info);

	*in_use = (size_t)info.msgpool;
	return max;
}

static int mq_stat_any(int index, void *item)
{
	struct msqid_ds ds = { 0 };
	int id = msgctl(index, MSG_STAT_ANY, &ds);

	if (id >= 0)
		sv_mq_info_from_ds(item, &ds, id);
	return id;
}

static const struct stat_any stat_any_of[SV_NKINDS] = {
	[SV_SHM] = { shm_max_index, shm_stat_any, sizeof(struct sv_shm_info) },
	[SV_SEM] = { sem_max_index, sem_stat_any, sizeof(struct sv_sem_info) },
	[SV_MQ] = { mq_max_index, mq_stat_any, sizeof(struct sv_mq_info) },
};

/* Every object of KIND through its *_STAT_ANY call, in index order as
 * /proc/sysvipc lists them; -1 when the kernel cannot (before Linux
 * 4.17), or when the count differs from what the *_INFO call says is in
 * use (an object came or went meanwhile): then /proc/sysvipc is read. */
static int read_stat_any(enum sv_kind kind, void **items, size_t *count)
{
	const struct stat_any *calls = &stat_any_of[kind];
	size_t in_use = 0, n = 0;
	int max_index = calls->max_index(&in_use);
	char *array;

	if (max_index < 0)
		return -1;
	array = calloc((size_t)max_index + 1, calls->item_size);
	if (array == NULL)
		return -1;
	for (int index = 0; index <= max_index; index++)
		if (calls->stat(index, array + n * calls->item_size) >= 0)
			n++;
	if (n != in_use) {
		free(array);
		return -1;
	}
	*items = array;
	*count = n;
	return 0;
}

/* One kind into LIST: through *_STAT_ANY, else /proc/sysvipc. */
static int read_kind_fast(enum sv_kind kind, struct sv_list *list,
			  struct sv_err *err)
{
	void **items = kind == SV_SHM ? (void **)&list->shm :
		       kind == SV_SEM ? (void **)&list->sem : (void **)&list->mq;
	size_t *count = kind == SV_SHM ? &list->nshm :
			kind == SV_SEM ? &list->nsem : &list->nmq;

	if (read_stat_any(kind, items, count) == 0) {
		list->mq_max_bytes |= kind == SV_MQ;
		return 0;
	}
	return read_kind(kind, items, count, err);
}

int sv_list_read_full(unsigned kind_mask, struct sv_list *list, struct sv_err *err)
{
	memset(list, 0, sizeof(*list));
	for (int kind = 0; kind < SV_NKINDS; kind++)
		if ((kind_mask & (1u << kind)) &&
		    read_kind_fast((enum sv_kind)kind, list, err) != 0)
			return -1;
	return 0;
}

void sv_list_free(struct sv_list *list)
{
	free(list->shm);
	free(list->sem);
	free(list->mq);
	memset(list, 0, sizeof(*list));
}

int sv_list_mq_max_bytes(struct sv_mq_info *info)
{
	return sv_list_mq_refresh(info);
}

int sv_list_mq_refresh(struct sv_mq_info *info)
{
	/* Zeroed: valgrind does not know that MSG_STAT_ANY fills it. */
	struct msqid_ds ds = { 0 };

	/* MSG_STAT_ANY takes the index the id starts with; the kernel masks
	 * the id down to it, and answers with the id of what it found. */
	if (msgctl(info->perm.id, MSG_STAT_ANY, &ds) != info->perm.id &&
	    msgctl(info->perm.id, IPC_STAT, &ds) != 0)
		return -1;
	info->max_bytes = ds.msg_qbytes;
	info->messages = ds.msg_qnum;
	info->used_bytes = ds.__msg_cbytes;
	return 0;
}

int sv_list_find_key(struct sv_obj *obj, struct sv_err *err)
{
	struct sv_list list;
	struct sv_err unused;
	bool found = false;

	if (sv_list_read(1u << obj->kind, &list, &unused) != 0) {
		sv_list_free(&list);
		return sv_obj_error(obj, EACCES, err);
	}
	for (size_t i = 0; i < sv_list_count(&list, obj->kind) && !found; i++) {
		const struct sv_perm *perm = sv_list_perm(&list, obj->kind, i);

		if (perm->id == obj->id) {
			obj->key = perm->key;
			found = true;
		}
	}
	sv_list_free(&list);
	return found ? 0 : sv_obj_gone(obj, err);
}

size_t sv_list_count(const struct sv_list *list, enum sv_kind kind)
{
	return kind == SV_SHM ? list->nshm : kind == SV_SEM ? list->nsem : list->nmq;
}

const struct sv_perm *sv_list_perm(const struct sv_list *list,
				   enum sv_kind kind, size_t index)
{
	return kind == SV_SHM ? &list->shm[index].perm :
	       kind == SV_SEM ? &list->sem[index].perm : &list->mq[index].perm;
}

static time_t latest(time_t a, time_t b, time_t c)
{
	time_t most = a > b ? a : b;

	return most > c ? most : c;
}

time_t sv_list_activity(const struct sv_list *list, enum sv_kind kind,
			size_t index)
{
	switch (kind) {
	case SV_SHM:
		return latest(list->shm[index].atime, list->shm[index].dtime,
			      list->shm[index].ctime);
	case SV_SEM:
		return latest(list->sem[index].otime, list->sem[index].ctime, 0);
	case SV_MQ:
		return latest(list->mq[index].stime, list->mq[index].rtime,
			      list->mq[index].ctime);
	}
	return 0;
}

/* Whether PID, recorded for an object with activity at ACTIVITY (0:
 * none), may still be using it.  The kernel shows 0 both for a pid never
 * set and for one in a pid namespace this process cannot see: after
 * recorded activity that is "cannot tell", never "gone". */
static bool may_be_alive(struct sv_procs *procs, pid_t pid, time_t activity)
{
	if (pid == 0)
		return activity != 0;
	return sv_pid_alive_since(procs, pid, activity);
}

/* The semaphores' last-operation pids and waiters are not in /proc: ask
 * for them (GETPID needs read permission; without it, not an orphan).
 * The waiter counts cover every process, whatever /proc shows. */
static bool shm_orphan(const struct sv_shm_info *shm, time_t activity,
		       struct sv_procs *procs);

/* A segment's companion set (sysvctl-shm(1), FRAMES) is part of it: an
 * orphan only once the segment is gone or is an orphan too.  A segment
 * that cannot be read is not. */
static bool segment_gone_or_orphan(key_t key, struct sv_procs *procs)
{
	struct sv_shm_info shm;
	struct shmid_ds ds;
	int id = shmget(key, 0, 0);

	if (id < 0)
		return errno == ENOENT;
	if (shmctl(id, IPC_STAT, &ds) != 0)
		return false;
	sv_shm_info_from_ds(&shm, &ds, id);
	return shm_orphan(&shm, latest(shm.atime, shm.dtime, shm.ctime), procs);
}

static bool sem_orphan(const struct sv_sem_info *info, time_t activity,
		       struct sv_procs *procs)
{
	if (sv_shm_guard_is_companion(info->perm.key, info->perm.id, info->nsems) &&
	    !segment_gone_or_orphan(info->perm.key, procs))
		return false;
	for (unsigned i = 0; i < info->nsems; i++) {
		int pid = semctl(info->perm.id, (int)i, GETPID);

		if (pid < 0 || may_be_alive(procs, pid, info->otime ? activity : 0) ||
		    semctl(info->perm.id, (int)i, GETNCNT) != 0 ||
		    semctl(info->perm.id, (int)i, GETZCNT) != 0)
			return false;
	}
	/* A `sem run` holder is not the last-operation pid once another
	 * process has operated on the set since: ask /proc (scanned once,
	 * and only for sets that are orphans so far). */
	return !sv_procs_sem_held(procs, &info->perm);
}

static bool shm_orphan(const struct sv_shm_info *shm, time_t activity,
		       struct sv_procs *procs)
{
	/* Every segment has a creator: a cpid of 0 is one in a pid namespace
	 * this process cannot see, perhaps alive. */
	return shm->nattch == 0 && shm->cpid != 0 &&
	       !sv_pid_alive_since(procs, shm->cpid, activity) &&
	       !may_be_alive(procs, shm->lpid,
			     shm->atime || shm->dtime ? activity : 0);
}

/* No receiver or sender recorded lives, and none waits now. */
static bool mq_orphan(const struct sv_mq_info *mq, time_t activity,
		      struct sv_procs *procs)
{
	return !may_be_alive(procs, mq->lspid, mq->stime ? activity : 0) &&
	       !may_be_alive(procs, mq->lrpid, mq->rtime ? activity : 0) &&
	       !sv_procs_mq_waited(procs, &mq->perm);
}

bool sv_list_orphan(const struct sv_list *list, enum sv_kind kind,
		    size_t index, struct sv_procs *procs)
{
	time_t activity = sv_list_activity(list, kind, index);

	switch (kind) {
	case SV_SHM:
		return shm_orphan(&list->shm[index], activity, procs);
	case SV_SEM:
		return sem_orphan(&list->sem[index], activity, procs);
	case SV_MQ:
		return mq_orphan(&list->mq[index], activity, procs);
	}
	return false;
}

bool sv_ref_matches(const struct sv_ref *ref, const struct sv_perm *perm)
{
	if (ref->form == SV_REF_ID)
		return ref->id == perm->id;
	return ref->form == SV_REF_KEY && ref->key == perm->key;
}

/* Whether ACTIVITY lies surely before now - older_than.  The kernel
 * keeps whole seconds: activity in second S happened before S + 1, and
 * perhaps just before it, so S + 1 is what is compared. */
static bool older(const struct sv_filter *filter, time_t activity)
{
	int64_t now_ns = (int64_t)filter->now.tv_sec * 1000000000 + filter->now.tv_nsec;
	int64_t age_ns = (int64_t)filter->older_than.tv_sec * 1000000000 +
			 filter->older_than.tv_nsec;

	return ((int64_t)activity + 1) * 1000000000 <= now_ns - age_ns;
}

bool sv_filter_match(const struct sv_filter *filter, const struct sv_list *list,
		     enum sv_kind kind, size_t index, struct sv_procs *procs)
{
	const struct sv_perm *perm = sv_list_perm(list, kind, index);

	if (filter->by_owner && perm->uid != filter->owner)
		return false;
	if (filter->nrefs > 0) {
		bool named = false;

		for (size_t i = 0; i < filter->nrefs && !named; i++)
			named = sv_ref_matches(&filter->refs[i], perm);
		if (!named)
			return false;
	}
	if (filter->by_age && !older(filter, sv_list_activity(list, kind, index)))
		return false;
	return !filter->orphans || sv_list_orphan(list, kind, index, procs);
}

int sv_filter_set_owner(struct sv_filter *filter, const char *text,
			const char *option, struct sv_err *err)
{
	struct passwd *pw = text[0] != '\0' ? getpwnam(text) : NULL;
	long long uid;

	if (pw != NULL) {
		filter->owner = pw->pw_uid;
	} else if (strspn(text, "0123456789") == strlen(text) && text[0] != '\0') {
		if (parse_int(text, option, 0, (uid_t)-2, &uid, err) != 0)
			return -1;
		filter->owner = (uid_t)uid;
	} else {
		sv_fail(err, SV_EUSAGE, "%s", option);
		return sv_msg(err, "no such user '%s'", text);
	}
	filter->by_owner = true;
	return 0;
}

int sv_filter_set_age(struct sv_filter *filter, const char *text,
		      const char *option, struct sv_err *err)
{
	if (parse_duration(text, option, &filter->older_than, err) != 0)
		return -1;
	clock_gettime(CLOCK_REALTIME, &filter->now);
	filter->by_age = true;
	return 0;
}
