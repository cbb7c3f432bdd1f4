/*
 * support.c - helpers shared by Lab 01's tests (see support.h).
 */
#include "oslab.h"

#include <ctype.h>    /* isdigit */
#include <signal.h>   /* kill, sigprocmask */
#include <sys/wait.h> /* waitpid */

#include "support.h"

enum { TAIL_BYTES = 600, MAX_OPTIONS = 16 };

/* The last TAIL_BYTES of TEXT, from the start of a line. */
static const char *tail(const char *text)
{
    size_t len = strlen(text);
    if (len <= TAIL_BYTES)
        return text;
    const char *start = text + len - TAIL_BYTES;
    const char *newline = strchr(start, '\n');
    return newline != NULL ? newline + 1 : start;
}

bool runs_sleep(void *arg)
{
    char path[64], comm[64] = "";
    snprintf(path, sizeof path, "/proc/%d/comm", (int)*(pid_t *)arg);
    char *text = ot_read_file(path);
    if (text != NULL)
        snprintf(comm, sizeof comm, "%s", text);
    free(text);
    return strncmp(comm, "sleep", 5) == 0;
}

const char *pm_program(void)
{
    return ot_program_named("forkdelay/procman");
}

struct pm *pm_start(const char *program, ...)
{
    const char *argv[MAX_OPTIONS + 2];
    char path[4096];
    snprintf(path, sizeof path, "%s", program); /* ot_program's buffer is reused */
    va_list ap;
    va_start(ap, program);
    ot_argv_from(argv, sizeof argv / sizeof argv[0], path, ap);
    va_end(ap);

    struct pm *pm = calloc(1, sizeof *pm);
    if (pm == NULL)
        OT_FAIL("out of memory");
    pm->session = ot_start(argv);
    pm->pid = ot_session_pid(pm->session);
    return pm;
}

void pm_send(struct pm *pm, const char *fmt, ...)
{
    char line[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    ot_send(pm->session, "%s\n", line);
}

/*
 * A black-box test fails in the task it tests, but the fault is often in a
 * function of another task: what procman printed says which, when it can.
 * "" when it says nothing more.
 */
static const char *blame(struct pm *pm)
{
    static char text[512];
    const char *err = ot_text(pm->session, OT_STDERR);
    const char *stub = strstr(err, ": not implemented (TODO in lifecycle.c)");
    if (stub != NULL) {
        const char *name = stub;
        while (name > err && name[-1] != ' ' && name[-1] != '\n')
            name--;
        snprintf(text, sizeof text,
                 "\nThe function at fault: %.*s, still a stub (procman said so on stderr).",
                 (int)(stub - name), name);
        return text;
    }
    if (strstr(err, "(unknown child)") != NULL)
        return "\nThe function at fault: start_command or start_worker: the SIGCHLD handler "
               "reaped a child that was not in the table yet (\"(unknown child)\" in the log): "
               "block SIGCHLD before fork() and restore the mask after table_add() (Task 7).";
    if (strstr(err, ": wait status 0x") != NULL ||
        strstr(ot_text(pm->session, OT_STDOUT), ": wait status 0x") != NULL)
        return "\nThe function at fault: describe_status (Task 1): it did not decode a status.";
    return "";
}

const char *pm_expect(struct pm *pm, enum ot_stream which, const char *needle, int timeout_ms,
                      const char *why)
{
    const char *line = ot_expect(pm->session, which, needle, timeout_ms);
    if (line != NULL)
        return line;
    OT_FAIL("expected a line with \"%s\" on procman's %s within %d ms: %s%s\n"
            "--- procman's stdout (end):\n%s\n--- procman's stderr (end):\n%s",
            needle, which == OT_STDOUT ? "stdout" : "stderr", timeout_ms, why, blame(pm),
            tail(ot_text(pm->session, OT_STDOUT)), tail(ot_text(pm->session, OT_STDERR)));
}

/* The line of TEXT containing NEEDLE, copied into one of a few static buffers. */
static const char *line_with(const char *text, const char *needle)
{
    static char lines[8][1024];
    static size_t next;
    const char *hit = strstr(text, needle);
    if (hit == NULL)
        return NULL;
    const char *start = hit;
    while (start > text && start[-1] != '\n')
        start--;
    size_t len = strcspn(start, "\n");
    char *copy = lines[next++ % 8];
    snprintf(copy, sizeof lines[0], "%.*s", (int)len, start);
    return copy;
}

const char *pm_find(struct pm *pm, enum ot_stream which, const char *needle, int timeout_ms,
                    const char *why)
{
    int64_t deadline = now_ms() + timeout_ms;
    for (;;) {
        const char *line = line_with(ot_text(pm->session, which), needle);
        if (line != NULL)
            return line;
        if (now_ms() >= deadline)
            break;
        ot_pump(pm->session, 5);
    }
    OT_FAIL("expected a line with \"%s\" on procman's %s within %d ms: %s%s\n"
            "--- procman's stdout (end):\n%s\n--- procman's stderr (end):\n%s",
            needle, which == OT_STDOUT ? "stdout" : "stderr", timeout_ms, why, blame(pm),
            tail(ot_text(pm->session, OT_STDOUT)), tail(ot_text(pm->session, OT_STDERR)));
}

/* Remember PID as one of PM's children, to kill at pm_end. */
static void remember_child(struct pm *pm, pid_t pid)
{
    if (pm->child_count < PM_MAX_CHILDREN)
        pm->children[pm->child_count++] = pid;
}

pid_t pm_spawn(struct pm *pm, const char *command)
{
    pm_send(pm, "spawn %s", command);
    const char *line = pm_expect(pm, OT_STDOUT, "started ", 2000,
                                 "'spawn' prints \"started PID COMMAND\" at once");
    int pid = 0;
    char expected[512];
    OT_ASSERT(sscanf(line, "started %d", &pid) == 1 && pid > 0,
              "after 'spawn %s' procman printed \"%s\", not \"started PID %s\"", command, line,
              command);
    snprintf(expected, sizeof expected, "started %d %s", pid, command);
    OT_ASSERT(strcmp(line, expected) == 0,
              "after 'spawn %s' procman printed \"%s\", expected \"%s\"", command, line, expected);
    remember_child(pm, pid);
    return pid;
}

void pm_create(struct pm *pm, int n, pid_t *pids)
{
    pm_send(pm, "create %d", n);
    for (int i = 0; i < n; i++) {
        const char *line = pm_expect(pm, OT_STDOUT, "started ", 2000,
                                     "'create N' prints \"started PID [worker]\" per worker");
        int pid = 0;
        OT_ASSERT(sscanf(line, "started %d [worker]", &pid) == 1 && pid > 0,
                  "after 'create %d' procman printed \"%s\", not \"started PID [worker]\"", n,
                  line);
        pids[i] = pid;
        remember_child(pm, pid);
    }
}

void pm_quit(struct pm *pm, int timeout_ms)
{
    pm_send(pm, "quit");
    bool timed_out = false;
    int status = ot_wait(pm->session, timeout_ms, &timed_out);
    char how[64];
    OT_ASSERT(!timed_out,
              "procman did not exit within %d ms of 'quit': it must SIGTERM every child, SIGKILL "
              "what is left after --grace-ms, reap them all and exit\n--- stderr (end):\n%s",
              timeout_ms, tail(ot_text(pm->session, OT_STDERR)));
    OT_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0,
              "procman %s after 'quit', expected exit status 0\n--- stderr (end):\n%s",
              ot_describe_status(status, how, sizeof how), tail(ot_text(pm->session, OT_STDERR)));
}

