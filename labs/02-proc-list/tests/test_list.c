/*
 * test_list.c - black-box tests of the listings: real processes and threads
 * with names, parents and thread counts the test chose, zombies, the tree,
 * a process table that churns while pslist reads it, and agreement with an
 * independent reading of /proc.
 */
#include "oslab.h"

#include <dirent.h>  /* opendir */
#include <poll.h>    /* poll */
#include <pthread.h> /* a thread in some churning processes */
#include <signal.h>
#include <stdatomic.h> /* the churner's count, shared with the test */
#include <sys/mman.h>  /* mmap: memory shared with the churner */
#include <sys/wait.h>  /* waitpid */

#include "support.h"
#include "tests.h"

/* The fields of one row of the default table. */
struct row {
    long pid, ppid;
    char user[64];
    char state;
    long threads, rss;
    char command[4096];
};

/* Parse LINE, a row of the default table, into *R; false if it does not have 7 fields. */
static bool parse_row(const char *line, struct row *r)
{
    char *copy = strdup(line);
    char *fields[7];
    bool ok = copy != NULL && split_fields(copy, fields, 7) == 7 && strlen(fields[3]) == 1;
    if (ok) {
        r->pid = strtol(fields[0], NULL, 10);
        r->ppid = strtol(fields[1], NULL, 10);
        snprintf(r->user, sizeof r->user, "%s", fields[2]);
        r->state = fields[3][0];
        r->threads = strtol(fields[4], NULL, 10);
        r->rss = strtol(fields[5], NULL, 10);
        snprintf(r->command, sizeof r->command, "%s", fields[6]);
    }
    free(copy);
    return ok;
}

/* Random thread names, a few of them with the traps of stat's format. */
static void make_thread_names(char names[][16], int count)
{
    for (int i = 0; i < count; i++) {
        char letters[7];
        random_name(letters, 6);
        switch (i % 3) {
        case 0:
            snprintf(names[i], 16, "%.6s) b", letters);
            break;
        case 1:
            snprintf(names[i], 16, "( %.6s )", letters);
            break;
        default:
            random_name(names[i], 15);
            break;
        }
    }
}

/* Start a target named NAME with COUNT threads named NAMES, and EXTRA arguments. */
static struct target *start_named(const char *name, char names[][16], int count,
                                  const char *const extra[])
{
    const char *args[48];
    size_t n = 0;
    args[n++] = "--name";
    args[n++] = name;
    for (int i = 0; i < count; i++) {
        args[n++] = "--thread";
        args[n++] = names[i];
    }
    for (size_t i = 0; extra != NULL && extra[i] != NULL && n < 46; i++)
        args[n++] = extra[i];
    args[n] = NULL;
    return target_start(args);
}

/* A process the test made appears in 'pslist' with the right fields. */
void list_known_process(void)
{
    char name[16], tag[16], names[6][16];
    random_name(name, (size_t)ot_random(8, 15));
    random_name(tag, 12);
    int count = (int)ot_random(2, 6);
    make_thread_names(names, count);
    const char *extra[] = {"--tag", tag, NULL};
    struct target *t = start_named(name, names, count, extra);

    struct ot_result r;
    run_pslist((const char *[]){NULL}, 3000, &r);
    OT_ASSERT(ot_exit_status(&r) == 0, "'pslist' exited %d: %s", ot_exit_status(&r), r.err);
    char *header = strndup(r.out, strcspn(r.out, "\n"));
    char *hf[7];
    /* clause OF-1 */
    OT_ASSERT(split_fields(header, hf, 7) == 7 && strcmp(hf[0], "PID") == 0 &&
                  strcmp(hf[1], "PPID") == 0 && strcmp(hf[6], "COMMAND") == 0,
              "the header of 'pslist' must start with PID, PPID and end with COMMAND; got: %.200s",
              r.out);
    free(header);

    char *line = find_row(r.out, t->pid);
    OT_ASSERT(line != NULL,
              "the test process %d (named %s) is not in the output of 'pslist':\n%.2000s",
              (int)t->pid, name, r.out);
    struct row row;
    OT_ASSERT(parse_row(line, &row), "cannot read the row of %d: '%s'", (int)t->pid, line);
    char user[64];
    expected_user(geteuid(), user, sizeof user);
    /* clause PS-1 */
    OT_ASSERT(row.ppid == getpid(), "process %d: PPID %ld, expected %d (field 4 of stat)\n  %s",
              (int)t->pid, row.ppid, (int)getpid(), line);
    /* clause SP-8 */
    OT_ASSERT(strcmp(row.user, user) == 0, "process %d: USER '%s', expected '%s'\n  %s",
              (int)t->pid, row.user, user, line);
    OT_ASSERT(row.state == 'S' || row.state == 'R',
              "process %d: STATE '%c', expected S (it waits "
              "for input)\n  %s",
              (int)t->pid, row.state, line);
    OT_ASSERT(row.threads == count + 1,
              "process %d has %d threads: THREADS shows %ld (field 20 of stat)\n  %s", (int)t->pid,
              count + 1, row.threads, line);
    OT_ASSERT(row.rss > 0, "process %d: RSS %ld, expected more than 0 KiB (field 24)\n  %s",
              (int)t->pid, row.rss, line);
    /* clause SP-9 */
    OT_ASSERT(strcmp(row.command, t->cmdline) == 0,
              "process %d: COMMAND '%s'\n  expected its whole command line '%s' (cmdline's NULs "
              "become spaces)",
              (int)t->pid, row.command, t->cmdline);
    free(line);

    /* This test's own row, and its parent's. */
    line = find_row(r.out, getpid());
    OT_ASSERT(line != NULL && parse_row(line, &row) && row.ppid == getppid(),
              "this test (PID %d, parent %d) is missing or wrong in 'pslist': %s", (int)getpid(),
              (int)getppid(), line ? line : "(no row)");
    free(line);
    ot_result_free(&r);
    target_stop(t);
}

