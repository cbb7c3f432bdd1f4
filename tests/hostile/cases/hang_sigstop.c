/*
 * hang_sigstop - ignores SIGTERM and stops itself with SIGSTOP, again each
 * time it is continued.
 * Class: hangs
 * Unprivileged: yes
 */
#include <signal.h> /* raise, signal */

static void hostile(void)
{
    signal(SIGTERM, SIG_IGN);
    for (;;)
        raise(SIGSTOP);
}
