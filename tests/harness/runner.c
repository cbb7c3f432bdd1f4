/*
 * runner.c - the grading parent: runs each test of one lab in a sandboxed
 * child and decides its verdict. It is built from kit files only and never
 * linked with student code (only run-tests is), so nothing a submission
 * does in-process can change how a result is read.
 *
 * For every test the runner:
 *   - makes a fresh working folder and starts `run-tests --run NAME` in a new
 *     session, stdin /dev/null, with CPU/memory/file/descriptor/process limits,
 *     and, when the grader is root, as an unprivileged UID of this run alone;
 *   - hands it a random token on fd 3 and reads the result on fd 4: only a
 *     "TOKEN PASS" line counts as a pass, so an early exit(0) or a printed
 *     fake summary is a failure;
 *   - drains stdout and stderr continuously (keeping the first few KiB) and
 *     enforces a wall-clock deadline: SIGTERM to the session, then SIGKILL;
 *   - as a child subreaper, inherits every process the test left behind,
 *     reports running ones and zombies as leftovers, and kills and reaps them;
 *   - reports and removes new /dev/shm entries and System V IPC objects;
 *   - writes the records (and results.json / JUnit XML) atomically after
 *     each test, so a grader killed at a time limit keeps what it had.
 *
 * Usage: runner --tests-bin PATH --program PATH --records DIR --workdir DIR
 *               [--json FILE] [--junit FILE] [--only NAME]...
 *               [--build-failed LOGFILE] [--quiet]
 *        runner --merge --records DIR [--json FILE] [--junit FILE]
 *        runner --describe    (the lab's tests.def as tab-separated lines)
 */
#include "oslab.h"

#include <dirent.h>       /* opendir */
#include <fcntl.h>        /* open, O_* */
#include <ftw.h>          /* nftw: removing working folders */
#include <grp.h>          /* setgroups */
#include <limits.h>       /* PATH_MAX */
#include <poll.h>         /* poll */
#include <sched.h>        /* unshare: a view of the message queues */
#include <signal.h>       /* kill, signal */
#include <sys/ipc.h>      /* IPC_RMID */
#include <sys/mount.h>    /* mount: a view of the message queues */
#include <sys/msg.h>      /* msgctl */
#include <sys/prctl.h>    /* PR_SET_CHILD_SUBREAPER, PR_SET_PDEATHSIG */
#include <sys/random.h>   /* getrandom */
#include <sys/resource.h> /* setrlimit */
#include <sys/sem.h>      /* semctl */
#include <sys/shm.h>      /* shmctl */
#include <sys/stat.h>     /* stat, mkdir */
#include <sys/syscall.h>  /* SYS_pidfd_open */
#include <sys/wait.h>     /* waitpid */

#include "records.h"
#include "testdef.h"

#define TOKEN_FD 3
#define RESULT_FD 4
#define KEEP_OUTPUT 4096     /* bytes of each stream kept for the report */
#define RESULT_MAX 16384     /* bytes of the result channel read */
#define TERM_GRACE_MS 200    /* SIGTERM, then SIGKILL this much later */
#define SANDBOX_NPROC 512    /* processes and threads a test may have */
#define SANDBOX_NOFILE 256   /* open descriptors a test may have */
#define SANDBOX_FSIZE (64L << 20)  /* largest file a test may write */
#define SANDBOX_AS (2L << 30)      /* address space of each process */
#define MAX_IPC 1024         /* System V objects tracked per kind */

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

/* How tests are confined in this run; fixed before the first test. */
struct sandbox {
    bool privileged;   /* the runner is root: drop to uid, limits bind */
    uid_t uid;         /* the UID tests run as */
    gid_t gid;
    bool sanitizer;    /* a sanitizer build: no address-space limit */
};

/* What a test's child did, as seen from the runner. */
struct outcome {
    int status;             /* raw wait status */
    bool timed_out;
    char result[RESULT_MAX];/* what arrived on the result channel */
    size_t result_len;
    char out[KEEP_OUTPUT + 1], err[KEEP_OUTPUT + 1];
    size_t out_len, err_len;       /* bytes kept */
    size_t out_total, err_total;   /* bytes written in all */
    double seconds;
};

/* What a test left behind. */
struct leftovers {
    int running, zombies;   /* processes found after the test ended */
    char names[512];        /* their command names, for the report */
    int shm, ipc, files;    /* /dev/shm entries, System V objects, files in /tmp */
    char shm_names[512];
};

static const char *lab_name = OSLAB_LAB;
static const char *mqueue_dir = "/dev/mqueue"; /* where POSIX message queues are seen */
static bool quiet;

