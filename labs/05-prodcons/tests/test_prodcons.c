/*
 * test_prodcons.c - black-box tests: they run prodcons (as ordered/prodcons, or prodcons-race,
 * prodcons-tsan) and read its summary (stdout) and event log (stderr or
 * --log FILE) in the formats the handout documents.
 */
#include "oslab.h"

#include <dirent.h>          /* /proc/PID/task */
#include <signal.h>          /* kill */
#include <sys/syscall.h>     /* SYS_tgkill */
#include <sys/personality.h> /* ADDR_NO_RANDOMIZE for ThreadSanitizer */
#include <sys/wait.h>        /* W* */

#include "support.h"
#include "tests.h"

/* ordered/prodcons: once a buffer_put or buffer_get has its semaphore it runs
 * while no other does (tests/ordered.c), so that a race between them is
 * test_race_injection's concern, every run, never the other tests' by chance. */
static const char *ordered_prodcons(void)
{
    return ot_program_named("ordered/prodcons");
}

/* Expect the summary line "summary: N produced, N consumed, ..." of R to
 * start with EXPECTED. */
static void expect_summary(const struct ot_result *r, const char *expected, const char *what)
{
    char line[256] = "(none)";
    line_starting(r->out, "summary:", line, sizeof line);
    OT_ASSERT(strncmp(line, expected, strlen(expected)) == 0,
              "%s: the summary says \"%s\", expected it to start with \"%s\"", what, line,
              expected);
}

/* Check the event log of the report's run with one producer and one
 * consumer: every item produced and consumed once, in order, occupancy
 * within 0..CAPACITY. */
static void check_report_log(const char *log, long items, size_t capacity)
{
    long next_put = 1, next_get = 1;
    for (const char *line = log; line != NULL && *line != '\0';) {
        const char *end = strchr(line, '\n');
        long seq;
        size_t count, size;
        int producer;
        /* "HH:MM:SS.mmm produce P1 item 7 (buffer 3/5)" */
        if (sscanf(line, "%*d:%*d:%*d.%*d produce P%d item %ld (buffer %zu/%zu)", &producer, &seq,
                   &count, &size) == 4) {
            OT_ASSERT(producer == 1 && seq == next_put && count >= 1 && count <= capacity &&
                          size == capacity, /* clause TR-1 */
                      "log line \"%.*s\": expected \"produce P1 item %ld (buffer N/%zu)\" with N "
                      "1..%zu",
                      (int)(end ? end - line : (long)strlen(line)), line, next_put, capacity,
                      capacity);
            next_put++;
        } else if (sscanf(line, "%*d:%*d:%*d.%*d consume C1 item %ld from P%d (buffer %zu/%zu)",
                          &seq, &producer, &count, &size) == 4) {
            OT_ASSERT(producer == 1 && seq == next_get && count < capacity, /* clause TR-1 */
                      "log line \"%.*s\": expected \"consume C1 item %ld from P1 (buffer N/%zu)\" "
                      "with N 0..%zu",
                      (int)(end ? end - line : (long)strlen(line)), line, next_get, capacity,
                      capacity - 1);
            next_get++;
        }
        line = end != NULL ? end + 1 : NULL;
    }
    OT_ASSERT(next_put == items + 1 && next_get == items + 1, /* clause TR-1 */
              "the log has %ld produce and %ld consume lines, expected %ld of each", next_put - 1,
              next_get - 1, items);
}

void test_report_scenario(void)
{
    struct ot_result r;
    /* Longer than the test's own deadline: a deadlock (clause MX-1) is left
     * to the grader, which names it. */
    run_prodcons(&r, ordered_prodcons(), 60000, "a deadlock?", "--produce-ms", "10", "--consume-ms", "15",
                 "--capacity", "3", "--items", "40", NULL);
    expect_clean_run(&r, "the report's run with 10 ms / 15 ms, capacity 3, 40 items");
    expect_summary(&r, "summary: 40 produced, 40 consumed, max occupancy 3/3", /* clause TR-2 */
                   "the producer is faster than the consumer, so the buffer must fill up");
    OT_ASSERT(count_lines_with(r.err, "P1 waits: buffer full") >= 1, /* clause TR-3 */
              "the log never says \"P1 waits: buffer full\": call trace_full before a producer "
              "blocks on a full buffer (sem_trywait fails with EAGAIN). The log:\n%.1500s",
              r.err);
    check_report_log(r.err, 40, 3);
    ot_result_free(&r);
}

