/*
 * supervise.c - running one piece of untrusted code (a test, or a compiler
 * on a submission) under the sandbox: the one routine both go through.
 *
 * It makes the pipes (stdout, stderr, and for a test the key and result
 * channels), starts the code confined (isolated: under the kit's init in
 * new namespaces; fallback: a forked child), drains the output while
 * keeping the first KEEP_OUTPUT bytes, enforces the wall-clock deadline
 * (SIGTERM, then SIGKILL TERM_GRACE_MS later), and collects what was left.
 */
#include "runner.h"

#include <fcntl.h>       /* O_CLOEXEC, O_NONBLOCK */
#include <poll.h>        /* poll */
#include <signal.h>      /* kill */
#include <sys/stat.h>    /* fstat: the result channel's inode */
#include <sys/syscall.h> /* SYS_pidfd_open */
#include <sys/wait.h>    /* waitpid */

#define REPORT_MAX 65536 /* bytes of the init's report read */

volatile pid_t running_untrusted;

/* A stream the runner reads: its descriptor and where its bytes go. */
struct stream {
    int fd;
    char *keep;
    size_t *kept, *total, cap;
};

/* Read what S has now into its buffer (up to its cap) and count it; false at EOF. */
static bool drain(struct stream *s)
{
    char chunk[65536];
    for (;;) {
        ssize_t n = read(s->fd, chunk, sizeof chunk);
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1 && errno == EAGAIN)
            return true;
        if (n <= 0)
            return false;
        size_t room = s->cap - *s->kept;
        size_t take = (size_t)n < room ? (size_t)n : room;
        memcpy(s->keep + *s->kept, chunk, take);
        *s->kept += take;
        s->keep[*s->kept] = '\0';
        *s->total += (size_t)n;
    }
}

/* A pipe whose ends are close-on-exec; exit on failure. */
static void make_pipe(int fds[2])
{
    if (pipe2(fds, O_CLOEXEC) == -1)
        exit_errno("pipe");
}

/* Send COMMAND to the sandbox's init through its command pipe CTL. */
static void stop_command(int ctl, char command)
{
    if (write(ctl, &command, 1) == -1 && errno != EPIPE)
        warn_errno("runner: write to the sandbox's init");
}

/* Ask the untrusted code to end (TERM) or end it (KILL): through the init's
 * command pipe CTL when isolated, else by signals to its session (the
 * programs a test started lead process groups of their own). */
static void stop(const struct sandbox *sb, pid_t pid, int ctl, bool kill_it)
{
    if (sb->isolated) {
        stop_command(ctl, kill_it ? 'K' : 'T');
        return;
    }
    int sig = kill_it ? SIGKILL : SIGTERM;
    kill(pid, sig);
    if (!kill_it)
        kill(pid, SIGCONT);
    signal_session(pid, sig, false); /* no reaping: PID's status is still to come */
}

