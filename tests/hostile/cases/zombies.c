/*
 * zombies - starts five children that end at once and never waits for them.
 * Class: process abuse
 * Unprivileged: yes
 */
static void hostile(void)
{
    for (int i = 0; i < 5; i++)
        if (fork() == 0)
            _exit(0);
}