/* --pid, --user, --no-header and --tsv. */
void list_filters_and_tsv(void)
{
    char name1[16], name2[16], names[2][16];
    random_name(name1, 10);
    random_name(name2, 10);
    make_thread_names(names, 2);
    struct target *t1 = start_named(name1, names, 2, NULL);
    struct target *t2 = start_named(name2, names, 1, NULL);
    char pid1[16], pid2[16], tid[16], me[32];
    snprintf(pid1, sizeof pid1, "%d", (int)t1->pid);
    snprintf(pid2, sizeof pid2, "%d", (int)t2->pid);
    snprintf(tid, sizeof tid, "%d", (int)t1->tids[1]);
    snprintf(me, sizeof me, "%u", (unsigned)geteuid());
    char user[64];
    expected_user(geteuid(), user, sizeof user);

    /* --pid twice, in reverse order, without a header: two rows, sorted. */
    struct ot_result r;
    run_pslist((const char *[]){"--pid", pid2, "--no-header", "--pid", pid1, NULL}, 3000, &r);
    OT_ASSERT(ot_exit_status(&r) == 0 && count_lines(r.out) == 2,
              "'pslist --pid %s --no-header --pid %s' must print exactly 2 rows and exit 0; it "
              "exited %d and printed:\n%s%s",
              pid2, pid1, ot_exit_status(&r), r.out, r.err);
    pid_t low = t1->pid < t2->pid ? t1->pid : t2->pid, high = t1->pid ^ t2->pid ^ low;
    char *first = find_row(r.out, low), *second = find_row(r.out, high);
    /* clause SP-2 clause OF-2 */
    OT_ASSERT(first != NULL && second != NULL && strncmp(r.out, first, strlen(first)) == 0,
              "'pslist --pid %s --pid %s' must list %d then %d (sorted by PID):\n%s", pid2, pid1,
              (int)low, (int)high, r.out);
    free(first);
    free(second);
    ot_result_free(&r);

    /* The tab-separated form. */
    run_pslist((const char *[]){"--tsv", "--pid", pid1, NULL}, 3000, &r);
    char *copy = strdup(r.out);
    char *header = copy, *row = strchr(copy, '\n');
    OT_ASSERT(ot_exit_status(&r) == 0 && row != NULL, "'pslist --tsv --pid %s' failed: %s%s", pid1,
              r.out, r.err);
    *row++ = '\0';
    /* clause OF-3 */
    OT_ASSERT(strcmp(header, "PID\tPPID\tUSER\tSTATE\tTHREADS\tRSS_KIB\tCOMMAND") == 0,
              "'pslist --tsv' header: '%s'", header);
    char *fields[8];
    row[strcspn(row, "\n")] = '\0';
    size_t n = split_tabs(row, fields, 8);
    char expected_ppid[16];
    snprintf(expected_ppid, sizeof expected_ppid, "%d", (int)getpid());
    OT_ASSERT(n == 7, "'pslist --tsv --pid %s' row must have 7 tab-separated fields; it has %zu:\n%s",
              pid1, n, r.out);
    /* Each field in turn, so that a failure names the one that differs. */
    const struct {
        const char *name, *expected;
        int index;
    } expected_fields[] = {{"PID", pid1, 0},        {"PPID", expected_ppid, 1},
                           {"USER", user, 2},       {"THREADS", "3", 4},
                           {"COMMAND", t1->cmdline, 6}};
    for (size_t i = 0; i < sizeof expected_fields / sizeof expected_fields[0]; i++)
        OT_ASSERT(strcmp(fields[expected_fields[i].index], expected_fields[i].expected) == 0,
                  "'pslist --tsv --pid %s': field %s is '%s', expected '%s'; the row:\n%s", pid1,
                  expected_fields[i].name, fields[expected_fields[i].index],
                  expected_fields[i].expected, r.out);
    free(copy);
    ot_result_free(&r);

    /* --user: our processes, and only ours. */
    run_pslist((const char *[]){"--user", me, NULL}, 3000, &r);
    char *row1 = find_row(r.out, t1->pid), *row2 = find_row(r.out, t2->pid);
    OT_ASSERT(ot_exit_status(&r) == 0 && row1 && row2,
              "'pslist --user %s' must list the test's processes %s and %s:\n%s%s", me, pid1, pid2,
              r.out, r.err);
    free(row1);
    free(row2);
    for (char *line = strchr(r.out, '\n'); line != NULL && line[1] != '\0';
         line = strchr(line + 1, '\n')) {
        struct row parsed;
        char *end = strchr(line + 1, '\n');
        char *one = strndup(line + 1, end ? (size_t)(end - line - 1) : strlen(line + 1));
        /* clause OF-4 */
        OT_ASSERT(parse_row(one, &parsed) && strcmp(parsed.user, user) == 0,
                  "'pslist --user %s' listed a process of another user:\n  %s", me, one);
        free(one);
    }
    ot_result_free(&r);

    /* A thread ID is not a process; a PID nobody has matches nothing. */
    run_pslist((const char *[]){"--pid", tid, "--no-header", NULL}, 3000, &r);
    /* clause SP-4 clause OF-4 */
    OT_ASSERT(ot_exit_status(&r) == 1 && r.out[0] == '\0' && r.err[0] == '\0',
              "'pslist --pid %s' (a thread of process %s, not a process) must print nothing, on "
              "stdout or stderr (it is no error: a filter that matches nothing), and exit 1; it "
              "exited %d and printed:\n%s%s",
              tid, pid1, ot_exit_status(&r), r.out, r.err);
    ot_result_free(&r);
    run_pslist((const char *[]){"--threads", "--pid", tid, "--no-header", NULL}, 3000, &r);
    OT_ASSERT(ot_exit_status(&r) == 1 && r.out[0] == '\0' && r.err[0] == '\0', /* clause ST-4 */
              "'pslist --threads --pid %s' (a thread of process %s, not a process) must list no "
              "thread and exit 1, as for processes: check Tgid for a requested PID; it exited %d "
              "and printed:\n%s%s",
              tid, pid1, ot_exit_status(&r), r.out, r.err);
    ot_result_free(&r);

    target_stop(t1);
    target_stop(t2);
}

