/* Who uses the POSIX objects: one pass over every process's
 * /proc/PID/maps (mapped shm segments and semaphores) and /proc/PID/fd
 * (shm_open and mq_open descriptors), matched by device and inode. */
#define _GNU_SOURCE
#include "plist.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* Every object of every list, by device and inode. */
struct obj_index {
	struct sv_pobj **slots;
	size_t capacity;    /* a power of two */
	bool failed;        /* out of memory: nobody can be told unused */
};

static size_t slot_of(const struct obj_index *index, dev_t dev, ino_t ino)
{
	uint64_t hash = ((uint64_t)ino * 0x9e3779b97f4a7c15u) ^ (uint64_t)dev;

	return (size_t)(hash >> 17) & (index->capacity - 1);
}

static struct sv_pobj *find_obj(const struct obj_index *index, dev_t dev, ino_t ino)
{
	size_t i = slot_of(index, dev, ino);

	for (; index->slots[i] != NULL; i = (i + 1) & (index->capacity - 1))
		if (index->slots[i]->ino == ino && index->slots[i]->dev == dev)
			return index->slots[i];
	return NULL;
}

static size_t total_objects(struct sv_plist *const *lists, size_t n)
{
	size_t total = 0;

	for (size_t l = 0; l < n; l++)
		for (int k = 0; k < SV_NPKINDS; k++)
			total += lists[l]->count[k];
	return total;
}

static int build_index(struct obj_index *index, struct sv_plist *const *lists,
		       size_t n)
{
	size_t total = total_objects(lists, n);

	index->capacity = 16;
	while (index->capacity < total * 2)
		index->capacity *= 2;
	index->slots = calloc(index->capacity, sizeof(*index->slots));
	if (index->slots == NULL)
		return -1;
	for (size_t l = 0; l < n; l++) {
		for (int k = 0; k < SV_NPKINDS; k++) {
			for (size_t i = 0; i < lists[l]->count[k]; i++) {
				struct sv_pobj *obj = &lists[l]->objs[k][i];
				size_t s = slot_of(index, obj->dev, obj->ino);

				while (index->slots[s] != NULL)
					s = (s + 1) & (index->capacity - 1);
				index->slots[s] = obj;
			}
		}
	}
	return 0;
}

/* PID uses OBJ: count it once however often it maps or opens it. */
static void count_user(struct obj_index *index, struct sv_pobj *obj, pid_t pid)
{
	pid_t *bigger;

	if (obj == NULL || obj->users.last_pid == pid)
		return;
	obj->users.last_pid = pid;
	bigger = realloc(obj->users.pids, (obj->users.count + 1) * sizeof(pid_t));
	if (bigger == NULL) {
		index->failed = true;
		return;
	}
	obj->users.pids = bigger;
	obj->users.pids[obj->users.count++] = pid;
}

/* One line of maps: "START-END PERMS OFFSET MAJ:MIN INODE PATH". */
static void match_map_line(struct obj_index *index, const char *line, pid_t pid)
{
	const char *p = line;
	unsigned long major_no, minor_no;
	unsigned long long ino;
	char *end;

	for (int field = 0; field < 3; field++) {
		p = strchr(p, ' ');
		if (p == NULL)
			return;
		p++;
	}
	major_no = strtoul(p, &end, 16);
	if (*end != ':')
		return;
	minor_no = strtoul(end + 1, &end, 16);
	ino = strtoull(end, NULL, 10);
	if (ino != 0)
		count_user(index, find_obj(index, makedev(major_no, minor_no),
					   (ino_t)ino), pid);
}

