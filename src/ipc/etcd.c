/* The etcd v3 JSON gateway client: see etcd.h.  The transport (libcurl
 * through dlopen, endpoints, timeouts) is here; requests and answers are
 * json-c objects. */
#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <resolv.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "codec.h"
#include "etcd.h"

/* The few libcurl functions we use, filled by dlsym. */
static struct {
	CURLcode (*global_init)(long flags);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *curl, CURLoption option, ...);
	CURLcode (*easy_perform)(CURL *curl);
	CURLcode (*easy_getinfo)(CURL *curl, CURLINFO info, ...);
	void (*easy_cleanup)(CURL *curl);
	const char *(*easy_strerror)(CURLcode code);
	struct curl_slist *(*slist_append)(struct curl_slist *list, const char *s);
	void (*slist_free_all)(struct curl_slist *list);
} curl_api;

static const struct {
	const char *name;
	void **slot;
} curl_syms[] = {
	{ "curl_global_init", (void **)&curl_api.global_init },
	{ "curl_easy_init", (void **)&curl_api.easy_init },
	{ "curl_easy_setopt", (void **)&curl_api.easy_setopt },
	{ "curl_easy_perform", (void **)&curl_api.easy_perform },
	{ "curl_easy_getinfo", (void **)&curl_api.easy_getinfo },
	{ "curl_easy_cleanup", (void **)&curl_api.easy_cleanup },
	{ "curl_easy_strerror", (void **)&curl_api.easy_strerror },
	{ "curl_slist_append", (void **)&curl_api.slist_append },
	{ "curl_slist_free_all", (void **)&curl_api.slist_free_all },
};

