/*
 * test_kill.c - black-box tests of `pslist --kill`: escalation to SIGKILL
 * for a process that ignores SIGTERM, and an end reported when it really
 * happened for a process that takes its time to end. The target processes
 * are children of the test, not of pslist: pslist must wait without
 * waitpid, through a pidfd.
 */
#include "oslab.h"

#include <signal.h>
#include <sys/wait.h> /* WIFSIGNALED */

#include "support.h"
#include "tests.h"

/* The event log line of R's stderr containing NEEDLE, and its time; fails the test if absent. */
static char *log_line(const struct ot_result *r, const char *needle, long *stamp)
{
    char *line = find_line(r->err, needle);
    OT_ASSERT(line != NULL, "the event log has no line with '%s'; pslist wrote:\n%s%s", needle,
              r->err, r->out);
    *stamp = stamp_ms(line);
    OT_ASSERT(*stamp >= 0, "event log lines start with HH:MM:SS.mmm; got '%s'", line);
    return line;
}

/* --kill on a process that ignores SIGTERM: SIGKILL after the grace period, logged. */
void kill_escalates_with(const char *program)
{
    struct target *t = target_start((const char *[]){"--ignore-term", NULL});
    int grace = (int)ot_random(150, 400);
    char pid[16], grace_text[16], needle[96];
    snprintf(pid, sizeof pid, "%d", (int)t->pid);
    snprintf(grace_text, sizeof grace_text, "%d", grace);

    struct ot_result r;
    run_program(program, (const char *[]){"--kill", pid, "--grace-ms", grace_text, NULL}, 2500,
                &r);
    /* clause KL-1 */
    OT_ASSERT(ot_exit_status(&r) == 0,
              "'pslist --kill %s --grace-ms %d' (a process that ignores SIGTERM) exited %d; "
              "stderr:\n%s",
              pid, grace, ot_exit_status(&r), r.err);

    long sent, escalated, ended;
    snprintf(needle, sizeof needle, "sent SIGTERM to %s", pid);
    char *sent_line = log_line(&r, needle, &sent);
    snprintf(needle, sizeof needle, "%s still running %d ms after SIGTERM: sent SIGKILL", pid,
             grace);
    char *kill_line = log_line(&r, needle, &escalated);
    snprintf(needle, sizeof needle, "%s ended after SIGKILL", pid);
    char *end_line = log_line(&r, needle, &ended);

    long waited = day_ms_between(sent, escalated);
    /* clause TP-2 clause TP-3 */
    OT_ASSERT(
        waited >= grace - 2 && waited <= grace + 250,
        "SIGKILL was sent %ld ms after SIGTERM; expected the grace period, %d ms:\n  %s\n  %s",
        waited, grace, sent_line, kill_line);
    OT_ASSERT(day_ms_between(escalated, ended) >= 0 && day_ms_between(escalated, ended) <= 100,
              "the end must be logged after SIGKILL, and soon:\n  %s\n  %s", kill_line, end_line);

    int status = target_wait(t, 1000);
    OT_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, /* clause TP-2 */
              "the process %s must have been killed by SIGKILL; wait status 0x%x", pid,
              (unsigned)status);
    free(sent_line);
    free(kill_line);
    free(end_line);
    ot_result_free(&r);
    target_stop(t);
}