/* A zombie shows as '[name] <defunct>', kthreadd as '[kthreadd]'. */
void list_zombie_and_kernel_thread(void)
{
    char name[16];
    random_name(name, 12);
    struct target *t = target_start((const char *[]){"--name", name, "--zombie", NULL});
    char zombie[16];
    snprintf(zombie, sizeof zombie, "%d", (int)t->zombie);

    struct ot_result r;
    run_pslist((const char *[]){"--pid", zombie, NULL}, 3000, &r);
    char *line = find_row(r.out, t->zombie);
    OT_ASSERT(ot_exit_status(&r) == 0 && line != NULL,
              "'pslist --pid %s' (a zombie) must list it and exit 0; it exited %d:\n%s%s", zombie,
              ot_exit_status(&r), r.out, r.err);
    struct row row;
    char expected[64];
    snprintf(expected, sizeof expected, "[%s] <defunct>", name);
    OT_ASSERT(parse_row(line, &row) && row.state == 'Z' && row.ppid == t->pid &&
                  /* clause SP-9 clause OF-5 */
                  strcmp(row.command, expected) == 0,
              "the zombie %s (child of %d) must show state Z, PPID %d and COMMAND '%s'; got:\n  %s",
              zombie, (int)t->pid, (int)t->pid, expected, line);
    free(line);
    ot_result_free(&r);
    target_stop(t);

    /* kthreadd is PID 2 where kernel threads are visible (not in a PID namespace). */
    char *kthreadd = ot_read_file("/proc/2/stat");
    if (kthreadd != NULL && strstr(kthreadd, "(kthreadd)") != NULL) {
        run_pslist((const char *[]){"--pid", "2", NULL}, 3000, &r);
        line = find_row(r.out, 2);
        /* clause OF-5 */
        OT_ASSERT(
            line != NULL && parse_row(line, &row) && strcmp(row.command, "[kthreadd]") == 0,
            "'pslist --pid 2' must show the kernel thread kthreadd as '[kthreadd]'; got:\n%s%s",
            r.out, r.err);
        free(line);
        ot_result_free(&r);
    }
    free(kthreadd);
}