void test_exactly_once(void)
{
    struct ot_result r;
    run_prodcons(&r, ordered_prodcons(), 25000, "a deadlock, or a lost wake-up?", "--producers", "8",
                 "--consumers", "8", "--capacity", "1", "--items", "40000", "--produce-ms", "0",
                 "--consume-ms", "0", "--quiet", NULL);
    expect_clean_run(&r, "8 producers, 8 consumers, capacity 1, 40000 items"); /* clause PG-6 */
    expect_summary(&r, "summary: 40000 produced, 40000 consumed", "8 x 8, capacity 1");
    ot_result_free(&r);
    run_prodcons(&r, ordered_prodcons(), 25000, "a deadlock, or a lost wake-up?", "--producers", "3",
                 "--consumers", "5", "--capacity", "7", "--items", "9999", "--produce-ms", "0",
                 "--consume-ms", "0", "--quiet", NULL);
    expect_clean_run(&r, "3 producers, 5 consumers, capacity 7, 9999 items"); /* clause PG-6 */
    expect_summary(&r, "summary: 9999 produced, 9999 consumed", "3 x 5, capacity 7");
    ot_result_free(&r);
}

/* Run prodcons-race, whose every sem_wait, sem_post, mutex call and trace
 * call is shaken (tests/racewrap.c), with the options that follow. */
static void run_race(const char *what, const char *const *options)
{
    setenv("PRODCONS_RACE_SEED", "20260514", 1); /* the same shaking every run */
    const char *argv[32] = {ot_program_named("prodcons-race")};
    size_t argc = 1;
    for (; options[argc - 1] != NULL; argc++)
        argv[argc] = options[argc - 1];
    argv[argc] = NULL;
    struct ot_result r;
    ot_run(argv, NULL, 30000, &r);
    OT_ASSERT(!r.timed_out,
              "%s: prodcons-race had not ended after 30 s: a deadlock, or a lost wake-up (with "
              "--processes: is every mutex, semaphore and condition variable process-shared)? "
              "Its log:\n%.1500s", /* clause PG-7 */
              what, r.err);
    /* clause TR-4 (the wrapper checks the mutex inside every trace call) */
    expect_clean_run(&r, what); /* clause PG-7 */
    ot_result_free(&r);
}

void test_race_injection(void)
{
    static const char *const many[] = {
        "--producers",  "4", "--consumers",  "4", "--capacity", "2", "--items", "3000",
        "--produce-ms", "0", "--consume-ms", "0", "--quiet",    NULL};
    run_race("prodcons-race, 4 producers, 4 consumers, capacity 2", many);
    static const char *const one[] = {"--capacity",   "1", "--items", "2000", "--produce-ms", "0",
                                      "--consume-ms", "0", "--quiet", NULL};
    run_race("prodcons-race, 1 producer, 1 consumer, capacity 1", one);
}

/* Is PROGRAM found in PATH? */
static bool in_path(const char *program)
{
    const char *path = getenv("PATH");
    char copy[4096], file[4096 + 64];
    snprintf(copy, sizeof copy, "%s", path != NULL ? path : "/usr/bin:/bin");
    for (char *dir = strtok(copy, ":"); dir != NULL; dir = strtok(NULL, ":")) {
        snprintf(file, sizeof file, "%s/%s", dir, program);
        if (access(file, X_OK) == 0)
            return true;
    }
    return false;
}

