/*
 * hang_pause - sleeps in pause() for ever.
 * Class: hangs
 * Unprivileged: yes
 */
static void hostile(void)
{
    for (;;)
        pause();
}
