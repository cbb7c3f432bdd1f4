/*
 * hang_ignore_signals - ignores SIGTERM, SIGALRM, SIGINT, SIGHUP and SIGQUIT,
 * sets an alarm it ignores, then sleeps for ever: only SIGKILL ends it.
 * Class: hangs
 * Unprivileged: yes
 */
#include <signal.h> /* signal */

static void hostile(void)
{
    const int ignored[] = {SIGTERM, SIGALRM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
    for (size_t i = 0; i < sizeof ignored / sizeof ignored[0]; i++)
        signal(ignored[i], SIG_IGN);
    alarm(1);
    for (;;)
        pause();
}
