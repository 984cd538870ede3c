/* sem verbs on etcd:NAME REFs (sem_etcd.c: run and the refusals;
 * sem_etcd_show.c: who and stat).  The sem verbs call sem_etcd_ref first
 * and hand over to these when the REF is an etcd: one. */
#ifndef SYSVCTL_SEM_ETCD_H
#define SYSVCTL_SEM_ETCD_H

#include <getopt.h>
#include <stdbool.h>

#include "ipc/etcd.h"

#define SEM_ETCD_PREFIX "etcd:"
#define SEM_ETCD_ENV "SYSVCTL_ETCD_ENDPOINTS"

/* The etcd: REF among the verb's arguments, or NULL when REF is another
 * kind (or missing).  Options are stepped over as the verbs know them. */
const char *sem_etcd_ref(int argc, char **argv);

/* The options every etcd verb takes: --etcd and --connect-timeout. */
struct sem_etcd_conn {
	const char *endpoints;
	long connect_timeout_ms;
};

enum {
	OPT_ETCD = 0x180,
	OPT_ETCD_TTL,
	OPT_ETCD_CONNECT_TIMEOUT,
	OPT_ETCD_MAX_TIME,
	OPT_ETCD_KILL_AFTER,
};

/* The options sem_etcd_conn_opt parses. */
#define LONGOPT_ETCD_CONN \
	{ "etcd", required_argument, NULL, OPT_ETCD }, \
	{ "connect-timeout", required_argument, NULL, OPT_ETCD_CONNECT_TIMEOUT }

void sem_etcd_conn_init(struct sem_etcd_conn *conn);

/* Parse --etcd or --connect-timeout into CONN; false when OPT is
 * neither; *rc -1 (ERR set) for a bad value. */
bool sem_etcd_conn_opt(int opt, struct sem_etcd_conn *conn, int *rc,
		       struct sv_err *err);

/* Open the connection CONN describes (nothing is sent yet). */
int sem_etcd_connect(const struct sem_etcd_conn *conn, struct sv_etcd *etcd,
		     struct sv_err *err);

/* The verbs. */
int sem_etcd_run(int argc, char **argv);
int sem_etcd_who(int argc, char **argv);
int sem_etcd_stat(int argc, char **argv);

/* sem get, acquire, release on an etcd: REF: true after printing the
 * refusal, *code 2. */
bool sem_etcd_refused(int argc, char **argv, int *code);

#endif
