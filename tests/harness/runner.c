/*
 * runner.c - the grading parent: runs each test of one lab in a sandboxed
 * child and decides its verdict. It is built from kit files only and never
 * linked with student code (only run-tests is), so nothing a submission
 * does in-process can change how a result is read. runner.h lists its parts.
 *
 * For every test the runner:
 *   - makes a fresh working folder and starts `run-tests --run NAME` confined
 *     (sandbox.c, isolate.c): isolated in namespaces of its own where the
 *     kernel allows it, else as a fallback among the machine's processes;
 *   - hands it a fresh key on fd 3 and reads its sealed verdict on fd 4
 *     (protocol.h): only a "PASS" sealed with that key, for that test and
 *     that channel, counts as a pass, so an early exit(0), a printed fake
 *     summary or a relayed message is a failure;
 *   - drains stdout and stderr and enforces a wall-clock deadline (supervise.c);
 *   - collects what the test left (processes, shared memory, System V IPC,
 *     files in the shared temporary folders) and removes it;
 *   - decides the verdict (verdict.c) and writes the records (and
 *     results.json / JUnit XML) atomically after each test, so a grader
 *     killed at a time limit keeps what it had.
 *
 * Usage: runner --tests-bin PATH --program PATH --records DIR --workdir DIR
 *               [--json FILE] [--junit FILE] [--only NAME]...
 *               [--build-failed LOGFILE] [--quiet]
 *        runner --compile LOGFILE --workdir DIR [--timeout-ms N] -- COMMAND...
 *        runner --merge --records DIR [--json FILE] [--junit FILE]
 *        runner --describe    (the lab's tests.def as tab-separated lines)
 */
#include "runner.h"

#include <fcntl.h>        /* open: our children, when stopped */
#include <libgen.h>       /* dirname */
#include <signal.h>       /* signal */
#include <sys/prctl.h>    /* PR_SET_CHILD_SUBREAPER */
#include <sys/stat.h>     /* mkdir */
#include <sys/wait.h>     /* WIFEXITED */

#include "records.h"
#include "testdef.h"
#include "verdict.h"

/* Every graded test of the lab, from its tests.def (fields in testdef.h). */
static const struct ot_test_spec all_tests[] = {
#define OSLAB_TEST(fn, ...) {.name = #fn, __VA_ARGS__},
#include OSLAB_TESTS_DEF
#ifdef OSLAB_INSTRUCTOR_DEF /* instructor-only tests (lab.mk) */
#include OSLAB_INSTRUCTOR_DEF
#endif
#undef OSLAB_TEST
};
static const size_t test_count = sizeof all_tests / sizeof all_tests[0];

static const char *lab_name = OSLAB_LAB;
static bool quiet;

/* ---- Stopped from outside ------------------------------------------------------- */

/* SIGINT or SIGTERM to the grader (Ctrl-C, a batch stopped): SIGKILL the
 * running test's session (isolated: its init, which ends its namespace) and
 * every process that landed with us (we are a subreaper), then end as the
 * signal would have ended us. The records of
 * the tests that finished stay; the test that was running has none. Only
 * async-signal-safe calls: kill, open, read, close, signal, raise. */
static void stop_grading(int signo)
{
    pid_t pid = running_untrusted;
    if (pid > 0) {
        kill(-pid, SIGKILL);
        kill(pid, SIGKILL);
    }
    int fd = open("/proc/thread-self/children", O_RDONLY | O_CLOEXEC);
    char buf[4096];
    ssize_t n = fd == -1 ? 0 : read(fd, buf, sizeof buf - 1);
    if (fd != -1)
        close(fd);
    for (ssize_t i = 0; i < n;) {
        pid_t child = 0;
        for (; i < n && buf[i] >= '0' && buf[i] <= '9'; i++)
            child = child * 10 + (buf[i] - '0');
        for (; i < n && (buf[i] < '0' || buf[i] > '9'); i++)
            ;
        if (child > 0) {
            kill(-child, SIGKILL);
            kill(child, SIGKILL);
        }
    }
    signal(signo, SIG_DFL);
    raise(signo); /* delivered when this handler returns */
}

