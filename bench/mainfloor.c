/* mainfloor: the floor of bench/run's per-call section.
 *
 *   mainfloor
 *
 * An empty main, built like sysvctl (PIE, dynamically linked against libc
 * only): what starting any C program on this machine costs, which is
 * about what /bin/true costs.  sysvctl's per-call commands are measured
 * against both. */
int main(void)
{
	return 0;
}
