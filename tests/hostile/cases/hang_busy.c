/*
 * hang_busy - spins in a loop that never ends.
 * Class: hangs
 * Unprivileged: yes
 */
static void hostile(void)
{
    volatile unsigned long spins = 0;
    for (;;)
        spins++;
}