/* Install stop_grading for SIGINT, SIGTERM and SIGHUP. */
static void stop_grading_on_signals(void)
{
    struct sigaction sa = {.sa_handler = stop_grading};
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGINT, &sa, NULL) == -1 || sigaction(SIGTERM, &sa, NULL) == -1 ||
        sigaction(SIGHUP, &sa, NULL) == -1)
        exit_errno("sigaction");
}

/* ---- Running the lab --------------------------------------------------------------------- */

/* The command-line settings of one runner. */
struct settings {
    const char *tests_bin, *program, *records_dir, *workdir;
    const char *json, *junit, *build_log;
    const char *only[64];
    size_t only_count;
    bool merge_only;
    bool describe;
    const char *compile_log;  /* --compile: the log of an untrusted compile */
    const char *keep[4];      /* folders it reads (--keep) */
    size_t keep_count;
    char **command;           /* its command (after --) */
    int timeout_ms;           /* its deadline */
};

/* Save this lab's records and rewrite the merged results files. */
static void publish(const struct settings *set, const struct record_list *lab_records)
{
    if (records_save(set->records_dir, lab_name, lab_records) == -1)
        exit_errno("write records in %s", set->records_dir);
    if (set->json == NULL && set->junit == NULL)
        return;
    struct record_list all = {0};
    if (records_load_dir(set->records_dir, &all) == -1)
        exit_errno("read records in %s", set->records_dir);
    if (set->json != NULL && records_write_json(set->json, &all) == -1)
        exit_errno("write %s", set->json);
    if (set->junit != NULL && records_write_junit(set->junit, &all) == -1)
        exit_errno("write %s", set->junit);
    records_free(&all);
}

/* Print one finished test as a report line, and its explanation if it failed. */
static void report(const struct ot_test_spec *test, int score, const char *verdict, double seconds,
                   const char *why)
{
    printf("  %-9s %3d/%-3d  %-40s %6.2f s\n", verdict, score, test->points, test->name,
           seconds);
    if (!quiet && why[0] != '\0') {
        for (const char *p = why; *p != '\0';) {
            const char *nl = strchr(p, '\n');
            int n = nl ? (int)(nl - p) : (int)strlen(p);
            printf("      %.*s\n", n, p);
            p = nl ? nl + 1 : p + n;
        }
    }
    fflush(stdout);
}

/* Is TEST selected by --only (all are when none was given)? */
static bool selected(const struct settings *set, const struct ot_test_spec *test)
{
    if (set->only_count == 0)
        return true;
    for (size_t i = 0; i < set->only_count; i++)
        if (strcmp(set->only[i], test->name) == 0)
            return true;
    return false;
}

/* The lab's table entry TEST as a record's description: its Gradescope
 * number is "TASK.K", TEST being the K-th test of its task in tests.def. */
static struct test_info info_of(const struct ot_test_spec *test, char *number, size_t len)
{
    int k = 1;
    for (const struct ot_test_spec *t = all_tests; t < test; t++)
        k += t->task == test->task;
    snprintf(number, len, "%d.%d", test->task, k);
    return (struct test_info){.lab = lab_name, .name = test->name, .task = test->task,
                              .number = number, .visibility = test->visibility,
                              .max_score = test->points};
}

/* Record every test as failed without running it (the submission does not
 * build, or was not submitted): the grader wrote why in the file REASON. */
static void fail_build(const struct settings *set)
{
    char why[8192] = "";
    FILE *f = fopen(set->build_log, "re");
    if (f != NULL) {
        size_t n = fread(why, 1, sizeof why - 1, f);
        why[n] = '\0';
        fclose(f);
    }
    if (why[0] == '\0')
        snprintf(why, sizeof why, "The submission does not build, so no test could run.\n");
    struct record_list records = {0};
    for (size_t i = 0; i < test_count; i++) {
        if (!selected(set, &all_tests[i]))
            continue;
        char number[32];
        struct test_info info = info_of(&all_tests[i], number, sizeof number);
        records_add(&records, &info, 0, "fail", 0, why);
        report(&all_tests[i], 0, "fail", 0, i == 0 ? why : "");
    }
    publish(set, &records);
    records_free(&records);
}

