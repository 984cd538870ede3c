/* sem run --max-time: a watcher that stays behind while its child takes
 * the units with SEM_UNDO and becomes COMMAND, so that COMMAND is still
 * the holder (the undo record is its own) and the watcher can stop it
 * when it holds the units too long and still tell a timeout apart. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ipc/clock.h"
#include "sem_cmd.h"

static long long to_ms(const struct timespec *ts)
{
	return ts->tv_sec * 1000LL + (ts->tv_nsec + 999999) / 1000000;
}

/* The stop signals forwarded to the child, and SIGCHLD. */
static void watched_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGCHLD);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGQUIT);
}

struct watch {
	pid_t child;
	int sigfd, ready_fd;
	long long deadline;     /* ms; -1: not holding yet */
	long long grace_ms;
	int sent;               /* 0, SIGTERM or SIGKILL */
	const char *what;
};

static int child_status(int status)
{
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* A signal came: forward a stop signal; reap the child.  True (and
 * *STATUS) once the child is gone. */
static bool on_signal(struct watch *w, int *status)
{
	struct signalfd_siginfo info;

	while (read(w->sigfd, &info, sizeof(info)) == (ssize_t)sizeof(info)) {
		if (info.ssi_signo != SIGCHLD)
			kill(w->child, (int)info.ssi_signo);
	}
	return waitpid(w->child, status, WNOHANG) == w->child;
}

void sem_max_time_say(const char *what, const struct timespec *max,
		      pid_t command, int signo)
{
	if (signo == SIGTERM)
		fprintf(stderr, "sysvctl: %s: held longer than %.3f s (--max-time): "
			"sending SIGTERM to %d\n", what,
			(double)max->tv_sec + (double)max->tv_nsec / 1e9, (int)command);
	else
		fprintf(stderr, "sysvctl: %s: %d still runs after --kill-after: "
			"sending SIGKILL\n", what, (int)command);
}

/* The time ran out: SIGTERM, then SIGKILL after the grace. */
static void on_deadline(struct watch *w, const struct timespec *max)
{
	if (w->sent == 0) {
		sem_max_time_say(w->what, max, w->child, SIGTERM);
		kill(w->child, SIGTERM);
		w->sent = SIGTERM;
		w->deadline = sv_mono_ms() + w->grace_ms;
	} else if (w->sent == SIGTERM) {
		sem_max_time_say(w->what, max, w->child, SIGKILL);
		kill(w->child, SIGKILL);
		w->sent = SIGKILL;
		w->deadline = -1;
	}
}

static int watch(struct watch *w, const struct timespec *max)
{
	int status;

	for (;;) {
		struct pollfd fds[2] = {
			{ .fd = w->sigfd, .events = POLLIN },
			{ .fd = w->ready_fd, .events = POLLIN },
		};
		long long left = w->deadline < 0 ? -1 : w->deadline - sv_mono_ms();
		char byte;

		if (w->deadline >= 0 && left <= 0) {
			on_deadline(w, max);
			continue;
		}
		if (poll(fds, w->ready_fd >= 0 ? 2 : 1,
			 left < 0 ? -1 : (int)(left > 60000 ? 60000 : left)) < 0 &&
		    errno != EINTR)
			break;
		if ((fds[0].revents & POLLIN) && on_signal(w, &status))
			return w->sent != 0 ? SEM_EXIT_TIMEOUT : child_status(status);
		if (w->ready_fd >= 0 && fds[1].revents != 0) {
			/* A byte: the units are taken; EOF: COMMAND started
			 * or the child ended without them. */
			if (read(w->ready_fd, &byte, 1) == 1)
				w->deadline = sv_mono_ms() + to_ms(max);
			else {
				close(w->ready_fd);
				w->ready_fd = -1;
			}
		}
	}
	kill(w->child, SIGKILL);
	waitpid(w->child, &status, 0);
	return EXIT_OSERR;
}

int sem_watch_fork(const struct timespec *max, const struct timespec *grace,
		   const char *what, int *ready_fd)
{
	struct watch w = { .deadline = -1, .grace_ms = to_ms(grace), .what = what };
	struct sigaction dfl = { .sa_handler = SIG_DFL }, inherited_chld;
	sigset_t set, old;
	int fds[2], code;

	watched_signals(&set);
	/* SIGCHLD ignored (inherited through exec) would let the kernel reap
	 * COMMAND itself: waitpid would never see it end, and the kills at
	 * the deadline could reach a reused pid.  COMMAND gets back what was
	 * inherited. */
	sigaction(SIGCHLD, &dfl, &inherited_chld);
	if (pipe2(fds, O_CLOEXEC) != 0) {
		fprintf(stderr, "sysvctl: %s: pipe: %s\n", what, strerror(errno));
		return EXIT_OSERR;
	}
	sigprocmask(SIG_BLOCK, &set, &old);
	w.child = fork();
	if (w.child == 0) {
		sigaction(SIGCHLD, &inherited_chld, NULL);
		sigprocmask(SIG_SETMASK, &old, NULL);
		close(fds[0]);
		*ready_fd = fds[1];
		return -1;
	}
	close(fds[1]);
	w.ready_fd = fds[0];
	w.sigfd = w.child < 0 ? -1 : signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (w.child < 0 || w.sigfd < 0) {
		fprintf(stderr, "sysvctl: %s: %s: %s\n", what,
			w.child < 0 ? "fork" : "signalfd", strerror(errno));
		if (w.child > 0) {
			kill(w.child, SIGKILL);
			waitpid(w.child, NULL, 0);
		}
		close(fds[0]);
		return EXIT_OSERR;
	}
	code = watch(&w, max);
	close(w.sigfd);
	if (w.ready_fd >= 0)
		close(w.ready_fd);
	return code;
}

void sem_watch_ready(int ready_fd)
{
	char byte = 1;

	if (write(ready_fd, &byte, 1) != 1)
		return;     /* the watcher is gone: nothing to tell */
}
