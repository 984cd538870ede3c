/* sysvctl shm on a POSIX REF (/NAME): create, write, read and stat of
 * shm_open objects, with shm.c's options and exit codes.  The bytes move
 * through the same struct sv_shm_map as a System V segment's. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "ipc/posix.h"
#include "ipc/pshm.h"
#include "pstat.h"
#include "shm_cmd.h"

static int open_ref(const char *name, bool readonly, struct sv_obj *obj,
		    struct sv_err *err)
{
	struct sv_ref ref;

	if (sv_ref_parse(name, 0, &ref, err) != 0)
		return -1;
	return sv_pshm_open(&ref, readonly, obj, err);
}

static int stat_obj(const struct sv_obj *obj, const struct out_opts *opts)
{
	struct pstat_extra extra = { -1, -1, -1, -1 };
	struct sv_err err;
	struct stat st;

	if (sv_posix_stat(obj, &st, &err) != 0)
		return cmd_fail(&err);
	return pstat_print(SV_SHM, obj->name, &st, &extra, opts);
}

int pshm_create(const char *name, const struct sv_shm_spec *spec, bool exist_ok)
{
	struct out_opts json_opts = { .json = true };
	struct sv_ref ref;
	struct sv_obj obj;
	struct sv_err err;
	struct stat st;
	bool created;
	int code = EXIT_OK;

	if (spec->hugetlb || spec->noreserve)
		return cmd_usage_error("shm create", "--hugetlb and --noreserve are "
				       "System V flags; a POSIX object lives in /dev/shm");
	if (sv_ref_parse(name, 0, &ref, &err) != 0 ||
	    sv_pshm_create(&ref, spec, exist_ok, &obj, &created, &err) != 0)
		return cmd_fail(&err);
	if (!created && sv_posix_stat(&obj, &st, &err) == 0 &&
	    (uint64_t)st.st_size != spec->size)
		cmd_warn("shm %s already exists with %llu bytes, not the %llu asked for",
			 name, (unsigned long long)st.st_size,
			 (unsigned long long)spec->size);
	if (sv_globals.json)
		code = stat_obj(&obj, &json_opts);
	else
		code = cmd_put_line(name);
	sv_posix_close(&obj);
	return code;
}

/* The copy under the framed lock (flock on the object, see pshm.h) with
 * signals held, the mark at 0 while it runs.  The lock is waited for with
 * signals let through: one that ends the process then changes nothing. */
static int locked_copy(struct sv_shm_map *map, const struct write_opts *opts,
		       struct sv_shm_input *input, struct sv_err *err)
{
	sem_t *mark = NULL;
	struct stat st;
	sigset_t saved;
	int rc;

	if (opts->framed &&
	    (sv_posix_stat(&map->obj, &st, err) != 0 ||
	     sv_pshm_mark_open(&map->obj, true, st.st_mode, &mark, err) != 0))
		return -1;
	if (sv_pshm_lock(&map->obj, true, err) != 0) {
		sv_pshm_mark_close(mark);
		return -1;
	}
	shm_hold_signals(&saved);
	if (mark != NULL)
		sv_pshm_mark_begin(mark);
	rc = sv_shm_input_copy(map, opts->offset, opts->framed, input, err);
	if (rc == 0 && mark != NULL)
		sv_pshm_mark_complete(mark);
	sv_pshm_unlock(&map->obj);
	sigprocmask(SIG_SETMASK, &saved, NULL);
	sv_pshm_mark_close(mark);
	return rc;
}

/* Open /NAME for a write.  With --create and no object, the data is read
 * and checked against the object to be made first (*STAGED then holds it
 * in INPUT): data that cannot fit leaves no object behind. */
static int open_for_write(const char *name, const struct write_opts *opts,
			  const char *data, const struct sv_progress *progress,
			  struct sv_obj *obj, struct sv_shm_input *input,
			  bool *staged, struct sv_err *err)
{
	struct sv_shm_map planned;
	struct sv_ref ref;
	bool created;

	*staged = false;
	if (sv_ref_parse(name, 0, &ref, err) != 0)
		return -1;
	if (sv_pshm_open(&ref, false, obj, err) == 0) {
		/* Perhaps made by another --create that has not sized it
		 * yet: as a create, wait for that. */
		if (opts->create)
			sv_pshm_wait_sized(obj);
		return 0;
	}
	if (!opts->create || err->errnum != ENOENT)
		return -1;
	planned = shm_planned_map(&(struct sv_obj){ .kind = SV_SHM, .name = name,
						    .id = -1 }, opts, progress);
	if (shm_stage_input(&planned, opts, data, input, err) != 0)
		return -1;
	if (sv_pshm_create(&ref, &opts->spec, true, obj, &created, err) != 0) {
		sv_shm_input_free(input);
		return -1;
	}
	*staged = true;
	return 0;
}