void test_thread_sanitizer(void)
{
    /* TSan maps its shadow memory at fixed addresses: with a randomised
     * layout (vm.mmap_rnd_bits 32) it cannot start. Children inherit this. */
    int persona = personality(0xffffffff);
    if (persona != -1)
        personality((unsigned long)persona | ADDR_NO_RANDOMIZE);
    setenv("TSAN_OPTIONS", "halt_on_error=1 exitcode=66", 1);
    struct ot_result r = {0};
    /* Not built when the compiler has no ThreadSanitizer (the Makefile probes). */
    bool unavailable = access(ot_program_named("prodcons-tsan"), X_OK) != 0;
    if (!unavailable) {
        run_prodcons(&r, ot_program_named("prodcons-tsan"), 40000, "a deadlock?", "--producers",
                     "4", "--consumers", "4", "--capacity", "2", "--items", "3000", "--produce-ms",
                     "0", "--consume-ms", "0", "--quiet", NULL);
        unavailable = strstr(r.err, "FATAL: ThreadSanitizer") != NULL ||
                      strstr(r.err, "unexpected memory mapping") != NULL;
        if (!unavailable && strstr(r.err, "WARNING: ThreadSanitizer") == NULL &&
            ot_exit_status(&r) == 0) {
            /* The condition-variable buffer too. */
            ot_result_free(&r);
            run_prodcons(&r, ot_program_named("prodcons-tsan"), 40000, "a deadlock?", "--sync",
                         "condvar", "--producers", "4", "--consumers", "4", "--capacity", "2",
                         "--items", "3000", "--produce-ms", "0", "--consume-ms", "0", "--quiet",
                         NULL);
        }
    }
    if (!unavailable) {
        OT_ASSERT(strstr(r.err, "WARNING: ThreadSanitizer") == NULL, /* clause TS-1 */
                  "ThreadSanitizer found a data race: two threads touch the same memory, one "
                  "writes, and no lock orders them (every field of the buffer but the "
                  "semaphores belongs to the mutex). Its report:\n%.2500s",
                  r.err);
        expect_clean_run(&r, "prodcons-tsan, 4 producers, 4 consumers");
        ot_result_free(&r);
        return;
    }
    /* ThreadSanitizer cannot run here: a platform limit, not the student's
     * fault. Valgrind's helgrind finds the same races, more slowly. */
    ot_result_free(&r);
    if (!in_path("valgrind")) {
        run_prodcons(&r, ordered_prodcons(), 20000, "a deadlock?", "--producers", "4", "--consumers", "4",
                     "--capacity", "2", "--items", "3000", "--produce-ms", "0", "--consume-ms", "0",
                     "--quiet", NULL);
        expect_clean_run(&r, "prodcons (neither ThreadSanitizer nor valgrind here)");
        ot_result_free(&r);
        return;
    }
    run_prodcons(&r, "/usr/bin/env", 40000, "a deadlock?", "valgrind", "--tool=helgrind", "-q",
                 "--error-exitcode=66", ordered_prodcons(), "--producers", "2", "--consumers", "2",
                 "--capacity", "2", "--items", "300", "--produce-ms", "0", "--consume-ms", "0",
                 "--quiet", NULL);
    OT_ASSERT(ot_exit_status(&r) != 66, /* clause TS-1 */
              "ThreadSanitizer cannot run here, and valgrind's helgrind found a data race (or "
              "a lock misused). Its report:\n%.2500s",
              r.err);
    expect_clean_run(&r, "prodcons under helgrind");
    ot_result_free(&r);
}

void test_more_consumers_than_items(void)
{
    /* A slot for every item: no producer ever waits for one, so a put that
     * waits holding the mutex (test_report_scenario's concern) cannot
     * deadlock these runs by chance. */
    struct ot_result r;
    run_prodcons(&r, ordered_prodcons(), 10000,
                 "consumers still blocked after the producers finished: buffer_close must wake "
                 "every one of them (each woken consumer posts filled_slots again)",
                 "--producers", "2", "--consumers", "12", "--capacity", "5", "--items", "5",
                 "--produce-ms", "5", "--consume-ms", "0", NULL);
    expect_clean_run(&r, "2 producers, 12 consumers, 5 items"); /* clause CL-3 */
    expect_summary(&r, "summary: 5 produced, 5 consumed", "12 consumers for 5 items");
    ot_result_free(&r);
    run_prodcons(&r, ordered_prodcons(), 10000, "consumers still blocked at the end", "--consumers", "6",
                 "--capacity", "1", "--items", "1", "--produce-ms", "0", "--consume-ms", "0", NULL);
    expect_clean_run(&r, "1 producer, 6 consumers, 1 item"); /* clause CL-3 */
    ot_result_free(&r);
}

