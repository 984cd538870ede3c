/* Stop signals that are acted on only where nothing is lost: see stop.h. */
#include "stop.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>

volatile sig_atomic_t cmd_stop_signo;

static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
#define NSTOP (sizeof(stop_signals) / sizeof(stop_signals[0]))

/* What each stop signal did before cmd_stop_catch, whether we caught it,
 * and whether it was ignored (then it is never raised). */
static struct sigaction found[NSTOP];
static bool caught[NSTOP];
static bool ignored[NSTOP];
/* Whether the caller gave us SIGALRM blocked, and what SIGALRM did
 * before (both put back before exec). */
static bool alarm_was_blocked;
static struct sigaction alarm_found;
static bool alarm_caught;

/* The kick's only job is to make a blocked call return EINTR. */
static void on_kick(int signo)
{
	(void)signo;
}

/* Interrupt every CMD_STOP_KICK_MS whatever call blocks from now on.
 * sigaction and setitimer are plain system calls, safe in a handler; the
 * interval timer, unlike a POSIX timer, needs nothing created first. */
static void start_kicking(void)
{
	struct sigaction kick = { .sa_handler = on_kick };
	struct itimerval every = {
		.it_interval = { 0, CMD_STOP_KICK_MS * 1000 },
		.it_value = { 0, CMD_STOP_KICK_MS * 1000 },
	};

	sigemptyset(&kick.sa_mask);
	sigaction(SIGALRM, &kick, NULL);
	setitimer(ITIMER_REAL, &every, NULL);
}

static void stop_kicking(void)
{
	struct itimerval off = { { 0, 0 }, { 0, 0 } };

	setitimer(ITIMER_REAL, &off, NULL);
}

static void on_stop(int signo)
{
	int saved = errno;

	if (cmd_stop_signo == 0) {
		cmd_stop_signo = signo;
		start_kicking();
	}
	errno = saved;
}

/* A SIGALRM blocked by the caller (the mask passes through exec) would
 * hold back the kick and the timer of mq -t: a wait would never end.
 * Unblock it for our own run; sem run gives COMMAND the caller's mask. */
static void unblock_alarm(void)
{
	sigset_t alarm, before;

	sigemptyset(&alarm);
	sigaddset(&alarm, SIGALRM);
	if (sigprocmask(SIG_UNBLOCK, &alarm, &before) == 0)
		alarm_was_blocked = sigismember(&before, SIGALRM) == 1;
}

/* SIGINT, SIGTERM, HUP (and PIPE) to on_stop, unless ignored. */
static void catch_stop_signals(bool pipe)
{
	struct sigaction action = { .sa_handler = on_stop };

	sigemptyset(&action.sa_mask);
	action.sa_flags = 0;    /* no SA_RESTART: a wait must end with EINTR */
	for (size_t i = 0; i < NSTOP; i++) {
		if (stop_signals[i] == SIGPIPE && !pipe)
			continue;
		/* One call sets and reads back; an ignored signal is put back
		 * at once (the rare case pays the second call). */
		if (sigaction(stop_signals[i], &action, &found[i]) != 0)
			continue;
		caught[i] = true;
		if (found[i].sa_handler == SIG_IGN) {
			sigaction(stop_signals[i], &found[i], NULL);
			caught[i] = false;
			ignored[i] = true;
		}
	}
}

/* The kick, and the timer of a wait with a timeout (mq -t), end a
 * blocked call with SIGALRM: caught from now on, never fatal. */
static void catch_alarm(void)
{
	struct sigaction kick = { .sa_handler = on_kick };

	sigemptyset(&kick.sa_mask);
	alarm_caught = sigaction(SIGALRM, &kick, &alarm_found) == 0;
}

void cmd_stop_catch(bool pipe)
{
	catch_alarm();
	unblock_alarm();
	catch_stop_signals(pipe);
}

void cmd_stop_catch_brief(bool pipe)
{
	catch_alarm();
	catch_stop_signals(pipe);
}

void cmd_stop_before_exec(void)
{
	for (size_t i = 0; i < NSTOP; i++)
		if (caught[i]) {
			sigaction(stop_signals[i], &found[i], NULL);
			caught[i] = false;
		}
	/* SIGALRM as the caller gave it: ignored stays ignored, blocked stays
	 * blocked (with any alarm the caller set still pending for COMMAND:
	 * our kick runs only after a stop signal, which ends us below). */
	if (alarm_caught && alarm_found.sa_handler == SIG_IGN)
		sigaction(SIGALRM, &alarm_found, NULL);
	alarm_caught = false;
	if (alarm_was_blocked) {
		sigset_t alarm;

		sigemptyset(&alarm);
		sigaddset(&alarm, SIGALRM);
		sigprocmask(SIG_BLOCK, &alarm, NULL);
	}
	/* From here a stop signal acts as it did before: the only one left
	 * to act on is one that came before. */
	if (cmd_stop_signo != 0)
		cmd_stop_end();
}

void cmd_stop_note(int signo)
{
	if (cmd_stop_signo == 0)
		cmd_stop_signo = signo;
}

static bool was_ignored(int signo)
{
	for (size_t i = 0; i < NSTOP; i++)
		if (stop_signals[i] == signo)
			return ignored[i];
	return false;
}

_Noreturn void cmd_stop_end(void)
{
	int signo = cmd_stop_signo;
	sigset_t only;

	fflush(stdout);
	stop_kicking();
	if (!was_ignored(signo)) {
		signal(signo, SIG_DFL);
		sigemptyset(&only);
		sigaddset(&only, signo);
		sigprocmask(SIG_UNBLOCK, &only, NULL);
		raise(signo);
	}
	exit(128 + signo);
}

const char *cmd_stop_name(int signo)
{
	switch (signo) {
	case SIGINT:
		return "SIGINT";
	case SIGTERM:
		return "SIGTERM";
	case SIGHUP:
		return "SIGHUP";
	case SIGPIPE:
		return "SIGPIPE";
	default:
		return "a signal";
	}
}