int pshm_write(const char *name, const char *data, const struct write_opts *opts)
{
	struct progress progress;
	const struct sv_progress *shown;
	struct sv_shm_input input;
	struct sv_shm_map map;
	struct sv_obj obj;
	struct sv_err err;
	bool staged;
	int code, rc;

	if (opts->spec.hugetlb || opts->spec.noreserve)
		return cmd_usage_error("shm write", "--hugetlb and --noreserve are "
				       "System V flags");
	shown = progress_begin(&progress, "wrote", opts->progress);
	/* Read and checked to fit before the lock: a slow pipe never holds
	 * other writers up. */
	if (open_for_write(name, opts, data, shown, &obj, &input, &staged, &err) != 0) {
		progress_end(&progress);
		return cmd_fail(&err);
	}
	rc = sv_shm_attach(&obj, false, &map, &err);
	map.progress = shown;
	if (rc == 0)
		rc = staged ? sv_shm_input_refit(&map, opts->offset, opts->framed,
						 &input, &err)
			    : shm_stage_input(&map, opts, data, &input, &err);
	else if (staged)
		sv_shm_input_free(&input);
	if (rc == 0) {
		rc = locked_copy(&map, opts, &input, &err);
		sv_shm_input_free(&input);
	}
	progress_end(&progress);
	code = rc != 0 ? cmd_fail(&err) : EXIT_OK;
	if (sv_shm_detach(&map, &err) != 0 && code == EXIT_OK)
		code = cmd_fail(&err);
	sv_posix_close(&obj);
	return code;
}

/* A copy of the frame taken under the shared lock: never torn; a mark at
 * 0 (a writer died mid-copy) is exit 8. */
static int read_frame(const struct sv_shm_map *map, const struct read_opts *opts)
{
	struct sv_shm_map snap;
	struct sv_err err;
	sem_t *mark;
	int rc, code;

	if (sv_pshm_mark_open(&map->obj, false, 0, &mark, &err) != 0 ||
	    sv_pshm_lock(&map->obj, false, &err) != 0) {
		sv_pshm_mark_close(mark);
		return cmd_fail(&err);
	}
	rc = sv_pshm_mark_check(&map->obj, mark, &err);
	if (rc == 0)
		rc = sv_shm_frame_copy(map, opts->offset, &snap, &err);
	sv_pshm_unlock(&map->obj);
	sv_pshm_mark_close(mark);
	if (rc != 0)
		return cmd_fail(&err);
	code = shm_read_out(&snap, SV_SHM_FRAME_HEADER, snap.size - SV_SHM_FRAME_HEADER,
			    opts->offset + SV_SHM_FRAME_HEADER, opts->hex);
	sv_shm_snapshot_free(&snap);
	return code;
}

int pshm_read(const char *name, const struct read_opts *opts)
{
	struct progress progress;
	struct sv_shm_map map;
	struct sv_obj obj;
	struct sv_err err;
	int code;

	if (open_ref(name, true, &obj, &err) != 0)
		return cmd_fail(&err);
	if (sv_shm_attach(&obj, true, &map, &err) != 0) {
		sv_posix_close(&obj);
		return cmd_fail(&err);
	}
	map.progress = progress_begin(&progress, "read", opts->progress);
	code = opts->framed ? read_frame(&map, opts) : shm_read_range(&map, opts);
	progress_end(&progress);
	if (sv_shm_detach(&map, &err) != 0 && code == EXIT_OK)
		code = cmd_fail(&err);
	sv_posix_close(&obj);
	return code;
}

int pshm_stat(const char *name, const struct out_opts *opts)
{
	struct sv_obj obj;
	struct sv_err err;
	int code;

	if (open_ref(name, true, &obj, &err) != 0)
		return cmd_fail(&err);
	code = stat_obj(&obj, opts);
	sv_posix_close(&obj);
	return code;
}