/* ---- Small helpers --------------------------------------------------------- */

/* Append printf-style text to BUF (size LEN), never overflowing. */
OSLAB_PRINTF(3, 4)
static void append(char *buf, size_t len, const char *fmt, ...)
{
    size_t used = strlen(buf);
    if (used + 1 >= len)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + used, len - used, fmt, ap);
    va_end(ap);
}

/* nftw callback: remove one entry of a tree, depth first. */
static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if ((type == FTW_DP ? rmdir(path) : unlink(path)) == -1 && errno != ENOENT)
        warn_errno("remove %s", path);
    return 0;
}

/* Remove the tree at PATH (not following links). */
static void remove_tree(const char *path)
{
    nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- Choosing the sandbox ------------------------------------------------------ */

/* Can a child of ours become UID? (In a user namespace it may not be mapped.) */
static bool can_become(uid_t uid)
{
    pid_t pid = fork();
    if (pid == -1)
        exit_errno("fork");
    if (pid == 0)
        _exit(setgid(uid) == 0 && setuid(uid) == 0 ? 0 : 1);
    int status;
    while (waitpid(pid, &status, 0) == -1)
        if (errno != EINTR)
            exit_errno("waitpid");
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* Decide how tests are confined: a UID of this run alone when we are root. */
static struct sandbox choose_sandbox(void)
{
    struct sandbox sb = {.uid = getuid(), .gid = getgid()};
    sb.sanitizer = getenv("OSLAB_SANITIZER") != NULL && *getenv("OSLAB_SANITIZER") != '\0';
    if (geteuid() != 0)
        return sb;
    /* A UID no account uses, different for every concurrent runner, so
     * that kill(-1) as that UID reaches this run's processes and no others.
     * Random, not derived from our PID: runners in different PID namespaces
     * (containers) share one UID space, and their PIDs often coincide. */
    uint32_t random_bits;
    if (getrandom(&random_bits, sizeof random_bits, 0) != (ssize_t)sizeof random_bits)
        random_bits = (uint32_t)getpid();
    uid_t candidate = 1500000000u + (uid_t)(random_bits % 500000000u);
    if (!can_become(candidate))
        candidate = 65534; /* "nobody": still unprivileged, but shared */
    if (!can_become(candidate))
        return sb;
    sb.privileged = true;
    sb.uid = candidate;
    sb.gid = candidate;
    return sb;
}

/* How many processes (threads counted) UID has now: for RLIMIT_NPROC. */
static long tasks_of_uid(uid_t uid)
{
    DIR *proc = opendir("/proc");
    if (proc == NULL)
        return 0;
    long count = 0;
    struct dirent *entry;
    while ((entry = readdir(proc)) != NULL) {
        char path[PATH_MAX];
        struct stat st;
        snprintf(path, sizeof path, "/proc/%s/task", entry->d_name);
        if (entry->d_name[0] < '1' || entry->d_name[0] > '9' || stat(path, &st) == -1 ||
            st.st_uid != uid)
            continue;
        count += (long)st.st_nlink - 2; /* one subfolder per thread */
    }
    closedir(proc);
    return count;
}

/* ---- Starting a test --------------------------------------------------------------- */

/* Where the forked child reports a failure to set up the sandbox, and the
 * token that proves the report is ours: test code, which never knows the
 * token, cannot pass its own failures off as the grader's. */
static int setup_result_fd = -1;
static const char *setup_token = "";

/* In the forked child: report "TOKEN ERROR" and what failed, then _exit. */
OSLAB_PRINTF(1, 2)
static noreturn void setup_failed(const char *fmt, ...)
{
    int saved_errno = errno;
    char what[512], report[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    int n = snprintf(report, sizeof report, "%s ERROR\nrunner: %s: %s\n", setup_token, what,
                     strerror(saved_errno));
    if (n > 0 && write_all(setup_result_fd, report, (size_t)n) == -1)
        _exit(125);
    _exit(125);
}

/* Set one resource limit in the child, or report the failure. */
static void limit(int resource, rlim_t value, const char *name)
{
    struct rlimit rl = {value, value};
    if (setrlimit(resource, &rl) == -1)
        setup_failed("setrlimit %s", name);
}

/* In the forked child: confine ourselves and exec the test. Never returns. */
static noreturn void exec_test(const struct sandbox *sb, const struct ot_test_spec *test,
                               const char *tests_bin, const char *program, const char *workdir,
                               int out_fd, int err_fd, int token_fd, int result_fd,
                               const char *token)
{
    setup_result_fd = result_fd;
    setup_token = token;
    if (setsid() == -1)
        setup_failed("setsid");
    int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd == -1)
        setup_failed("open /dev/null");
    /* Move the channel ends above the target numbers first, then into place. */
    int fds[] = {null_fd, out_fd, err_fd, token_fd, result_fd};
    int moved[5];
    for (int i = 0; i < 5; i++)
        if ((moved[i] = fcntl(fds[i], F_DUPFD, 10)) == -1)
            setup_failed("fcntl F_DUPFD");
    for (int i = 0; i < 5; i++)
        if (dup2(moved[i], i) == -1)
            setup_failed("dup2");
    setup_result_fd = RESULT_FD;
    if (syscall(SYS_close_range, 5u, ~0u, 0) == -1)
        for (int fd = 5; fd < 1024; fd++)
            close(fd);
    if (chdir(workdir) == -1)
        setup_failed("chdir %s", workdir);

    /* Memory is limited per process, not in total: if the machine runs out,
     * the kernel must pick the test's processes first, never the grader's. */
    int oom = open("/proc/self/oom_score_adj", O_WRONLY);
    if (oom != -1) {
        if (write(oom, "1000", 4) == -1)
            warn_errno("runner: oom_score_adj");
        close(oom);
    }
    limit(RLIMIT_CORE, 0, "core");
    limit(RLIMIT_CPU, (rlim_t)(test->timeout_ms / 1000 + 2), "cpu");
    limit(RLIMIT_FSIZE, SANDBOX_FSIZE, "fsize");
    limit(RLIMIT_NOFILE, SANDBOX_NOFILE, "nofile");
    /* A test may declare larger limits in tests.def (the kit's file, never
     * the submission's); a sanitizer build gets no address-space limit. */
    if (!sb->sanitizer && test->address_space_mib != OT_UNLIMITED)
        limit(RLIMIT_AS,
              test->address_space_mib > 0 ? (rlim_t)test->address_space_mib << 20 : SANDBOX_AS,
              "as");
    rlim_t tasks = test->max_tasks > 0 ? (rlim_t)test->max_tasks : SANDBOX_NPROC;
    limit(RLIMIT_NPROC, tasks + (rlim_t)(sb->privileged ? 0 : tasks_of_uid(sb->uid)), "nproc");
    if (sb->privileged) {
        if (setgroups(0, NULL) == -1 || setgid(sb->gid) == -1 || setuid(sb->uid) == -1)
            setup_failed("cannot drop privileges to uid %u", (unsigned)sb->uid);
    }
    /* After the UID change, which clears it: die with the runner. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() == 1)
        _exit(125);

    char env_program[PATH_MAX + 32], env_home[PATH_MAX + 16], env_tmp[PATH_MAX + 16];
    snprintf(env_program, sizeof env_program, "OSLAB_PROGRAM=%s", program);
    snprintf(env_home, sizeof env_home, "HOME=%s", workdir);
    snprintf(env_tmp, sizeof env_tmp, "TMPDIR=%s", workdir);
    const char *asan = getenv("ASAN_OPTIONS"), *ubsan = getenv("UBSAN_OPTIONS");
    char env_asan[512], env_ubsan[512];
    snprintf(env_asan, sizeof env_asan, "ASAN_OPTIONS=%s", asan ? asan : "");
    snprintf(env_ubsan, sizeof env_ubsan, "UBSAN_OPTIONS=%s", ubsan ? ubsan : "print_stacktrace=1");
    char *const envp[] = {"PATH=/usr/local/bin:/usr/bin:/bin", "LC_ALL=C", env_program,
                          env_home, env_tmp, env_asan, env_ubsan, NULL};
    char *const argv[] = {(char *)tests_bin, "--run", (char *)test->name, NULL};
    signal(SIGPIPE, SIG_DFL);
    execve(tests_bin, argv, envp);
    setup_failed("cannot exec %s", tests_bin);
}

/* Read what FD has into KEEP (up to KEEP_OUTPUT) and count it; false at EOF. */
static bool drain_stream(int fd, char *keep, size_t *kept, size_t *total, size_t cap)
{
    char chunk[65536];
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1 && errno == EAGAIN)
            return true;
        if (n <= 0)
            return false;
        size_t room = cap - *kept;
        size_t take = (size_t)n < room ? (size_t)n : room;
        memcpy(keep + *kept, chunk, take);
        *kept += take;
        keep[*kept] = '\0';
        *total += (size_t)n;
    }
}

/* Make FD non-blocking and close-on-exec. */
static void nonblocking(int fd)
{
    if (fcntl(fd, F_SETFL, O_NONBLOCK) == -1 || fcntl(fd, F_SETFD, FD_CLOEXEC) == -1)
        exit_errno("fcntl");
}

/* ---- Stopped from outside ------------------------------------------------------- */

/* The test process running now (the leader of its session), or 0. */
static volatile pid_t running_test;

/* SIGINT or SIGTERM to the grader (Ctrl-C, a batch stopped): SIGKILL the
 * running test's session and every process that landed with us (we are a
 * subreaper), then end as the signal would have ended us. The records of
 * the tests that finished stay; the test that was running has none. Only
 * async-signal-safe calls: kill, open, read, close, signal, raise. */
static void stop_grading(int signo)
{
    pid_t pid = running_test;
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

/* Run TEST in a sandboxed child; fill OUT with what happened. */
static void run_child(const struct sandbox *sb, const struct ot_test_spec *test,
                      const char *tests_bin, const char *program, const char *workdir,
                      const char *token, struct outcome *out)
{
    int out_pipe[2], err_pipe[2], token_pipe[2], result_pipe[2];
    if (pipe(out_pipe) == -1 || pipe(err_pipe) == -1 || pipe(token_pipe) == -1 ||
        pipe(result_pipe) == -1)
        exit_errno("pipe");
    int64_t start = now_ms();
    fflush(NULL);
    pid_t pid = fork();
    if (pid == -1)
        exit_errno("fork");
    if (pid == 0)
        exec_test(sb, test, tests_bin, program, workdir, out_pipe[1], err_pipe[1],
                  token_pipe[0], result_pipe[1], token);
    running_test = pid;
    close(out_pipe[1]);
    close(err_pipe[1]);
    close(token_pipe[0]);
    close(result_pipe[1]);
    if (write_all(token_pipe[1], token, strlen(token)) == -1 && errno != EPIPE)
        exit_errno("write token");
    close(token_pipe[1]);

    int fds[3] = {out_pipe[0], err_pipe[0], result_pipe[0]};
    for (int i = 0; i < 3; i++)
        nonblocking(fds[i]);
    /* A pidfd becomes readable when the child ends: no polling loop needed. */
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);

    int64_t deadline = start + test->timeout_ms, kill_at = 0;
    bool reaped = false;
    while (!reaped) {
        struct pollfd pfd[4];
        nfds_t n = 0;
        for (int i = 0; i < 3; i++)
            if (fds[i] != -1)
                pfd[n++] = (struct pollfd){.fd = fds[i], .events = POLLIN};
        if (pidfd != -1)
            pfd[n++] = (struct pollfd){.fd = pidfd, .events = POLLIN};
        int64_t now = now_ms();
        int64_t wake = kill_at ? kill_at : deadline;
        int wait = wake > now ? (int)(wake - now) : 0;
        if (pidfd == -1 && wait > 10)
            wait = 10; /* no pidfd (old kernel): look at waitpid often */
        if (poll(pfd, n, wait) == -1 && errno != EINTR)
            exit_errno("poll");
        size_t dummy_total = 0;
        for (int i = 0; i < 3; i++) {
            if (fds[i] == -1)
                continue;
            bool open_still =
                i == 0   ? drain_stream(fds[i], out->out, &out->out_len, &out->out_total, KEEP_OUTPUT)
                : i == 1 ? drain_stream(fds[i], out->err, &out->err_len, &out->err_total, KEEP_OUTPUT)
                         : drain_stream(fds[i], out->result, &out->result_len, &dummy_total,
                                        RESULT_MAX - 1);
            if (!open_still) {
                close(fds[i]);
                fds[i] = -1;
            }
        }
        pid_t r = waitpid(pid, &out->status, WNOHANG);
        if (r == pid) {
            running_test = 0;
            reaped = true;
            break;
        }
        now = now_ms();
        if (kill_at == 0 && now >= deadline) {
            /* Deadline: ask politely, so that programs can clean up... */
            out->timed_out = true;
            kill(-pid, SIGTERM);
            kill(pid, SIGTERM);
            kill(pid, SIGCONT);
            kill_at = now + TERM_GRACE_MS;
        } else if (kill_at != 0 && now >= kill_at) {
            /* ...then not. SIGKILL cannot be caught, ignored or blocked. */
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            kill_at = now + 1000;
        }
    }
    out->seconds = (double)(now_ms() - start) / 1000.0;
    /* Processes the test left may hold the pipes open: take what is there now. */
    size_t dummy_total = 0;
    if (fds[0] != -1)
        drain_stream(fds[0], out->out, &out->out_len, &out->out_total, KEEP_OUTPUT);
    if (fds[1] != -1)
        drain_stream(fds[1], out->err, &out->err_len, &out->err_total, KEEP_OUTPUT);
    if (fds[2] != -1)
        drain_stream(fds[2], out->result, &out->result_len, &dummy_total, RESULT_MAX - 1);
    for (int i = 0; i < 3; i++)
        if (fds[i] != -1)
            close(fds[i]);
    if (pidfd != -1)
        close(pidfd);
}

/* ---- After a test: what it left behind ---------------------------------------------- */

/* The PIDs of our own children (we are a subreaper: orphans land here). */
static size_t our_children(pid_t *pids, size_t max)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d/children", (int)getpid());
    FILE *f = fopen(path, "re");
    if (f == NULL)
        return 0;
    size_t n = 0;
    int pid;
    while (n < max && fscanf(f, "%d", &pid) == 1)
        pids[n++] = pid;
    fclose(f);
    return n;
}

