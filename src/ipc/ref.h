/* Naming objects: the REF forms of the contract (KEY, id:ID, path:PATH[:PROJ],
 * name:TEXT, private), their parsing, and opening an existing object of one
 * kind by REF. */
#ifndef SYSVCTL_REF_H
#define SYSVCTL_REF_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/ipc.h>

#include "err.h"

enum sv_kind { SV_SHM, SV_SEM, SV_MQ };
#define SV_NKINDS 3
#define SV_ALL_KINDS ((1u << SV_NKINDS) - 1)   /* a mask of every kind */

/* "shm", "sem" or "mq". */
const char *sv_kind_name(enum sv_kind kind);

/* The kind a word names: "shm", "sem" or "mq"; -1 for any other word. */
int sv_kind_parse(const char *word, enum sv_kind *kind);

/* "shm, sem or mq": the kinds in MASK (bit 1 << kind), into BUF. */
const char *sv_kinds_list(unsigned mask, char *buf, size_t size);

/* "shared memory segment", "semaphore set" or "message queue". */
const char *sv_kind_noun(enum sv_kind kind);

enum sv_ref_form { SV_REF_KEY, SV_REF_ID, SV_REF_PRIVATE, SV_REF_POSIX };

/* The longest NAME of a POSIX REF /NAME (a file name in /dev/shm or
 * /dev/mqueue). */
#define SV_POSIX_NAME_MAX 255

struct sv_ref {
	enum sv_ref_form form;
	key_t key;          /* SV_REF_KEY */
	int id;             /* SV_REF_ID */
	const char *text;   /* what the user typed, for messages; for
			     * SV_REF_POSIX the name, slash included */
};

/* Whether TEXT is meant as a POSIX REF (it starts with a slash). */
bool sv_ref_is_posix(const char *text);

/* Flags for sv_ref_parse. */
#define SV_REF_ALLOW_PRIVATE 0x1   /* accept "private" (create only) */

/* Parse a REF.  A malformed REF is SV_EUSAGE (a POSIX /NAME: empty, a
 * second slash, more than SV_POSIX_NAME_MAX bytes); a path: whose path does not
 * exist is ENOENT (exit 3) with a hint. */
int sv_ref_parse(const char *text, unsigned flags, struct sv_ref *ref,
		 struct sv_err *err);

/* The key name:TEXT stands for: 32-bit FNV-1a of TEXT's bytes, 0 becomes 1. */
key_t sv_key_from_name(const char *name);

/* ftok(path, proj) with errors named; proj 1..255. */
int sv_key_from_path(const char *path, int proj, key_t *key,
		     struct sv_err *err);

/* An open object: its kind, key and kernel id. */
struct sv_obj {
	enum sv_kind kind;
	key_t key;          /* IPC_PRIVATE (0) when unknown or private */
	int id;
	const char *name;   /* a POSIX object's name ("/NAME"), else NULL */
};

/* Find an existing object of KIND named by REF.  ENOENT (exit 3) with
 * cause SV_CAUSE_MISSING when there is none; EACCES (SV_CAUSE_DENIED) when
 * it exists but may not be used. */
int sv_obj_open(enum sv_kind kind, const struct sv_ref *ref,
		struct sv_obj *obj, struct sv_err *err);

/* "shm 0x0000162e (id 5)", "sem id 7", "mq 0x0000162e" into buf. */
const char *sv_obj_describe(const struct sv_obj *obj, char *buf, size_t size);

/* Fail naming OBJ: "shm 0x0000162e (id 5): <strerror(ERRNUM)>"; -1. */
int sv_obj_fail(struct sv_err *err, int errnum, const struct sv_obj *obj);

/* OBJ is gone (a call on it failed with EINVAL or EIDRM): ENOENT, "no
 * such shared memory segment (it was removed)"; -1. */
int sv_obj_gone(const struct sv_obj *obj, struct sv_err *err);

/* ERRNUM from a call on OBJ: gone for EINVAL and EIDRM, else failed
 * naming OBJ, with cause SV_CAUSE_DENIED for EACCES; -1. */
int sv_obj_error(const struct sv_obj *obj, int errnum, struct sv_err *err);

/* A REF that names no object yet: "shm 0x0000162e" or "shm id 5". */
const char *sv_ref_describe(enum sv_kind kind, const struct sv_ref *ref,
			    char *buf, size_t size);

/* Remove an object (IPC_RMID).  A shared memory segment still attached is
 * only marked for removal: *still_attached (may be NULL) says how many
 * processes hold it then, else 0. */
int sv_obj_remove(const struct sv_obj *obj, unsigned long *still_attached,
		  struct sv_err *err);

/* Whether an object of KIND uses KEY now. */
bool sv_key_in_use(enum sv_kind kind, key_t key);

/* A random key from 1 to 0x7fffffff that no object of the kinds in
 * KIND_MASK (bit 1 << kind) uses now. */
int sv_key_random_unused(unsigned kind_mask, key_t *key, struct sv_err *err);

#endif