/* Run TEST once in a fresh working folder and clean up after it; return its
 * verdict, explained in WHY, and how long it took in SECONDS. */
static const char *run_once(const struct settings *set, const struct sandbox *sb,
                            const struct ot_test_spec *test, int index, double *seconds,
                            char *why, size_t len)
{
    char workdir[PATH_MAX];
    snprintf(workdir, sizeof workdir, "%s/%s-%02d", set->workdir, lab_name, index);
    remove_tree(workdir);
    if (mkdir(workdir, 0700) == -1)
        exit_errno("mkdir %s", workdir);
    if (sb->privileged && chown(workdir, sb->uid, sb->gid) == -1)
        exit_errno("chown %s", workdir);

    struct ot_run_key run_key;
    if (ot_new_run_key(&run_key) == -1)
        exit_errno("getrandom");
    /* The folders of the test binary and the program must stay reachable. */
    char bin_dir[PATH_MAX], program_dir[PATH_MAX];
    snprintf(bin_dir, sizeof bin_dir, "%s", set->tests_bin);
    snprintf(program_dir, sizeof program_dir, "%s", set->program);
    char *argv[] = {(char *)set->tests_bin, "--run", (char *)test->name, NULL};
    struct job job = {.argv = argv, .program = set->program, .workdir = workdir,
                      .keep_dirs = {dirname(bin_dir), dirname(program_dir), NULL},
                      .timeout_ms = test->timeout_ms,
                      .address_space_mib = test->address_space_mib,
                      .max_tasks = test->max_tasks, .run_key = &run_key, .index = index};
    static struct outcome out;
    out = (struct outcome){0};
    struct leftovers lo = {0};
    run_untrusted(sb, &job, lab_name, test->name, &out, &lo);
    remove_tree(workdir);

    const char *said_text = "";
    enum ot_said said = ot_open_result(&run_key, lab_name, test->name, out.channel, out.result,
                                       out.result_len, &said_text);
    explicit_bzero(&run_key, sizeof run_key);
    *seconds = out.seconds;
    return decide(test, &out, &lo, said, said_text, why, len);
}

/* Grade TEST: run it as many times as tests.def says (a test whose verdict
 * could depend on scheduling runs several times), keep the first failure. */
static void grade_test(const struct settings *set, const struct sandbox *sb,
                       const struct ot_test_spec *test, int index, struct record_list *records)
{
    static char why[32768];
    int runs = test->runs > 1 ? test->runs : 1;
    const char *verdict = "pass";
    double seconds = 0;
    for (int run = 1; run <= runs && strcmp(verdict, "pass") == 0; run++) {
        double took = 0;
        verdict = run_once(set, sb, test, index, &took, why, sizeof why);
        seconds += took;
        if (strcmp(verdict, "pass") != 0 && runs > 1)
            text_append(why, sizeof why, "(This was run %d of %d: a test runs %d times and every "
                   "run must pass.)\n", run, runs, runs);
    }
    int score = strcmp(verdict, "pass") == 0 ? test->points : 0;
    char number[32];
    struct test_info info = info_of(test, number, sizeof number);
    records_add(records, &info, score, verdict, seconds, why);
    publish(set, records);
    report(test, score, verdict, seconds, why);
}

/* The visibility of TEST as Gradescope spells it. */
static const char *visibility_of(const struct ot_test_spec *test)
{
    return test->visibility != NULL ? test->visibility : "visible";
}

/* Check the lab's table of tests; exit 1 naming the first fault (a fault of
 * the kit: a submission cannot change tests.def). */
