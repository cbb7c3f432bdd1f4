/*
 * sandbox.c - choosing how untrusted code is confined, once per runner, and
 * confining one process of it before it execs: resource limits, a UID of
 * this run alone when the runner is root, no new privileges, a seccomp
 * filter, and a cgroup per run where one can be made.
 *
 * The mode is chosen by trying the whole isolated set-up once (isolate_try),
 * not by probing one call: Docker's default profile, or Ubuntu's AppArmor
 * rule on user namespaces, let some calls succeed and the next one fail.
 * OSLAB_SANDBOX=fallback forces the fallback, OSLAB_SANDBOX=isolated
 * requires isolation (the runner stops, saying why, where it fails).
 */
#include "runner.h"

#include <fcntl.h>          /* open, O_* */
#include <grp.h>            /* setgroups */
#include <linux/audit.h>    /* AUDIT_ARCH_* */
#include <linux/filter.h>   /* struct sock_filter, BPF_* */
#include <linux/seccomp.h>  /* SECCOMP_* */
#include <pwd.h>            /* getpwuid: a UID no account uses */
#include <sched.h>          /* CLONE_NEW* */
#include <signal.h>         /* signal */
#include <stddef.h>         /* offsetof */
#include <sys/prctl.h>      /* PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP */
#include <sys/random.h>     /* getrandom */
#include <sys/resource.h>   /* setrlimit */
#include <sys/stat.h>       /* mkdir */
#include <sys/syscall.h>    /* SYS_* */
#include <sys/wait.h>       /* waitpid */

#include "testdef.h"

/* ---- Set-up failures ----------------------------------------------------------- */

static int setup_fd = -1;
static const struct ot_run_key *setup_key;
static const char *setup_test = "";

void setup_failed_to(int fd, const struct ot_run_key *run, const char *test)
{
    setup_fd = fd;
    setup_key = run;
    setup_test = test;
}

noreturn void setup_failed(const char *fmt, ...)
{
    int saved_errno = errno;
    char what[512], text[768], message[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(text, sizeof text, "runner: %s: %s\n", what, strerror(saved_errno));
    struct stat st;
    if (setup_key != NULL && fstat(setup_fd, &st) == 0) {
        size_t n = ot_format_result(setup_key, OSLAB_LAB, setup_test,
                                    (unsigned long long)st.st_ino, "ERROR", text, message,
                                    sizeof message);
        if (write_all(setup_fd, message, n) == -1)
            _exit(125);
    } else if (write_all(STDERR_FILENO, text, strlen(text)) == -1) {
        _exit(125);
    }
    _exit(125);
}

/* ---- The seccomp filter ---------------------------------------------------------- */

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#endif

#ifdef NATIVE_ARCH
/* Calls a test never needs and that reach beyond it: reading or changing
 * another process (the harness's memory), namespaces and mounts (the sandbox
 * itself), kernel keys, modules, BPF. Each fails with EPERM. */
static const long denied_calls[] = {
    SYS_process_vm_readv, SYS_process_vm_writev, SYS_unshare, SYS_setns, SYS_mount,
    SYS_umount2, SYS_pivot_root, SYS_keyctl, SYS_add_key, SYS_request_key, SYS_bpf,
    SYS_userfaultfd, SYS_init_module, SYS_finit_module, SYS_delete_module, SYS_kexec_load,
#ifdef SYS_open_tree
    SYS_open_tree, SYS_move_mount, SYS_fsopen, SYS_fsconfig, SYS_fsmount, SYS_fspick,
#endif
#ifdef SYS_mount_setattr
    SYS_mount_setattr,
#endif
#ifdef SYS_io_uring_setup
    SYS_io_uring_setup, /* its requests bypass this filter */
#endif
};

/* Install the filter; SANITIZER keeps ptrace (LeakSanitizer stops the
 * threads with it). 0, or -1 with errno. */
static int install_seccomp(bool sanitizer)
{
    struct sock_filter prog[64];
    unsigned short n = 0;
#define PUT(stmt) (prog[n++] = (struct sock_filter)stmt)
#define DENY_ERRNO(err) PUT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (err)))
    /* Another architecture's calls (32-bit, x32) have other numbers: none. */
    PUT(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)));
    PUT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_ARCH, 1, 0));
    DENY_ERRNO(ENOSYS);
    PUT(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)));
