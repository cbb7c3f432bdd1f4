/*
 * child.c - main() of a lab's test binary (run-tests), the side of the
 * harness that is linked with the code under test.
 *
 *   run-tests --run NAME   run one test; report to the runner (grading)
 *   run-tests --list       print the test names, one a line
 *   run-tests --all        run every test in this process, CUnit verbose
 *                          (for debugging only: no isolation, not a grade)
 *   run-tests --debug NAME run one test the same way (handy under gdb)
 *
 * With --run, the runner hands over a per-run key on fd 3 and reads the
 * result from fd 4: PASS or FAIL and the failed assertions, sealed with the
 * key (protocol.h). Only a test that ran to its end reports anything; a test
 * that crashes, hangs or exits early reports nothing, and the runner, which
 * never links this code, decides what that means.
 */
#include "oslab.h"

#include <fcntl.h>       /* fcntl, FD_CLOEXEC */
#include <signal.h>      /* kill */
#include <sys/prctl.h>   /* PR_SET_CHILD_SUBREAPER */
#include <sys/random.h>  /* getrandom: the mask of the key */
#include <sys/stat.h>    /* fstat: the result channel's inode */
#include <sys/wait.h>    /* waitpid */

#include <CUnit/Basic.h> /* CU_basic_run_tests */

#include "oslab_test.h"
#include "protocol.h"

/* Every graded test of the lab, from tests.def. */
struct test_entry {
    const char *name;
    ot_test_fn function;
};

#define OSLAB_TEST(fn, ...) void fn(void);
#include OSLAB_TESTS_DEF
#ifdef OSLAB_INSTRUCTOR_DEF /* instructor-only tests (lab.mk) */
#include OSLAB_INSTRUCTOR_DEF
#endif
#undef OSLAB_TEST

static const struct test_entry all_tests[] = {
#define OSLAB_TEST(fn, ...) {#fn, fn},
#include OSLAB_TESTS_DEF
#ifdef OSLAB_INSTRUCTOR_DEF /* instructor-only tests (lab.mk) */
#include OSLAB_INSTRUCTOR_DEF
#endif
#undef OSLAB_TEST
};
static const size_t test_count = sizeof all_tests / sizeof all_tests[0];

/* SIGKILL every descendant of PID, deepest first, so that a parent that is
 * still alive can reap its own children. */
static void kill_descendants(pid_t pid)
{
    pid_t children[256];
    size_t n = ot_children(pid, children, 256);
    for (size_t i = 0; i < n && i < 256; i++) {
        kill_descendants(children[i]);
        kill(children[i], SIGKILL);
    }
}

noreturn void ot_fail_at(const char *file, int line, const char *fmt, ...)
{
    /* Format first: the message may quote buffers that the clean-up frees. */
    char message[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    /* End and reap what the failing test started, so that the report shows
     * the failure and not the processes the test could no longer stop. As a
     * subreaper we inherit the orphans of the processes we kill, so the
     * waitpid loop below reaps the whole tree. */
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    kill_descendants(getpid());
    signal(SIGCHLD, SIG_DFL);
    while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
        continue;
    /* CUnit copies the message into its failure record, then longjmps out
     * of the test because the assertion is fatal. */
    CU_assertImplementation(CU_FALSE, (unsigned)line, message, file, "", CU_TRUE);
    /* Only reached if called outside a running test. */
    fprintf(stderr, "%s:%d: %s\n", file, line, message);
    _exit(1);
}

/* Register TESTS (COUNT of them) in one suite; exit on a CUnit error. */
static void register_tests(const struct test_entry *tests, size_t count)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        exit_msg("CU_initialize_registry: %s", CU_get_error_msg());
    CU_pSuite suite = CU_add_suite(OSLAB_LAB, NULL, NULL);
    if (suite == NULL)
        exit_msg("CU_add_suite: %s", CU_get_error_msg());
    for (size_t i = 0; i < count; i++)
        if (CU_add_test(suite, tests[i].name, tests[i].function) == NULL)
            exit_msg("CU_add_test: %s", CU_get_error_msg());
}

