/*
 * test_lifecycle.c - white-box tests: they call lifecycle.c's functions
 * directly, on a table of their own, with real children of the test process.
 */
#include "oslab.h"

#include <fcntl.h>        /* open */
#include <limits.h>       /* PATH_MAX */
#include <poll.h>         /* poll: is the wake-up pipe readable */
#include <signal.h>       /* kill, sigprocmask */
#include <sys/resource.h> /* setrlimit: no core files, no new processes */
#include <sys/stat.h>     /* stat, umask: the mode of a created file */
#include <sys/wait.h>     /* waitpid, W* */

#include "support.h"
#include "tests.h"

/* A fresh table of CAPACITY slots, or fail. */
static void make_table(struct child_table *table, size_t capacity)
{
    OT_ASSERT(table_init(table, capacity) == 0, "test: table_init: %s", strerror(errno));
}

/* Fork a child that runs BODY(ARG) and ends with _exit(0); returns its PID. */
static pid_t fork_child(void (*body)(long), long arg)
{
    fflush(NULL);
    pid_t pid = fork();
    OT_ASSERT(pid != -1, "test: fork: %s", strerror(errno));
    if (pid == 0) {
        body(arg);
        _exit(0);
    }
    return pid;
}

/* Child bodies. */
static void exit_with(long code)
{
    _exit((int)code);
}

/* A child body: end by signal SIGNO, without a core dump. */
static void die_by(long signo)
{
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core); /* "killed by SIGSEGV", not "(core dumped)" */
    signal((int)signo, SIG_DFL);
    raise((int)signo);
    _exit(100); /* not reached for a deadly signal */
}

/* A child body: wait for signals forever. */
static void wait_forever(long unused)
{
    (void)unused;
    for (;;)
        pause();
}

/* Reap PID with waitpid(OPTIONS) and return its status, or fail. */
static int status_of(pid_t pid, int options)
{
    int status;
    pid_t r;
    while ((r = waitpid(pid, &status, options)) == -1 && errno == EINTR)
        continue;
    OT_ASSERT(r == pid, "test: waitpid(%d): %s", (int)pid, strerror(errno));
    return status;
}

/* Check describe_status(STATUS) == EXPECTED; WHAT says where STATUS came from. */
static void check_description(int status, const char *expected, const char *what)
{
    char buf[128];
    memset(buf, 'X', sizeof buf);
    const char *got = describe_status(status, buf, sizeof buf);
    /* clause DS-6 */
    OT_ASSERT(got == buf, "describe_status must return its BUF argument (%s)", what);
    OT_ASSERT(strcmp(buf, expected) == 0,
              "describe_status(0x%x) for %s gave \"%s\", expected \"%s\"", (unsigned)status, what,
              buf, expected);
}

/* The caller's mask must not keep SIGCHLD (or SIGINT/SIGTERM) blocked. */
static void check_mask_restored(const char *function)
{
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    OT_ASSERT(!sigismember(&now, SIGCHLD) && !sigismember(&now, SIGINT) &&
                  !sigismember(&now, SIGTERM),
              "%s returned with SIGCHLD, SIGINT or SIGTERM still blocked: restore the old mask "
              "(sigprocmask SIG_SETMASK) after table_add",
              function);
}

/* The bit of SIGNO in a /proc/PID/status signal mask. */
static unsigned long long signal_bit(int signo)
{
    return 1ULL << (signo - 1);
}

/* START(TABLE) with fork() made to fail: RLIMIT_NPROC 0 (a limit root ignores,
 * so only checked when the test is not root). It must return -1 with fork's
 * EAGAIN, leave the caller's mask and the table as they were. */
static void check_fork_failure(struct child_table *table, pid_t (*start)(struct child_table *),
                               const char *function)
{
    if (geteuid() == 0)
        return;
    struct rlimit old, none;
    OT_ASSERT(getrlimit(RLIMIT_NPROC, &old) == 0, "test: getrlimit: %s", strerror(errno));
    none = old;
    none.rlim_cur = 0;
    size_t room = table_room(table);
    OT_ASSERT(setrlimit(RLIMIT_NPROC, &none) == 0, "test: setrlimit: %s", strerror(errno));
    errno = 0;
    pid_t pid = start(table);
    int err = errno;
    setrlimit(RLIMIT_NPROC, &old);
    OT_ASSERT(pid == -1 && err == EAGAIN, /* clause SC-15 clause SW-6 */
              "%s returned %d (errno %s) when fork() failed with EAGAIN: it must return -1 with "
              "fork's errno",
              function, (int)pid, strerror(err));
    check_mask_restored(function);
    OT_ASSERT(table_room(table) == room,
              "%s recorded a child in the table although fork() failed", function);
}

/* start_command and start_worker as check_fork_failure calls them. */
static pid_t start_true(struct child_table *table)
{
    char *argv[] = {"true", NULL};
    return start_command(table, argv, NULL, NULL, false);
}
static pid_t start_short_worker(struct child_table *table)
{
    return start_worker(table, 0);
}

/* ot_wait_until predicate: has the PID at ARG nothing blocked, and procman's three
 * signals neither caught nor ignored? */
static bool signals_reset(void *arg)
{
    pid_t pid = *(pid_t *)arg;
    unsigned long long three = signal_bit(SIGCHLD) | signal_bit(SIGINT) | signal_bit(SIGTERM);
    return proc_status_mask(pid, "SigBlk") == 0 &&
           ((proc_status_mask(pid, "SigCgt") | proc_status_mask(pid, "SigIgn")) & three) == 0;
}