/* State letter and command name of PID from /proc; state 0 if gone. */
static char process_state(pid_t pid, char *comm, size_t len)
{
    char path[64], stat[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    comm[0] = '\0';
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd == -1)
        return 0;
    ssize_t n = read(fd, stat, sizeof stat - 1);
    close(fd);
    if (n <= 0)
        return 0;
    stat[n] = '\0';
    char *open_paren = strchr(stat, '('), *close_paren = strrchr(stat, ')');
    if (open_paren == NULL || close_paren == NULL || close_paren[1] == '\0')
        return 0;
    snprintf(comm, len, "%.*s", (int)(close_paren - open_paren - 1), open_paren + 1);
    return close_paren[2];
}

/* Kill every process of the sandbox UID: kill(-1) from a child running as it. */
static void kill_all_of_uid(const struct sandbox *sb)
{
    pid_t pid = fork();
    if (pid == -1)
        exit_errno("fork");
    if (pid == 0) {
        /* kill(-1) signals everything this UID may signal but ourselves. */
        if (setgid(sb->gid) == -1 || setuid(sb->uid) == -1)
            _exit(1);
        kill(-1, SIGKILL);
        _exit(0);
    }
    while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
        ;
}

/* Count, kill and reap every process the test left; fill LO. */
static void sweep_processes(const struct sandbox *sb, struct leftovers *lo)
{
    static pid_t pids[SANDBOX_NPROC * 2];
    const size_t max_pids = sizeof pids / sizeof pids[0];
    size_t n = our_children(pids, max_pids);
    /* Give processes that are already dying a moment to finish. */
    for (int settle = 0; n > 0 && settle < 20; settle++) {
        bool all_zombies = true;
        char comm[64];
        for (size_t i = 0; i < n; i++)
            all_zombies &= process_state(pids[i], comm, sizeof comm) == 'Z';
        if (all_zombies)
            break;
        sleep_ms(1);
        n = our_children(pids, max_pids);
    }
    for (size_t i = 0; i < n; i++) {
        char comm[64];
        char state = process_state(pids[i], comm, sizeof comm);
        if (state == 0)
            continue;
        if (state == 'Z')
            lo->zombies++;
        else
            lo->running++;
        append(lo->names, sizeof lo->names, "%s%s (pid %d, %s)", lo->names[0] ? ", " : "",
               comm, (int)pids[i], state == 'Z' ? "zombie" : "running");
    }
    /* Kill until nothing is left: a fork bomb refills while we work. */
    int64_t give_up = now_ms() + 5000;
    while (now_ms() < give_up) {
        if (sb->privileged)
            kill_all_of_uid(sb);
        n = our_children(pids, max_pids);
        for (size_t i = 0; i < n; i++) {
            kill(-pids[i], SIGKILL);
            kill(pids[i], SIGKILL);
        }
        while (waitpid(-1, NULL, WNOHANG) > 0)
            ;
        if (n == 0 && our_children(pids, 1) == 0)
            break;
        sleep_ms(1);
    }
}