void test_sigint_drains(void)
{
    const char *argv[] = {
        ordered_prodcons(), "--producers",  "2", "--consumers",  "2", "--capacity", "4", "--items",
        "100000",     "--produce-ms", "1", "--consume-ms", "4", NULL};
    struct ot_session *s = ot_start(argv);
    OT_ASSERT(ot_expect(s, OT_STDERR, "waits: buffer full", 10000) != NULL,
              "prodcons never logged \"P1 waits: buffer full\" (or P2): the producers are "
              "faster, the buffer must fill. The log:\n%.1500s",
              ot_text(s, OT_STDERR));
    kill(ot_session_pid(s), SIGINT);
    bool timed_out = false;
    int status = ot_wait(s, 10000, &timed_out);
    const char *out = ot_text(s, OT_STDOUT);
    OT_ASSERT(!timed_out, /* clause CL-5 */
              "after SIGINT, prodcons had not ended within 10 s: buffer_close must wake the "
              "producers waiting on a full buffer (EPIPE) and the consumers must drain it. "
              "Its output:\n%.1500s",
              out);
    OT_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 130 && /* clause CL-6 */
                  strstr(out, "stopped by SIGINT") != NULL && strstr(out, "check: ok") != NULL,
              "after SIGINT prodcons must drain the buffer, print \"stopped by SIGINT\", pass its "
              "checks and exit 130; its output:\n%.1500s\nThe end of its log:\n%.1000s",
              out, ot_text(s, OT_STDERR));
    long produced = -1, consumed = -2;
    const char *summary = strstr(out, "summary: ");
    OT_ASSERT(
        summary != NULL &&
            sscanf(summary, "summary: %ld produced, %ld consumed", &produced, &consumed) == 2 &&
            produced == consumed, /* clause CL-2 */
        "after SIGINT every item produced must still be consumed: %.200s", summary ? summary : out);
    ot_end(s);
}

/* Send SIGUSR1 to every worker thread of process PID (named "prodcons-P1",
 * "prodcons-C2", ...) with tgkill, which aims at one thread: a signal sent
 * to the process would land on the main thread. Returns how many were sent. */
static int signal_workers(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    DIR *dir = opendir(path);
    if (dir == NULL)
        return 0;
    int sent = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        int tid = atoi(entry->d_name);
        if (tid <= 0 || tid == pid)
            continue;
        char comm_path[96];
        snprintf(comm_path, sizeof comm_path, "/proc/%d/task/%d/comm", (int)pid, tid);
        char *comm = ot_read_file(comm_path);
        if (comm != NULL && strncmp(comm, "prodcons-", 9) == 0 &&
            syscall(SYS_tgkill, (int)pid, tid, SIGUSR1) == 0)
            sent++;
        free(comm);
    }
    closedir(dir);
    return sent;
}

void test_eintr_workers(void)
{
    const char *argv[] = {ordered_prodcons(), "--producers", "2",    "--consumers",  "2", "--capacity",
                          "1",          "--items",     "1500", "--produce-ms", "1", "--consume-ms",
                          "1",          "--quiet",     NULL};
    struct ot_session *s = ot_start(argv);
    pid_t pid = ot_session_pid(s);
    int sent = 0;
    int64_t deadline = now_ms() + 20000;
    while (now_ms() < deadline) {
        char state = ot_proc_state(pid);
        if (state == 0 || state == 'Z')
            break;
        sent += signal_workers(pid);
        sleep_ms(2);
    }
    bool timed_out = false;
    int status = ot_wait(s, 10000, &timed_out);
    const char *out = ot_text(s, OT_STDOUT);
    OT_ASSERT(!timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0 && /* clause EI-1 */
                  strstr(out, "check: ok") != NULL,
              "with SIGUSR1 sent to its worker threads (%d signals), prodcons must still take "
              "every item exactly once: a sem_wait interrupted by a signal (EINTR) must be "
              "tried again. It %s; its output:\n%.1000s\nIts log:\n%.1000s",
              sent, timed_out ? "did not end" : "ended", out, ot_text(s, OT_STDERR));
    OT_ASSERT(sent > 0 && strstr(out, "SIGUSR1 received") != NULL,
              "test: no SIGUSR1 reached the workers (%d sent)", sent);
    ot_end(s);
}