/* Does LINE (a row of --threads) read PID TID STATE NAME as expected? */
static bool thread_row_is(const char *line, pid_t pid, pid_t tid, const char *name)
{
    char *copy = strdup(line);
    char *fields[4];
    bool ok = split_fields(copy, fields, 4) == 4 && strtol(fields[0], NULL, 10) == pid &&
              strtol(fields[1], NULL, 10) == tid && strlen(fields[2]) == 1 &&
              strchr("SR", fields[2][0]) != NULL && strcmp(fields[3], name) == 0;
    free(copy);
    return ok;
}

/* The line of TEXT whose second field is TID, malloc'd; NULL if none. */
static char *find_thread_row(const char *text, pid_t tid)
{
    for (const char *line = text; *line != '\0';) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        char *copy = strndup(line, len);
        char *fields[3];
        if (split_fields(copy, fields, 3) >= 2 && strtol(fields[1], NULL, 10) == tid &&
            fields[1][strspn(fields[1], "0123456789")] == '\0') {
            free(copy);
            return strndup(line, len);
        }
        free(copy);
        line = end ? end + 1 : line + len;
    }
    return NULL;
}

/* --threads: exactly the selected process's threads, each with its own name. */
void threads_named(void)
{
    char name[16], names[6][16];
    random_name(name, 15);
    int count = (int)ot_random(3, 6);
    make_thread_names(names, count);
    struct target *t = start_named(name, names, count, NULL);
    char pid[16];
    snprintf(pid, sizeof pid, "%d", (int)t->pid);

    /* Only this process's threads. */
    struct ot_result r;
    run_pslist((const char *[]){"--threads", "--pid", pid, NULL}, 3000, &r);
    OT_ASSERT(ot_exit_status(&r) == 0, "'pslist --threads --pid %s' exited %d: %s", pid,
              ot_exit_status(&r), r.err);
    OT_ASSERT(count_lines(r.out) == (size_t)count + 2,
              "'pslist --threads --pid %s' must print a header and the %d threads of process %s, "
              "no others; got %zu lines:\n%.3000s",
              pid, count + 1, pid, count_lines(r.out), r.out);
    pid_t tids[TARGET_MAX_THREADS + 1];
    size_t ntids = read_task_ids(t->pid, tids, TARGET_MAX_THREADS + 1);
    for (size_t i = 0; i < ntids; i++) {
        char *row = find_thread_row(r.out, tids[i]);
        OT_ASSERT(row != NULL, "thread %d is in /proc/%s/task but not in the output:\n%s",
                  (int)tids[i], pid, r.out);
        free(row);
    }
    char *line = find_thread_row(r.out, t->pid);
    OT_ASSERT(line != NULL && thread_row_is(line, t->pid, t->pid, name),
              "the main thread of %s must be listed as '%s %s S %s'; got: %s", pid, pid, pid, name,
              line ? line : "(no row)");
    free(line);
    for (int i = 0; i < count; i++) {
        line = find_thread_row(r.out, t->tids[i]);
        /* clause ST-1 clause OF-6 */
        OT_ASSERT(line != NULL && thread_row_is(line, t->pid, t->tids[i], names[i]),
                  "thread %d of process %s is named '%s': expected the row '%s %d S %s', got: %s",
                  (int)t->tids[i], pid, names[i], pid, (int)t->tids[i], names[i],
                  line ? line : "(no row)");
        free(line);
    }
    ot_result_free(&r);

    /* Every thread of every process: ours among them, and this test's own. */
    run_pslist((const char *[]){"--threads", "--no-header", NULL}, 3000, &r);
    line = find_thread_row(r.out, t->tids[count - 1]);
    char *mine = find_thread_row(r.out, getpid());
    OT_ASSERT(ot_exit_status(&r) == 0 && line != NULL && mine != NULL &&
                  thread_row_is(line, t->pid, t->tids[count - 1], names[count - 1]),
              "'pslist --threads' must list every thread, thread %d of %s ('%s') and this test's "
              "among them; got %s / %s",
              (int)t->tids[count - 1], pid, names[count - 1], line ? line : "(no row)",
              mine ? mine : "(no row for the test)");
    free(line);
    free(mine);
    ot_result_free(&r);
    target_stop(t);
}

