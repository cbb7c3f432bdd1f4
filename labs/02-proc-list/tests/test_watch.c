/*
 * test_watch.c - black-box tests of `pslist --watch`: each end logged within
 * 50 ms of when it really happened (the process writes down its own end
 * time), the timeout, the fallback without pidfd_open, and bad input.
 */
#include "oslab.h"

#include <fcntl.h>    /* fcntl: is a pidfd still open */
#include <signal.h>   /* kill */
#include <sys/stat.h> /* stat: who owns PID 1 */
#include <sys/wait.h> /* WIFEXITED */

#include "support.h"
#include "tests.h"

enum { WATCHED = 3 };

/*
 * Watch COUNT plain targets with PROGRAM (pslist or pslist-nopidfd), end
 * them one by one at random moments, and check that each end is logged no
 * earlier than it happened. True if each was also logged at most 50 ms
 * after it; false with the details in LATE (LEN bytes) if one was later.
 */
static bool watch_and_end(const char *program, int count, char *late, size_t len)
{
    struct target *targets[WATCHED];
    char pids[WATCHED][16];
    const char *argv[WATCHED + 3];
    argv[0] = program;
    argv[1] = "--watch";
    for (int i = 0; i < count; i++) {
        targets[i] = target_start((const char *[]){NULL});
        snprintf(pids[i], sizeof pids[i], "%d", (int)targets[i]->pid);
        argv[2 + i] = pids[i];
    }
    argv[2 + count] = NULL;

    struct ot_session *watch = ot_start(argv);
    /* pslist reads no input: its stdin at end of file (readable, to poll) must not matter. */
    ot_close_stdin(watch);
    char needle[96];
    snprintf(needle, sizeof needle, "watching %d processes", count);
    const char *ready = ot_expect(watch, OT_STDERR, needle, 2000);
    OT_ASSERT(ready != NULL, "'%s --watch ...' did not log '%s' on stderr; it wrote:\n%s", program,
              needle, ot_text(watch, OT_STDERR));

    /* End them in a random order, the first 100-200 ms after the watch began. */
    long real_end[WATCHED];
    int order[WATCHED] = {0, 1, 2};
    for (int i = count - 1; i > 0; i--) {
        int j = (int)ot_random(0, i), swap = order[i];
        order[i] = order[j];
        order[j] = swap;
    }
    for (int k = 0; k < count; k++) {
        int i = order[k];
        sleep_ms(k == 0 ? ot_random(100, 200) : ot_random(20, 120));
        ot_send(targets[i]->session, "exit\n");
        real_end[i] = target_end_time(targets[i], 1000);
        OT_ASSERT(real_end[i] >= 0, "the test process %s did not end when told", pids[i]);
    }

    bool timed_out;
    int status = ot_wait(watch, 2000, &timed_out);
    const char *log = ot_text(watch, OT_STDERR);
    OT_ASSERT(!timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0,
              "'--watch' must exit 0 once every process has ended; it %s. Its log:\n%s",
              timed_out ? "was still running 2 s later" : "did not exit 0", log);
    for (int i = 0; i < count; i++) {
        snprintf(needle, sizeof needle, "%s ended (watched ", pids[i]); /* the log line of events.c */
        char *line = find_line(log, needle);
        OT_ASSERT(line != NULL, "no '%s' line in the log of '--watch':\n%s", needle, log);
        long delay = day_ms_between(real_end[i], stamp_ms(line));
        /* clause WW-1 clause WO-1 */
        OT_ASSERT(
            delay >= -2,
            "process %s ended at %02ld:%02ld:%02ld.%03ld but '--watch' logged it %ld ms BEFORE "
            "that:\n  %s",
            pids[i], real_end[i] / 3600000, real_end[i] / 60000 % 60, real_end[i] / 1000 % 60,
            real_end[i] % 1000, -delay, line);
        if (delay > 50 && late[0] == '\0')
            snprintf(late, len,
                     "process %s ended at %02ld:%02ld:%02ld.%03ld but '--watch' logged it %ld ms "
                     "later:\n  %s\nexpected within 50 ms after the end",
                     pids[i], real_end[i] / 3600000, real_end[i] / 60000 % 60,
                     real_end[i] / 1000 % 60, real_end[i] % 1000, delay, line);
        free(line);
    }
    snprintf(needle, sizeof needle, "all %d watched processes ended", count);
    /* clause WT-1 */
    OT_ASSERT(strstr(log, needle) != NULL, "the log of '--watch' must end with '%s':\n%s", needle,
              log);
    ot_end(watch);
    for (int i = 0; i < count; i++)
        target_stop(targets[i]);
    return late[0] == '\0';
}

