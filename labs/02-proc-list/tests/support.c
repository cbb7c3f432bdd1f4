/*
 * support.c - what the tests of lab 02 share (see support.h).
 */
#include "oslab.h"

#include <ctype.h>  /* isspace */
#include <dirent.h> /* opendir */
#include <signal.h>
#include <sys/wait.h> /* waitpid */
#include <time.h>     /* localtime_r */

#include "support.h"

/* Path of a program built beside pslist, malloc'd. */
char *program_path(const char *name)
{
    char *path = strdup(ot_program_named(name)); /* ot_program_named reuses its buffer */
    if (path == NULL)
        OT_FAIL("test support: out of memory");
    return path;
}

/* Parse "ready PID threads TID... children PID... zombie PID" into T. */
static bool parse_ready(const char *line, struct target *t)
{
    char *copy = strdup(line);
    char *save = NULL;
    int section = 0; /* 1 threads, 2 children, 3 zombie */
    bool ok = copy != NULL && strncmp(copy, "ready ", 6) == 0;

    for (char *word = ok ? strtok_r(copy + 6, " ", &save) : NULL; word != NULL;
         word = strtok_r(NULL, " ", &save)) {
        if (strcmp(word, "threads") == 0) {
            section = 1;
            continue;
        }
        if (strcmp(word, "children") == 0) {
            section = 2;
            continue;
        }
        if (strcmp(word, "zombie") == 0) {
            section = 3;
            continue;
        }
        pid_t value = (pid_t)strtol(word, NULL, 10);
        if (section == 0)
            t->pid = value;
        else if (section == 1 && t->thread_count < TARGET_MAX_THREADS)
            t->tids[t->thread_count++] = value;
        else if (section == 2 && t->child_count < TARGET_MAX_CHILDREN)
            t->children[t->child_count++] = value;
        else if (section == 3)
            t->zombie = value;
    }
    free(copy);
    return ok && t->pid > 0;
}

/* Start pslist-target with ARGS and wait for its "ready" line. */
struct target *target_start(const char *const args[])
{
    const char *argv[64];
    size_t n = 0;
    char *path = program_path("pslist-target");
    struct target *t = calloc(1, sizeof *t);
    if (t == NULL)
        OT_FAIL("test support: out of memory");

    argv[n++] = path;
    for (size_t i = 0; args[i] != NULL && n < 63; i++)
        argv[n++] = args[i];
    argv[n] = NULL;

    /* The command line as /proc shows it: the arguments joined by spaces. */
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(argv[i]) + 1;
    t->cmdline = calloc(len, 1);
    if (t->cmdline == NULL)
        OT_FAIL("test support: out of memory");
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            strcat(t->cmdline, " ");
        strcat(t->cmdline, argv[i]);
    }

    t->session = ot_start(argv);
    free(path);
    const char *ready = ot_expect(t->session, OT_STDOUT, "ready", 3000);
    OT_ASSERT(ready != NULL, "the test program pslist-target did not start: %s",
              ot_text(t->session, OT_STDERR));
    OT_ASSERT(parse_ready(ready, t), "pslist-target: unexpected line '%s'", ready);
    return t;
}

/* Stop T with "quit" (it reaps its own children), reap it, free it. */
void target_stop(struct target *t)
{
    if (t == NULL)
        return;
    if (!t->waited) {
        ot_send(t->session, "quit\n"); /* it reaps its children and exits */
        ot_wait(t->session, 2000, NULL);
    }
    ot_end(t->session);
    free(t->cmdline);
    free(t);
}

/* Wait for T to end by itself or by a signal; its raw wait status. */
int target_wait(struct target *t, int timeout_ms)
{
    t->waited = true;
    return ot_wait(t->session, timeout_ms, NULL);
}

/* T's "ended EPOCH_MS MONO_MS" line: EPOCH_MS as ms of the local day, -1 if it did not come. */
long target_end_time(struct target *t, int timeout_ms)
{
    const char *line = ot_expect(t->session, OT_STDOUT, "ended ", timeout_ms);
    if (line == NULL)
        return -1;
    long long epoch_ms = strtoll(line + 6, NULL, 10);
    time_t seconds = (time_t)(epoch_ms / 1000);
    struct tm local;
    localtime_r(&seconds, &local);
    return ((long)local.tm_hour * 3600 + local.tm_min * 60 + local.tm_sec) * 1000 +
           (long)(epoch_ms % 1000);
}

/* T's "ended EPOCH_MS MONO_MS" line: MONO_MS, the clock now_ms() reads; -1 if it did not come. */
int64_t target_end_monotonic(struct target *t, int timeout_ms)
{
    const char *line = ot_expect(t->session, OT_STDOUT, "ended ", timeout_ms);
    if (line == NULL)
        return -1;
    char *after_epoch;
    strtoll(line + 6, &after_epoch, 10);
    return strtoll(after_epoch, NULL, 10);
}

/* Run PATH with ARGS to its end; a timeout fails the test. */
void run_program(const char *path, const char *const args[], int timeout_ms,
                 struct ot_result *result)
{
    const char *argv[64];
    size_t n = 0;