/* Append the failed assertions of the last run to BUF (size LEN). */
static void describe_failures(char *buf, size_t len)
{
    size_t used = strlen(buf);
    for (CU_pFailureRecord f = CU_get_failure_list(); f != NULL && used < len; f = f->pNext) {
        int n = snprintf(buf + used, len - used, "%s:%u: %s\n",
                         f->strFileName ? f->strFileName : "?", f->uiLineNumber,
                         f->strCondition ? f->strCondition : "assertion failed");
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

/* Read the run's key message from OT_KEY_FD into RUN; exit on error. */
static void read_key(struct ot_run_key *run)
{
    char message[OT_KEY_MESSAGE_LEN + 1];
    size_t got = 0;
    while (got < OT_KEY_MESSAGE_LEN) {
        ssize_t n = read(OT_KEY_FD, message + got, OT_KEY_MESSAGE_LEN - got);
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1)
            exit_errno("read key");
        if (n == 0)
            break;
        got += (size_t)n;
    }
    if (close(OT_KEY_FD) == -1)
        exit_errno("close key");
    if (!ot_parse_key_message(message, got, run))
        exit_msg("no key on fd %d: run tests through scripts/grade", OT_KEY_FD);
    explicit_bzero(message, sizeof message);
}

/* The inode of the result channel now (0 if it is closed). */
static unsigned long long channel_inode(void)
{
    struct stat st;
    return fstat(OT_RESULT_FD, &st) == 0 ? (unsigned long long)st.st_ino : 0;
}

/* Run the test called NAME alone and report its result on OT_RESULT_FD. */
static int run_one(const char *name)
{
    const struct test_entry *test = NULL;
    for (size_t i = 0; i < test_count; i++)
        if (strcmp(all_tests[i].name, name) == 0)
            test = &all_tests[i];
    if (test == NULL)
        exit_usage("no test called '%s'", name);

    /* While the test runs, the key is kept only masked (XOR with random
     * bytes), so that code under test that searches the process's memory
     * for it finds nothing recognisable. Code in this process could still
     * undo the mask with work aimed at this harness: see README.md. */
    static struct ot_run_key masked, mask;
    struct ot_run_key run;
    read_key(&run);
    if (getrandom(&mask, sizeof mask, 0) != (ssize_t)sizeof mask)
        exit_errno("getrandom");
    for (size_t i = 0; i < sizeof run; i++)
        ((unsigned char *)&masked)[i] = ((unsigned char *)&run)[i] ^ ((unsigned char *)&mask)[i];
    explicit_bzero(&run, sizeof run);
    /* The channel the runner gave us: a message is sealed for it alone, so a
     * channel replaced by the code under test gets a seal the runner refuses. */
    unsigned long long channel = channel_inode();
    /* Programs that the test starts must not inherit the result channel. */
    if (fcntl(OT_RESULT_FD, F_SETFD, FD_CLOEXEC) == -1)
        exit_errno("fcntl result channel");

    register_tests(test, 1);
    /* CU_run_all_tests prints nothing: stdout belongs to the code under test. */
    if (CU_run_all_tests() != CUE_SUCCESS)
        exit_msg("CU_run_all_tests: %s", CU_get_error_msg());

    static char failures[16384], report[16384 + 256];
    bool passed = CU_get_number_of_tests_failed() == 0 && CU_get_number_of_tests_run() == 1;
    describe_failures(failures, sizeof failures);
    CU_cleanup_registry();
    fflush(stdout);
    fflush(stderr);
    if (channel_inode() != channel) /* replaced while the test ran: say nothing */
        _exit(0);
    for (size_t i = 0; i < sizeof run; i++)
        ((unsigned char *)&run)[i] = ((unsigned char *)&masked)[i] ^ ((unsigned char *)&mask)[i];
    size_t len = ot_format_result(&run, OSLAB_LAB, test->name, channel,
                                  passed ? "PASS" : "FAIL", failures, report, sizeof report);
    explicit_bzero(&run, sizeof run);
    if (write_all(OT_RESULT_FD, report, len) == -1)
        exit_errno("write result");
    _exit(0);
}

/* Run every test in this process with CUnit's verbose report. */
/* Run TESTS (COUNT of them) in this process, CUnit verbose: debugging only.
 * Returns 0 when every one passed, 1 otherwise. */
static int run_here(const struct test_entry *tests, size_t count)
{
    register_tests(tests, count);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    if (CU_basic_run_tests() != CUE_SUCCESS)
        exit_msg("CU_basic_run_tests: %s", CU_get_error_msg());
    unsigned failed = CU_get_number_of_tests_failed();
    CU_cleanup_registry();
    /* Not CU_get_error(): it is 0 even when tests failed. */
    return failed == 0 ? 0 : 1;
}

/* The table entry of the test called NAME, or NULL. */
static const struct test_entry *find_test(const char *name)
{
    for (size_t i = 0; i < test_count; i++)
        if (strcmp(all_tests[i].name, name) == 0)
            return &all_tests[i];
    return NULL;
}

int main(int argc, char *argv[])
{
    if (argc == 3 && strcmp(argv[1], "--run") == 0)
        return run_one(argv[2]);
    if (argc == 2 && strcmp(argv[1], "--all") == 0)
        return run_here(all_tests, test_count);
    if (argc == 3 && strcmp(argv[1], "--debug") == 0) {
        const struct test_entry *test = find_test(argv[2]);
        if (test == NULL)
            exit_usage("no test '%s' (run-tests --list names them)", argv[2]);
        return run_here(test, 1);
    }
    if (argc == 2 && strcmp(argv[1], "--help") == 0) {
        printf("usage: %s --run NAME | --list | --all | --debug NAME\n"
               "  --run NAME    run one test for the grader (it needs the grader's channel)\n"
               "  --list        the names of the tests\n"
               "  --all         every test in this process, for debugging (not a grade)\n"
               "  --debug NAME  one test in this process, for debugging (e.g. under gdb)\n",
               argv[0]);
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], "--list") == 0) {
        for (size_t i = 0; i < test_count; i++)
            printf("%s\n", all_tests[i].name);
        return 0;
    }
    exit_usage("usage: %s --run NAME | --list | --all | --debug NAME", argv[0]);
}
