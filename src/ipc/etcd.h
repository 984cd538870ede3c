/* A small client of etcd's v3 API through its documented JSON gateway
 * (POST /v3/...; keys and values in base64): leases, put, range, delete
 * and a watch for deletions.  libcurl does the HTTP; it is loaded with
 * dlopen(3) on first use, so that the other commands do not pay for
 * loading it (and the libraries under it) at every start.
 *
 * Errors: SV_EUNREACHABLE when no endpoint answers within the connect
 * timeout, SV_EETCD for an answer that is not what the API documents. */
#ifndef SYSVCTL_ETCD_H
#define SYSVCTL_ETCD_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define SV_ETCD_DEFAULT_ENDPOINTS "http://127.0.0.1:2379"
#define SV_ETCD_MAX_ENDPOINTS 16

struct sv_etcd {
	char *endpoint_list;            /* as given: for messages */
	char *endpoints[SV_ETCD_MAX_ENDPOINTS];
	size_t nendpoints;
	size_t current;                 /* the endpoint that answered last */
	long connect_timeout_ms;        /* per endpoint; and how long to retry
					 * a cluster that does not answer */
	long request_timeout_ms;        /* bound on one request, all its
					 * tries and retries (default:
					 * connect timeout + 10 s) */
	/* When *stop becomes non-zero a request in progress ends (EINTR). */
	const volatile sig_atomic_t *stop;
	void *curl;
	void *headers;
	char *body;                     /* the last answer, NUL-terminated */
	size_t body_len, body_cap;
	/* A watch in progress: the keys it waits for, those seen deleted. */
	const char *const *watch_keys;
	bool *watch_seen;
	size_t watch_nkeys, watch_needed, watch_count;
	size_t watch_parsed;            /* bytes of body already parsed */
};

/* One key of a range, in create-revision order. */
struct sv_etcd_kv {
	char *key;
	char *value;
	int64_t create_revision;
	int64_t lease;
};

struct sv_etcd_kvs {
	struct sv_etcd_kv *kv;
	size_t count;
	int64_t revision;               /* the store's revision of the answer */
};

/* Parse ENDPOINTS (URL[,URL...]) and load libcurl.  The handle keeps
 * its connection across requests (and across fork(2): the child may go on
 * using it; the parent must not). */
int sv_etcd_open(struct sv_etcd *etcd, const char *endpoints,
		 long connect_timeout_ms, struct sv_err *err);
void sv_etcd_close(struct sv_etcd *etcd);

/* A lease of TTL_S seconds: *LEASE its id. */
int sv_etcd_grant(struct sv_etcd *etcd, long ttl_s, int64_t *lease,
		  struct sv_err *err);

/* Renew LEASE: *TTL_LEFT the seconds it now has, 0 when it is gone. */
int sv_etcd_keepalive(struct sv_etcd *etcd, int64_t lease, long *ttl_left,
		      struct sv_err *err);

/* Revoke LEASE: the keys attached to it are deleted. */
int sv_etcd_revoke(struct sv_etcd *etcd, int64_t lease, struct sv_err *err);

/* Put KEY = VALUE attached to LEASE (0: none); *REVISION the store's
 * revision after it (the key's create revision when it is new). */
int sv_etcd_put(struct sv_etcd *etcd, const char *key, const char *value,
		int64_t lease, int64_t *revision, struct sv_err *err);

/* Every key that starts with PREFIX, in create-revision order. */
int sv_etcd_range_prefix(struct sv_etcd *etcd, const char *prefix,
			 struct sv_etcd_kvs *kvs, struct sv_err *err);
void sv_etcd_kvs_free(struct sv_etcd_kvs *kvs);

/* sv_etcd_put, then sv_etcd_range_prefix of PREFIX, in one txn: KVS
 * holds KEY, and KVS->revision is the put's. */
int sv_etcd_put_range(struct sv_etcd *etcd, const char *key, const char *value,
		      int64_t lease, const char *prefix, struct sv_etcd_kvs *kvs,
		      struct sv_err *err);

/* Wait at most WAIT_MS for deletions of keys under PREFIX at revisions
 * from START_REVISION on, until NEEDED of the NKEYS KEYS are deleted
 * (KEYS NULL: any NEEDED deletions); with PUTS a put of one of them
 * counts too.  1: they were; 0: the time ran out or the stream ended
 * first; -1: an error. */
int sv_etcd_watch_delete(struct sv_etcd *etcd, const char *prefix,
			 int64_t start_revision, const char *const *keys,
			 size_t nkeys, size_t needed, bool puts, long wait_ms,
			 struct sv_err *err);

#endif