/* A handler that does nothing: the test's stand-in for procman's own handlers. */
static void ignore_signal(int signo)
{
    (void)signo;
}

/* Wait for PID to be a zombie (it has ended), or fail. */
static void await_end(pid_t pid, const char *what)
{
    OT_ASSERT(wait_for_zombie(pid, 2000), "%s (PID %d) did not end within 2 s", what, (int)pid);
}

/* Reap with reap_children and check that CHILD (PID) ended with EXPECTED. */
static void check_reaped(struct child_table *table, struct child *child, pid_t pid,
                         const char *expected, const char *what)
{
    int changes = reap_children(table);
    OT_ASSERT(changes >= 1, "reap_children returned %d after %s (PID %d) had ended", changes, what,
              (int)pid);
    char how[128];
    OT_ASSERT(child->state == CHILD_ENDED,
              "after reap_children, the slot of %s (PID %d) is not CHILD_ENDED (state %d)", what,
              (int)pid, (int)child->state);
    describe_status(child->status, how, sizeof how);
    OT_ASSERT(strcmp(how, expected) == 0,
              "reap_children recorded status 0x%x (\"%s\") for %s, expected \"%s\"",
              (unsigned)child->status, how, what, expected);
    OT_ASSERT(ot_proc_state(pid) == 0,
              "%s (PID %d) is still a zombie after reap_children: waitpid must reap it", what,
              (int)pid);
}

/* Signals a test child may be killed by, named as signal_name names them. */
static const int deadly_signals[] = {SIGTERM, SIGKILL, SIGUSR1, SIGUSR2, SIGHUP,
                                     SIGALRM, SIGINT,  SIGQUIT, SIGSEGV, SIGABRT};

void test_describe_exited(void)
{
    int codes[] = {0, (int)ot_random(1, 63), (int)ot_random(64, 254), 255};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        pid_t pid = fork_child(exit_with, codes[i]);
        int status = status_of(pid, 0);
        char expected[64], what[64];
        snprintf(expected, sizeof expected, "exited %d", codes[i]);
        snprintf(what, sizeof what, "a child that called _exit(%d)", codes[i]);
        /* clause DS-1 */
        check_description(status, expected, what);
    }
}

void test_describe_signalled(void)
{
    size_t n = sizeof deadly_signals / sizeof deadly_signals[0];
    for (int round = 0; round < 3; round++) {
        int signo = deadly_signals[ot_random(0, (long)n - 1)];
        pid_t pid = fork_child(die_by, signo);
        int status = status_of(pid, 0);
        char expected[64], what[64];
        /* A core dump may happen even with RLIMIT_CORE 0 when core_pattern
         * is a pipe: expect what the status says. */
        snprintf(expected, sizeof expected, "killed by %s%s", signal_name(signo),
                 WCOREDUMP(status) ? " (core dumped)" : "");
        snprintf(what, sizeof what, "a child killed by %s", signal_name(signo));
        /* clause DS-2 */
        check_description(status, expected, what);
    }
    /* A core dump sets bit 0x80 of the status (Linux): made up, as the
     * sandbox allows no core files. */
    int status = SIGABRT | 0x80;
    /* clause DS-3 */
    check_description(status, "killed by SIGABRT (core dumped)",
                      "a child killed by SIGABRT that dumped core");

    pid_t pid = fork_child(wait_forever, 0);
    kill(pid, SIGSTOP);
    /* clause DS-4 */
    check_description(status_of(pid, WUNTRACED), "stopped by SIGSTOP",
                      "a child stopped by SIGSTOP");
    kill(pid, SIGCONT);
    /* clause DS-5 */
    check_description(status_of(pid, WCONTINUED), "continued", "a child continued by SIGCONT");
    kill(pid, SIGKILL);
    check_description(status_of(pid, 0), "killed by SIGKILL", "a child killed by SIGKILL");
}