/*
 * watch_and_end, measured a second time if an end was logged late. A machine
 * that stalls for a moment (another job, a stolen virtual CPU) can make one
 * report late; a correct --watch is late twice running only on a machine too
 * loaded to grade, and a watch that sleeps is late every time.
 */
static void watch_and_end_on_time(const char *program, int count)
{
    char first[1024] = "", second[1024] = "";
    if (watch_and_end(program, count, first, sizeof first))
        return;
    if (watch_and_end(program, count, second, sizeof second))
        return;
    /* clause WW-1 */
    OT_ASSERT(false, "%s\nand again on a second try:\n%s", first, second);
}

/* --watch logs each of three ends within 50 ms of it. */
void watch_within_50ms(void)
{
    char *pslist = program_path("pslist");
    watch_and_end_on_time(pslist, WATCHED);
    free(pslist);
}

/* --watch gives up after --timeout-ms, logs it and exits 3. */
void watch_timeout(void)
{
    struct target *t = target_start((const char *[]){NULL});
    int timeout = (int)ot_random(150, 300);
    char pid[16], timeout_text[16], needle[96];
    snprintf(pid, sizeof pid, "%d", (int)t->pid);
    snprintf(timeout_text, sizeof timeout_text, "%d", timeout);

    struct ot_result r;
    int64_t start = now_ms();
    run_pslist((const char *[]){"--watch", pid, "--timeout-ms", timeout_text, NULL}, 2000, &r);
    int64_t took = now_ms() - start;
    OT_ASSERT(ot_exit_status(&r) == 3,
              "'pslist --watch %s --timeout-ms %d' for a process that does not end must exit 3; "
              "it exited %d. Its log:\n%s",
              pid, timeout, ot_exit_status(&r), r.err);
    snprintf(needle, sizeof needle, "timeout after %d ms: 1 still running: %s", timeout, pid);
    /* clause WT-2 */
    OT_ASSERT(strstr(r.err, needle) != NULL, "the log must say '%s'; it was:\n%s", needle, r.err);
    OT_ASSERT(took >= timeout, "'--timeout-ms %d' gave up after %lld ms, before the timeout",
              timeout, (long long)took);
    OT_ASSERT(took < timeout + 1000, /* clause WW-3 */
              "'--timeout-ms %d' gave up after %lld ms: it must give up when the timeout expires",
              timeout, (long long)took);
    OT_ASSERT(strstr(r.err, " ended") == NULL, "the process did not end, but the log says so:\n%s",
              r.err);
    ot_result_free(&r);
    /* The shortest timeout is a timeout too: only 0 means none. */
    run_pslist((const char *[]){"--watch", pid, "--timeout-ms", "1", NULL}, 2000, &r);
    OT_ASSERT(ot_exit_status(&r) == 3, /* clause WW-3 */
              "'pslist --watch %s --timeout-ms 1' must give up after 1 ms and exit 3 (only 0 "
              "means no timeout); it exited %d:\n%s",
              pid, ot_exit_status(&r), r.err);
    ot_result_free(&r);

    /* Two processes, one of which has ended already (a zombie: its pidfd is readable):
     * the timeout names only the other one. */
    struct target *z = target_start((const char *[]){"--zombie", NULL});
    char zombie[16];
    snprintf(zombie, sizeof zombie, "%d", (int)z->zombie);
    run_pslist((const char *[]){"--watch", zombie, pid, "--timeout-ms", timeout_text, NULL}, 2000,
               &r);
    snprintf(needle, sizeof needle, "timeout after %d ms: 1 still running: %s\n", timeout, pid);
    char ended[32];
    snprintf(ended, sizeof ended, "%s ended", zombie);
    OT_ASSERT(ot_exit_status(&r) == 3 && strstr(r.err, needle) != NULL && /* clause WW-2 */
                  strstr(r.err, ended) != NULL,
              "'pslist --watch %s %s --timeout-ms %d' (%s has ended, %s has not) must log '%s "
              "...' and 'timeout after %d ms: 1 still running: %s', and exit 3; it exited %d:\n%s",
              zombie, pid, timeout, zombie, pid, ended, timeout, pid, ot_exit_status(&r), r.err);
    ot_result_free(&r);
    target_stop(z);

    /* watch_close closes what watch_open opened. */
    struct watched w = {.pid = t->pid, .pidfd = -1, .ended = false};
    OT_ASSERT(watch_open(&w) == 0, "watch_open(%d) failed: %s", (int)t->pid, strerror(errno));
    int fd = w.pidfd;
    watch_close(&w, 1);
    errno = 0;
    OT_ASSERT(fd == -1 || (fcntl(fd, F_GETFD) == -1 && errno == EBADF), /* clause WC-1 */
              "watch_close left the pidfd %d of process %d open", fd, (int)t->pid);
    target_stop(t);
}

