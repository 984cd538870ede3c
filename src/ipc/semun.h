/* The fourth argument of semctl(2), which the caller must define (see
 * semctl(2)): one definition for the whole core. */
#ifndef SYSVCTL_SEMUN_H
#define SYSVCTL_SEMUN_H

#include <sys/sem.h>

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
	struct seminfo *__buf;
};

#endif