/* The names in /dev/shm now, as one '/'-separated string ("/a/b/"). */
static void shm_names(char *buf, size_t len)
{
    snprintf(buf, len, "/");
    DIR *dir = opendir("/dev/shm");
    if (dir == NULL)
        return;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL)
        if (strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0)
            append(buf, len, "%s/", entry->d_name);
    closedir(dir);
}

/* Report and remove /dev/shm entries made during the test (by the sandbox UID
 * when we are root; by anyone in unprivileged mode, where we cannot tell). */
static void sweep_shm(const struct sandbox *sb, const char *before, struct leftovers *lo)
{
    DIR *dir = opendir("/dev/shm");
    if (dir == NULL)
        return;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
            continue;
        char key[NAME_MAX + 3];
        snprintf(key, sizeof key, "/%s/", entry->d_name);
        struct stat st;
        if (strstr(before, key) != NULL || fstatat(dirfd(dir), entry->d_name, &st,
                                                   AT_SYMLINK_NOFOLLOW) == -1)
            continue;
        if (sb->privileged && st.st_uid != sb->uid)
            continue;
        lo->shm++;
        append(lo->shm_names, sizeof lo->shm_names, "%s/dev/shm/%s",
               lo->shm_names[0] ? ", " : "", entry->d_name);
        /* A folder may hold more: remove the whole tree. */
        char path[PATH_MAX];
        snprintf(path, sizeof path, "/dev/shm/%s", entry->d_name);
        remove_tree(path);
    }
    closedir(dir);
}

