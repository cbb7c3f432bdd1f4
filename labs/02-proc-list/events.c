/*
 * events.c - the event log lines of `pslist --kill` and `pslist --watch`.
 *
 * Given code. Each line goes through evlog() (shared/eventlog.c), which
 * stamps it with the time of day to the millisecond and writes it to stderr
 * in one write(2). Call these functions the moment the event happens: the
 * timestamp is the report of when it happened.
 */
#include "oslab.h"

#include "procfs.h"

/* "sent SIGTERM to 1234" */
void log_signal_sent(pid_t pid, int signo)
{
    evlog("sent %s to %d", signal_name(signo), (int)pid);
}

/* "1234 still running 2000 ms after SIGTERM: sent SIGKILL" */
void log_escalation(pid_t pid, int first_signo, int grace_ms)
{
    evlog("%d still running %d ms after %s: sent SIGKILL", (int)pid, grace_ms,
          signal_name(first_signo));
}

/* "1234 ended after SIGTERM (212 ms)" or, when only watched, "1234 ended (watched 1500 ms)". */
void log_process_ended(pid_t pid, int last_signo, int64_t elapsed_ms)
{
    if (last_signo == 0)
        evlog("%d ended (watched %lld ms)", (int)pid, (long long)elapsed_ms);
    else
        evlog("%d ended after %s (%lld ms)", (int)pid, signal_name(last_signo),
              (long long)elapsed_ms);
}