void run_untrusted(const struct sandbox *sb, const struct job *job, const char *lab,
                   const char *test, struct outcome *out, struct leftovers *lo)
{
    (void)lab;
    int out_pipe[2], err_pipe[2], key_pipe[2] = {-1, -1}, result_pipe[2] = {-1, -1};
    int ctl_pipe[2] = {-1, -1}, report_pipe[2] = {-1, -1};
    make_pipe(out_pipe);
    make_pipe(err_pipe);
    /* Larger pipes: a test that floods its output costs fewer wake-ups. */
    fcntl(out_pipe[0], F_SETPIPE_SZ, 1 << 20);
    fcntl(err_pipe[0], F_SETPIPE_SZ, 1 << 20);
    if (job->run_key != NULL) {
        make_pipe(key_pipe);
        make_pipe(result_pipe);
        struct stat st;
        if (fstat(result_pipe[0], &st) == -1)
            exit_errno("fstat");
        out->channel = (unsigned long long)st.st_ino;
    }
    if (sb->isolated) {
        make_pipe(ctl_pipe);
        make_pipe(report_pipe);
    }
    setup_failed_to(result_pipe[1], job->run_key, test);
    char cgroups[2][256];
    cgroup_create(sb, job, cgroups);
    struct snapshot *before = sb->isolated ? NULL : sweep_snapshot();
    const int child_fds[5] = {-1, out_pipe[1], err_pipe[1], key_pipe[0], result_pipe[1]};

    int64_t start = now_ms();
    fflush(NULL);
    pid_t pid;
    if (sb->isolated) {
        pid = isolate_start(sb, job, child_fds, ctl_pipe[0], report_pipe[1], cgroups);
    } else {
        pid = fork();
        if (pid == 0) {
            if (!cgroup_enter(cgroups))
                setup_failed("enter the test's cgroup");
            sandbox_exec(sb, job, child_fds);
        }
    }
    int start_errno = errno;
    running_untrusted = pid > 0 ? pid : 0;
    for (int i = 1; i < 5; i++)
        if (child_fds[i] != -1)
            close(child_fds[i]);
    if (ctl_pipe[0] != -1) {
        close(ctl_pipe[0]);
        close(report_pipe[1]);
    }
    if (pid == -1) {
        snprintf(out->setup_error, sizeof out->setup_error, "runner: cannot start the %s: %s",
                 sb->isolated ? "namespaces (clone)" : "test (fork)", strerror(start_errno));
    }
    if (pid != -1 && job->run_key != NULL) {
        char message[OT_KEY_MESSAGE_LEN + 1];
        ot_format_key_message(job->run_key, message);
        if (write_all(key_pipe[1], message, strlen(message)) == -1 && errno != EPIPE)
            exit_errno("write the key");
    }
    if (key_pipe[1] != -1)
        close(key_pipe[1]);

    static char report[REPORT_MAX + 1];
    size_t report_len = 0, report_total = 0, result_total = 0;
    struct stream streams[4] = {
        {out_pipe[0], out->out, &out->out_len, &out->out_total, KEEP_OUTPUT},
        {err_pipe[0], out->err, &out->err_len, &out->err_total, KEEP_OUTPUT},
        {result_pipe[0], out->result, &out->result_len, &result_total, RESULT_MAX - 1},
        {report_pipe[0], report, &report_len, &report_total, REPORT_MAX},
    };
    report[0] = '\0';
    for (int i = 0; i < 4; i++)
        if (streams[i].fd != -1 && fcntl(streams[i].fd, F_SETFL, O_NONBLOCK) == -1)
            exit_errno("fcntl");
    /* A pidfd becomes readable when the child ends: no polling loop needed. */
    int pidfd = pid == -1 ? -1 : (int)syscall(SYS_pidfd_open, pid, 0);
    int64_t deadline = start + job->timeout_ms, kill_at = 0, give_up_at = 0;
    /* A first look at the threads this long before the deadline, a second
     * at it (hangs.c): what a test that times out was doing. */
    int64_t look_ms = job->timeout_ms / 2 < 250 ? job->timeout_ms / 2 : 250;
    int64_t look_at = job->run_key != NULL ? deadline - look_ms : 0;
    struct hang_sample first = {0}, second = {0};
    int status = 0;
    bool reaped = pid == -1;
    while (!reaped) {
        struct pollfd pfd[5];
        nfds_t n = 0;
        for (int i = 0; i < 4; i++)
            if (streams[i].fd != -1)
                pfd[n++] = (struct pollfd){.fd = streams[i].fd, .events = POLLIN};
        if (pidfd != -1)
            pfd[n++] = (struct pollfd){.fd = pidfd, .events = POLLIN};
        int64_t now = now_ms();
        int64_t wake = give_up_at ? give_up_at : kill_at ? kill_at : look_at ? look_at : deadline;
        int wait = wake > now ? (int)(wake - now) : 0;
        if (pidfd == -1 && wait > 10)
            wait = 10; /* no pidfd (old kernel): look at waitpid often */
        if (poll(pfd, n, wait) == -1 && errno != EINTR)
            exit_errno("poll");
        for (int i = 0; i < 4; i++)
            if (streams[i].fd != -1 && !drain(&streams[i])) {
                close(streams[i].fd);
                streams[i].fd = -1;
            }
        if (waitpid(pid, &status, WNOHANG) == pid)
            break;
        now = now_ms();
        if (look_at != 0 && now >= look_at) {
            look_at = 0;
            if (sb->isolated)
                stop_command(ctl_pipe[1], 'S');
            else
                hang_sample(&first, pid);
        } else if (kill_at == 0 && now >= deadline) {
            /* Deadline: ask politely, so that programs can clean up... */
            out->timed_out = true;
            if (!sb->isolated) {
                hang_sample(&second, pid);
                hang_describe(&first, &second, out->hang, sizeof out->hang);
            }
            stop(sb, pid, ctl_pipe[1], false);
            kill_at = now + TERM_GRACE_MS;
        } else if (kill_at != 0 && give_up_at == 0 && now >= kill_at) {
            /* ...then not. SIGKILL cannot be caught, ignored or blocked. */
            stop(sb, pid, ctl_pipe[1], true);
            give_up_at = now + 2000;
        } else if (give_up_at != 0 && now >= give_up_at) {
            /* The init itself does not answer: end the whole namespace. */
            kill(pid, SIGKILL);
            give_up_at = now + 1000;
        }
    }
    running_untrusted = 0;
    out->seconds = (double)(now_ms() - start) / 1000.0;
    /* Processes the test left may hold the pipes open: take what is there now. */
    for (int i = 0; i < 4; i++)
        if (streams[i].fd != -1) {
            drain(&streams[i]);
            close(streams[i].fd);
        }
    if (pidfd != -1)
        close(pidfd);
    hang_free(&first);
    hang_free(&second);
    if (ctl_pipe[1] != -1)
        close(ctl_pipe[1]);

    if (pid == -1) {
        if (before != NULL)
            sweep_after(sb, before, lo);
    } else if (sb->isolated) {
        isolate_read_report(report, out, lo);
        if (!out->status_known && !out->timed_out && out->setup_error[0] == '\0')
            snprintf(out->setup_error, sizeof out->setup_error,
                     "runner: the sandbox's init ended without a report (wait status %d)", status);
    } else {
        out->status = status;
        out->status_known = true;
        /* A timed-out test's processes are the harness's to stop, not leftovers. */
        if (out->timed_out)
            end_session(pid, kill_at);
        sweep_after(sb, before, lo);
    }
    out->memory_limit = cgroup_hit_memory_limit(cgroups);
    cgroup_destroy(cgroups);
}