/* The depth of a tree line: where its PID starts, in steps of 3 columns. */
static long tree_depth(const char *line)
{
    size_t prefix = strcspn(line, "0123456789");
    return (long)prefix / 3;
}

/* The line of a tree whose PID (first number) is PID, malloc'd; its index in *INDEX. */
static char *find_tree_line(const char *text, pid_t pid, int *index)
{
    int i = 0;
    for (const char *line = text; *line != '\0'; i++) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        const char *digits = line + strcspn(line, "0123456789");
        if (digits < line + len && strtol(digits, NULL, 10) == pid) {
            *index = i;
            return strndup(line, len);
        }
        line = end ? end + 1 : line + len;
    }
    return NULL;
}

/* --tree: a process under its parent, its children under it, thread counts. */
void tree_shows_children(void)
{
    char name[16], names[3][16];
    random_name(name, 10);
    int threads = (int)ot_random(1, 3), children = (int)ot_random(2, 4);
    make_thread_names(names, threads);
    char children_text[8];
    snprintf(children_text, sizeof children_text, "%d", children);
    const char *extra[] = {"--children", children_text, NULL};
    struct target *t = start_named(name, names, threads, extra);
    char me[16];
    snprintf(me, sizeof me, "%d", (int)getpid());

    struct ot_result r;
    run_pslist((const char *[]){"--tree", "--pid", me, NULL}, 3000, &r);
    OT_ASSERT(ot_exit_status(&r) == 0, "'pslist --tree --pid %s' exited %d: %s", me,
              ot_exit_status(&r), r.err);
    int at_root = -1, at_target = -1;
    char *root = find_tree_line(r.out, getpid(), &at_root);
    char *target = find_tree_line(r.out, t->pid, &at_target);
    OT_ASSERT(root != NULL && at_root == 0 && tree_depth(root) == 0,
              "'pslist --tree --pid %s' must start with this test's process %s; got:\n%s", me, me,
              r.out);
    char expected_count[32];
    snprintf(expected_count, sizeof expected_count, "(%d threads)", threads + 1);
    OT_ASSERT(target != NULL && tree_depth(target) == 1 && strstr(target, name) != NULL &&
                  /* clause PS-1 clause OF-7 */
                  strstr(target, expected_count) != NULL,
              "process %d (%s, %d threads), a child of %s, must be one level under it, with "
              "'%s'; got:\n%s",
              (int)t->pid, name, threads + 1, me, expected_count, r.out);
    for (int i = 0; i < t->child_count; i++) {
        int at = -1;
        char *child = find_tree_line(r.out, t->children[i], &at);
        OT_ASSERT(child != NULL && tree_depth(child) == 2 && at == at_target + 1 + i &&
                      strstr(child, "(1 thread)") != NULL,
                  "child %d of %d must be listed right under it, in PID order, one level deeper, "
                  "with '(1 thread)'; got:\n%s",
                  (int)t->children[i], (int)t->pid, r.out);
        free(child);
    }
    free(root);
    free(target);
    ot_result_free(&r);
    target_stop(t);
}

/* ---- Churn: processes and threads that start and end while pslist reads /proc ---- */

/* A thread that ends at once: its task/TID directory appears and vanishes. */
static void *short_thread(void *arg)
{
    return arg;
}

/*
 * The churner (a child of the test): keep POOL short-lived children alive,
 * each ending within a millisecond or so, until STOP_FD is readable; then
 * reap them all. *STARTED (shared with the test) counts the children started.
 */