#ifdef __x86_64__
    PUT(BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1));
    DENY_ERRNO(ENOSYS);
#endif
    for (size_t i = 0; i < sizeof denied_calls / sizeof denied_calls[0]; i++) {
        PUT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)denied_calls[i], 0, 1));
        DENY_ERRNO(EPERM);
    }
    if (!sanitizer) {
        PUT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_ptrace, 0, 1));
        DENY_ERRNO(EPERM);
    }
    /* clone3 passes its flags in memory a filter cannot read: ENOSYS makes
     * the C library fall back to clone, whose flags it can. */
#ifdef SYS_clone3
    PUT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone3, 0, 1));
    DENY_ERRNO(ENOSYS);
#endif
    /* clone: threads and forks yes, new namespaces no. */
    PUT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone, 0, 3));
    PUT(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])));
    PUT(BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K,
                 CLONE_NEWNS | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS |
                     CLONE_NEWNET | CLONE_NEWCGROUP,
                 0, 1));
    DENY_ERRNO(EPERM);
    PUT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
#undef PUT
#undef DENY_ERRNO
    struct sock_fprog fprog = {.len = n, .filter = prog};
    return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog, 0, 0);
}
#else
/* No filter written for this architecture: limits and namespaces only. */
static int install_seccomp(bool sanitizer)
{
    (void)sanitizer;
    return 0;
}
#endif

/* ---- Confining one process ---------------------------------------------------- */

/* Set one resource limit (soft SOFT, hard HARD), or report the failure. */
static void limit(int resource, rlim_t soft, rlim_t hard, const char *name)
{
    struct rlimit rl = {soft, hard};
    if (setrlimit(resource, &rl) == -1)
        setup_failed("setrlimit %s", name);
}