/* System V IPC objects of one kind: the ids listed in /proc/sysvipc/KIND. */
struct ipc_ids {
    int ids[MAX_IPC];
    size_t count;
};

/* Read the ids (second column) of /proc/sysvipc/KIND. */
static struct ipc_ids ipc_list(const char *kind)
{
    struct ipc_ids list = {.count = 0};
    char path[64], line[512];
    snprintf(path, sizeof path, "/proc/sysvipc/%s", kind);
    FILE *f = fopen(path, "re");
    if (f == NULL)
        return list;
    if (fgets(line, sizeof line, f) == NULL) { /* the header line */
        fclose(f);
        return list;
    }
    long key, id;
    while (list.count < MAX_IPC && fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "%ld %ld", &key, &id) == 2)
            list.ids[list.count++] = (int)id;
    fclose(f);
    return list;
}

/* Did UID create or own System V object ID of kind K (0 shm, 1 sem, 2 msg)? */
static bool ipc_of_uid(int k, int id, uid_t uid)
{
    struct ipc_perm perm;
    if (k == 0) {
        struct shmid_ds ds;
        if (shmctl(id, IPC_STAT, &ds) == -1)
            return false;
        perm = ds.shm_perm;
    } else if (k == 1) {
        struct semid_ds ds;
        union semun { /* the caller defines it (POSIX) */
            int val;
            struct semid_ds *buf;
            unsigned short *array;
        } arg = {.buf = &ds};
        if (semctl(id, 0, IPC_STAT, arg) == -1)
            return false;
        perm = ds.sem_perm;
    } else {
        struct msqid_ds ds;
        if (msgctl(id, IPC_STAT, &ds) == -1)
            return false;
        perm = ds.msg_perm;
    }
    return perm.cuid == uid || perm.uid == uid;
}