/* --watch and --kill when pidfd_open fails with ENOSYS. */
void fallback_without_pidfd(void)
{
    char *nopidfd = program_path("pslist-nopidfd");
    watch_and_end_on_time(nopidfd, 2); /* clause WO-1 clause WW-4 clause WT-1 */
    /* --kill, where the end can only be seen in /proc. */
    kill_delayed_on_time(nopidfd, 200); /* clause KL-1 */
    kill_escalates_with(nopidfd);     /* clause WW-4: the grace period ends in the fallback too */
    kill_leader_exited_with(nopidfd); /* clause WW-4: Z with 2 threads has not ended */

    /* Processes that vanish from /proc without ever being zombies (their parent ignores
     * SIGCHLD): "gone" is an end too, for --kill and for --watch. */
    struct target *parent = target_start((const char *[]){"--children", "2", "--no-zombies", NULL});
    char child[2][16], needle[64];
    for (int i = 0; i < 2; i++)
        snprintf(child[i], sizeof child[i], "%d", (int)parent->children[i]);
    struct ot_result r;
    run_program(nopidfd, (const char *[]){"--kill", child[0], "--grace-ms", "2000", NULL}, 3000,
                &r);
    snprintf(needle, sizeof needle, "%s ended after SIGTERM", child[0]);
    /* clause TP-1 clause WW-4 */
    OT_ASSERT(ot_exit_status(&r) == 0 && strstr(r.err, needle) != NULL &&
                  strstr(r.err, "SIGKILL") == NULL,
              "'pslist-nopidfd --kill %s --grace-ms 2000' (a process that ends at SIGTERM and is "
              "reaped at once: its /proc/%s vanishes) must log '%s' without SIGKILL and exit 0; "
              "it exited %d:\n%s",
              child[0], child[0], needle, ot_exit_status(&r), r.err);
    ot_result_free(&r);
    struct ot_session *watch =
        ot_start((const char *[]){nopidfd, "--watch", child[1], "--timeout-ms", "2000", NULL});
    ot_close_stdin(watch);
    OT_ASSERT(ot_expect(watch, OT_STDERR, "watching 1 process", 2000) != NULL,
              "'pslist-nopidfd --watch %s' did not log 'watching 1 process':\n%s", child[1],
              ot_text(watch, OT_STDERR));
    kill(parent->children[1], SIGKILL);
    bool timed_out;
    int status = ot_wait(watch, 2500, &timed_out);
    snprintf(needle, sizeof needle, "%s ended (watched ", child[1]);
    /* clause WW-4 */
    OT_ASSERT(!timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
                  strstr(ot_text(watch, OT_STDERR), needle) != NULL,
              "'pslist-nopidfd --watch %s': the process was killed and reaped at once (its "
              "/proc/%s vanished), so the watch must log '%s...' and exit 0; its log:\n%s",
              child[1], child[1], needle, ot_text(watch, OT_STDERR));
    ot_end(watch);
    target_stop(parent);

    /* watch_open without pidfd_open: kill(pid, 0) tells whether the process exists. */
    char gone[16];
    snprintf(gone, sizeof gone, "%d", (int)unused_pid());
    run_program(nopidfd, (const char *[]){"--watch", gone, NULL}, 2000, &r);
    OT_ASSERT(ot_exit_status(&r) == 1 && strstr(r.err, "No such process") != NULL, /* clause WO-2 */
              "'pslist-nopidfd --watch %s' (no such process) must exit 1 with 'No such process'; "
              "it exited %d:\n%s",
              gone, ot_exit_status(&r), r.err);
    ot_result_free(&r);
    run_program(nopidfd, (const char *[]){"--watch", "1", "--timeout-ms", "50", NULL}, 2000, &r);
    OT_ASSERT(ot_exit_status(&r) == 3, /* clause WO-3 */
              "'pslist-nopidfd --watch 1 --timeout-ms 50' must watch PID 1 until the timeout "
              "(kill(1, 0) failing with EPERM means PID 1 exists) and exit 3; it exited %d:\n%s",
              ot_exit_status(&r), r.err);
    ot_result_free(&r);
    free(nopidfd);
}