noreturn void sandbox_exec(const struct sandbox *sb, const struct job *job, const int fds[5])
{
    if (setsid() == -1)
        setup_failed("setsid");
    int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd == -1)
        setup_failed("open /dev/null");
    /* Move the channel ends above the target numbers first, then into place. */
    int moved[5];
    for (int i = 0; i < 5; i++) {
        int fd = i == 0 && fds[0] == -1 ? null_fd : fds[i];
        if ((moved[i] = fd == -1 ? -1 : fcntl(fd, F_DUPFD, 10)) == -1 && fd != -1)
            setup_failed("fcntl F_DUPFD");
    }
    for (int i = 0; i < 5; i++)
        if (moved[i] == -1 ? close(i) == -1 && errno != EBADF : dup2(moved[i], i) == -1)
            setup_failed("dup2");
    if (job->run_key != NULL)
        setup_failed_to(OT_RESULT_FD, job->run_key, setup_test);
    if (syscall(SYS_close_range, 5u, ~0u, 0) == -1)
        for (int fd = 5; fd < 1024; fd++)
            close(fd);
    if (chdir(job->workdir) == -1)
        setup_failed("chdir %s", job->workdir);

    /* If the machine runs out of memory, the kernel must pick the test's
     * processes first, never the grader's. */
    int oom = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    if (oom != -1) {
        if (write(oom, "1000", 4) == -1)
            warn_errno("runner: oom_score_adj");
        close(oom);
    }
    limit(RLIMIT_CORE, 0, 0, "core");
    /* The soft limit is below the hard one, so that a busy process gets
     * SIGXCPU (reported as the CPU limit) before the kernel's SIGKILL. */
    rlim_t cpu = (rlim_t)(job->timeout_ms / 1000 + 1);
    limit(RLIMIT_CPU, cpu, cpu + 1, "cpu");
    limit(RLIMIT_FSIZE, SANDBOX_FSIZE, SANDBOX_FSIZE, "fsize");
    limit(RLIMIT_NOFILE, SANDBOX_NOFILE, SANDBOX_NOFILE, "nofile");
    /* A test may declare larger limits in tests.def (the kit's file, never
     * the submission's); a sanitizer build gets no address-space limit. */
    if (!sb->sanitizer && job->address_space_mib != OT_UNLIMITED) {
        rlim_t as = (rlim_t)(job->address_space_mib > 0 ? job->address_space_mib : SANDBOX_AS_MIB)
                    << 20;
        limit(RLIMIT_AS, as, as, "as");
    }
    /* RLIMIT_NPROC counts every process of the real UID: as root that is
     * the UID of this run alone, in a user namespace those of the namespace;
     * as a plain user it is all of the user's, so theirs are added. */
    rlim_t tasks = job->max_tasks > 0 ? (rlim_t)job->max_tasks : SANDBOX_NPROC;
    bool shared_uid = !sb->privileged && !sb->user_ns;
    rlim_t nproc = tasks + (rlim_t)(shared_uid ? tasks_of_uid(sb->uid) : 0);
    limit(RLIMIT_NPROC, nproc, nproc, "nproc");
    if (sb->privileged) {
        if (setgroups(0, NULL) == -1 || setgid(sb->gid) == -1 || setuid(sb->uid) == -1)
            setup_failed("cannot drop privileges to uid %u", (unsigned)sb->uid);
    }
    if (!sb->isolated) {
        /* After the UID change, which clears it: die with the runner. (In a
         * namespace the kernel ends everything when the init ends.) */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() == 1)
            _exit(125);
    }
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
        setup_failed("prctl PR_SET_NO_NEW_PRIVS");
    if (install_seccomp(sb->sanitizer) == -1)
        setup_failed("seccomp");

    char env_program[PATH_MAX + 32], env_home[PATH_MAX + 16], env_tmp[PATH_MAX + 16];
    snprintf(env_program, sizeof env_program, "OSLAB_PROGRAM=%s", job->program ? job->program : "");
    snprintf(env_home, sizeof env_home, "HOME=%s", job->workdir);
    snprintf(env_tmp, sizeof env_tmp, "TMPDIR=%s", job->workdir);
    const char *asan = getenv("ASAN_OPTIONS"), *ubsan = getenv("UBSAN_OPTIONS");
    char env_asan[512], env_ubsan[512];
    snprintf(env_asan, sizeof env_asan, "ASAN_OPTIONS=%s", asan ? asan : "");
    snprintf(env_ubsan, sizeof env_ubsan, "UBSAN_OPTIONS=%s", ubsan ? ubsan : "print_stacktrace=1");
    /* OSLAB_SEED, when the grader was given one, reaches the tests: it picks
     * other (still reproducible) random inputs for every test of the run. */
    const char *seed = getenv("OSLAB_SEED");
    char env_seed[64];
    snprintf(env_seed, sizeof env_seed, "OSLAB_SEED=%.40s", seed ? seed : "");
    char *const envp[] = {"PATH=/usr/local/bin:/usr/bin:/bin", "LC_ALL=C", env_program,
                          env_home, env_tmp, env_asan, env_ubsan,
                          seed != NULL ? env_seed : NULL, NULL};
    signal(SIGPIPE, SIG_DFL);
    execve(job->argv[0], job->argv, envp);
    setup_failed("cannot exec %s", job->argv[0]);
}

/* ---- Cgroups --------------------------------------------------------------------- */

/* This runner's cgroup folders: v1 pids and memory, or one v2 folder. */
static char cgroup_base[2][224];
static bool cgroup_v2;

/* Write TEXT to the file DIR/NAME; false on failure. */
static bool write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd == -1)
        return false;
    bool ok = write_all(fd, text, strlen(text)) == 0;
    return close(fd) == 0 && ok;
}

/* The path of our cgroup in the hierarchy with controller CONTROLLER ("" for
 * v2's) from /proc/self/cgroup, into PATH; false if there is none. */
