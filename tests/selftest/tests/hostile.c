/*
 * hostile.c - tests that misbehave on purpose, one way each, so that the
 * kit can check the grader's verdict for every kind of misbehaviour.
 */
#include "oslab.h"

#include <fcntl.h>    /* O_CREAT */
#include <signal.h>   /* raise */
#include <sched.h>    /* CLONE_NEWUSER */
#include <sys/prctl.h> /* PR_GET_NO_NEW_PRIVS */
#include <sys/resource.h> /* getrlimit: the CPU limit */
#include <sys/stat.h> /* mkdir, chmod */
#include <sys/syscall.h> /* SYS_keyctl */
#include <sys/mman.h> /* shm_open */
#include <sys/wait.h> /* waitpid */

#include "oslab_test.h"
#include "selftest.h"
#include "tests.h"

void st_pass(void)
{
    CU_ASSERT_EQUAL(add_numbers(2, 3), 5);
}

void st_fail_message(void)
{
    int got = add_numbers(20, 21);
    OT_ASSERT(got == 42, "expected 42, got %d", got);
}

void st_segfault(void)
{
    raise(SIGSEGV);
}

void st_abort(void)
{
    abort();
}

void st_pause(void)
{
    for (;;)
        pause();
}

void st_busy_loop(void)
{
    volatile unsigned long spin = 0;
    for (;;)
        spin++;
}

void st_ignore_term(void)
{
    signal(SIGTERM, SIG_IGN);
    for (;;)
        pause();
}

void st_timeout_children(void)
{
    /* The test's own processes, as a lab test has them when it times out:
     * one in its process group that ignores SIGTERM, one in a group of its
     * own (as ot_start makes), and one that has ended, never waited for. */
    for (int i = 0; i < 3; i++) {
        pid_t pid = fork();
        CU_ASSERT_FATAL(pid != -1);
        if (pid == 0) {
            if (i == 0)
                signal(SIGTERM, SIG_IGN);
            else if (i == 1)
                setpgid(0, 0);
            else
                _exit(0);
            for (;;)
                pause();
        }
    }
    for (;;)
        pause();
}

void st_stop_self(void)
{
    raise(SIGSTOP);
}

void st_exit_zero(void)
{
    exit(0);
}

void st_fake_summary(void)
{
    printf("Run Summary:    Type  Total    Ran Passed Failed Inactive\n"
           "              tests      1      1      1      0        0\n");
    for (int fd = 3; fd < 16; fd++)
        dprintf(fd, "PASS\n");
    fflush(stdout);
    _exit(0);
}

