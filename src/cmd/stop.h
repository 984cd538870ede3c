/* Stop signals (SIGINT, SIGTERM, SIGHUP, and SIGPIPE where asked) that
 * never lose what the kernel has handed us.  While caught, such a signal
 * does not end the process: its handler records it, and a wait in
 * progress ends with EINTR, so the command first writes out the message
 * it took, or gives the unit back, and then ends as killed by the signal.
 *
 * A signal that lands between a check of cmd_stop_signo and the start of
 * a blocking call would let that call wait for ever; so the handler also
 * starts a timer that interrupts whatever call is blocked every
 * CMD_STOP_KICK_MS, until the command sees the stop and ends. */
#ifndef SYSVCTL_STOP_H
#define SYSVCTL_STOP_H

#include <signal.h>
#include <stdbool.h>

#define CMD_STOP_KICK_MS 10

/* The first stop signal caught, 0 while none came. */
extern volatile sig_atomic_t cmd_stop_signo;

/* Catch SIGINT, SIGTERM and SIGHUP (and SIGPIPE with PIPE), each unless
 * it is ignored (nohup, a background job of a script): those stay
 * ignored.  No SA_RESTART: a blocking call ends with EINTR.  SIGALRM (the
 * kick, and the timer of a wait with a timeout) is caught too. */
void cmd_stop_catch(bool pipe);

/* The same for an operation that never waits and execs nothing (sem
 * release): SIGALRM is caught but not unblocked, as no kick can be
 * needed, which saves sem release the work of unblocking it. */
void cmd_stop_catch_brief(bool pipe);

/* Give back the dispositions found before cmd_stop_catch, so that a
 * program executed next gets its signals; then, if a stop signal came
 * before that, end now (cmd_stop_end). */
void cmd_stop_before_exec(void);

/* Record SIGNO as the stop (an EPIPE seen with SIGPIPE ignored counts as
 * SIGPIPE), unless another signal came first. */
void cmd_stop_note(int signo);

/* End as killed by the stop signal: flush stdout, then raise it with its
 * default action; exit 128+N when it was ignored (an EPIPE). */
_Noreturn void cmd_stop_end(void);

/* "SIGTERM", "SIGINT"...: the name of a stop signal. */
const char *cmd_stop_name(int signo);

#endif
