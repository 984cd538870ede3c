/* The six kinds `ls` and `rm` take, as bits of one mask: the System V
 * ones (enum sv_kind), then the POSIX ones (enum sv_pkind) from
 * PKIND_BIT; and POSIX names as those commands accept them. */
#ifndef SYSVCTL_PKIND_H
#define SYSVCTL_PKIND_H

#include <stdbool.h>
#include <stddef.h>

#include "ipc/plist.h"
#include "ipc/ref.h"

#define PKIND_BIT SV_NKINDS
#define NKINDS (SV_NKINDS + SV_NPKINDS)
#define SYSV_MASK SV_ALL_KINDS
#define POSIX_MASK (((1u << SV_NPKINDS) - 1) << PKIND_BIT)

/* A kind word's bit in the mask ("shm" 0 ... "pmq" 5), or -1. */
int cmd_kind_bit(const char *word);

/* "shm" ... "pmq" for a bit of the mask. */
const char *cmd_kind_name(int bit);

/* A POSIX name as shm_open, sem_open and mq_open take it: one leading
 * slash, then 1 to 255 bytes without a slash.  (A stand-in for the REF
 * parser's own /NAME form, until both share one.)  False after printing
 * a usage error for CMDPATH. */
bool cmd_posix_name_ok(const char *cmdpath, const char *text);

/* When /proc shows only part of the processes (sv_proc_view), one line on
 * stderr saying why COUNT POSIX objects nobody was seen using are "cannot
 * tell" and WHAT became of them ("kept", "not listed"); nothing when
 * COUNT is 0 or /proc shows every process. */
void cmd_warn_proc_view(size_t count, const char *what);

/* Whether OBJ is "cannot tell": nobody was seen using it, but a user may
 * have been out of sight. */
bool cmd_pobj_unseen(const struct sv_pobj *obj);

#endif
