/*
 * sigchld_relay.c - the kernel merges the SIGCHLDs of children that end
 * while one is pending, so a handler that reaps one child per signal leaves
 * the others zombies only when ends come close together: by chance. The
 * relay runs the program's SIGCHLD handler as if every end had its own
 * signal: after the handler returns, if it reaped a child and another one is
 * still waiting to be reaped, SIGCHLD is raised again. Merging then never
 * decides a test by chance; test_reap_does_not_block makes ends merge on
 * purpose (SIGCHLD blocked across them, reap_children called once), every
 * run. A handler that reaps nothing is not called again: one that never
 * reaps still leaves its zombies, every time. Test support, not student code.
 */
#include "oslab.h"

#include <sys/wait.h> /* waitid */

#include "sigchld_relay.h"

/* The action the program asked for; read by the relay, so written only
 * before the relay is installed for it. */
static struct sigaction asked_action;

/* The PID of a child that could be reaped now (ended, stopped or continued,
 * not yet reported), or 0. Reaps nothing (WNOWAIT). */
static pid_t waiting_child(void)
{
    siginfo_t info = {0};
    if (waitid(P_ALL, 0, &info, WEXITED | WSTOPPED | WCONTINUED | WNOHANG | WNOWAIT) == -1)
        return 0;
    return info.si_pid;
}

/* The SIGCHLD handler actually installed: the program's, then SIGCHLD again
 * if it reaped a child and left another one waiting, as a signal of its own
 * would have. errno is left as the program's handler left it. */
static void relay_sigchld(int signo, siginfo_t *info, void *context)
{
    int saved_errno = errno;
    pid_t before = waiting_child();
    errno = saved_errno;
    if (asked_action.sa_flags & SA_SIGINFO)
        asked_action.sa_sigaction(signo, info, context);
    else
        asked_action.sa_handler(signo);
    saved_errno = errno;
    pid_t after = waiting_child();
    if (after != 0 && after != before)
        raise(SIGCHLD); /* blocked while this handler runs: delivered once it returns */
    errno = saved_errno;
}

bool relay_wrap_action(const struct sigaction *asked, struct sigaction *installed)
{
    *installed = *asked;
    bool handler = asked->sa_flags & SA_SIGINFO
                       ? asked->sa_sigaction != NULL
                       : asked->sa_handler != SIG_DFL && asked->sa_handler != SIG_IGN;
    if (!handler)
        return false;
    asked_action = *asked;
    installed->sa_sigaction = relay_sigchld;
    installed->sa_flags |= SA_SIGINFO;
    return true;
}

struct sigaction relay_asked_action(void)
{
    return asked_action;
}

int relay_installed_sigchld(void)
{
    struct sigaction now, installed;
    if (sigaction(SIGCHLD, NULL, &now) == -1)
        return -1;
    if (!relay_wrap_action(&now, &installed))
        return 0;
    return sigaction(SIGCHLD, &installed, NULL);
}