void kill_escalates(void)
{
    char *pslist = program_path("pslist");
    kill_escalates_with(pslist);

    /* terminate_process itself: what it returns and what it puts in the report. */
    struct target *t = target_start((const char *[]){"--ignore-term", NULL});
    int grace = (int)ot_random(100, 200);
    struct kill_report report;
    memset(&report, 0x5a, sizeof report);
    int fds_before = ot_open_descriptors(0);
    int64_t before = now_ms();
    int rc = terminate_process(t->pid, SIGTERM, grace, &report);
    int64_t after = now_ms();
    int fds_after = ot_open_descriptors(0);
    OT_ASSERT(fds_after == fds_before, /* clause TP-7 */
              "terminate_process left %d more descriptors open: close the pidfd",
              fds_after - fds_before);
    OT_ASSERT(rc == 0, "terminate_process(%d, SIGTERM, %d) returned %d (%s)", (int)t->pid, grace,
              rc, strerror(errno));
    OT_ASSERT(report.signo == SIGTERM && report.escalated && /* clause TP-4 */
                  report.sent_ms >= before && report.sent_ms <= report.ended_ms &&
                  report.ended_ms <= after && report.ended_ms - report.sent_ms >= grace - 2,
              "terminate_process(%d, SIGTERM, %d) of a process that ignores SIGTERM filled the "
              "report with signo %d, escalated %d, sent_ms %lld, ended_ms %lld (called at %lld, "
              "returned at %lld); expected SIGTERM (%d), escalated, and sent_ms <= ended_ms, "
              "at least the grace period apart, within the call",
              (int)t->pid, grace, report.signo, (int)report.escalated, (long long)report.sent_ms,
              (long long)report.ended_ms, (long long)before, (long long)after, SIGTERM);
    int status = target_wait(t, 1000);
    OT_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
              "terminate_process returned 0 but the process was not killed by SIGKILL; wait "
              "status 0x%x",
              (unsigned)status);
    target_stop(t);

    kill_leader_exited_with(pslist);
    free(pslist);
}

/*
 * Kill, with PROGRAM, a process whose main thread has ended while another
 * thread, which ignores SIGTERM, runs on: /proc/PID/stat says Z, but the
 * process has not ended (its pidfd is not readable; Z with 2 threads), so
 * SIGKILL must follow the grace period.
 */
void kill_leader_exited_with(const char *program)
{
    struct target *t = target_start(
        (const char *[]){"--thread", "worker", "--ignore-term", "--leader-exits", NULL});
    char pid[16], needle[64];
    snprintf(pid, sizeof pid, "%d", (int)t->pid);
    struct ot_result r;
    run_program(program, (const char *[]){"--kill", pid, "--grace-ms", "100", NULL}, 2500, &r);
    snprintf(needle, sizeof needle, "%s ended after SIGKILL", pid);
    const char *name = strrchr(program, '/'); /* pslist or pslist-nopidfd, for the message */
    name = name != NULL ? name + 1 : program;
    /* clause TP-1 clause TP-2 clause WW-4 */
    OT_ASSERT(ot_exit_status(&r) == 0 && strstr(r.err, needle) != NULL,
              "'%s --kill %s --grace-ms 100' of a process whose main thread has ended (state Z "
              "in /proc, 2 threads) but whose other thread ignores SIGTERM must send SIGKILL after "
              "100 ms and log '%s': a process has ended when its pidfd is readable (without one: "
              "when it is gone from /proc, or Z with one thread); it exited %d:\n%s",
              name, pid, needle, ot_exit_status(&r), r.err);
    ot_result_free(&r);
    target_wait(t, 1000);
    target_stop(t);
}

/*
 * Kill, with PROGRAM, a target that takes 100 to MAX_DELAY ms to end after
 * SIGTERM, and check that the end is reported after it happened and without
 * SIGKILL. True if it was also reported at most 50 ms after; false with the
 * details in LATE (LEN bytes) if later.
 */