void test_start_command_runs(void)
{
    struct child_table table;
    make_table(&table, 8);

    /* A program found through PATH ("sh"), that says which PID it ran as. */
    int code = (int)ot_random(1, 120);
    char *pid_file = ot_random_name("pid");
    char script[256];
    snprintf(script, sizeof script, "echo $$ > %s; exit %d", pid_file, code);
    char *argv[] = {"sh", "-c", script, NULL};
    pid_t pid = start_command(&table, argv, NULL, NULL, false);
    OT_ASSERT(pid > 0, "start_command(sh -c ...) returned %d (%s)", (int)pid, strerror(errno));
    check_mask_restored("start_command"); /* clause SC-6 */
    struct child *child = table_find(&table, pid);
    OT_ASSERT(child != NULL && child->kind == CHILD_COMMAND, /* clause SC-2 */
              "start_command returned PID %d but did not record it in the table as a "
              "CHILD_COMMAND (table_add) before returning",
              (int)pid);
    char command[512];
    format_command(argv, command, sizeof command);
    OT_ASSERT(strcmp(child->command, command) == 0,
              "the table says the command is \"%s\", expected \"%s\": pass argv to table_add",
              child->command, command);

    await_end(pid, "the child running sh -c");
    char *ran_as = ot_read_file(pid_file);
    OT_ASSERT(ran_as != NULL && strtol(ran_as, NULL, 10) == (long)pid, /* clause SC-1 */
              "sh did not run as PID %d, the PID start_command returned (it wrote \"%s\"): "
              "execvp(argv[0], argv) in the child",
              (int)pid, ran_as ? ran_as : "(nothing)");
    char expected[64];
    snprintf(expected, sizeof expected, "exited %d", code);
    check_reaped(&table, child, pid, expected, "sh -c 'exit N'");

    /* Redirections: cat copies IN to OUT; OUT existed and was longer. */
    char *in = ot_random_name("in"), *out = ot_random_name("out");
    char content[256];
    snprintf(content, sizeof content, "%ld\n%s\nlast line %ld\n", ot_random(0, 1L << 40), in,
             ot_random(0, 999));
    ot_write_file(in, content);
    char longer[1024];
    memset(longer, 'x', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    ot_write_file(out, longer);
    char *cat[] = {"cat", NULL};
    pid = start_command(&table, cat, in, out, false);
    OT_ASSERT(pid > 0, "start_command(cat < IN > OUT) returned %d (%s)", (int)pid, strerror(errno));
    child = table_find(&table, pid);
    OT_ASSERT(child != NULL, "start_command did not record cat in the table");
    await_end(pid, "cat < IN > OUT");
    check_reaped(&table, child, pid, "exited 0", "cat < IN > OUT");
    char *copied = ot_read_file(out);
    OT_ASSERT(copied != NULL && strcmp(copied, content) == 0, /* clause SC-9 clause SC-10 */
              "cat < IN > OUT left \"%.80s\" in OUT, expected \"%s\": open IN O_RDONLY and OUT "
              "O_WRONLY|O_CREAT|O_TRUNC in the child, dup2 them onto 0 and 1",
              copied ? copied : "(no file)", content);
    free(copied);

    /* A new OUT file: mode 0644 (with no umask to take bits away). */
    char *fresh = ot_random_name("new");
    mode_t old_umask = umask(0);
    pid = start_command(&table, cat, in, fresh, false);
    umask(old_umask);
    OT_ASSERT(pid > 0, "start_command(cat < IN > NEW) returned %d (%s)", (int)pid, strerror(errno));
    child = table_find(&table, pid);
    await_end(pid, "cat < IN > NEW");
    check_reaped(&table, child, pid, "exited 0", "cat < IN > NEW");
    struct stat st;
    OT_ASSERT(stat(fresh, &st) == 0 && (st.st_mode & 07777) == 0644, /* clause SC-11 */
              "start_command created OUT_PATH with mode %04o, expected 0644 (the third argument "
              "of open with O_CREAT)",
              (unsigned)(st.st_mode & 07777));
    free(fresh);

    /* fork() that fails; a table with no room. */
    check_fork_failure(&table, start_true, "start_command");
    struct child_table full;
    make_table(&full, 1);
    char *sleeper[] = {"sleep", "30", NULL};
    pid_t first = start_command(&full, sleeper, NULL, NULL, false);
    OT_ASSERT(first > 0, "start_command(sleep 30) returned %d (%s)", (int)first, strerror(errno));
    pid_t kids_before[8], kids_after[8];
    size_t n_before = ot_children(getpid(), kids_before, 8);
    errno = 0;
    pid = start_command(&full, sleeper, NULL, NULL, false);
    int err = errno;
    size_t n_after = ot_children(getpid(), kids_after, 8);
    OT_ASSERT(pid == -1 && err == EAGAIN && n_after == n_before, /* clause SC-16 */
              "start_command with no room in the table (capacity 1, one child running) returned "
              "%d (errno %s) and the test process went from %zu to %zu children: expected -1 "
              "with EAGAIN and no child started (check table_room before fork)",
              (int)pid, strerror(err), n_before, n_after);
    check_mask_restored("start_command");
    kill(first, SIGKILL);
    await_end(first, "sleep 30");
    reap_children(&full);
    table_destroy(&full);
    free(ran_as);
    free(pid_file);
    free(in);
    free(out);
    table_destroy(&table);
}

/* ot_wait_until predicate: is the PID at ARG the leader of its own group? */
static bool leads_own_group(void *arg)
{
    pid_t pid = *(pid_t *)arg;
    return proc_stat_field(pid, 5) == pid;
}

/* ot_wait_until predicate: does the PID at ARG read /dev/null? */
static bool reads_dev_null(void *arg)
{
    char path[64], target[PATH_MAX];
    snprintf(path, sizeof path, "/proc/%d/fd/0", (int)*(pid_t *)arg);
    ssize_t n = readlink(path, target, sizeof target - 1);
    if (n <= 0)
        return false;
    target[n] = '\0';
    return strcmp(target, "/dev/null") == 0;
}

/* ot_wait_until predicate: has the PID at ARG exec'd sleep? */
static bool runs_sleep(void *arg)
{
    char path[64], comm[64] = "";
    snprintf(path, sizeof path, "/proc/%d/comm", (int)*(pid_t *)arg);
    char *text = ot_read_file(path);
    if (text != NULL)
        snprintf(comm, sizeof comm, "%s", text);
    free(text);
    return strncmp(comm, "sleep", 5) == 0;
}

void test_start_command_background(void)
{
    struct child_table table;
    make_table(&table, 8);
    char *sleep_argv[] = {"sleep", "30", NULL};

    pid_t bg = start_command(&table, sleep_argv, NULL, NULL, true);
    OT_ASSERT(bg > 0, "start_command(sleep 30, background) returned %d (%s)", (int)bg,
              strerror(errno));
    check_mask_restored("start_command");
    struct child *bg_child = table_find(&table, bg);
    OT_ASSERT(bg_child != NULL && bg_child->background,
              "start_command did not record the background child with background = true");
    pid_t fg = start_command(&table, sleep_argv, NULL, NULL, false);
    OT_ASSERT(fg > 0, "start_command(sleep 30) returned %d (%s)", (int)fg, strerror(errno));
    struct child *fg_child = table_find(&table, fg);
    OT_ASSERT(fg_child != NULL, "start_command did not record the foreground child");

    OT_ASSERT(ot_wait_until(leads_own_group, &bg, 1000), /* clause SC-7 */
              "the background child %d is in process group %ld, not in a group of its own: "
              "setpgid(0, 0) in the child (and setpgid(pid, pid) in the parent)",
              (int)bg, proc_stat_field(bg, 5));
    OT_ASSERT(ot_wait_until(reads_dev_null, &bg, 1000), /* clause SC-8 */
              "the background child's stdin is not /dev/null: a background child must not "
              "read procman's commands");
    OT_ASSERT(ot_wait_until(runs_sleep, &fg, 1000) && ot_wait_until(runs_sleep, &bg, 1000),
              "the children did not exec sleep within 1 s");
    OT_ASSERT(proc_stat_field(fg, 5) == getpgrp(),
              "the foreground child is in process group %ld, not in procman's (%d): only "
              "background children get a group of their own",
              proc_stat_field(fg, 5), (int)getpgrp());
    pid_t both[] = {bg, fg};
    unsigned long long caught = signal_bit(SIGCHLD) | signal_bit(SIGINT) | signal_bit(SIGTERM);
    for (int i = 0; i < 2; i++) {
        unsigned long long blocked = proc_status_mask(both[i], "SigBlk");
        OT_ASSERT(blocked == 0, /* clause SC-5 */
                  "sleep (PID %d) started with signals blocked (SigBlk %llx): restore the "
                  "old signal mask in the child before exec",
                  (int)both[i], blocked);
        /* An ignored signal stays ignored across exec: SIG_DFL, not SIG_IGN. */
        unsigned long long ignored = proc_status_mask(both[i], "SigIgn") & caught;
        OT_ASSERT(ignored == 0, /* clause SC-4 */
                  "sleep (PID %d) started with SIGCHLD, SIGINT or SIGTERM ignored (SigIgn bits "
                  "%llx): set them back to SIG_DFL in the child",
                  (int)both[i], ignored);
    }

    kill(bg, SIGKILL);
    kill(fg, SIGKILL);
    await_end(bg, "the background sleep");
    await_end(fg, "the foreground sleep");
    reap_children(&table);
    OT_ASSERT(bg_child->state == CHILD_ENDED && fg_child->state == CHILD_ENDED,
              "reap_children did not record the end of both children");
    table_destroy(&table);
}

void test_exec_failure_exits_127(void)
{
    struct child_table table;
    make_table(&table, 8);
    pid_t test_pid = getpid();

    /* Catch what the child prints on stderr (ours, which it inherits). */
    char *err_file = ot_random_name("stderr");
    int saved_stderr = dup(STDERR_FILENO);
    int err_fd = open(err_file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    OT_ASSERT(saved_stderr != -1 && err_fd != -1, "test: cannot redirect stderr");
    fflush(stderr);
    dup2(err_fd, STDERR_FILENO);

    char *name = ot_random_name("nosuch");
    char *argv[] = {name, "--flag", NULL};
    pid_t pid = start_command(&table, argv, NULL, NULL, false);
    if (getpid() != test_pid)
        _exit(99); /* start_command returned in the child: the parent sees 99 */
    dup2(saved_stderr, STDERR_FILENO);
    close(saved_stderr);
    close(err_fd);

    OT_ASSERT(pid > 0,
              "start_command(%s) returned %d: the fork worked, so it must return the "
              "child's PID; the exec fails in the child",
              name, (int)pid);
    struct child *child = table_find(&table, pid);
    OT_ASSERT(child != NULL, "start_command did not record the child in the table");
    await_end(pid, "the child whose exec failed");
    int changes = reap_children(&table);
    OT_ASSERT(changes >= 1 && child->state == CHILD_ENDED,
              "reap_children did not reap the child whose exec failed");
    int status = child->status;
    OT_ASSERT(!(WIFEXITED(status) && WEXITSTATUS(status) == 99), /* clause SC-14 */
              "start_command returned in the child after execvp failed: the child went on as a "
              "second copy of the caller. End it with exit_child_errno(127, ...) or _exit(127)");
    char how[128];
    describe_status(status, how, sizeof how);
    OT_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 127, /* clause SC-13 */
              "the child whose exec failed %s, expected \"exited 127\"", how);
    char *said = ot_read_file(err_file);
    char expected[256];
    snprintf(expected, sizeof expected, "cannot exec '%s'", name);
    OT_ASSERT(said != NULL && strstr(said, expected) != NULL,
              "the child whose exec failed printed \"%s\" on stderr, expected a line with "
              "\"%s\"",
              said ? said : "", expected);
    free(said);
    free(name);
    free(err_file);
    table_destroy(&table);
}

void test_start_worker(void)
{
    struct child_table table;
    make_table(&table, 8);
    int lifetime = (int)ot_random(30, 120);
    int64_t started = now_ms();
    pid_t pid = start_worker(&table, lifetime);
    OT_ASSERT(pid > 0, "start_worker returned %d (%s)", (int)pid, strerror(errno));
    check_mask_restored("start_worker");
    struct child *child = table_find(&table, pid);
    OT_ASSERT(child != NULL && child->kind == CHILD_WORKER && child->background, /* clause SW-5 */
              "start_worker did not record the worker (CHILD_WORKER, background) before "
              "returning");
    OT_ASSERT(ot_wait_until(leads_own_group, &pid, 1000) || ot_proc_state(pid) == 'Z', /* clause SW-3 */
              "the worker %d is not in a process group of its own (setpgid)", (int)pid);
    await_end(pid, "the worker");
    int64_t lived = now_ms() - started;
    OT_ASSERT(lived >= lifetime - 2, /* clause SW-1 */
              "the worker ended after %lld ms, before its lifetime of %d ms: it must run "
              "worker_main(lifetime_ms)",
              (long long)lived, lifetime);
    char expected[64];
    snprintf(expected, sizeof expected, "exited %d", (int)(pid % 100));
    check_reaped(&table, child, pid, expected, /* clause SW-2 */
                 "a worker (it must end with _exit(worker_main(...)): its PID % 100)");

    /* With handlers of our own for what procman catches, as procman has: the worker
     * must not keep them (it does not exec, so nothing else resets them). */
    int caught[] = {SIGCHLD, SIGINT, SIGTERM};
    struct sigaction ours = {.sa_handler = ignore_signal}, old[3];
    sigemptyset(&ours.sa_mask);
    for (int i = 0; i < 3; i++)
        sigaction(caught[i], &ours, &old[i]);
    pid = start_worker(&table, 20000);
    for (int i = 0; i < 3; i++)
        sigaction(caught[i], &old[i], NULL);
    OT_ASSERT(pid > 0, "start_worker returned %d (%s)", (int)pid, strerror(errno));
    child = table_find(&table, pid);
    /* The parent's setpgid can make the group before the child has run: wait
     * for the child to set its signals, then look. */
    ot_wait_until(signals_reset, &pid, 1000);
    unsigned long long handled = proc_status_mask(pid, "SigCgt") | proc_status_mask(pid, "SigIgn");
    unsigned long long blocked = proc_status_mask(pid, "SigBlk");
    unsigned long long ours_bits = signal_bit(SIGCHLD) | signal_bit(SIGINT) | signal_bit(SIGTERM);
    OT_ASSERT((handled & ours_bits) == 0 && blocked == 0, /* clause SW-4 */
              "the worker %d kept procman's handling of SIGCHLD, SIGINT or SIGTERM (SigCgt|SigIgn "
              "bits %llx) or a blocked signal (SigBlk %llx): in the child, SIG_DFL for the three, "
              "then the old mask",
              (int)pid, handled & ours_bits, blocked);
    kill(pid, SIGKILL);
    await_end(pid, "the worker");
    check_reaped(&table, child, pid, "killed by SIGKILL", "the worker killed by SIGKILL");

    check_fork_failure(&table, start_short_worker, "start_worker");
    struct child_table full;
    make_table(&full, 1);
    pid_t first = start_worker(&full, 20000);
    OT_ASSERT(first > 0, "start_worker returned %d (%s)", (int)first, strerror(errno));
    errno = 0;
    pid = start_worker(&full, 20000);
    int err = errno;
    OT_ASSERT(pid == -1 && err == EAGAIN, /* clause SW-6 */
              "start_worker with no room in the table (capacity 1, one worker running) returned "
              "%d (errno %s): expected -1 with EAGAIN and no worker started",
              (int)pid, strerror(err));
    check_mask_restored("start_worker");
    if (pid > 0)
        kill(pid, SIGKILL);
    kill(first, SIGKILL);
    await_end(first, "the worker");
    reap_children(&full);
    table_destroy(&full);
    table_destroy(&table);
}

void test_reap_does_not_block(void)
{
    struct child_table table;
    make_table(&table, 8);
    int code = (int)ot_random(1, 120);
    char script[64];
    snprintf(script, sizeof script, "exit %d", code);
    char *argv[] = {"sh", "-c", script, NULL};
    char *true_argv[] = {"true", NULL};
    pid_t quick = start_command(&table, argv, NULL, NULL, false);
    pid_t other = start_command(&table, true_argv, NULL, NULL, false);
    pid_t slow = start_worker(&table, 700);
    OT_ASSERT(quick > 0 && other > 0 && slow > 0, "start_command/start_worker failed: %s",
              strerror(errno));
    struct child *quick_child = table_find(&table, quick);
    struct child *other_child = table_find(&table, other);
    struct child *slow_child = table_find(&table, slow);
    OT_ASSERT(quick_child != NULL && other_child != NULL && slow_child != NULL,
              "the children were not recorded");
    /* Both end before one reap_children: as when two SIGCHLDs merge into one. */
    await_end(quick, "sh -c 'exit N'");
    await_end(other, "true");

    int64_t t0 = now_ms();
    int changes = reap_children(&table);
    int64_t took = now_ms() - t0;
    OT_ASSERT(took < 300, /* clause RC-1 */
              "reap_children took %lld ms while another child was still running: it runs in "
              "the SIGCHLD handler and must never wait; use waitpid(-1, &status, WNOHANG | ...)",
              (long long)took);
    OT_ASSERT(changes == 2, /* clause RC-5 */
              "reap_children returned %d, expected 2: two children had ended. Signals of one "
              "kind do not queue: one SIGCHLD may stand for several ends, so loop on waitpid "
              "until it returns 0",
              changes);
    OT_ASSERT(other_child->state == CHILD_ENDED && ot_proc_state(other) == 0,
              "reap_children reaped only one of the two children that had ended");
    char expected[64], how[128];
    snprintf(expected, sizeof expected, "exited %d", code);
    OT_ASSERT(quick_child->state == CHILD_ENDED &&
                  strcmp(describe_status(quick_child->status, how, sizeof how), expected) == 0,
              "after reap_children the ended child's slot has state %d, status \"%s\"; "
              "expected CHILD_ENDED, \"%s\"",
              (int)quick_child->state, how, expected);
    OT_ASSERT(quick_child->ended_ms >= t0 - 1000 && quick_child->ended_ms <= now_ms(), /* clause RC-2 */
              "reap_children did not set ended_ms = now_ms() for the ended child");
    OT_ASSERT(slow_child->state == CHILD_RUNNING, /* clause RC-6 */
              "reap_children changed the state of a child that is still running");
    OT_ASSERT(ot_proc_state(quick) == 0, "the ended child is still a zombie after reap_children");
    const struct child_event *first = &table.events[table.first_event];
    const struct child_event *second = &table.events[(table.first_event + 1) % EVENT_RING_SIZE];
    const struct child_event *event = first->pid == quick ? first : second;
    OT_ASSERT(table.event_count == 2 && event->pid == quick && /* clause RC-4 */
                  event->status == quick_child->status && event->child == quick_child,
              "reap_children must queue one event (table_push_event) per ended child with its "
              "PID, status and slot; found %d events",
              (int)table.event_count);

    await_end(slow, "the worker");
    snprintf(expected, sizeof expected, "exited %d", (int)(slow % 100));
    check_reaped(&table, slow_child, slow, expected, "the worker");
    changes = reap_children(&table);
    OT_ASSERT(changes == 0,
              "reap_children with no children left returned %d (errno %s), expected 0: ECHILD "
              "just means there is nothing to reap",
              changes, strerror(errno));
    table_destroy(&table);
}

/* What reaped_to predicate looks for. */
struct reap_goal {
    struct child_table *table;
    struct child *child;
    int state;
};

/* ot_wait_until predicate: reap, then is the child in the state wanted? */
static bool reaped_to(void *arg)
{
    struct reap_goal *goal = arg;
    reap_children(goal->table);
    return goal->child->state == goal->state;
}

void test_reap_stop_continue(void)
{
    struct child_table table;
    make_table(&table, 8);
    pid_t pid = start_worker(&table, 20000);
    OT_ASSERT(pid > 0, "start_worker failed: %s", strerror(errno));
    struct child *child = table_find(&table, pid);
    OT_ASSERT(child != NULL, "start_worker did not record the worker");

    kill(pid, SIGSTOP);
    struct reap_goal goal = {&table, child, CHILD_STOPPED};
    OT_ASSERT(ot_wait_until(reaped_to, &goal, 1000), /* clause RC-3 */
              "after SIGSTOP the child's slot is in state %d, not CHILD_STOPPED: reap_children "
              "must ask waitpid for stops (WUNTRACED)",
              (int)child->state);
    kill(pid, SIGCONT);
    goal.state = CHILD_RUNNING;
    OT_ASSERT(ot_wait_until(reaped_to, &goal, 1000),
              "after SIGCONT the child's slot is in state %d, not CHILD_RUNNING: reap_children "
              "must ask waitpid for continues (WCONTINUED)",
              (int)child->state);
    OT_ASSERT(table.event_count == 2, "expected 2 events (stop, continue), found %d",
              (int)table.event_count);
    const struct child_event *stop = &table.events[table.first_event];
    const struct child_event *cont = &table.events[(table.first_event + 1) % EVENT_RING_SIZE];
    OT_ASSERT(stop->pid == pid && WIFSTOPPED(stop->status) && WSTOPSIG(stop->status) == SIGSTOP,
              "the first event is not the stop by SIGSTOP (status 0x%x)", (unsigned)stop->status);
    OT_ASSERT(cont->pid == pid && WIFCONTINUED(cont->status), /* clause RC-4 */
              "the second event is not the continue (status 0x%x)", (unsigned)cont->status);

    kill(pid, SIGKILL);
    await_end(pid, "the worker");
    check_reaped(&table, child, pid, "killed by SIGKILL", "the worker killed by SIGKILL");
    table_destroy(&table);
}

void test_signal_child_refuses_foreign(void)
{
    struct child_table table;
    make_table(&table, 8);
    pid_t foreign = start_foreign_process();
    pid_t ours = start_worker(&table, 20000);
    char *argv[] = {"true", NULL};
    pid_t ended = start_command(&table, argv, NULL, NULL, false);
    OT_ASSERT(ours > 0 && ended > 0, "start_worker/start_command failed: %s", strerror(errno));
    await_end(ended, "true");
    reap_children(&table);

    const struct {
        pid_t pid;
        int signo;
        const char *what;
    } refused[] = {
        {foreign, SIGTERM, "a process that is not a child in the table"},
        {foreign, SIGSTOP, "a process that is not a child in the table"},
        {ended, SIGTERM, "a child that has ended and been reaped (its PID may be reused)"},
        {getppid(), 0, "the parent of procman"},
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        errno = 0;
        int r = signal_child(&table, refused[i].pid, refused[i].signo);
        int e = errno;
        OT_ASSERT(r == -1 && e == ESRCH, /* clause SG-3 */
                  "signal_child(%d, %s) for %s returned %d (errno %s), expected -1 with ESRCH",
                  (int)refused[i].pid, signal_name(refused[i].signo), refused[i].what, r,
                  strerror(e));
    }
    unsigned long long pending =
        proc_status_mask(foreign, "ShdPnd") | proc_status_mask(foreign, "SigPnd");
    OT_ASSERT(pending == 0 && ot_proc_state(foreign) != 'T',
              "signal_child refused the foreign process but signalled it anyway (pending mask "
              "%llx, state %c): check the table before kill()",
              pending, ot_proc_state(foreign));

    /* A signal kill() refuses: kill's errno. */
    errno = 0;
    int r = signal_child(&table, ours, 1000);
    int e = errno;
    OT_ASSERT(r == -1 && e == EINVAL, /* clause SG-4 */
              "signal_child(a running child, signal 1000) returned %d (errno %s): kill() fails "
              "with EINVAL, and signal_child must return -1 with kill's errno",
              r, strerror(e));

    /* The signal reaches the child, and is logged (on our stderr, caught in a file). */
    char *err_file = ot_random_name("stderr");
    int saved_stderr = dup(STDERR_FILENO);
    int err_fd = open(err_file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    OT_ASSERT(saved_stderr != -1 && err_fd != -1, "test: cannot redirect stderr");
    dup2(err_fd, STDERR_FILENO);
    r = signal_child(&table, ours, SIGUSR1);
    e = errno;
    dup2(saved_stderr, STDERR_FILENO);
    close(saved_stderr);
    close(err_fd);
    OT_ASSERT(r == 0, /* clause SG-1 */
              "signal_child(a running child, SIGUSR1) failed: %s", strerror(e));
    char *logged = ot_read_file(err_file);
    char expected[64];
    snprintf(expected, sizeof expected, "kill %d [worker]: SIGUSR1", (int)ours);
    OT_ASSERT(logged != NULL && strstr(logged, expected) != NULL, /* clause SG-2 */
              "signal_child must log the signal it sent (log_signal_sent): expected \"%s\" on "
              "stderr, got \"%s\"",
              expected, logged ? logged : "");
    free(logged);
    free(err_file);
    struct child *child = table_find(&table, ours);
    await_end(ours, "the worker sent SIGUSR1");
    check_reaped(&table, child, ours, "killed by SIGUSR1", "the worker sent SIGUSR1");

    /* A foreground child: in our process group, not one of its own. */
    char *sleeper[] = {"sleep", "30", NULL};
    pid_t fg = start_command(&table, sleeper, NULL, NULL, false);
    OT_ASSERT(fg > 0, "start_command(sleep 30) failed: %s", strerror(errno));
    r = signal_child(&table, fg, SIGUSR2);
    e = errno;
    OT_ASSERT(r == 0, /* clause SG-1 */
              "signal_child(a running foreground child, SIGUSR2) failed: %s (kill the PID, not "
              "a process group)",
              strerror(e));
    child = table_find(&table, fg);
    await_end(fg, "the sleep sent SIGUSR2");
    check_reaped(&table, child, fg, "killed by SIGUSR2", "the foreground sleep sent SIGUSR2");
    end_own_child(foreign);
    table_destroy(&table);
}

/* ot_wait_until predicate: is the file named ARG there? */
static bool file_exists(void *arg)
{
    return access(arg, F_OK) == 0;
}

/* ot_wait_until predicate: is the child at ARG stopped, as the handler recorded? */
static bool recorded_stopped(void *arg)
{
    return ((struct child *)arg)->state == CHILD_STOPPED;
}

void test_terminate_escalates(void)
{
    static struct child_table table;
    make_table(&table, 8);
    OT_ASSERT(install_sigchld_handler(&table) == 0, "install_sigchld_handler failed: %s",
              strerror(errno));
    int grace = (int)ot_random(150, 300);

    char *sleeper[] = {"sleep", "30", NULL};
    char *ready = ot_random_name("ready");
    char script[256];
    snprintf(script, sizeof script, "trap '' TERM; echo > %s; exec sleep 30", ready);
    char *stubborn[] = {"sh", "-c", script, NULL};
    pid_t a = start_command(&table, sleeper, NULL, NULL, true);
    pid_t b = start_command(&table, stubborn, NULL, NULL, true);
    pid_t c = start_worker(&table, 30000);
    OT_ASSERT(a > 0 && b > 0 && c > 0, "start_command/start_worker failed: %s", strerror(errno));
    struct child *ca = table_find(&table, a), *cb = table_find(&table, b),
                 *cc = table_find(&table, c);
    OT_ASSERT(ca && cb && cc, "the children were not recorded");
    OT_ASSERT(ot_wait_until(file_exists, ready, 2000), "sh did not start");
    kill(c, SIGSTOP);
    OT_ASSERT(ot_wait_until(recorded_stopped, cc, 1000),
              "the SIGCHLD handler did not record the worker as stopped after SIGSTOP");

    int64_t t0 = now_ms();
    int killed = terminate_children(&table, grace);
    int64_t took = now_ms() - t0;
    signal(SIGCHLD, SIG_DFL);

    char how[128];
    const struct {
        struct child *child;
        const char *expected;
        const char *what;
    } ends[] = {
        {ca, "killed by SIGTERM", "sleep 30"},
        {cb, "killed by SIGKILL", "a shell that ignores SIGTERM"},
        {cc, "killed by SIGTERM",
         "a stopped worker (a stopped process acts on SIGTERM only once continued: SIGCONT)"},
    };
    for (size_t i = 0; i < 3; i++) {
        const struct child *child = ends[i].child;
        OT_ASSERT(child->state == CHILD_ENDED, /* clause TC-4 */
                  "after terminate_children, %s (PID %d) has not ended and been reaped",
                  ends[i].what, (int)child->pid);
        describe_status(child->status, how, sizeof how);
        OT_ASSERT(strcmp(how, ends[i].expected) == 0, /* clause TC-1 clause TC-2 */
                  "%s %s, expected \"%s\"", ends[i].what, how, ends[i].expected);
    }
    OT_ASSERT(killed == 1, /* clause TC-5 */
              "terminate_children returned %d, expected 1 (only the child that "
              "ignores SIGTERM needed SIGKILL)",
              killed);
    /* Not before the grace period, and not much after it: a wait that ignores
     * GRACE_MS (a fixed second, say) is as wrong as no wait at all. */
    OT_ASSERT(took >= grace - 2 && took < grace + 500, /* clause TC-2 */
              "terminate_children took %lld ms with a grace period of %d ms: SIGKILL only after "
              "the grace period, and at once then",
              (long long)took, grace);
    OT_ASSERT(ot_zombie_children(getpid()) == 0, "zombies are left after terminate_children");

    /* Children that all end at SIGTERM: no SIGKILL, and no waiting out the grace period. */
    signal(SIGCHLD, SIG_DFL);
    table_destroy(&table);
    make_table(&table, 8);
    OT_ASSERT(install_sigchld_handler(&table) == 0, "install_sigchld_handler failed: %s",
              strerror(errno));
    a = start_command(&table, sleeper, NULL, NULL, true);
    c = start_worker(&table, 30000);
    OT_ASSERT(a > 0 && c > 0, "start_command/start_worker failed: %s", strerror(errno));
    OT_ASSERT(ot_wait_until(leads_own_group, &c, 1000), "the worker has no group of its own");
    t0 = now_ms();
    killed = terminate_children(&table, 2500);
    took = now_ms() - t0;
    signal(SIGCHLD, SIG_DFL);
    OT_ASSERT(killed == 0 && took < 1200, /* clause TC-3 */
              "terminate_children(grace 2500 ms) of two children that end at SIGTERM returned "
              "%d after %lld ms: expected 0, as soon as both have ended (wait_for_children "
              "returns then), not after the grace period",
              killed, (long long)took);
    free(ready);
    table_destroy(&table);
}

/* ot_wait_until predicate: has the handler recorded the end of the child at ARG? */
static bool recorded_ended(void *arg)
{
    return ((struct child *)arg)->state == CHILD_ENDED;
}

/* ot_wait_until predicate: is the child at ARG running, as the handler recorded? */
static bool recorded_running(void *arg)
{
    return ((struct child *)arg)->state == CHILD_RUNNING;
}

void test_sigchld_handler(void)
{
    static struct child_table table;
    make_table(&table, 8);
    OT_ASSERT(install_sigchld_handler(&table) == 0, /* clause IH-1 */
              "install_sigchld_handler returned -1: %s", strerror(errno));
    struct sigaction now;
    sigaction(SIGCHLD, NULL, &now);
    OT_ASSERT(now.sa_handler != SIG_DFL && now.sa_handler != SIG_IGN &&
                  !(now.sa_flags & SA_NOCLDSTOP), /* clause IH-4 */
              "install_sigchld_handler must install a SIGCHLD handler with sigaction, without "
              "SA_NOCLDSTOP (stops and continues must be reported)");

    /* No children: the handler's waitpid fails with ECHILD, and errno must not show it. */
    int values[] = {EDOM, ERANGE, EILSEQ, ENOTTY};
    int mark = values[ot_random(0, 3)];
    errno = mark;
    raise(SIGCHLD);
    int after = errno;
    OT_ASSERT(after == mark, /* clause IH-3 */
              "after a SIGCHLD errno was %d (%s), not the %d (%s) it was before: the handler "
              "must save errno first and put it back last (waitpid changes it)",
              after, strerror(after), mark, strerror(mark));

    /* A child that ends is reaped by the handler alone, and the main program woken. */
    table_drain_wake(&table);
    pid_t pid = start_worker(&table, 0);
    OT_ASSERT(pid > 0, "start_worker failed: %s", strerror(errno));
    struct child *child = table_find(&table, pid);
    OT_ASSERT(child != NULL, "start_worker did not record the worker");
    OT_ASSERT(ot_wait_until(recorded_ended, child, 2000) && ot_proc_state(pid) == 0, /* clause IH-1 */
              "a worker that ended was not reaped into the table by the SIGCHLD handler within "
              "2 s (state %d): the handler must call reap_children",
              (int)child->state);
    struct pollfd wake = {.fd = table.wake_fds[0], .events = POLLIN};
    OT_ASSERT(poll(&wake, 1, 0) == 1, /* clause IH-2 */
              "after the handler reaped a child, the wake-up pipe is empty: the handler must "
              "call table_wake, or an idle procman does not log the end");

    /* Stops and continues reach the table through the handler too. */
    pid = start_worker(&table, 20000);
    OT_ASSERT(pid > 0, "start_worker failed: %s", strerror(errno));
    child = table_find(&table, pid);
    OT_ASSERT(child != NULL, "start_worker did not record the worker");
    kill(pid, SIGSTOP);
    OT_ASSERT(ot_wait_until(recorded_stopped, child, 2000), /* clause IH-4 */
              "after SIGSTOP the handler did not record the worker as stopped (state %d): no "
              "SA_NOCLDSTOP, and reap_children asks for stops",
              (int)child->state);
    kill(pid, SIGCONT);
    OT_ASSERT(ot_wait_until(recorded_running, child, 2000),
              "after SIGCONT the handler did not record the worker as running again (state %d)",
              (int)child->state);
    kill(pid, SIGKILL);
    OT_ASSERT(ot_wait_until(recorded_ended, child, 2000),
              "the worker killed by SIGKILL was not reaped by the handler");
    signal(SIGCHLD, SIG_DFL);
    table_destroy(&table);
}
