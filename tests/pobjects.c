/* A peer for tests/plist.bats: makes a POSIX object and, with "hold",
 * keeps using it until killed (prints "ready" once it does).
 *   pobjects shm NAME SIZE [hold|holdfd]   shm_open, ftruncate (hold: mmap)
 *   pobjects sem NAME VALUE [hold]         sem_open
 *   pobjects mq NAME MAXMSG MSGSIZE COUNT [hold]   mq_open, COUNT messages
 *   pobjects shrink NAME SIZE   until killed: cut the existing shm object
 *                               to SIZE / 2 bytes and give it SIZE again
 *                               (prints "ready" after the first cut)
 */
#include <fcntl.h>
#include <mqueue.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int fail(const char *what)
{
	perror(what);
	return 1;
}

static void hold(void)
{
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}

static int make_shm(int argc, char **argv)
{
	size_t size = strtoul(argv[3], NULL, 0);
	int fd = shm_open(argv[2], O_RDWR | O_CREAT, 0600);

	if (fd < 0 || ftruncate(fd, (off_t)size) != 0)
		return fail("shm");
	if (argc > 4 && strcmp(argv[4], "holdfd") == 0)
		hold();
	if (argc > 4 && mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED)
		return fail("mmap");
	close(fd);
	if (argc > 4)
		hold();
	return 0;
}

static int shrink_shm(char **argv)
{
	off_t size = (off_t)strtoul(argv[3], NULL, 0);
	int fd = shm_open(argv[2], O_RDWR, 0);
	bool told = false;

	if (fd < 0)
		return fail("shm_open");
	for (;;) {
		if (ftruncate(fd, size / 2) != 0)
			return fail("ftruncate");
		if (!told) {
			printf("ready\n");
			fflush(stdout);
			told = true;
		}
		if (ftruncate(fd, size) != 0)
			return fail("ftruncate");
	}
}

static int make_sem(int argc, char **argv)
{
	sem_t *sem = sem_open(argv[2], O_CREAT, 0600, (unsigned)atoi(argv[3]));

	if (sem == SEM_FAILED)
		return fail("sem_open");
	if (argc > 4)
		hold();
	return 0;
}

static int make_mq(int argc, char **argv)
{
	struct mq_attr attr = { .mq_maxmsg = atol(argv[3]), .mq_msgsize = atol(argv[4]) };
	mqd_t mq = mq_open(argv[2], O_RDWR | O_CREAT, 0600, &attr);

	if (mq == (mqd_t)-1)
		return fail("mq_open");
	for (int i = 0; i < atoi(argv[5]); i++)
		if (mq_send(mq, "hello", 5, 1) != 0)
			return fail("mq_send");
	if (argc > 6)
		hold();
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && strcmp(argv[1], "shm") == 0)
		return make_shm(argc, argv);
	if (argc >= 4 && strcmp(argv[1], "shrink") == 0)
		return shrink_shm(argv);
	if (argc >= 4 && strcmp(argv[1], "sem") == 0)
		return make_sem(argc, argv);
	if (argc >= 6 && strcmp(argv[1], "mq") == 0)
		return make_mq(argc, argv);
	fprintf(stderr, "usage: pobjects shm|shrink|sem|mq NAME ...\n");
	return 2;
}