void st_escapee(void)
{
    pid_t pid = fork();
    CU_ASSERT_FATAL(pid != -1);
    if (pid == 0) {
        setsid();
        if (fork() == 0) {
            for (;;)
                pause();
        }
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    CU_PASS("the grandchild runs on");
}

void st_zombie(void)
{
    pid_t pid = fork();
    CU_ASSERT_FATAL(pid != -1);
    if (pid == 0)
        _exit(0);
    /* Wait until it has ended, but never reap it. */
    while (ot_proc_state(pid) != 'Z')
        sleep_ms(1);
    CU_PASS("the child is a zombie");
}

void st_shm_leak(void)
{
    char *name = ot_random_name("/oslab-selftest");
    int fd = shm_open(name, O_CREAT | O_RDWR, 0600);
    CU_ASSERT_FATAL(fd != -1);
    close(fd);
    free(name);
}

void st_flood(void)
{
    static char block[1 << 16];
    memset(block, 'x', sizeof block);
    for (int i = 0; i < 160; i++) {
        CU_ASSERT_FATAL(write_all(STDOUT_FILENO, block, sizeof block) == 0);
        CU_ASSERT_FATAL(write_all(STDERR_FILENO, block, sizeof block) == 0);
    }
}

void st_program_run(void)
{
    char *word = ot_random_name("word");
    char input[64];
    snprintf(input, sizeof input, "%s\nquit\n", word);
    const char *argv[] = {ot_program(), "--prefix", "> ", NULL};
    struct ot_result r;
    ot_run(argv, input, 1000, &r);
    char expected[80];
    snprintf(expected, sizeof expected, "> %s\n", word);
    OT_ASSERT(ot_exit_status(&r) == 0, "echoer should exit 0, got status %d", r.status);
    OT_ASSERT(strcmp(r.out, expected) == 0, "expected '%s', got '%s'", expected, r.out);
    ot_result_free(&r);

    const char *bad[] = {ot_program(), "--no-such-option", NULL};
    ot_run(bad, NULL, 1000, &r);
    OT_ASSERT(ot_exit_status(&r) == 2, "a bad option should exit 2, got %d", ot_exit_status(&r));
    OT_ASSERT(strstr(r.err, "Try 'echoer --help'") != NULL, "no hint on stderr: %s", r.err);
    ot_result_free(&r);
    free(word);
}

void st_program_session(void)
{
    const char *argv[] = {ot_program(), NULL};
    struct ot_session *s = ot_start(argv);
    long n = ot_random(1000, 9999);
    ot_send(s, "line %ld\n", n);
    char needle[32];
    snprintf(needle, sizeof needle, "got: line %ld", n);
    const char *line = ot_expect(s, OT_STDOUT, needle, 1000);
    OT_ASSERT(line != NULL, "no '%s' in the output: '%s'", needle, ot_text(s, OT_STDOUT));
    ot_send(s, "quit\n");
    bool timed_out;
    int status = ot_wait(s, 1000, &timed_out);
    OT_ASSERT(!timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0,
              "echoer should exit 0 after quit (status %d)", status);
    ot_end(s);
}

/* Predicate for ot_wait_until: all three children of ours are zombies. */
static bool three_zombies(void *arg)
{
    (void)arg;
    return ot_zombie_children(getpid()) == 3;
}

void st_api_children(void)
{
    pid_t pids[3];
    for (int i = 0; i < 3; i++) {
        pids[i] = fork();
        CU_ASSERT_FATAL(pids[i] != -1);
        if (pids[i] == 0) {
            sleep_ms(50);
            _exit(0);
        }
    }
    pid_t seen[8];
    size_t n = ot_children(getpid(), seen, 8);
    OT_ASSERT(n == 3, "ot_children found %zu children, expected 3", n);
    OT_ASSERT(ot_wait_until(three_zombies, NULL, 1000), "the children did not become zombies");
    for (int i = 0; i < 3; i++)
        OT_ASSERT(waitpid(pids[i], NULL, 0) == pids[i], "waitpid: %s", strerror(errno));
    OT_ASSERT(ot_children(getpid(), seen, 8) == 0, "children left after waitpid");
}

void st_api_normalize(void)
{
    pid_t pids[] = {4242, 77};
    char *got = ot_normalize("12:34:56.789 pid 4242 started 77 and 770, 14242\n", pids, 2);
    OT_ASSERT(strcmp(got, "TT:TT:TT.TTT pid <PID> started <PID> and 770, 14242\n") == 0,
              "got '%s'", got);
    free(got);
}

void st_api_shm(void)
{
    struct ot_names before = ot_shm_snapshot();
    char *name = ot_random_name("/oslab-api");
    int fd = shm_open(name, O_CREAT | O_RDWR, 0600);
    CU_ASSERT_FATAL(fd != -1);
    struct ot_names added = ot_shm_new_since(&before);
    bool found = added.count == 1 && strcmp(added.names[0], name + 1) == 0;
    shm_unlink(name);
    close(fd);
    OT_ASSERT(found, "expected exactly %s to be new, found %zu entries", name, added.count);
    ot_names_free(&added);
    ot_names_free(&before);
    free(name);
}

void st_api_random(void)
{
    long first = ot_random(0, 1000000000), differs = 0;
    for (int i = 0; i < 100; i++) {
        long r = ot_random(5, 9);
        OT_ASSERT(r >= 5 && r <= 9, "ot_random(5, 9) gave %ld", r);
        differs += ot_random(0, 1000000000) != first;
    }
    OT_ASSERT(differs > 0, "ot_random gave the same number 100 times");
}

void st_binary_junk(void)
{
    unsigned char junk[4096];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (unsigned char)(i * 37);
    CU_ASSERT_FATAL(write_all(STDOUT_FILENO, junk, sizeof junk) == 0);
    CU_ASSERT_FATAL(write_all(STDERR_FILENO, junk, sizeof junk) == 0);
}

void st_locked_folders(void)
{
    /* Folders in the working folder that their owner may no longer read or
     * write into: the runner must still remove them, and never loop on them. */
    CU_ASSERT_FATAL(mkdir("locked", 0700) == 0);
    CU_ASSERT_FATAL(mkdir("locked/unreadable", 0700) == 0);
    int fd = open("locked/unreadable/file", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    CU_ASSERT_FATAL(fd != -1);
    close(fd);
    CU_ASSERT_FATAL(chmod("locked/unreadable", 0) == 0);
    CU_ASSERT_FATAL(chmod("locked", 0500) == 0);
}

void st_exit_125(void)
{
    exit(125);
}

void st_cpu_limit(void)
{
    /* The runner's CPU limit must leave room between soft and hard, so that
     * a busy process gets SIGXCPU (reported as the CPU limit), not SIGKILL.
     * Lowering the soft limit to 1 s keeps this test short. */
    struct rlimit rl;
    CU_ASSERT_FATAL(getrlimit(RLIMIT_CPU, &rl) == 0);
    CU_ASSERT_FATAL(rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < rl.rlim_max);
    rl.rlim_cur = 1;
    CU_ASSERT_FATAL(setrlimit(RLIMIT_CPU, &rl) == 0);
    for (volatile unsigned long spin = 0;; spin++)
        continue;
}

void st_no_escape(void)
{
    /* Every test runs with no new privileges and under the runner's seccomp
     * filter: calls that reach beyond the test fail with EPERM, even those
     * an ordinary process may make (a user namespace, its session keyring). */
    CU_ASSERT_EQUAL(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 1);
    errno = 0;
    CU_ASSERT(unshare(CLONE_NEWUSER) == -1 && errno == EPERM);
    errno = 0;
    CU_ASSERT(syscall(SYS_clone, CLONE_NEWNS | SIGCHLD, NULL, NULL, NULL, NULL) == -1 &&
              errno == EPERM);
    errno = 0;
    CU_ASSERT(syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* session */, 0) == -1 &&
              errno == EPERM);
    errno = 0;
    CU_ASSERT(syscall(SYS_process_vm_readv, getppid(), NULL, 0, NULL, 0, 0) == -1 &&
              errno == EPERM);
}