static bool own_cgroup(const char *controller, char *path, size_t len)
{
    FILE *f = fopen("/proc/self/cgroup", "re");
    if (f == NULL)
        return false;
    char line[512];
    bool found = false;
    while (!found && fgets(line, sizeof line, f) != NULL) {
        char *names = strchr(line, ':'), *where = names ? strchr(names + 1, ':') : NULL;
        if (where == NULL)
            continue;
        *where++ = '\0';
        where[strcspn(where, "\n")] = '\0';
        names++;
        for (char *name = strtok(names, ","); name != NULL && !found; name = strtok(NULL, ","))
            found = strcmp(name, controller) == 0;
        if (*controller == '\0' && *names == '\0')
            found = true;
        if (found)
            snprintf(path, len, "%s", strcmp(where, "/") == 0 ? "" : where);
    }
    fclose(f);
    return found;
}

/* Make this runner's cgroup folders (root only); say in NOTE why not. */
static bool cgroup_setup(char *note, size_t len)
{
    char own[160], unique[40];
    uint32_t bits = 0;
    if (getrandom(&bits, sizeof bits, 0) != (ssize_t)sizeof bits)
        bits = (uint32_t)getpid();
    snprintf(unique, sizeof unique, "oslab-%d-%08x", (int)getpid(), (unsigned)bits);
    if (access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0) {
        /* v2: a cgroup that holds processes (ours holds us and whoever
         * started us) cannot hand controllers to its children, the root
         * aside. So our folder goes under the nearest of our cgroup and its
         * ancestors that hands out pids and memory already, or can be made
         * to (the root can): as root on a systemd host, the root; in a
         * container whose processes all sit in its top cgroup, none. */
        cgroup_v2 = true;
        if (!own_cgroup("", own, sizeof own)) {
            snprintf(note, len, "no cgroup v2 entry in /proc/self/cgroup");
            return false;
        }
        for (;;) {
            char parent[200];
            snprintf(parent, sizeof parent, "/sys/fs/cgroup%s", own);
            snprintf(cgroup_base[0], sizeof cgroup_base[0], "/sys/fs/cgroup%s/%s", own, unique);
            if (write_file(parent, "cgroup.subtree_control", "+pids +memory") &&
                mkdir(cgroup_base[0], 0755) == 0) {
                if (write_file(cgroup_base[0], "cgroup.subtree_control", "+pids +memory"))
                    return true;
                rmdir(cgroup_base[0]);
            }
            char *slash = strrchr(own, '/');
            if (slash == NULL)
                break; /* the root tried too */
            *slash = '\0';
        }
        cgroup_base[0][0] = '\0';
        snprintf(note, len, "cgroup v2: no cgroup above this one can hand out the pids and memory "
                            "controllers (%s)", strerror(errno));
        return false;
    }
    static const char *const controllers[2] = {"pids", "memory"};
    for (int i = 0; i < 2; i++) {
        if (!own_cgroup(controllers[i], own, sizeof own)) {
            snprintf(note, len, "no %s cgroup controller", controllers[i]);
            return false;
        }
        snprintf(cgroup_base[i], sizeof cgroup_base[i], "/sys/fs/cgroup/%s%s/%s",
                 controllers[i], own, unique);
        if (mkdir(cgroup_base[i], 0755) == -1) {
            snprintf(note, len, "cannot make a %s cgroup (%s)", controllers[i], strerror(errno));
            if (i == 1)
                rmdir(cgroup_base[0]);
            return false;
        }
    }
    return true;
}

/* Remove this runner's cgroup folders (at exit). */
static void cgroup_teardown(void)
{
    for (int i = 0; i < 2; i++)
        if (cgroup_base[i][0] != '\0')
            rmdir(cgroup_base[i]);
}