static noreturn void churn(int stop_fd, atomic_long *started, int pool)
{
    int alive = 0;
    for (;;) {
        struct pollfd stop = {.fd = stop_fd, .events = POLLIN};
        if (poll(&stop, 1, 0) != 0)
            break;
        while (alive < pool) {
            long n = atomic_load(started);
            pid_t pid = fork();
            if (pid == -1)
                break;
            if (pid == 0) {
                if (n % 3 == 0) { /* every third one has a second thread */
                    pthread_t thread;
                    if (pthread_create(&thread, NULL, short_thread, NULL) == 0)
                        pthread_join(thread, NULL);
                }
                /* Live a little, a different while each (up to about a millisecond). */
                for (volatile long spin = n * 7919 % 200000; spin > 0; spin--)
                    ;
                _exit(0);
            }
            atomic_fetch_add(started, 1);
            alive++;
        }
        if (waitpid(-1, NULL, 0) > 0)
            alive--;
    }
    while (alive > 0 && waitpid(-1, NULL, 0) > 0)
        alive--;
    _exit(0);
}

/* pslist succeeds, run after run, while hundreds of processes come and go. */
void list_survives_churn(void)
{
    atomic_long *started =
        mmap(NULL, sizeof *started, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    OT_ASSERT(started != MAP_FAILED, "mmap: %s", strerror(errno));
    atomic_store(started, 0);
    int stop[2];
    OT_ASSERT(pipe(stop) == 0, "pipe: %s", strerror(errno));
    pid_t churner = fork();
    OT_ASSERT(churner != -1, "fork: %s", strerror(errno));
    if (churner == 0) {
        close(stop[1]);
        churn(stop[0], started, 24);
    }
    close(stop[0]);

    /* Every scan also meets a process whose files open and then fail to read with
     * ESRCH (tests/phantom.c): the churn makes that happen only now and then. */
    OT_ASSERT(setenv("OSLAB_PHANTOM_ESRCH", "1", 1) == 0, "setenv: %s", strerror(errno));

    /* At least 12 runs, and on until 400 processes have come and gone; no new run
     * after 3 s (a loaded machine churns more slowly, and that is no fault of
     * pslist's), so that the last run, the churner's end and the reaping fit in
     * the test's 8 s even on a machine busy with other work. */
    const char *const runs[][3] = {
        {NULL}, {"--threads", NULL}, {"--tsv", NULL}, {"--threads", "--tsv", NULL}};
    char failure[4096] = "";
    int64_t give_up = now_ms() + 3000;
    int done = 0;
    while (failure[0] == '\0' && (done < 12 || atomic_load(started) < 400) && now_ms() < give_up) {
        const char *const *args = runs[done % 4];
        struct ot_result r;
        run_pslist(args, 2500, &r);
        done++;
        char *mine = find_row(r.out, getpid());
        char command[64] = "pslist";
        for (size_t k = 0; args[k] != NULL; k++)
            snprintf(command + strlen(command), sizeof command - strlen(command), " %s", args[k]);
        if (ot_exit_status(&r) != 0 || mine == NULL)
            snprintf(failure, sizeof failure,
                     "'%s' exited %d while processes came and went (run %d)%s; stderr: %.500s",
                     command, ot_exit_status(&r), done,
                     mine == NULL ? " and did not list this test's own process" : "", r.err);
        free(mine);
        ot_result_free(&r);
    }

    unsetenv("OSLAB_PHANTOM_ESRCH");
    close(stop[1]); /* the churner sees end of file and stops */
    while (waitpid(churner, NULL, 0) == -1 && errno == EINTR)
        ;
    long churned = atomic_load(started);
    munmap(started, sizeof *started);
    /* clause SP-3 clause ST-2 */
    OT_ASSERT(failure[0] == '\0', "%s", failure);
    OT_ASSERT(
        churned >= 100,
        "the test started only %ld processes in %d runs of pslist (expected at least 100): the "
        "machine is too slow for this test",
        churned, done);
}

/* ---- Agreement with an independent reading of /proc ---------------------------- */

/* When process PID started (field 22 of its stat, clock ticks after boot); 0 if it is gone. */
static unsigned long long start_time_of(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    char *text = ot_read_file(path);
    const char *after_name = text != NULL ? strrchr(text, ')') : NULL;
    unsigned long long start = 0;
    /* After the name: fields 3 to 21 skipped, then 22. */
    if (after_name == NULL ||
        sscanf(after_name + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d "
                               "%*d %*d %*d %llu",
               &start) != 1)
        start = 0;
    free(text);
    return start;
}

/* The PIDs of /proc now (numeric entries), sorted, into a malloc'd array; count in *N. */
static pid_t *proc_pids(size_t *n)
{
    size_t capacity = 1024;
    pid_t *pids = malloc(capacity * sizeof *pids);
    DIR *dir = opendir("/proc");
    OT_ASSERT(pids != NULL && dir != NULL, "opendir /proc: %s", strerror(errno));
    *n = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        if (entry->d_name[strspn(entry->d_name, "0123456789")] != '\0')
            continue;
        if (*n == capacity) {
            capacity *= 2;
            pids = realloc(pids, capacity * sizeof *pids);
            OT_ASSERT(pids != NULL, "out of memory");
        }
        pids[(*n)++] = (pid_t)strtol(entry->d_name, NULL, 10);
    }
    closedir(dir);
    return pids;
}