static int load_curl(struct sv_err *err)
{
	static bool loaded;
	void *lib;
	size_t i;

	if (loaded)
		return 0;
	lib = dlopen("libcurl.so.4", RTLD_LAZY | RTLD_LOCAL);
	if (lib == NULL) {
		sv_fail(err, ENOENT, "libcurl.so.4");
		return sv_msg(err, "cannot load it (%s)", dlerror());
	}
	for (i = 0; i < sizeof(curl_syms) / sizeof(curl_syms[0]); i++) {
		*curl_syms[i].slot = dlsym(lib, curl_syms[i].name);
		if (*curl_syms[i].slot == NULL)
			return sv_fail(err, SV_EETCD, "libcurl.so.4: %s: missing", curl_syms[i].name);
	}
	if (curl_api.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return sv_fail(err, ENOMEM, "libcurl");
	loaded = true;
	return 0;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct sv_etcd *etcd = arg;
	size_t len = size * nmemb;

	if (etcd->body_len + len + 1 > etcd->body_cap) {
		size_t cap = (etcd->body_len + len + 1) * 2;
		char *body = realloc(etcd->body, cap);

		if (body == NULL)
			return 0;
		etcd->body = body;
		etcd->body_cap = cap;
	}
	memcpy(etcd->body + etcd->body_len, data, len);
	etcd->body_len += len;
	etcd->body[etcd->body_len] = '\0';
	return len;
}

/* Count a deleted KEY if it is one the watch waits for. */
static void count_deletion(struct sv_etcd *etcd, const char *key)
{
	size_t i;

	if (etcd->watch_keys == NULL) {
		etcd->watch_count++;
		return;
	}
	for (i = 0; i < etcd->watch_nkeys; i++) {
		if (!etcd->watch_seen[i] && strcmp(etcd->watch_keys[i], key) == 0) {
			etcd->watch_seen[i] = true;
			etcd->watch_count++;
			return;
		}
	}
}

static char *get_base64(json_object *obj, const char *name);

/* One message of a watch's stream: {"result": {"events": [...]}}. */
static void watch_message(struct sv_etcd *etcd, const char *line)
{
	json_object *message = json_tokener_parse(line), *result, *events, *kv;
	size_t i, n;

	if (message != NULL && json_object_object_get_ex(message, "result", &result) &&
	    json_object_object_get_ex(result, "events", &events)) {
		n = json_object_array_length(events);
		for (i = 0; i < n; i++) {
			char *key;

			if (!json_object_object_get_ex(json_object_array_get_idx(events, i),
						       "kv", &kv))
				continue;
			key = get_base64(kv, "key");
			if (key != NULL)
				count_deletion(etcd, key);
			free(key);
		}
	}
	json_object_put(message);
}

/* A watch's stream: one JSON object per line; stop once the deletions
 * waited for have come. */
static size_t on_watch(char *data, size_t size, size_t nmemb, void *arg)
{
	struct sv_etcd *etcd = arg;
	size_t len = on_body(data, size, nmemb, arg);
	char *line, *end;

	if (len == 0)
		return 0;
	while ((end = strchr(line = etcd->body + etcd->watch_parsed, '\n')) != NULL) {
		*end = '\0';
		watch_message(etcd, line);
		etcd->watch_parsed = (size_t)(end - etcd->body) + 1;
	}
	if (etcd->watch_count >= etcd->watch_needed)
		return 0;       /* ends the transfer: we know enough */
	return len;
}

static int on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow,
		       curl_off_t ultotal, curl_off_t ulnow)
{
	struct sv_etcd *etcd = arg;

	(void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	return etcd->stop != NULL && *etcd->stop != 0;
}

/* The sockets must not leak into COMMAND through exec. */
static int on_socket(void *arg, curl_socket_t fd, curlsocktype purpose)
{
	(void)arg, (void)purpose;
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	return CURL_SOCKOPT_OK;
}

static int split_endpoints(struct sv_etcd *etcd, const char *list,
			   struct sv_err *err)
{
	char *save = NULL, *url;

	etcd->endpoint_list = strdup(list);
	if (etcd->endpoint_list == NULL)
		return sv_fail(err, ENOMEM, "etcd endpoints");
	for (url = strtok_r(etcd->endpoint_list, ",", &save); url != NULL;
	     url = strtok_r(NULL, ",", &save)) {
		if (etcd->nendpoints == SV_ETCD_MAX_ENDPOINTS)
			return sv_fail(err, SV_EUSAGE, "etcd endpoints: more than %d",
				       SV_ETCD_MAX_ENDPOINTS);
		if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
			return sv_fail(err, SV_EUSAGE, "etcd endpoint '%s': not an http:// or https:// URL", url);
		etcd->endpoints[etcd->nendpoints++] = strdup(url);
	}
	if (etcd->nendpoints == 0)
		return sv_fail(err, SV_EUSAGE, "etcd endpoints: none given");
	/* strtok_r cut the list: keep a copy for messages. */
	free(etcd->endpoint_list);
	etcd->endpoint_list = strdup(list);
	return 0;
}

/* TLS as etcdctl takes it from its environment. */
static void set_tls(CURL *curl)
{
	static const struct { const char *env; CURLoption opt; } tls[] = {
		{ "ETCDCTL_CACERT", CURLOPT_CAINFO },
		{ "ETCDCTL_CERT", CURLOPT_SSLCERT },
		{ "ETCDCTL_KEY", CURLOPT_SSLKEY },
	};
	size_t i;

	for (i = 0; i < sizeof(tls) / sizeof(tls[0]); i++) {
		const char *value = getenv(tls[i].env);

		if (value != NULL && *value != '\0')
			curl_api.easy_setopt(curl, tls[i].opt, value);
	}
}

int sv_etcd_open(struct sv_etcd *etcd, const char *endpoints,
		 long connect_timeout_ms, struct sv_err *err)
{
	memset(etcd, 0, sizeof(*etcd));
	etcd->connect_timeout_ms = connect_timeout_ms;
	etcd->request_timeout_ms = connect_timeout_ms + 10000;
	if (split_endpoints(etcd, endpoints, err) != 0 || load_curl(err) != 0) {
		sv_etcd_close(etcd);
		return -1;
	}
	etcd->curl = curl_api.easy_init();
	if (etcd->curl == NULL) {
		sv_etcd_close(etcd);
		return sv_fail(err, ENOMEM, "libcurl");
	}
	etcd->headers = curl_api.slist_append(NULL, "Content-Type: application/json");
	curl_api.easy_setopt(etcd->curl, CURLOPT_HTTPHEADER, etcd->headers);
	curl_api.easy_setopt(etcd->curl, CURLOPT_NOSIGNAL, 1L);
	curl_api.easy_setopt(etcd->curl, CURLOPT_CONNECTTIMEOUT_MS, connect_timeout_ms);
	curl_api.easy_setopt(etcd->curl, CURLOPT_WRITEDATA, etcd);
	curl_api.easy_setopt(etcd->curl, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_api.easy_setopt(etcd->curl, CURLOPT_XFERINFODATA, etcd);
	curl_api.easy_setopt(etcd->curl, CURLOPT_NOPROGRESS, 0L);
	curl_api.easy_setopt(etcd->curl, CURLOPT_SOCKOPTFUNCTION, on_socket);
	curl_api.easy_setopt(etcd->curl, CURLOPT_TCP_NODELAY, 1L);
	curl_api.easy_setopt(etcd->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	set_tls(etcd->curl);
	return 0;
}

void sv_etcd_close(struct sv_etcd *etcd)
{
	size_t i;

	if (etcd->curl != NULL)
		curl_api.easy_cleanup(etcd->curl);
	if (etcd->headers != NULL)
		curl_api.slist_free_all(etcd->headers);
	for (i = 0; i < etcd->nendpoints; i++)
		free(etcd->endpoints[i]);
	free(etcd->endpoint_list);
	free(etcd->body);
	memset(etcd, 0, sizeof(*etcd));
}

/* Whether CODE says the endpoint could not be reached (try the next). */
static bool unreachable(CURLcode code)
{
	switch (code) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_SSL_CONNECT_ERROR:
		return true;
	default:
		return false;
	}
}

/* An answer of the gateway whose server is not there (stopping, no
 * leader, overloaded): worth trying again. */
static bool transient_status(struct sv_etcd *etcd)
{
	long status = 0;

	curl_api.easy_getinfo(etcd->curl, CURLINFO_RESPONSE_CODE, &status);
	return status == 408 || status == 502 || status == 503 || status == 504;
}

/* POST BODY to PATH once, on one endpoint after another until one
 * answers, all of it by the absolute time END (monotonic ms): each try
 * gets only the time left. */
static CURLcode post_once(struct sv_etcd *etcd, const char *path,
			  const char *body, long long end, bool watch)
{
	CURLcode code = CURLE_OPERATION_TIMEDOUT;
	size_t tries;
	char url[512];

	for (tries = 0; tries < etcd->nendpoints; tries++) {
		long long left = end - sv_mono_ms();

		if (left <= 0)
			return code;
		snprintf(url, sizeof(url), "%s%s", etcd->endpoints[etcd->current], path);
		etcd->body_len = 0;
		if (etcd->body != NULL)
			etcd->body[0] = '\0';
		etcd->watch_parsed = 0;
		curl_api.easy_setopt(etcd->curl, CURLOPT_URL, url);
		curl_api.easy_setopt(etcd->curl, CURLOPT_POSTFIELDS, body);
		curl_api.easy_setopt(etcd->curl, CURLOPT_TIMEOUT_MS, (long)left);
		curl_api.easy_setopt(etcd->curl, CURLOPT_WRITEFUNCTION,
				     watch ? on_watch : on_body);
		code = curl_api.easy_perform(etcd->curl);
		if (watch && code == CURLE_OPERATION_TIMEDOUT)
			return code;
		if (!unreachable(code) && !(code == CURLE_OK && transient_status(etcd)))
			return code;
		etcd->current = (etcd->current + 1) % etcd->nendpoints;
	}
	return code;
}

/* post_once, tried again every 100 ms while no endpoint answers, for at
 * most the connect timeout (and the request timeout): a cluster that is
 * busy or electing a leader is not yet an unreachable one.  The whole of
 * it, tries and retries, ends by WAIT_MS (0: the request timeout) from
 * now. */
static CURLcode post(struct sv_etcd *etcd, const char *path, const char *body,
		     long wait_ms, bool watch)
{
	long long start = sv_mono_ms();
	long long end = start + (wait_ms > 0 ? wait_ms : etcd->request_timeout_ms);
	long long retry_until = start + (etcd->connect_timeout_ms < etcd->request_timeout_ms ?
					 etcd->connect_timeout_ms : etcd->request_timeout_ms);
	CURLcode code;

	if (retry_until > end)
		retry_until = end;
	for (;;) {
		code = post_once(etcd, path, body, end, watch);
		if (watch || (!unreachable(code) && !(code == CURLE_OK && transient_status(etcd))))
			return code;
		if (sv_mono_ms() + 100 >= retry_until || (etcd->stop != NULL && *etcd->stop != 0))
			return code;
		usleep(100000);
	}
}

/* Turn a request's outcome into 0, or -1 with ERR (WHAT names it). */
static int check_answer(struct sv_etcd *etcd, CURLcode code, const char *what,
			struct sv_err *err)
{
	long status = 0;

	if (code == CURLE_ABORTED_BY_CALLBACK)
		return sv_fail(err, EINTR, "etcd %s", what);
	if (unreachable(code)) {
		sv_fail(err, SV_EUNREACHABLE, "etcd %s", etcd->endpoint_list);
		return sv_msg(err, "no endpoint answers (%s)", curl_api.easy_strerror(code));
	}
	if (code != CURLE_OK) {
		sv_fail(err, SV_EETCD, "etcd %s", etcd->endpoints[etcd->current]);
		return sv_msg(err, "%s: %s", what, curl_api.easy_strerror(code));
	}
	curl_api.easy_getinfo(etcd->curl, CURLINFO_RESPONSE_CODE, &status);
	if (status == 408 || status == 502 || status == 503 || status == 504) {
		/* The gateway is up but its server is not (stopping, no
		 * leader): as good as unreachable. */
		sv_fail(err, SV_EUNREACHABLE, "etcd %s", etcd->endpoint_list);
		return sv_msg(err, "no endpoint answers (HTTP %ld)", status);
	}
	if (status != 200) {
		sv_fail(err, SV_EETCD, "etcd %s", etcd->endpoints[etcd->current]);
		return sv_msg(err, "%s: HTTP %ld: %.160s", what, status,
			      etcd->body != NULL ? etcd->body : "");
	}
	return 0;
}

/* POST the JSON object REQUEST (freed here) to PATH; *ANSWER the parsed
 * answer (json_object_put it). */
static int call(struct sv_etcd *etcd, const char *path, json_object *request,
		json_object **answer, struct sv_err *err)
{
	CURLcode code = post(etcd, path, json_object_to_json_string_ext(request,
				JSON_C_TO_STRING_PLAIN), 0, false);

	json_object_put(request);
	if (check_answer(etcd, code, path, err) != 0)
		return -1;
	*answer = json_tokener_parse(etcd->body);
	if (*answer == NULL) {
		sv_fail(err, SV_EETCD, "etcd %s", etcd->endpoints[etcd->current]);
		return sv_msg(err, "%s: an answer that is not JSON", path);
	}
	return 0;
}

/* int64 fields come as JSON strings ("123"); absent means 0. */
static int64_t get_int64(json_object *obj, const char *name)
{
	json_object *field;

	if (!json_object_object_get_ex(obj, name, &field))
		return 0;
	return json_object_get_int64(field);
}

static json_object *new_int64_string(int64_t value)
{
	char text[32];

	snprintf(text, sizeof(text), "%" PRId64, value);
	return json_object_new_string(text);
}

static json_object *new_base64(const char *text, size_t len)
{
	char *encoded = malloc(sv_base64_size(len));
	json_object *obj;

	if (encoded == NULL)
		return NULL;
	sv_base64_encode(text, len, encoded);
	obj = json_object_new_string(encoded);
	free(encoded);
	return obj;
}

/* A base64 field of OBJ, decoded, NUL-terminated ("" when absent). */
static char *get_base64(json_object *obj, const char *name)
{
	json_object *field;
	const char *encoded = "";
	char *decoded;
	int len;

	if (json_object_object_get_ex(obj, name, &field))
		encoded = json_object_get_string(field);
	decoded = malloc(strlen(encoded) + 1);
	if (decoded == NULL)
		return NULL;
	len = b64_pton(encoded, (unsigned char *)decoded, strlen(encoded) + 1);
	decoded[len < 0 ? 0 : len] = '\0';
	return decoded;
}

static int64_t header_revision(json_object *answer)
{
	json_object *header;

	if (!json_object_object_get_ex(answer, "header", &header))
		return 0;
	return get_int64(header, "revision");
}

int sv_etcd_grant(struct sv_etcd *etcd, long ttl_s, int64_t *lease,
		  struct sv_err *err)
{
	json_object *request = json_object_new_object(), *answer;

	json_object_object_add(request, "TTL", json_object_new_int64(ttl_s));
	if (call(etcd, "/v3/lease/grant", request, &answer, err) != 0)
		return -1;
	*lease = get_int64(answer, "ID");
	json_object_put(answer);
	if (*lease == 0) {
		sv_fail(err, SV_EETCD, "etcd %s", etcd->endpoints[etcd->current]);
		return sv_msg(err, "lease grant: no lease in the answer");
	}
	return 0;
}

int sv_etcd_keepalive(struct sv_etcd *etcd, int64_t lease, long *ttl_left,
		      struct sv_err *err)
{
	json_object *request = json_object_new_object(), *answer, *result;

	json_object_object_add(request, "ID", new_int64_string(lease));
	if (call(etcd, "/v3/lease/keepalive", request, &answer, err) != 0)
		return -1;
	*ttl_left = 0;
	if (json_object_object_get_ex(answer, "result", &result))
		*ttl_left = (long)get_int64(result, "TTL");
	json_object_put(answer);
	return 0;
}

int sv_etcd_revoke(struct sv_etcd *etcd, int64_t lease, struct sv_err *err)
{
	json_object *request = json_object_new_object(), *answer;

	json_object_object_add(request, "ID", new_int64_string(lease));
	if (call(etcd, "/v3/lease/revoke", request, &answer, err) != 0)
		return -1;
	json_object_put(answer);
	return 0;
}

static json_object *new_put_request(const char *key, const char *value,
				    int64_t lease)
{
	json_object *request = json_object_new_object();

	json_object_object_add(request, "key", new_base64(key, strlen(key)));
	json_object_object_add(request, "value", new_base64(value, strlen(value)));
	if (lease != 0)
		json_object_object_add(request, "lease", new_int64_string(lease));
	return request;
}

int sv_etcd_put(struct sv_etcd *etcd, const char *key, const char *value,
		int64_t lease, int64_t *revision, struct sv_err *err)
{
	json_object *request = new_put_request(key, value, lease), *answer;

	if (call(etcd, "/v3/kv/put", request, &answer, err) != 0)
		return -1;
	*revision = header_revision(answer);
	json_object_put(answer);
	return 0;
}

/* The end of the range of keys that start with PREFIX: PREFIX with its
 * last byte plus one (etcd's clientv3.GetPrefixRangeEnd). */
static json_object *new_range_end(const char *prefix)
{
	size_t len = strlen(prefix);
	char *end = strdup(prefix);
	json_object *obj;

	if (end == NULL)
		return NULL;
	while (len > 0 && (unsigned char)end[len - 1] == 0xff)
		len--;
	if (len == 0) {
		free(end);
		return new_base64("", 1);       /* "\0": every key */
	}
	end[len - 1]++;
	obj = new_base64(end, len);
	free(end);
	return obj;
}

static int fill_kvs(json_object *answer, struct sv_etcd_kvs *kvs)
{
	json_object *list, *item;
	size_t i, n;

	kvs->revision = header_revision(answer);
	if (!json_object_object_get_ex(answer, "kvs", &list))
		return 0;
	n = json_object_array_length(list);
	kvs->kv = calloc(n ? n : 1, sizeof(*kvs->kv));
	if (kvs->kv == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		item = json_object_array_get_idx(list, i);
		kvs->kv[i].key = get_base64(item, "key");
		kvs->kv[i].value = get_base64(item, "value");
		kvs->kv[i].create_revision = get_int64(item, "create_revision");
		kvs->kv[i].lease = get_int64(item, "lease");
		kvs->count++;
		if (kvs->kv[i].key == NULL || kvs->kv[i].value == NULL)
			return -1;
	}
	return 0;
}

/* The keys under PREFIX, oldest first. */
static json_object *new_range_request(const char *prefix)
{
	json_object *request = json_object_new_object();

	json_object_object_add(request, "key", new_base64(prefix, strlen(prefix)));
	json_object_object_add(request, "range_end", new_range_end(prefix));
	json_object_object_add(request, "sort_target", json_object_new_string("CREATE"));
	json_object_object_add(request, "sort_order", json_object_new_string("ASCEND"));
	return request;
}

/* KVS from the range answer RANGE, a part of ANSWER (freed here), at
 * REVISION. */
static int take_kvs(json_object *range, int64_t revision,
		    struct sv_etcd_kvs *kvs, json_object *answer, struct sv_err *err)
{
	int rc = fill_kvs(range, kvs);

	kvs->revision = revision;
	json_object_put(answer);
	if (rc != 0) {
		sv_etcd_kvs_free(kvs);
		return sv_fail(err, ENOMEM, "etcd range");
	}
	return 0;
}

int sv_etcd_range_prefix(struct sv_etcd *etcd, const char *prefix,
			 struct sv_etcd_kvs *kvs, struct sv_err *err)
{
	json_object *answer;

	memset(kvs, 0, sizeof(*kvs));
	if (call(etcd, "/v3/kv/range", new_range_request(prefix), &answer, err) != 0)
		return -1;
	return take_kvs(answer, header_revision(answer), kvs, answer, err);
}

/* {"request_put": PUT} or {"request_range": RANGE}: one op of a txn. */
static json_object *new_op(const char *kind, json_object *request)
{
	json_object *op = json_object_new_object();

	json_object_object_add(op, kind, request);
	return op;
}

int sv_etcd_put_range(struct sv_etcd *etcd, const char *key, const char *value,
		      int64_t lease, const char *prefix, struct sv_etcd_kvs *kvs,
		      struct sv_err *err)
{
	json_object *request = json_object_new_object(), *ops = json_object_new_array();
	json_object *answer, *responses, *range;

	memset(kvs, 0, sizeof(*kvs));
	json_object_array_add(ops, new_op("request_put", new_put_request(key, value, lease)));
	json_object_array_add(ops, new_op("request_range", new_range_request(prefix)));
	json_object_object_add(request, "success", ops);
	if (call(etcd, "/v3/kv/txn", request, &answer, err) != 0)
		return -1;
	if (!json_object_object_get_ex(answer, "responses", &responses) ||
	    !json_object_object_get_ex(json_object_array_get_idx(responses, 1),
				       "response_range", &range)) {
		json_object_put(answer);
		sv_fail(err, SV_EETCD, "etcd %s", etcd->endpoints[etcd->current]);
		return sv_msg(err, "/v3/kv/txn: no range in the answer");
	}
	/* The txn's revision is the put's: the key's create revision. */
	return take_kvs(range, header_revision(answer), kvs, answer, err);
}

void sv_etcd_kvs_free(struct sv_etcd_kvs *kvs)
{
	size_t i;

	for (i = 0; i < kvs->count; i++) {
		free(kvs->kv[i].key);
		free(kvs->kv[i].value);
	}
	free(kvs->kv);
	memset(kvs, 0, sizeof(*kvs));
}

int sv_etcd_watch_delete(struct sv_etcd *etcd, const char *prefix,
			 int64_t start_revision, const char *const *keys,
			 size_t nkeys, size_t needed, bool puts, long wait_ms,
			 struct sv_err *err)
{
	json_object *request = json_object_new_object(), *create;
	json_object *filters = json_object_new_array();
	CURLcode code;

	etcd->watch_keys = keys;
	etcd->watch_nkeys = nkeys;
	etcd->watch_needed = needed;
	etcd->watch_count = 0;
	etcd->watch_seen = calloc(nkeys ? nkeys : 1, sizeof(bool));
	if (etcd->watch_seen == NULL)
		return sv_fail(err, ENOMEM, "etcd watch");
	create = json_object_new_object();
	json_object_object_add(create, "key", new_base64(prefix, strlen(prefix)));
	json_object_object_add(create, "range_end", new_range_end(prefix));
	json_object_object_add(create, "start_revision", new_int64_string(start_revision));
	if (!puts)
		json_object_array_add(filters, json_object_new_string("NOPUT"));
	json_object_object_add(create, "filters", filters);
	json_object_object_add(request, "create_request", create);
	code = post(etcd, "/v3/watch", json_object_to_json_string_ext(request,
			JSON_C_TO_STRING_PLAIN), wait_ms, true);
	json_object_put(request);
	free(etcd->watch_seen);
	etcd->watch_seen = NULL;
	etcd->watch_keys = NULL;
	if (etcd->watch_count >= needed)
		return 1;
	/* The time ran out, or the stream ended without the deletions
	 * (etcd going away, say): the caller's next request tells which. */
	if (code == CURLE_OPERATION_TIMEDOUT || code == CURLE_OK ||
	    code == CURLE_PARTIAL_FILE || unreachable(code))
		return 0;
	return check_answer(etcd, code, "/v3/watch", err);
}
