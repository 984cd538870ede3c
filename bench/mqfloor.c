/* mqfloor: the kernel's floor for bench/run's message section.
 *
 *   mqfloor N
 *
 * Makes a private queue with the default limits, then one process sends N
 * messages of 15 bytes (the length of bench/run's lines) while another
 * receives them, with nothing else to do: no reading, parsing or writing of
 * lines.  No program that moves messages one msgsnd(2) and one msgrcv(2)
 * at a time through such a queue can beat its rate by much. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/wait.h>
#include <unistd.h>

struct message {
	long type;
	char text[64];
};

static int send_all(int queue, long count)
{
	struct message message = { 1, "message 0000001" };

	for (long i = 0; i < count; i++)
		if (msgsnd(queue, &message, 15, 0) != 0)
			return 1;
	return 0;
}

static int receive_all(int queue, long count)
{
	struct message message;

	for (long i = 0; i < count; i++)
		if (msgrcv(queue, &message, sizeof(message.text), 0, 0) < 0)
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	long count = argc == 2 ? atol(argv[1]) : 0;
	int queue, status = 0, failed;
	pid_t sender;

	if (count <= 0) {
		fputs("usage: mqfloor N\n", stderr);
		return 2;
	}
	queue = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	if (queue < 0) {
		perror("mqfloor: msgget");
		return 1;
	}
	sender = fork();
	if (sender == 0)
		_exit(send_all(queue, count));
	failed = sender < 0 || receive_all(queue, count) != 0;
	/* Removing the queue first ends a sender still waiting (EIDRM). */
	msgctl(queue, IPC_RMID, NULL);
	if (sender > 0)
		waitpid(sender, &status, 0);
	if (failed || status != 0) {
		perror("mqfloor");
		return 1;
	}
	return 0;
}