/* Remove System V objects created during the test (by the sandbox UID when
 * we are root: another grader's objects are not ours); count them in LO. */
static void sweep_ipc(const struct sandbox *sb, const struct ipc_ids before[3],
                      struct leftovers *lo)
{
    static const char *const kinds[3] = {"shm", "sem", "msg"};
    for (int k = 0; k < 3; k++) {
        struct ipc_ids now = ipc_list(kinds[k]);
        for (size_t i = 0; i < now.count; i++) {
            bool old = false;
            for (size_t j = 0; j < before[k].count && !old; j++)
                old = before[k].ids[j] == now.ids[i];
            if (old || (sb->privileged && !ipc_of_uid(k, now.ids[i], sb->uid)))
                continue;
            lo->ipc++;
            int id = now.ids[i];
            int rc = k == 0 ? shmctl(id, IPC_RMID, NULL)
                   : k == 1 ? semctl(id, 0, IPC_RMID)
                            : msgctl(id, IPC_RMID, NULL);
            if (rc == -1 && errno != EINVAL && errno != EIDRM)
                warn_errno("remove System V %s %d", kinds[k], id);
        }
    }
}

/* Remove what the sandbox UID left in folder DIR, and look into the folders
 * in it that anyone may write to (/tmp/.X11-unix, ...): the only other
 * places where it could have made something. */
static void sweep_folder(const struct sandbox *sb, const char *dir_path, int depth,
                         struct leftovers *lo)
{
    DIR *dir = opendir(dir_path);
    if (dir == NULL)
        return;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        struct stat st;
        if (strcmp(entry->d_name, "..") == 0 || strcmp(entry->d_name, ".") == 0 ||
            fstatat(dirfd(dir), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1)
            continue;
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", dir_path, entry->d_name);
        if (st.st_uid == sb->uid) {
            lo->files++;
            append(lo->shm_names, sizeof lo->shm_names, "%s%s", lo->shm_names[0] ? ", " : "",
                   path);
            remove_tree(path);
        } else if (S_ISDIR(st.st_mode) && (st.st_mode & S_IWOTH) && depth < 4) {
            sweep_folder(sb, path, depth + 1, lo);
        }
    }
    closedir(dir);
}