static void check_table(void)
{
    static const char *const visibilities[] = {"visible", "after_due_date", "after_published",
                                               "hidden"};
    int total = 0;
    for (size_t i = 0; i < test_count; i++) {
        const struct ot_test_spec *test = &all_tests[i];
        bool known_visibility = false;
        for (size_t v = 0; v < sizeof visibilities / sizeof visibilities[0]; v++)
            known_visibility |= strcmp(visibility_of(test), visibilities[v]) == 0;
        if (test->points <= 0 || test->timeout_ms <= 0 || test->feedback == NULL ||
            !known_visibility || test->runs < 0 || test->max_tasks < 0 ||
            (test->address_space_mib < 0 && test->address_space_mib != OT_UNLIMITED))
            exit_msg("%s: test %s in tests.def needs .points > 0, .timeout_ms > 0, a "
                     ".feedback, and valid limits and visibility", lab_name, test->name);
        total += test->points;
    }
#if defined(OSLAB_RELEASE) && !defined(OSLAB_INSTRUCTOR_DEF)
    /* A student release has no instructor-only tests: their points are missing. */
    bool points_ok = total > 0 && total <= 100;
#else
    bool points_ok = total == 100;
#endif
    if (!points_ok)
        exit_msg("%s: the points in tests.def add up to %d, not 100", lab_name, total);
}

/* Print the table of tests, one tab-separated line each, for the kit's scripts:
 * name, task, points, timeout_ms, visibility, runs. */
static void describe_tests(void)
{
    for (size_t i = 0; i < test_count; i++) {
        const struct ot_test_spec *test = &all_tests[i];
        printf("%s\t%d\t%d\t%d\t%s\t%d\n", test->name, test->task, test->points,
               test->timeout_ms, visibility_of(test), test->runs > 1 ? test->runs : 1);
    }
}

/* --compile: run SET's command (a compiler on a submission) as untrusted
 * code, its output to the log; 0 if it succeeded, 1 if not (the log says
 * why, also when it was stopped), 125 when the sandbox failed. */
static int compile(const struct settings *set, const struct sandbox *sb)
{
    char workdir[PATH_MAX];
    snprintf(workdir, sizeof workdir, "%s", set->workdir);
    if (sb->privileged && chown(workdir, sb->uid, sb->gid) == -1)
        exit_errno("chown %s", workdir);
    struct job job = {.argv = set->command, .workdir = workdir,
                      .timeout_ms = set->timeout_ms > 0 ? set->timeout_ms : 120000,
                      .address_space_mib = 4096, .max_tasks = 64, .index = 999};
    for (size_t i = 0; i < set->keep_count; i++)
        job.keep_dirs[i] = set->keep[i];
    static struct outcome out;
    struct leftovers lo = {0};
    run_untrusted(sb, &job, lab_name, "compile", &out, &lo);
    char stopped[512] = "";
    /* 125: the sandbox's own set-up failed before the compiler ran. */
    if (out.setup_error[0] != '\0' || (WIFEXITED(out.status) && WEXITSTATUS(out.status) == 125)) {
        fprintf(stderr, "runner: grader error: %s%s%s\n", out.setup_error, out.err, out.out);
        return 125;
    }
    if (out.timed_out)
        snprintf(stopped, sizeof stopped, "the compiler was stopped: it did not finish within "
                 "%d s\n", job.timeout_ms / 1000);
    else if (WIFSIGNALED(out.status))
        snprintf(stopped, sizeof stopped, "the compiler was stopped: killed by %s (%s)\n",
                 signal_name(WTERMSIG(out.status)),
                 out.memory_limit ? "the memory limit" : "a limit on memory, CPU or files");
    char *log = malloc(2 * KEEP_OUTPUT + sizeof stopped + 64);
    if (log == NULL)
        exit_msg("runner: out of memory");
    snprintf(log, 2 * KEEP_OUTPUT + sizeof stopped + 64, "%s%s%s%s", stopped, out.err, out.out,
             out.err_total + out.out_total > out.err_len + out.out_len ? "...\n" : "");
    text_scrub(log, true);
    int rc = atomic_write_file(set->compile_log, log, strlen(log));
    free(log);
    if (rc == -1)
        exit_errno("write %s", set->compile_log);
    return stopped[0] == '\0' && WIFEXITED(out.status) && WEXITSTATUS(out.status) == 0 ? 0 : 1;
}