static bool kill_delayed(const char *program, int max_delay, char *late, size_t len)
{
    int delay = (int)ot_random(100, max_delay);
    char delay_text[16], pid[16], needle[64];
    snprintf(delay_text, sizeof delay_text, "%d", delay);
    struct target *t = target_start((const char *[]){"--term-delay-ms", delay_text, NULL});
    snprintf(pid, sizeof pid, "%d", (int)t->pid);

    struct ot_result r;
    run_program(program, (const char *[]){"--kill", pid, "--grace-ms", "2000", NULL}, 2500, &r);
    OT_ASSERT(ot_exit_status(&r) == 0, "'%s --kill %s' exited %d; stderr:\n%s", program, pid,
              ot_exit_status(&r), r.err);
    long real_end = target_end_time(t, 1000);
    OT_ASSERT(real_end >= 0, "the process %s did not end after SIGTERM", pid);

    long sent, reported;
    snprintf(needle, sizeof needle, "sent SIGTERM to %s", pid);
    char *sent_line = log_line(&r, needle, &sent);
    snprintf(needle, sizeof needle, "%s ended after SIGTERM", pid);
    char *end_line = log_line(&r, needle, &reported);
    OT_ASSERT(strstr(r.err, "SIGKILL") == NULL,
              "the process ended %d ms after SIGTERM, well within the grace period of 2000 ms, but "
              "SIGKILL was sent:\n%s",
              delay, r.err);
    long delay_seen = day_ms_between(real_end, reported);
    /* clause TP-1 clause TP-3 */
    OT_ASSERT(delay_seen >= -2,
              "the end was reported %ld ms BEFORE the process really ended (it took %d ms to end "
              "after SIGTERM): wait until its pidfd is readable\n  %s\n  %s",
              -delay_seen, delay, sent_line, end_line);
    late[0] = '\0';
    if (delay_seen > 50)
        snprintf(late, len,
                 "the end was reported %ld ms after it happened; expected within 50 "
                 "ms\n  %s",
                 delay_seen, end_line);
    free(sent_line);
    free(end_line);
    ot_result_free(&r);
    target_stop(t);
    return late[0] == '\0';
}

/* kill_delayed, measured a second time if the end was reported late. */
void kill_delayed_on_time(const char *program, int max_delay)
{
    /* Measured a second time if late: see watch_and_end_on_time in test_watch.c. */
    char first[1024], second[1024];
    if (kill_delayed(program, max_delay, first, sizeof first))
        return;
    if (kill_delayed(program, max_delay, second, sizeof second))
        return;
    OT_ASSERT(false, "%s\nand again on a second try:\n%s", first, second);
}

/* --kill on a process that takes its time: the end reported when it happened. */
void kill_reports_real_end(void)
{
    char *pslist = program_path("pslist");
    kill_delayed_on_time(pslist, 300);
    free(pslist);

    /* terminate_process itself, on a process that ends 100-200 ms after SIGTERM. */
    int delay = (int)ot_random(100, 200);
    char delay_text[16];
    snprintf(delay_text, sizeof delay_text, "%d", delay);
    struct target *t = target_start((const char *[]){"--term-delay-ms", delay_text, NULL});
    struct kill_report report;
    memset(&report, 0x5a, sizeof report);
    int64_t before = now_ms();
    int rc = terminate_process(t->pid, SIGTERM, 2000, &report);
    int64_t after = now_ms();
    OT_ASSERT(rc == 0, "terminate_process(%d, SIGTERM, %d) returned %d (%s)", (int)t->pid, 2000,
              rc, strerror(errno));
    /* The target stamps its end on now_ms()'s clock just before it exits: a report
     * that sees the real end (the pidfd readable) cannot be earlier, however the
     * machine schedules the two processes. */
    int64_t real_end = target_end_monotonic(t, 1000);
    OT_ASSERT(real_end >= 0, "the process %d did not end after SIGTERM", (int)t->pid);
    OT_ASSERT(report.signo == SIGTERM && !report.escalated && /* clause TP-1 clause TP-4 */
                  report.sent_ms >= before && report.sent_ms <= real_end &&
                  report.ended_ms >= real_end && report.ended_ms <= after,
              "terminate_process of a process that ends %d ms after SIGTERM filled the report "
              "with signo %d, escalated %d, sent_ms %lld and ended_ms %lld; the call ran from "
              "%lld to %lld and the process really ended at %lld (all now_ms()): expected "
              "SIGTERM, not escalated, sent_ms before the end, and ended_ms no earlier than the "
              "end: the end is when its pidfd becomes readable",
              delay, report.signo, (int)report.escalated, (long long)report.sent_ms,
              (long long)report.ended_ms, (long long)before, (long long)after,
              (long long)real_end);
    target_stop(t);
}
