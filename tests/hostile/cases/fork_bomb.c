/*
 * fork_bomb - the classic: every process forks for ever, the test included.
 * Class: process abuse
 * Unprivileged: yes
 * Alone: all
 */
static void hostile(void)
{
    for (;;)
        fork();
}