bool cgroup_create(const struct sandbox *sb, const struct job *job, char paths[2][256])
{
    paths[0][0] = paths[1][0] = '\0';
    if (!sb->cgroup)
        return false;
    long tasks = job->max_tasks > 0 ? job->max_tasks : SANDBOX_NPROC;
    long mib = job->address_space_mib > 0 ? job->address_space_mib : SANDBOX_AS_MIB;
    char pids_max[32], memory_max[32];
    /* The test's tasks, its init and a little room for the runner's helpers. */
    snprintf(pids_max, sizeof pids_max, "%ld", tasks + 8);
    /* For the whole test: what one process may map, and half as much again. */
    snprintf(memory_max, sizeof memory_max, "%ld", (mib + mib / 2) << 20);
    for (int i = 0; i < (cgroup_v2 ? 1 : 2); i++) {
        snprintf(paths[i], 256, "%.220s/run-%d", cgroup_base[i], job->index);
        rmdir(paths[i]);
        if (mkdir(paths[i], 0755) == -1) {
            paths[i][0] = '\0';
            cgroup_destroy(paths);
            return false;
        }
    }
    bool ok = cgroup_v2 ? write_file(paths[0], "pids.max", pids_max) &&
                              (job->address_space_mib == OT_UNLIMITED ||
                               write_file(paths[0], "memory.max", memory_max))
                        : write_file(paths[0], "pids.max", pids_max) &&
                              (job->address_space_mib == OT_UNLIMITED ||
                               write_file(paths[1], "memory.limit_in_bytes", memory_max));
    if (!ok)
        cgroup_destroy(paths);
    return ok;
}

bool cgroup_enter(char paths[2][256])
{
    for (int i = 0; i < 2; i++)
        if (paths[i][0] != '\0' && !write_file(paths[i], "cgroup.procs", "0"))
            return false;
    return true;
}

bool cgroup_hit_memory_limit(char paths[2][256])
{
    char path[300], line[128];
    const char *dir = cgroup_v2 ? paths[0] : paths[1];
    if (dir[0] == '\0')
        return false;
    snprintf(path, sizeof path, "%s/%s", dir, cgroup_v2 ? "memory.events" : "memory.failcnt");
    FILE *f = fopen(path, "re");
    if (f == NULL)
        return false;
    bool hit = false;
    long value;
    while (fgets(line, sizeof line, f) != NULL)
        if (cgroup_v2 ? sscanf(line, "oom_kill %ld", &value) == 1 && value > 0
                      : sscanf(line, "%ld", &value) == 1 && value > 0)
            hit = true;
    fclose(f);
    return hit;
}

void cgroup_destroy(char paths[2][256])
{
    for (int i = 0; i < 2; i++) {
        if (paths[i][0] == '\0')
            continue;
        /* One kill for everything (v2 5.14+), else each process until none. */
        if (i == 0 && cgroup_v2)
            write_file(paths[i], "cgroup.kill", "1");
        int64_t give_up = now_ms() + 5000;
        while (rmdir(paths[i]) == -1 && errno == EBUSY && now_ms() < give_up) {
            char procs[300];
            snprintf(procs, sizeof procs, "%s/cgroup.procs", paths[i]);
            FILE *f = fopen(procs, "re");
            int pid;
            while (f != NULL && fscanf(f, "%d", &pid) == 1)
                kill(pid, SIGKILL);
            if (f != NULL)
                fclose(f);
            while (waitpid(-1, NULL, WNOHANG) > 0)
                ;
            sleep_ms(1);
        }
        paths[i][0] = '\0';
    }
}

/* ---- Choosing ---------------------------------------------------------------------- */