/* Is PID among the N PIDS? */
static bool has_pid(const pid_t *pids, size_t n, pid_t pid)
{
    for (size_t i = 0; i < n; i++) {
        if (pids[i] == pid)
            return true;
    }
    return false;
}

/* The PIDs listed agree with the test's own reading of /proc. */
void list_agrees_with_proc(void)
{
    /* Three multithreaded processes: their thread IDs must not show up as processes. */
    struct target *targets[3];
    char names[4][16];
    make_thread_names(names, 4);
    for (int i = 0; i < 3; i++) {
        char name[16];
        random_name(name, 9);
        targets[i] = start_named(name, names, 4, NULL);
    }

    size_t n_before, n_after;
    pid_t *before = proc_pids(&n_before);
    unsigned long long *started = calloc(n_before + 1, sizeof *started);
    OT_ASSERT(started != NULL, "out of memory");
    for (size_t i = 0; i < n_before; i++)
        started[i] = start_time_of(before[i]);
    struct ot_result r;
    run_pslist((const char *[]){"--tsv", "--no-header", NULL}, 3000, &r);
    pid_t *after = proc_pids(&n_after);
    OT_ASSERT(ot_exit_status(&r) == 0, "'pslist --tsv --no-header' exited %d: %s",
              ot_exit_status(&r), r.err);

    /* The listed PIDs, in order. */
    size_t listed = 0, extras = 0;
    pid_t *rows = calloc(count_lines(r.out) + 1, sizeof *rows);
    for (const char *line = r.out; *line != '\0'; line = strchr(line, '\n') + 1) {
        pid_t pid = (pid_t)strtol(line, NULL, 10);
        /* clause OF-2 */
        OT_ASSERT(listed == 0 || pid > rows[listed - 1],
                  "PID %d is listed after %d: rows must be sorted by PID, each process once",
                  (int)pid, listed ? (int)rows[listed - 1] : 0);
        rows[listed++] = pid;
        if (!has_pid(before, n_before, pid) && !has_pid(after, n_after, pid) && pid != r.pid)
            extras++;
        for (int i = 0; i < 3; i++) {
            for (int k = 0; k < targets[i]->thread_count; k++)
                /* clause OF-2 */
                OT_ASSERT(pid != targets[i]->tids[k],
                          "%d is a thread of process %d, not a process, but it was listed as one",
                          (int)pid, (int)targets[i]->pid);
        }
        if (strchr(line, '\n') == NULL)
            break;
    }
    /* Present before and after, with the same start time: it was there all along
     * (not a PID that ended and was given to a new process meanwhile, which PIDs
     * that wrap around at pid_max make common on a busy machine): pslist must
     * have seen it. */
    for (size_t i = 0; i < n_before; i++) {
        if (has_pid(after, n_after, before[i]) && started[i] != 0 &&
            start_time_of(before[i]) == started[i])
            OT_ASSERT(has_pid(rows, listed, before[i]), /* clause SP-1 */
                      "process %d was in /proc before and after 'pslist' ran, but was not listed",
                      (int)before[i]);
    }
    OT_ASSERT(extras <= 20,
              "%zu listed PIDs were in /proc neither before nor after the run: they are not "
              "processes",
              extras);
    free(rows);
    free(started);
    free(before);
    free(after);
    ot_result_free(&r);
    for (int i = 0; i < 3; i++)
        target_stop(targets[i]);
}