/* As root: remove what the sandbox UID left in the shared temporary folders. */
static void sweep_tmp(const struct sandbox *sb, struct leftovers *lo)
{
    const char *const dirs[] = {"/tmp", "/var/tmp", "/run/lock", mqueue_dir};
    if (!sb->privileged)
        return; /* as a user we cannot tell the test's files from our own */
    for (size_t d = 0; d < sizeof dirs / sizeof dirs[0]; d++)
        sweep_folder(sb, dirs[d], 0, lo);
}

/* As root on a system that has no /dev/mqueue (containers often have none):
 * mount the message queues' file system under WORKDIR, in a mount namespace
 * of our own (gone when we end), so that queues left by a test can be seen. */
static void mount_mqueues(const struct sandbox *sb, const char *workdir)
{
    static char dir[PATH_MAX];
    struct stat st;
    if (!sb->privileged || stat(mqueue_dir, &st) == 0)
        return;
    snprintf(dir, sizeof dir, "%s/.mqueue", workdir);
    if (unshare(CLONE_NEWNS) == -1 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1 ||
        (mkdir(dir, 0755) == -1 && errno != EEXIST) || mount("mqueue", dir, "mqueue", 0, NULL) == -1) {
        if (errno != EPERM) /* a container without CAP_SYS_ADMIN: nothing to say */
            warn_errno("runner: cannot see the message queues");
        return;
    }
    mqueue_dir = dir;
}

/* ---- Verdicts -------------------------------------------------------------------------------- */

/* Append up to MAX_LINES lines of TEXT to BUF, each indented. */
static void append_lines(char *buf, size_t len, const char *label, const char *text,
                         size_t total, size_t kept, int max_lines)
{
    if (total == 0)
        return;
    append(buf, len, "%s (%zu bytes%s):\n", label, total, total > kept ? ", first ones" : "");
    const char *p = text;
    for (int line = 0; line < max_lines && *p != '\0'; line++) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char shown[201];
        size_t take = n < 200 ? n : 200, out = 0;
        /* Binary junk and control characters must not reach the report raw;
         * UTF-8 text (a compiler's quotes, a student's name) is kept. */
        for (size_t i = 0; i < take;) {
            size_t char_len = text_char_length((const unsigned char *)p + i);
            if (char_len == 0 || i + char_len > take) {
                shown[out++] = '?';
                i++;
            } else {
                memcpy(shown + out, p + i, char_len);
                out += char_len;
                i += char_len;
            }
        }
        shown[out] = '\0';
        append(buf, len, "  | %s%s\n", shown, n > take ? " ..." : "");
        p = nl ? nl + 1 : p + n;
        if (line + 1 == max_lines && *p != '\0')
            append(buf, len, "  | ...\n");
    }
}