/* Can a child of ours become UID? (In a user namespace it may not be mapped.) */
static bool can_become(uid_t uid)
{
    pid_t pid = fork();
    if (pid == -1)
        exit_errno("fork");
    if (pid == 0)
        _exit(setgroups(0, NULL) == 0 && setgid(uid) == 0 && setuid(uid) == 0 ? 0 : 1);
    int status;
    while (waitpid(pid, &status, 0) == -1)
        if (errno != EINTR)
            exit_errno("waitpid");
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* A random UID no account and no process uses, that we can become: from
 * 1500000000 up, or else from the ranges our user namespace maps. Never a
 * shared one such as nobody: kill(-1) as the test's UID, and the sweep, must
 * reach this run's processes and no one else's. (uid_t)-1 if none. */
static uid_t unused_uid(void)
{
    unsigned long ranges[16][2]; /* first, count */
    size_t n_ranges = 0;
    FILE *map = fopen("/proc/self/uid_map", "re");
    unsigned long inside, outside, count;
    while (map != NULL && n_ranges < 16 && fscanf(map, "%lu %lu %lu", &inside, &outside, &count) == 3)
        if (count > 1) {
            ranges[n_ranges][0] = inside;
            ranges[n_ranges++][1] = count;
        }
    if (map != NULL)
        fclose(map);
    for (int attempt = 0; attempt < 16; attempt++) {
        uint32_t bits;
        if (getrandom(&bits, sizeof bits, 0) != (ssize_t)sizeof bits)
            bits = (uint32_t)getpid() * 2654435761u + (uint32_t)attempt;
        uid_t candidate = 1500000000u + (uid_t)(bits % 500000000u);
        if (attempt >= 4 && n_ranges > 0) {
            /* A container maps fewer UIDs: pick one of them, above 1000. */
            size_t r = bits % n_ranges;
            unsigned long first = ranges[r][0] < 1000 ? 1000 : ranges[r][0];
            unsigned long end = ranges[r][0] + ranges[r][1];
            if (end <= first + 1)
                continue;
            candidate = (uid_t)(first + (bits / 7) % (end - first - 1));
            if (candidate == 65534 || candidate == 65535)
                continue;
        }
        if (getpwuid(candidate) == NULL && tasks_of_uid(candidate) == 0 && can_become(candidate))
            return candidate;
    }
    return (uid_t)-1;
}

struct sandbox sandbox_choose(const char *workdir)
{
    struct sandbox sb = {.uid = getuid(), .gid = getgid()};
    const char *san = getenv("OSLAB_SANITIZER");
    sb.sanitizer = san != NULL && *san != '\0';
    const char *want = getenv("OSLAB_SANDBOX");
    if (want == NULL)
        want = "";
    if (*want != '\0' && strcmp(want, "fallback") != 0 && strcmp(want, "isolated") != 0)
        exit_msg("runner: OSLAB_SANDBOX must be 'isolated', 'fallback' or unset, not '%s'", want);
    if (geteuid() == 0) {
        uid_t uid = unused_uid();
        if (uid != (uid_t)-1) {
            sb.privileged = true;
            sb.uid = sb.gid = uid;
        }
        sb.cgroup = cgroup_setup(sb.cgroup_note, sizeof sb.cgroup_note);
        if (sb.cgroup)
            atexit(cgroup_teardown);
    } else {
        snprintf(sb.cgroup_note, sizeof sb.cgroup_note, "not root");
    }
    if (strcmp(want, "fallback") != 0) {
        char why[256] = "";
        sb.isolated = true;
        sb.user_ns = geteuid() != 0;
        if (!isolate_try(&sb, workdir, why, sizeof why)) {
            sb.isolated = sb.user_ns = false;
            if (strcmp(want, "isolated") == 0)
                exit_msg("runner: OSLAB_SANDBOX=isolated, but tests cannot be isolated here: %s",
                         why);
        }
    }
    return sb;
}

void sandbox_describe(const struct sandbox *sb, char *buf, size_t len)
{
    char limits[256];
    if (sb->cgroup)
        snprintf(limits, sizeof limits, "a cgroup per test (processes, memory)");
    else
        snprintf(limits, sizeof limits, "no cgroup: %s", sb->cgroup_note);
    if (sb->isolated && sb->privileged)
        snprintf(buf, len, "  sandbox: isolated: each test in its own PID, IPC and mount "
                 "namespaces as uid %u, private /tmp and /dev/shm; %s",
                 (unsigned)sb->uid, limits);
    else if (sb->isolated)
        snprintf(buf, len, "  sandbox: isolated, unprivileged mode: each test in its own user, "
                 "PID, IPC and mount namespaces as you (uid %u), your files read-only to it; %s",
                 (unsigned)sb->uid, limits);
    else if (sb->privileged)
        snprintf(buf, len, "  sandbox: fallback: tests run as uid %u with process, memory and "
                 "file limits, leftovers swept; %s", (unsigned)sb->uid, limits);
    else
        snprintf(buf, len, "  sandbox: fallback, unprivileged mode: tests run as you (uid %u); "
                 "a submission could kill the grader's processes or change your files",
                 (unsigned)sb->uid);
}