/* -1 when the process may not be read (it is not gone). */
static int scan_maps(struct obj_index *index, int proc_fd, pid_t pid)
{
	char path[32], *line = NULL;
	size_t size = 0;
	FILE *maps;
	int fd;

	snprintf(path, sizeof(path), "%d/maps", (int)pid);
	fd = openat(proc_fd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ESRCH ? 0 : -1;
	if ((maps = fdopen(fd, "r")) == NULL) {
		close(fd);
		return -1;
	}
	while (getline(&line, &size, maps) > 0)
		match_map_line(index, line, pid);
	free(line);
	fclose(maps);
	return 0;
}

static int scan_fds(struct obj_index *index, int proc_fd, pid_t pid)
{
	char path[32];
	struct dirent *entry;
	struct stat st;
	bool denied = false;
	DIR *dir;
	int fd;

	snprintf(path, sizeof(path), "%d/fd", (int)pid);
	fd = openat(proc_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ESRCH ? 0 : -1;
	if ((dir = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	while ((entry = readdir(dir)) != NULL) {
		if (entry->d_name[0] == '.')
			continue;
		if (fstatat(fd, entry->d_name, &st, 0) == 0)
			count_user(index, find_obj(index, st.st_dev, st.st_ino), pid);
		else if (errno == EACCES || errno == EPERM)
			denied = true;
	}
	closedir(dir);
	return denied ? -1 : 0;
}

static void settle(struct sv_plist *const *lists, size_t n, bool blind)
{
	for (size_t l = 0; l < n; l++)
		for (int k = 0; k < SV_NPKINDS; k++)
			for (size_t i = 0; i < lists[l]->count[k]; i++) {
				struct sv_pusers *users = &lists[l]->objs[k][i].users;

				users->known = users->count > 0 || !blind;
			}
}

/* The kernel's inode of the initial pid namespace (PROC_PID_INIT_INO),
 * the same on every boot since Linux 3.8. */
#define INIT_PID_NS_INO 0xEFFFFFFCu
/* CAP_SYS_PTRACE: lets a process see through hidepid. */
#define CAP_SYS_PTRACE_BIT 19

/* Whether /proc is mounted with hidepid other than 0/off: its option in
 * /proc/self/mountinfo (the last mount on /proc is the one seen). */
static bool proc_has_hidepid(void)
{
	FILE *info = fopen("/proc/self/mountinfo", "re");
	char *line = NULL, *opt;
	size_t size = 0;
	bool hides = false;

	if (info == NULL)
		return false;
	while (getline(&line, &size, info) > 0) {
		char mountpoint[16] = "";

		if (sscanf(line, "%*s %*s %*s %*s %15s", mountpoint) != 1 ||
		    strcmp(mountpoint, "/proc") != 0)
			continue;
		opt = strstr(line, "hidepid=");
		hides = opt != NULL && strncmp(opt + 8, "0", 1) != 0 &&
			strncmp(opt + 8, "off", 3) != 0;
	}
	free(line);
	fclose(info);
	return hides;
}

/* Whether this process has CAP_SYS_PTRACE (CapEff of /proc/self/status). */
static bool may_ptrace(void)
{
	FILE *status = fopen("/proc/self/status", "re");
	unsigned long long caps = 0;
	char line[256];
	bool found = false;

	if (status == NULL)
		return false;
	while (!found && fgets(line, sizeof(line), status) != NULL)
		found = sscanf(line, "CapEff: %llx", &caps) == 1;
	fclose(status);
	return found && (caps >> CAP_SYS_PTRACE_BIT & 1);
}

/* Whether /proc is that of the initial pid namespace: its pid 1 is in it
 * (/proc/1/ns/pid), or, when pid 1 may not be inspected, this process is
 * in it and /proc is ours (/proc/self names our pid). */
static bool proc_of_init_pidns(void)
{
	struct stat st;
	char self[24];
	ssize_t len;

	if (stat("/proc/1/ns/pid", &st) == 0)
		return st.st_ino == INIT_PID_NS_INO;
	if (stat("/proc/self/ns/pid", &st) != 0 || st.st_ino != INIT_PID_NS_INO)
		return false;
	len = readlink("/proc/self", self, sizeof(self) - 1);
	if (len <= 0)
		return false;
	self[len] = '\0';
	return atoi(self) == (int)getpid();
}

enum sv_proc_view sv_proc_view(void)
{
	if (!proc_of_init_pidns())
		return SV_PROC_VIEW_PIDNS;
	if (proc_has_hidepid() && !may_ptrace())
		return SV_PROC_VIEW_HIDEPID;
	return SV_PROC_VIEW_ALL;
}

size_t sv_plist_users(struct sv_plist *const *lists, size_t n, bool unseen_hides)
{
	struct obj_index index = { 0 };
	int proc_fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *proc = proc_fd >= 0 ? fdopendir(dup(proc_fd)) : NULL;
	pid_t self = getpid();
	struct dirent *entry;
	size_t unseen = 0;
	bool blind = proc == NULL || build_index(&index, lists, n) != 0;
	bool none = !blind && total_objects(lists, n) == 0;   /* nothing to look for */

	while (!blind && !none && (entry = readdir(proc)) != NULL) {
		int pid = atoi(entry->d_name);
		bool maps_unseen, fds_unseen;

		if (pid <= 0 || pid == self)
			continue;
		/* Both scans, even when the first could not read. */
		maps_unseen = scan_maps(&index, proc_fd, pid) != 0;
		fds_unseen = scan_fds(&index, proc_fd, pid) != 0;
		if (maps_unseen || fds_unseen)
			unseen++;
	}
	settle(lists, n, blind || index.failed || (unseen > 0 && unseen_hides) ||
	       (!none && sv_proc_view() != SV_PROC_VIEW_ALL));
	if (proc != NULL)
		closedir(proc);
	if (proc_fd >= 0)
		close(proc_fd);
	free(index.slots);
	return unseen;
}