/* Decide the verdict of TEST from OUT and LO; write the explanation to WHY. */
static const char *decide(const struct ot_test_spec *test, const struct outcome *out,
                          const struct leftovers *lo, const char *token, char *why, size_t len)
{
    why[0] = '\0';
    size_t token_len = strlen(token);
    bool has_token = out->result_len > token_len + 1 &&
                     memcmp(out->result, token, token_len) == 0 && out->result[token_len] == ' ';
    const char *said = has_token ? out->result + token_len + 1 : "";
    bool said_pass = strncmp(said, "PASS\n", 5) == 0;
    bool said_fail = strncmp(said, "FAIL\n", 5) == 0;
    const char *verdict;

    if (out->timed_out) {
        verdict = "timeout";
        append(why, len, "Timed out: the test did not finish within %d ms and was killed.\n",
               test->timeout_ms);
    } else if (WIFSIGNALED(out->status)) {
        verdict = "crash";
        append(why, len, "Crashed: the test process was killed by %s%s.\n",
               signal_name(WTERMSIG(out->status)),
               WTERMSIG(out->status) == SIGXCPU ? " (CPU time limit)"
               : WTERMSIG(out->status) == SIGXFSZ ? " (file size limit)" : "");
    } else if (strncmp(said, "ERROR\n", 6) == 0) {
        verdict = "error";
        append(why, len, "Grader error, not the submission's: %s", said + 6);
    } else if (!said_pass && !said_fail) {
        verdict = "fail";
        append(why, len, "The test process exited with status %d before the test finished: "
               "did the code under test call exit() or _exit()?\n", WEXITSTATUS(out->status));
    } else if (said_fail) {
        verdict = "fail";
        append(why, len, "Failed:\n%s", said + 5);
        /* The message may quote the submission's output: no terminal
         * control characters (escapes, carriage returns) may reach the report. */
        for (char *p = why; *p != '\0'; p++)
            if (((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f)
                *p = '?';
    } else if (WEXITSTATUS(out->status) != 0) {
        verdict = "fail";
        append(why, len, "The test passed but its process then exited with status %d.\n",
               WEXITSTATUS(out->status));
    } else {
        verdict = "pass";
    }
    if (lo->running + lo->zombies + lo->shm + lo->ipc + lo->files > 0) {
        if (strcmp(verdict, "pass") == 0)
            verdict = "leftovers";
        if (lo->running > 0)
            append(why, len, "Left %d process(es) running after the test: kill and wait for "
                   "every child you start.\n", lo->running);
        if (lo->zombies > 0)
            append(why, len, "Left %d zombie(s): a child that ended was never waited for "
                   "(waitpid).\n", lo->zombies);
        if (lo->names[0])
            append(why, len, "  processes: %s\n", lo->names);
        if (lo->shm > 0)
            append(why, len, "Left %d entr%s in /dev/shm: shm_unlink/sem_unlink what you "
                   "create.\n", lo->shm, lo->shm == 1 ? "y" : "ies");
        if (lo->ipc > 0)
            append(why, len, "Left %d System V IPC object(s): remove them with IPC_RMID.\n",
                   lo->ipc);
        if (lo->files > 0)
            append(why, len, "Left %d file(s) in the shared temporary folders.\n", lo->files);
        if (lo->shm_names[0])
            append(why, len, "  removed: %s\n", lo->shm_names);
    }
    if (strcmp(verdict, "pass") != 0) {
        append(why, len, "Hint: %s\n", test->feedback);
        append_lines(why, len, "stdout", out->out, out->out_total, out->out_len, 10);
        append_lines(why, len, "stderr", out->err, out->err_total, out->err_len, 10);
    }
    return verdict;
}

/* ---- Running the lab --------------------------------------------------------------------- */

/* A fresh random token for one test, as hex text. */
static void new_token(char *token, size_t len)
{
    unsigned char bytes[24];
    if (getrandom(bytes, sizeof bytes, 0) != (ssize_t)sizeof bytes)
        exit_errno("getrandom");
    token[0] = '\0';
    for (size_t i = 0; i < sizeof bytes && 2 * i + 2 < len; i++)
        snprintf(token + 2 * i, 3, "%02x", bytes[i]);
}

/* The command-line settings of one runner. */
struct settings {
    const char *tests_bin, *program, *records_dir, *workdir;
    const char *json, *junit, *build_log;
    const char *only[64];
    size_t only_count;
    bool merge_only;
    bool describe;
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

    char shm_before[16384];
    shm_names(shm_before, sizeof shm_before);
    struct ipc_ids ipc_before[3] = {ipc_list("shm"), ipc_list("sem"), ipc_list("msg")};

    char token[64];
    new_token(token, sizeof token);
    static struct outcome out;
    out = (struct outcome){0};
    run_child(sb, test, set->tests_bin, set->program, workdir, token, &out);

    struct leftovers lo = {0};
    sweep_processes(sb, &lo);
    sweep_shm(sb, shm_before, &lo);
    sweep_ipc(sb, ipc_before, &lo);
    sweep_tmp(sb, &lo);
    remove_tree(workdir);

    *seconds = out.seconds;
    return decide(test, &out, &lo, token, why, len);
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
            append(why, sizeof why, "(This was run %d of %d: a test runs %d times and every "
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
        else
            exit_usage("unknown option '%s'", arg);
    }
    if (set->describe)
        return;
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
    struct sandbox sb = choose_sandbox();
    mount_mqueues(&sb, set.workdir);
    /* Always said, even with --quiet: it tells what the grade can be trusted for. */
    if (sb.privileged)
        printf("  sandbox: tests run as uid %u with process, memory and file limits\n",
               (unsigned)sb.uid);
    else
        printf("  sandbox: unprivileged mode: tests run as you (uid %u); a submission "
               "could kill the grader's processes or change your files\n",
               (unsigned)sb.uid);
    struct record_list records = {0};
    for (size_t i = 0; i < test_count; i++)
        if (selected(&set, &all_tests[i]))
            grade_test(&set, &sb, &all_tests[i], (int)i, &records);
    if (records.count == 0)
        printf("  (--only selects no test of %s)\n", lab_name);
    records_free(&records);
    return 0;
}