/* The PID of the child of PARENT whose name is NAME; 0 if none. */
static pid_t child_named(pid_t parent, const char *name)
{
    pid_t children[256];
    size_t n = ot_children(parent, children, 256);
    for (size_t i = 0; i < n && i < 256; i++) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/comm", (int)children[i]);
        char *comm = ot_read_file(path);
        bool match = comm != NULL && strncmp(comm, name, strlen(name)) == 0 &&
                     (comm[strlen(name)] == '\n' || comm[strlen(name)] == '\0');
        free(comm);
        if (match)
            return children[i];
    }
    return 0;
}

void test_processes(void)
{
    struct ot_names before = ot_shm_snapshot();
    struct ot_result r;
    run_prodcons(&r, ordered_prodcons(), 15000,
                 "processes blocked for good: with --processes the semaphores need pshared 1 "
                 "and the mutex PTHREAD_PROCESS_SHARED, or a post in one process never wakes a "
                 "waiter in another",
                 "--processes", "--producers", "8", "--consumers", "8", "--capacity", "1",
                 "--items", "20000", "--produce-ms", "0", "--consume-ms", "0", "--quiet", NULL);
    expect_clean_run(&r, "--processes, 8 x 8, capacity 1, 20000 items"); /* clause PS-1 */
    expect_summary(&r, "summary: 20000 produced, 20000 consumed", "--processes 8 x 8");
    ot_result_free(&r);
    /* prodcons-race sleeps inside the critical section: processes then wait
     * for the mutex, and a process-private mutex never wakes them. */
    static const char *const race[] = {
        "--processes", "--producers",  "2", "--consumers",  "2", "--capacity", "2", "--items",
        "1500",        "--produce-ms", "0", "--consume-ms", "0", "--quiet",    NULL};
    run_race("prodcons-race --processes, 2 x 2: with the mutex contended", race); /* clause PS-1 */

    /* A consumer killed mid-run: reported, the rest ended, nothing left. */
    const char *argv[] = {
        ordered_prodcons(), "--processes", "--producers",  "2", "--consumers",  "2", "--capacity", "2",
        "--items",    "100000",      "--produce-ms", "1", "--consume-ms", "1", "--quiet",    NULL};
    struct ot_session *s = ot_start(argv);
    pid_t victim = 0;
    int64_t deadline = now_ms() + 5000;
    while ((victim = child_named(ot_session_pid(s), "prodcons-C1")) == 0 && now_ms() < deadline)
        sleep_ms(5);
    OT_ASSERT(victim != 0, "prodcons --processes has no child named prodcons-C1 after 5 s");
    sleep_ms(50); /* let it work a little */
    kill(victim, SIGKILL);
    bool timed_out = false;
    int status = ot_wait(s, 10000, &timed_out);
    const char *out = ot_text(s, OT_STDOUT);
    char expected[128];
    snprintf(expected, sizeof expected, "check: FAILED: C1 (PID %d) killed by SIGKILL",
             (int)victim);
    OT_ASSERT(!timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 1 &&
                  strstr(out, expected) != NULL, /* clause PS-2 */
              "with C1 killed, prodcons --processes must stop the other workers, say \"%s\" and "
              "exit 1; it %s, its output:\n%.1000s",
              expected, timed_out ? "did not end within 10 s" : "ended", out);
    ot_end(s);
    /* Only prodcons's own names: other programs on the machine may come and go. */
    struct ot_names left = ot_shm_new_since(&before);
    for (size_t i = 0; i < left.count; i++)
        OT_ASSERT(strncmp(left.names[i], "prodcons-", 9) != 0, /* clause PS-2 */
                  "after the runs, /dev/shm still has %s: prodcons must unlink its shared "
                  "memory",
                  left.names[i]);
    ot_names_free(&left);
    ot_names_free(&before);
}

