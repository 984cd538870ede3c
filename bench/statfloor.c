/* statfloor: another floor for bench/run's listing section.
 *
 *   statfloor
 *
 * Reads every shm segment, semaphore set and message queue with one
 * *_STAT_ANY call each (Linux 4.17+), the way around /proc/sysvipc, and
 * prints how many it found.  No formatting at all: what listing from the
 * syscalls costs at the least. */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
	struct seminfo *info;
};

int main(void)
{
	struct shm_info shm_info;
	struct shmid_ds shm;
	struct msginfo msg_info;
	struct msqid_ds msg;
	struct seminfo sem_info;
	struct semid_ds sem;
	union semun arg;
	long found = 0;
	int last;

	/* *_INFO return the highest index in use. */
	last = shmctl(0, SHM_INFO, (struct shmid_ds *)&shm_info);
	for (int index = 0; index <= last; index++)
		found += shmctl(index, SHM_STAT_ANY, &shm) >= 0;
	last = msgctl(0, MSG_INFO, (struct msqid_ds *)&msg_info);
	for (int index = 0; index <= last; index++)
		found += msgctl(index, MSG_STAT_ANY, &msg) >= 0;
	arg.info = &sem_info;
	last = semctl(0, 0, SEM_INFO, arg);
	arg.buf = &sem;
	for (int index = 0; index <= last; index++)
		found += semctl(index, 0, SEM_STAT_ANY, arg) >= 0;
	printf("%ld\n", found);
	return 0;
}