void pm_end(struct pm *pm)
{
    if (pm == NULL)
        return;
    ot_end(pm->session);
    /* Background children are in groups of their own: ot_end's kill of
     * procman's group does not reach them. A PID that is gone, or a zombie,
     * needs nothing. */
    for (size_t i = 0; i < pm->child_count; i++) {
        char state = ot_proc_state(pm->children[i]);
        if (state != 0 && state != 'Z')
            kill(pm->children[i], SIGKILL);
    }
    free(pm);
}

size_t count_occurrences(const char *text, const char *needle)
{
    size_t count = 0;
    for (const char *p = strstr(text, needle); p != NULL; p = strstr(p + 1, needle))
        count++;
    return count;
}

int64_t log_time(const char *line)
{
    int hours, minutes, seconds, millis;
    if (sscanf(line, "%2d:%2d:%2d.%3d", &hours, &minutes, &seconds, &millis) != 4)
        OT_FAIL("an event-log line does not start with HH:MM:SS.mmm: \"%s\"", line);
    return ((int64_t)hours * 3600 + minutes * 60 + seconds) * 1000 + millis;
}

int64_t log_time_diff(int64_t a, int64_t b)
{
    int64_t day = 24 * 3600 * 1000;
    return ((b - a) % day + day) % day;
}

long proc_stat_field(pid_t pid, int number)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    char *stat = ot_read_file(path);
    if (stat == NULL)
        return -1;
    /* Field 2, the command name, may hold spaces: count from its ')'. */
    long value = -1;
    char *p = strrchr(stat, ')');
    for (int field = 2; p != NULL && field < number; field++)
        p = strchr(p + 1, ' ');
    if (p != NULL)
        value = strtol(p + 1, NULL, 10);
    free(stat);
    return value;
}

unsigned long long proc_status_mask(pid_t pid, const char *name)
{
    char path[64], key[64];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    snprintf(key, sizeof key, "\n%s:", name);
    char *text = ot_read_file(path);
    if (text == NULL)
        return 0;
    char *line = strstr(text, key);
    unsigned long long mask = line != NULL ? strtoull(line + strlen(key), NULL, 16) : 0;
    free(text);
    return mask;
}

/* ot_wait_until predicate: is the PID at ARG a zombie (or gone)? */
static bool is_zombie(void *arg)
{
    char state = ot_proc_state(*(pid_t *)arg);
    return state == 'Z' || state == 0;
}

bool wait_for_zombie(pid_t pid, int timeout_ms)
{
    return ot_wait_until(is_zombie, &pid, timeout_ms);
}

/* ot_wait_until predicate: has the PID at ARG blocked its signals? */
static bool blocks_signals(void *arg)
{
    return proc_status_mask(*(pid_t *)arg, "SigBlk") != 0;
}

pid_t start_foreign_process(void)
{
    fflush(NULL);
    pid_t pid = fork();
    OT_ASSERT(pid != -1, "test: fork: %s", strerror(errno));
    if (pid == 0) {
        sigset_t all;
        sigfillset(&all);
        sigprocmask(SIG_SETMASK, &all, NULL);
        for (;;)
            pause(); /* every signal it can block stays pending: the test can see it */
    }
    OT_ASSERT(ot_wait_until(blocks_signals, &pid, 2000),
              "test: the foreign process did not block its signals");
    return pid;
}

void end_own_child(pid_t pid)
{
    kill(pid, SIGKILL);
    while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
        continue;
}