void test_cv_exactly_once(void)
{
    struct ot_result r;
    run_prodcons(&r, ordered_prodcons(), 25000, "a deadlock, or a lost wake-up?", "--sync", "condvar",
                 "--producers", "8", "--consumers", "8", "--capacity", "1", "--items", "20000",
                 "--produce-ms", "0", "--consume-ms", "0", "--quiet", NULL);
    expect_clean_run(&r, "--sync condvar, 8 x 8, capacity 1, 20000 items"); /* clause CV-1 */
    ot_result_free(&r);
    static const char *const race[] = {
        "--sync",  "condvar", "--producers",  "3", "--consumers",  "3", "--capacity", "2",
        "--items", "2000",    "--produce-ms", "0", "--consume-ms", "0", "--quiet",    NULL};
    /* prodcons-race makes some condition waits return at once, as POSIX
     * allows: only a while loop around pthread_cond_wait survives that. */
    run_race("prodcons-race --sync condvar, 3 x 3 (with early wake-ups)", race); /* clause CV-2 */
    run_prodcons(&r, ordered_prodcons(), 25000,
                 "processes blocked for good: the mutex and condition variables need "
                 "PTHREAD_PROCESS_SHARED with --processes",
                 "--processes", "--sync", "condvar", "--producers", "2", "--consumers", "2",
                 "--capacity", "2", "--items", "3000", "--produce-ms", "0", "--consume-ms", "0",
                 "--quiet", NULL);
    expect_clean_run(&r, "--processes --sync condvar"); /* clause CV-3 */
    ot_result_free(&r);
    static const char *const processes[] = {
        "--processes", "--sync",       "condvar", "--producers", "2",    "--consumers",
        "2",           "--capacity",   "2",       "--items",     "1500", "--produce-ms",
        "0",           "--consume-ms", "0",       "--quiet",     NULL};
    run_race("prodcons-race --processes --sync condvar: with the mutex contended",
             processes); /* clause CV-3 */
}

/* Run prodcons with one bad option; expect one line and the hint, status 2. */
static void expect_bad_option(const char *option, const char *value)
{
    const char *argv[] = {ordered_prodcons(), option, value, NULL};
    struct ot_result r;
    ot_run(argv, NULL, 5000, &r);
    OT_ASSERT(ot_exit_status(&r) == 2 && count_lines_with(r.err, "\n") <= 2 &&
                  strstr(r.err, "Try 'prodcons --help'.") != NULL, /* clause OP-1 */
              "'prodcons %s %s' must print one line and \"Try 'prodcons --help'.\" and exit 2; "
              "it exited %d and printed:\n%s",
              option, value ? value : "", ot_exit_status(&r), r.err);
    ot_result_free(&r);
}

void test_options(void)
{
    expect_bad_option("--producers", "0");
    expect_bad_option("--consumers", "65");
    expect_bad_option("--capacity", "1048577");
    expect_bad_option("--items", "-1");
    expect_bad_option("--produce-ms", "ten");
    expect_bad_option("--sync", "mutex");
    expect_bad_option("--bogus", NULL);
    expect_bad_option("extra", NULL);

    /* A slot for every item (--capacity 3): a put that waits holding the
     * mutex (test_report_scenario's concern) cannot deadlock this run by chance. */
    struct ot_result r;
    run_prodcons(&r, ordered_prodcons(), 10000, "a deadlock?", "--log", "events.log", "--items", "3",
                 "--capacity", "3", "--produce-ms", "0", "--consume-ms", "0", NULL);
    expect_clean_run(&r, "--log events.log --items 3");
    char *log = ot_read_file("events.log");
    OT_ASSERT(log != NULL && count_lines_with(log, " produce P1 item ") == 3 &&
                  count_lines_with(r.err, " produce ") == 0, /* clause OP-2 */
              "with --log events.log the 3 \"produce\" lines go to the file, not stderr; the "
              "file has:\n%.1000s",
              log ? log : "(no file)");
    free(log);
    ot_result_free(&r);
}