/* Parse the command line into SET; exit 2 on a bad one. */
static void parse_args(int argc, char *argv[], struct settings *set)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(arg, "--merge") == 0) {
            set->merge_only = true;
            continue;
        }
        if (strcmp(arg, "--describe") == 0) {
            set->describe = true;
            continue;
        }
        if (strcmp(arg, "--quiet") == 0) {
            quiet = true;
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            set->command = argv + i + 1;
            break;
        }
        if (value == NULL)
            exit_usage("option '%s' needs a value (or is unknown)", arg);
        i++;
        if (strcmp(arg, "--tests-bin") == 0)
            set->tests_bin = value;
        else if (strcmp(arg, "--program") == 0)
            set->program = value;
        else if (strcmp(arg, "--records") == 0)
            set->records_dir = value;
        else if (strcmp(arg, "--workdir") == 0)
            set->workdir = value;
        else if (strcmp(arg, "--json") == 0)
            set->json = value;
        else if (strcmp(arg, "--junit") == 0)
            set->junit = value;
        else if (strcmp(arg, "--build-failed") == 0)
            set->build_log = value;
        else if (strcmp(arg, "--only") == 0 && set->only_count < 64)
            set->only[set->only_count++] = value;
        else if (strcmp(arg, "--compile") == 0)
            set->compile_log = value;
        else if (strcmp(arg, "--keep") == 0 && set->keep_count < 3)
            set->keep[set->keep_count++] = value;
        else if (strcmp(arg, "--timeout-ms") == 0)
            set->timeout_ms = (int)get_long(value, 1, 3600000, "--timeout-ms");
        else
            exit_usage("unknown option '%s'", arg);
    }
    if (set->describe)
        return;
    if (set->compile_log != NULL) {
        if (set->workdir == NULL || set->command == NULL || set->command[0] == NULL)
            exit_usage("--compile needs --workdir DIR and a command after --");
        return;
    }
    if (set->records_dir == NULL)
        exit_usage("--records DIR is required");
    if (!set->merge_only && set->build_log == NULL &&
        (set->tests_bin == NULL || set->program == NULL || set->workdir == NULL))
        exit_usage("--tests-bin, --program and --workdir are required");
}

int main(int argc, char *argv[])
{
    struct settings set = {0};
    parse_args(argc, argv, &set);
    check_table();
    if (set.describe) {
        describe_tests();
        return 0;
    }
    if (set.merge_only) {
        struct record_list all = {0};
        if (records_load_dir(set.records_dir, &all) == -1)
            exit_errno("read records in %s", set.records_dir);
        if (set.json != NULL && records_write_json(set.json, &all) == -1)
            exit_errno("write %s", set.json);
        if (set.junit != NULL && records_write_junit(set.junit, &all) == -1)
            exit_errno("write %s", set.junit);
        records_print_summary(&all);
        records_free(&all);
        return 0;
    }
    if (set.build_log != NULL) {
        fail_build(&set);
        return 0;
    }
    /* Orphans of the tests become our children, so none can escape the sweep. */
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1)
        exit_errno("prctl PR_SET_CHILD_SUBREAPER");
    signal(SIGPIPE, SIG_IGN);
    stop_grading_on_signals();
    struct sandbox sb = sandbox_choose(set.workdir);
    if (!sb.isolated)
        sweep_watch_mqueues(&sb, set.workdir);
    if (set.compile_log != NULL)
        return compile(&set, &sb);
    /* Always said, even with --quiet: it tells what the grade can be trusted for. */
    char mode[512];
    sandbox_describe(&sb, mode, sizeof mode);
    printf("%s\n", mode);
    struct record_list records = {0};
    for (size_t i = 0; i < test_count; i++)
        if (selected(&set, &all_tests[i]))
            grade_test(&set, &sb, &all_tests[i], (int)i, &records);
    if (records.count == 0)
        printf("  (--only selects no test of %s)\n", lab_name);
    records_free(&records);
    return 0;
}