    argv[n++] = path;
    for (size_t i = 0; args[i] != NULL && n < 63; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    ot_run(argv, NULL, timeout_ms, result);
    OT_ASSERT(!result->timed_out, "%s %s did not finish within %d ms (stderr: %s)", path,
              args[0] ? args[0] : "", timeout_ms, result->err);
}

/* Run pslist with ARGS to its end: phantom/pslist, whose every scan meets a
 * vanished process (tests/phantom.c), so that none meets one by chance. */
void run_pslist(const char *const args[], int timeout_ms, struct ot_result *result)
{
    char *path = program_path("phantom/pslist");
    run_program(path, args, timeout_ms, result);
    free(path);
}

/* The line of TEXT whose first field is NUMBER, malloc'd; NULL if none. */
char *find_row(const char *text, long number)
{
    for (const char *line = text; *line != '\0';) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        const char *p = line;
        while (p < line + len && (*p == ' ' || *p == '\t'))
            p++;
        char *after;
        long value = strtol(p, &after, 10);
        if (after != p && value == number &&
            (after == line + len || *after == ' ' || *after == '\t'))
            return strndup(line, len);
        line = end ? end + 1 : line + len;
    }
    return NULL;
}

/* How many newlines TEXT has. */
size_t count_lines(const char *text)
{
    size_t lines = 0;
    for (; *text != '\0'; text++)
        lines += *text == '\n';
    return lines;
}

/* Split LINE at spaces into at most MAX fields, the last taking the rest. */
size_t split_fields(char *line, char **fields, size_t max)
{
    size_t n = 0;
    char *p = line;
    while (n < max) {
        while (*p == ' ')
            p++;
        if (*p == '\0')
            break;
        fields[n++] = p;
        if (n == max)
            break; /* the last field takes the rest */
        while (*p != '\0' && *p != ' ')
            p++;
        if (*p == '\0')
            break;
        *p++ = '\0';
    }
    return n;
}

/* Split LINE at tabs into at most MAX fields. */
size_t split_tabs(char *line, char **fields, size_t max)
{
    size_t n = 0;
    char *p = line;
    while (n < max) {
        fields[n++] = p;
        char *tab = strchr(p, '\t');
        if (tab == NULL)
            break;
        *tab = '\0';
        p = tab + 1;
    }
    return n;
}

/* What USER should show for UID: its login name, else the number. Asked of
 * getent(1), a program of its own, so that the tests students read do not
 * hold the answer to user_name(). */
void expected_user(uid_t uid, char *name, size_t len)
{
    char number[32];
    snprintf(number, sizeof number, "%lu", (unsigned long)uid);
    const char *const argv[] = {"/usr/bin/getent", "passwd", number, NULL};
    struct ot_result found;
    ot_run(argv, NULL, 3000, &found);
    size_t name_len = found.out != NULL ? strcspn(found.out, ":\n") : 0;
    if (ot_exit_status(&found) == 0 && name_len > 0)
        snprintf(name, len, "%.*s", (int)name_len, found.out);
    else
        snprintf(name, len, "%s", number); /* getent says 2: no such entry */
    ot_result_free(&found);
}

/* The first line of TEXT containing NEEDLE, malloc'd; NULL if none. */
char *find_line(const char *text, const char *needle)
{
    for (const char *line = text; *line != '\0';) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        char *copy = strndup(line, len);
        if (copy != NULL && strstr(copy, needle) != NULL)
            return copy;
        free(copy);
        line = end ? end + 1 : line + len;
    }
    return NULL;
}

/* The "HH:MM:SS.mmm" at the start of LINE as ms of the day; -1 if none. */
long stamp_ms(const char *line)
{
    int h, m, s, ms, consumed = 0;
    if (sscanf(line, "%2d:%2d:%2d.%3d %n", &h, &m, &s, &ms, &consumed) != 4 || consumed != 13)
        return -1;
    return ((long)h * 3600 + m * 60 + s) * 1000 + ms;
}

/* B - A in ms, for two times of day, right across midnight. */
long day_ms_between(long a, long b)
{
    const long day = 86400000;
    long d = ((b - a) % day + day) % day;
    return d > day / 2 ? d - day : d;
}

/* The thread IDs in /proc/PID/task into TIDS (at most MAX); how many. */
size_t read_task_ids(pid_t pid, pid_t *tids, size_t max)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    DIR *dir = opendir(path);
    size_t n = 0;
    if (dir == NULL)
        return 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        if (entry->d_name[0] >= '0' && entry->d_name[0] <= '9' && n < max)
            tids[n++] = (pid_t)strtol(entry->d_name, NULL, 10);
    }
    closedir(dir);
    return n;
}

/* LEN random characters from letters, digits and "-_.", NUL-terminated. */
void random_name(char *name, size_t len)
{
    static const char alphabet[] =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.";
    for (size_t i = 0; i < len; i++)
        name[i] = alphabet[ot_random(0, (long)sizeof alphabet - 2)];
    name[len] = '\0';
}

/* A PID no process has: a child of ours, already reaped. */
pid_t unused_pid(void)
{
    pid_t pid = fork();
    if (pid == -1)
        OT_FAIL("fork: %s", strerror(errno));
    if (pid == 0)
        _exit(0);
    while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
        ;
    return pid;
}