/* Run pslist with ARGS and check the usage error: exit 2, one line naming WHAT, the hint. */
static void expect_usage_error(const char *const args[], const char *what)
{
    struct ot_result r;
    run_pslist(args, 2000, &r);
    char *hint = find_line(r.err, "Try 'pslist --help'.");
    /* clause OP-1 */
    OT_ASSERT(ot_exit_status(&r) == 2 && r.out[0] == '\0' && count_lines(r.err) == 2 &&
                  hint != NULL && strstr(r.err, what) != NULL,
              "'pslist %s %s %s' must exit 2 with one line naming '%s' and \"Try 'pslist "
              "--help'.\" on stderr; it exited %d and wrote:\n%s%s",
              args[0], args[0] && args[1] ? args[1] : "",
              args[0] && args[1] && args[2] ? args[2] : "", what, ot_exit_status(&r), r.err, r.out);
    free(hint);
    ot_result_free(&r);
}

/* Run pslist with ARGS and check the runtime error: exit 1 with REASON on stderr. */
static void expect_failure(const char *const args[], const char *reason)
{
    struct ot_result r;
    run_pslist(args, 2000, &r);
    OT_ASSERT(ot_exit_status(&r) == 1 && strstr(r.err, reason) != NULL &&
                  strstr(r.err, args[1]) != NULL,
              "'pslist %s %s' must exit 1 and say '%s' (and the PID); it exited %d and wrote:\n%s",
              args[0], args[1], reason, ot_exit_status(&r), r.err);
    ot_result_free(&r);
}

/* Usage errors exit 2 with the hint; ESRCH and EPERM exit 1 with the reason. */
void bad_input(void)
{
    char user[32];
    random_name(user, 12);
    expect_usage_error((const char *[]){"--pid", "abc", NULL}, "--pid");
    expect_usage_error((const char *[]){"--pid", "0", NULL}, "--pid");
    expect_usage_error((const char *[]){"--pid", "99999999999", NULL}, "--pid");
    expect_usage_error((const char *[]){"--kill", "1", "--grace-ms", "-1", NULL}, "--grace-ms");
    expect_usage_error((const char *[]){"--kill", "1", "--signal", "NOPE", NULL}, "--signal");
    expect_usage_error((const char *[]){"--threads", "--tree", NULL}, "--tree");
    expect_usage_error((const char *[]){"--watch", NULL}, "--watch");
    expect_usage_error((const char *[]){"--watch", "1", "--timeout-ms", "x", NULL}, "--timeout-ms");
    expect_usage_error((const char *[]){"--timeout-ms", "5", NULL}, "--timeout-ms");
    expect_usage_error((const char *[]){"--bogus", NULL}, "bogus");
    expect_usage_error((const char *[]){"123", NULL}, "123");
    expect_usage_error((const char *[]){"--user", user, NULL}, user);

    /* The system's reasons, from the student's code. */
    char gone[16];
    snprintf(gone, sizeof gone, "%d", (int)unused_pid());
    expect_failure((const char *[]){"--kill", gone, NULL}, "No such process"); /* clause TP-5 */
    expect_failure((const char *[]){"--watch", gone, NULL}, "No such process"); /* clause WO-2 */

    /* Watching needs no permission: PID 1 (another user's, unless we are root) is
     * watched until the timeout like any other process. */
    struct ot_result r;
    run_pslist((const char *[]){"--watch", "1", "--timeout-ms", "50", NULL}, 2000, &r);
    OT_ASSERT(ot_exit_status(&r) == 3 && strstr(r.err, "1 still running: 1") != NULL, /* clause WO-3 */
              "'pslist --watch 1 --timeout-ms 50' must watch PID 1 (watching needs no "
              "permission: pidfd_open checks none) and exit 3 at the timeout; it exited %d:\n%s",
              ot_exit_status(&r), r.err);
    ot_result_free(&r);

    /* A process of another user: only checkable when the test is not root. */
    struct stat init;
    if (geteuid() != 0 && stat("/proc/1", &init) == 0 && init.st_uid != geteuid()) {
        /* SIGCONT and an hour's grace: harmless even if it were allowed. */
        expect_failure( /* clause TP-6 */
            (const char *[]){"--kill", "1", "--signal", "CONT", "--grace-ms", "3600000", NULL},
            "Operation not permitted");
    }
}
