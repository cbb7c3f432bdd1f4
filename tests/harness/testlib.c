/*
 * testlib.c - the helpers a lab's tests are written with (oslab_test.h):
 * running the lab's program, talking to it, looking at processes and /dev/shm,
 * random inputs and normalised output. Linked into the test binary only.
 */
#include "oslab.h"

#include <ctype.h>      /* isdigit */
#include <dirent.h>     /* opendir, readdir */
#include <fcntl.h>      /* open, O_* */
#include <libgen.h>     /* dirname */
#include <limits.h>     /* PATH_MAX */
#include <poll.h>       /* poll */
#include <signal.h>     /* kill, signal */
#include <sys/wait.h>   /* waitpid */

#include "oslab_test.h"

#define STREAM_CAP (16u << 20) /* keep at most 16 MiB of one stream */

/* ---- Small utilities ---------------------------------------------------- */

/* malloc or fail the test. */
static void *xmalloc(size_t size)
{
    void *p = malloc(size);
    if (p == NULL)
        OT_FAIL("harness: out of memory (%zu bytes)", size);
    return p;
}

/* A growable byte buffer that always stays NUL-terminated. */
struct buffer {
    char *data;
    size_t len, cap;
};

/* Append N bytes to B, dropping what goes past STREAM_CAP. */
static void buffer_append(struct buffer *b, const char *bytes, size_t n)
{
    if (b->len + n > STREAM_CAP)
        n = STREAM_CAP - b->len;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *data = realloc(b->data, cap);
        if (data == NULL)
            OT_FAIL("harness: out of memory");
        b->data = data;
        b->cap = cap;
    }
    memcpy(b->data + b->len, bytes, n);
    b->len += n;
    b->data[b->len] = '\0';
}

/* Read what FD has now into B; returns false at end of file. */
static bool buffer_fill(struct buffer *b, int fd)
{
    char chunk[65536];
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n > 0) {
            buffer_append(b, chunk, (size_t)n);
            continue;
        }
        if (n == 0)
            return false;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN)
            return true;
        return false; /* an error ends the stream like EOF */
    }
}

/* ---- The programs under test --------------------------------------------- */

const char *ot_program(void)
{
    return ot_program_named(OSLAB_PROGRAM_NAME);
}

const char *ot_program_named(const char *name)
{
    static char path[PATH_MAX];
    /* The runner tells us where the build is; --all runs from the build tree. */
    const char *program = getenv("OSLAB_PROGRAM");
    char dir[PATH_MAX];
    if (program != NULL) {
        snprintf(dir, sizeof dir, "%s", program);
    } else {
        ssize_t n = readlink("/proc/self/exe", dir, sizeof dir - 1);
        if (n == -1)
            OT_FAIL("harness: readlink /proc/self/exe: %s", strerror(errno));
        dir[n] = '\0';
    }
    snprintf(path, sizeof path, "%s/%s", dirname(dir), name);
    return path;
}

size_t ot_argv_from(const char *argv[], size_t size, const char *first, va_list ap)
{
    size_t argc = 0;
    argv[argc++] = first;
    const char *arg;
    while ((arg = va_arg(ap, const char *)) != NULL) {
        if (argc + 1 >= size)
            OT_FAIL("harness: more than %zu arguments for %s", size - 2, first);
        argv[argc++] = arg;
    }
    argv[argc] = NULL;
    return argc;
}

/* ---- Starting a program with pipes --------------------------------------- */

struct ot_session {
    pid_t pid;
    int in_fd;                 /* its stdin, -1 once closed */
    int fds[2];                /* its stdout and stderr, -1 at end of file */
    struct buffer text[2];     /* all read so far */
    size_t consumed[2];        /* where the next ot_expect starts */
    bool reaped;
    int status;
    char **lines;              /* lines handed out by ot_expect */
    size_t line_count;
};

/* Make FD non-blocking and close-on-exec. */
static void set_fd_flags(int fd)
{
    if (fcntl(fd, F_SETFL, O_NONBLOCK) == -1 || fcntl(fd, F_SETFD, FD_CLOEXEC) == -1)
        OT_FAIL("harness: fcntl: %s", strerror(errno));
}

/* Fork and exec ARGV with pipes on its stdin, stdout and stderr into S. */
static void spawn(struct ot_session *s, const char *const argv[], bool with_stdin)
{
    /* O_CLOEXEC: the program must not inherit our ends of its pipes (it would
     * never see end of input); dup2 onto 0, 1 and 2 clears the flag there. */
    int in[2] = {-1, -1}, out[2], err[2];
    if ((with_stdin && pipe2(in, O_CLOEXEC) == -1) || pipe2(out, O_CLOEXEC) == -1 ||
        pipe2(err, O_CLOEXEC) == -1)
        OT_FAIL("harness: pipe2: %s", strerror(errno));
    fflush(NULL); /* the child must not inherit unwritten stdio buffers */
    pid_t pid = fork();
    if (pid == -1)
        OT_FAIL("harness: fork: %s", strerror(errno));
    if (pid == 0) {
        setpgid(0, 0); /* one group: ot_end can kill what the program started */
        int in_fd = with_stdin ? in[0] : open("/dev/null", O_RDONLY);
        if (dup2(in_fd, STDIN_FILENO) == -1 || dup2(out[1], STDOUT_FILENO) == -1 ||
            dup2(err[1], STDERR_FILENO) == -1)
            exit_child_errno(126, "harness: dup2");
        signal(SIGPIPE, SIG_DFL);
        execv(argv[0], (char *const *)argv);
        exit_child_errno(127, "harness: cannot exec '%s'", argv[0]);
    }
    if (with_stdin)
        close(in[0]);
    close(out[1]);
    close(err[1]);
    s->pid = pid;
    s->in_fd = with_stdin ? in[1] : -1;
    s->fds[OT_STDOUT] = out[0];
    s->fds[OT_STDERR] = err[0];
    set_fd_flags(out[0]);
    set_fd_flags(err[0]);
    if (with_stdin)
        set_fd_flags(in[1]);
    /* A program that exits while we write must not kill the test. */
    signal(SIGPIPE, SIG_IGN);
}

/* Reap S's program if it has ended (WAIT: block until it has). */
static bool try_reap(struct ot_session *s, bool wait)
{
    if (s->reaped)
        return true;
    pid_t r;
    do
        r = waitpid(s->pid, &s->status, wait ? 0 : WNOHANG);
    while (r == -1 && errno == EINTR);
    if (r == s->pid)
        s->reaped = true;
    return s->reaped;
}

/* Read what stdout and stderr of S have, waiting up to WAIT_MS for data. */
void ot_pump(struct ot_session *s, int wait_ms)
{
    struct pollfd pfd[2];
    nfds_t n = 0;
    int which[2];
    for (int i = 0; i < 2; i++)
        if (s->fds[i] != -1) {
            pfd[n] = (struct pollfd){.fd = s->fds[i], .events = POLLIN};
            which[n++] = i;
        }
    if (n == 0) {
        if (wait_ms > 0)
            sleep_ms(wait_ms < 5 ? wait_ms : 5);
        return;
    }
    int ready = poll(pfd, n, wait_ms);
    if (ready == -1 && errno != EINTR)
        OT_FAIL("harness: poll: %s", strerror(errno));
    for (nfds_t i = 0; ready > 0 && i < n; i++)
        if (pfd[i].revents != 0 && !buffer_fill(&s->text[which[i]], pfd[i].fd)) {
            close(pfd[i].fd);
            s->fds[which[i]] = -1;
        }
}

/* Drain S's pipes until both end or they stay quiet for QUIET_MS. */
static void drain(struct ot_session *s, int quiet_ms)
{
    int64_t deadline = now_ms() + quiet_ms;
    while ((s->fds[0] != -1 || s->fds[1] != -1) && now_ms() < deadline) {
        size_t before = s->text[0].len + s->text[1].len;
        ot_pump(s, 2);
        if (s->text[0].len + s->text[1].len != before)
            deadline = now_ms() + quiet_ms;
    }
}

void ot_run(const char *const argv[], const char *stdin_text, int timeout_ms,
            struct ot_result *result)
{
    struct ot_session s = {0};
    spawn(&s, argv, stdin_text != NULL);
    size_t written = 0, to_write = stdin_text ? strlen(stdin_text) : 0;
    int64_t deadline = now_ms() + timeout_ms;
    bool timed_out = false;
    while (!try_reap(&s, false)) {
        if (s.in_fd != -1 && written < to_write) {
            ssize_t n = write(s.in_fd, stdin_text + written, to_write - written);
            if (n > 0)
                written += (size_t)n;
            else if (n == -1 && errno != EAGAIN && errno != EINTR)
                written = to_write; /* EPIPE: it stopped reading */
        }
        if (s.in_fd != -1 && written == to_write) {
            close(s.in_fd);
            s.in_fd = -1;
        }
        if (now_ms() >= deadline) {
            timed_out = true;
            kill(-s.pid, SIGKILL);
            kill(s.pid, SIGKILL);
            try_reap(&s, true);
            break;
        }
        ot_pump(&s, 2);
    }
    drain(&s, 20);
    for (int i = 0; i < 2; i++)
        if (s.fds[i] != -1)
            close(s.fds[i]);
    if (s.in_fd != -1)
        close(s.in_fd);
    static const char empty[] = "";
    *result = (struct ot_result){
        .pid = s.pid,
        .status = s.status,
        .timed_out = timed_out,
        .out = s.text[0].data ? s.text[0].data : strdup(empty),
        .out_len = s.text[0].len,
        .err = s.text[1].data ? s.text[1].data : strdup(empty),
        .err_len = s.text[1].len,
    };
}

void ot_result_free(struct ot_result *result)
{
    free(result->out);
    free(result->err);
    result->out = result->err = NULL;
}

int ot_exit_status(const struct ot_result *result)
{
    return WIFEXITED(result->status) ? WEXITSTATUS(result->status) : -1;
}

const char *ot_describe_status(int status, char *buf, size_t len)
{
    /* Worded unlike lab 01's describe_status(), whose answer this is not. */
    if (WIFEXITED(status))
        snprintf(buf, len, "ended with exit code %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(buf, len, "ended by signal %s", signal_name(WTERMSIG(status)));
    else
        snprintf(buf, len, "ended with wait status 0x%x", (unsigned)status);
    return buf;
}

/* ---- Interactive sessions ------------------------------------------------- */

struct ot_session *ot_start(const char *const argv[])
{
    struct ot_session *s = xmalloc(sizeof *s);
    *s = (struct ot_session){0};
    spawn(s, argv, true);
    return s;
}

pid_t ot_session_pid(const struct ot_session *s)
{
    return s->pid;
}

void ot_send(struct ot_session *s, const char *fmt, ...)
{
    char line[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (s->in_fd == -1)
        OT_FAIL("harness: ot_send after stdin was closed");
    size_t len = strlen(line), done = 0;
    int64_t deadline = now_ms() + 2000;
    while (done < len && now_ms() < deadline) {
        ssize_t n = write(s->in_fd, line + done, len - done);
        if (n > 0)
            done += (size_t)n;
        else if (n == -1 && errno == EPIPE)
            return; /* the program has gone: later expectations say so */
        else
            ot_pump(s, 2); /* its pipe is full: keep its output flowing */
    }
}

/* The next line of WHICH containing NEEDLE (skipping the lines before it), or NULL. */
static const char *find_line(struct ot_session *s, enum ot_stream which,
                             const char *needle, bool at_eof)
{
    struct buffer *b = &s->text[which];
    size_t start = s->consumed[which];
    while (start < b->len) {
        char *nl = memchr(b->data + start, '\n', b->len - start);
        if (nl == NULL && !at_eof)
            break; /* wait for the rest of the line */
        size_t end = nl ? (size_t)(nl - b->data) : b->len;
        size_t line_len = end - start;
        char *line = xmalloc(line_len + 1);
        memcpy(line, b->data + start, line_len);
        line[line_len] = '\0';
        start = nl ? end + 1 : end;
        if (strstr(line, needle) != NULL) {
            s->consumed[which] = start;
            char **lines = realloc(s->lines, (s->line_count + 1) * sizeof *lines);
            if (lines == NULL)
                OT_FAIL("harness: out of memory");
            s->lines = lines;
            s->lines[s->line_count++] = line;
            return line;
        }
        free(line);
    }
    s->consumed[which] = start;
    return NULL;
}

const char *ot_expect(struct ot_session *s, enum ot_stream which, const char *needle,
                      int timeout_ms)
{
    int64_t deadline = now_ms() + timeout_ms;
    for (;;) {
        bool at_eof = s->fds[which] == -1;
        const char *line = find_line(s, which, needle, at_eof);
        if (line != NULL)
            return line;
        int64_t left = deadline - now_ms();
        if (at_eof || left <= 0)
            return NULL;
        ot_pump(s, left < 10 ? (int)left : 10);
    }
}

const char *ot_text(struct ot_session *s, enum ot_stream which)
{
    return s->text[which].data ? s->text[which].data : "";
}

void ot_close_stdin(struct ot_session *s)
{
    if (s->in_fd != -1) {
        close(s->in_fd);
        s->in_fd = -1;
    }
}

int ot_wait(struct ot_session *s, int timeout_ms, bool *timed_out)
{
    ot_close_stdin(s);
    int64_t deadline = now_ms() + timeout_ms;
    bool late = false;
    while (!try_reap(s, false)) {
        if (now_ms() >= deadline) {
            late = true;
            kill(-s->pid, SIGKILL);
            kill(s->pid, SIGKILL);
            try_reap(s, true);
            break;
        }
        ot_pump(s, 2);
    }
    drain(s, 20);
    if (timed_out != NULL)
        *timed_out = late;
    return s->status;
}

void ot_end(struct ot_session *s)
{
    if (s == NULL)
        return;
    if (!s->reaped) {
        kill(-s->pid, SIGKILL);
        kill(s->pid, SIGKILL);
        try_reap(s, true);
    }
    ot_close_stdin(s);
    for (int i = 0; i < 2; i++) {
        if (s->fds[i] != -1)
            close(s->fds[i]);
        free(s->text[i].data);
    }
    for (size_t i = 0; i < s->line_count; i++)
        free(s->lines[i]);
    free(s->lines);
    free(s);
}

/* ---- Processes -------------------------------------------------------------- */

int ot_open_descriptors(pid_t pid)
{
    char path[64];
    if (pid == 0)
        snprintf(path, sizeof path, "/proc/self/fd");
    else
        snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
    DIR *dir = opendir(path);
    OT_ASSERT(dir != NULL, "test: opendir %s: %s", path, strerror(errno));
    int count = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL)
        if (entry->d_name[0] != '.')
            count++;
    closedir(dir);
    return pid == 0 ? count - 1 : count; /* not the one opendir held */
}

size_t ot_children(pid_t parent, pid_t *pids, size_t max)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", (int)parent);
    DIR *tasks = opendir(path);
    if (tasks == NULL)
        return 0; /* the parent is gone: it has no children */
    size_t count = 0;
    struct dirent *task;
    while ((task = readdir(tasks)) != NULL) {
        if (!isdigit((unsigned char)task->d_name[0]))
            continue;
        char children_path[PATH_MAX];
        snprintf(children_path, sizeof children_path, "%s/%s/children", path, task->d_name);
        FILE *f = fopen(children_path, "r");
        if (f == NULL)
            continue; /* the thread ended meanwhile */
        int pid;
        while (fscanf(f, "%d", &pid) == 1) {
            if (count < max)
                pids[count] = pid;
            count++;
        }
        fclose(f);
    }
    closedir(tasks);
    return count;
}

size_t ot_zombie_children(pid_t parent)
{
    pid_t pids[4096];
    size_t n = ot_children(parent, pids, 4096);
    size_t zombies = 0;
    for (size_t i = 0; i < n && i < 4096; i++)
        if (ot_proc_state(pids[i]) == 'Z')
            zombies++;
    return zombies;
}

char ot_proc_state(pid_t pid)
{
    char path[64], stat[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd == -1)
        return 0;
    ssize_t n = read(fd, stat, sizeof stat - 1);
    close(fd);
    if (n <= 0)
        return 0;
    stat[n] = '\0';
    /* The command name may contain ")": the state follows the last one. */
    char *paren = strrchr(stat, ')');
    return paren != NULL && paren[1] == ' ' ? paren[2] : 0;
}

bool ot_wait_until(bool (*predicate)(void *arg), void *arg, int timeout_ms)
{
    int64_t deadline = now_ms() + timeout_ms;
    for (;;) {
        if (predicate(arg))
            return true;
        if (now_ms() >= deadline)
            return false;
        sleep_ms(1);
    }
}

/* ---- /dev/shm ------------------------------------------------------------------ */

/* Is NAME in LIST? */
static bool names_contain(const struct ot_names *list, const char *name)
{
    for (size_t i = 0; i < list->count; i++)
        if (strcmp(list->names[i], name) == 0)
            return true;
    return false;
}

/* The entries of /dev/shm not in EXCLUDE (NULL: all of them). */
static struct ot_names shm_entries(const struct ot_names *exclude)
{
    struct ot_names list = {0, NULL};
    DIR *dir = opendir("/dev/shm");
    if (dir == NULL)
        OT_FAIL("harness: opendir /dev/shm: %s", strerror(errno));
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
            continue;
        if (exclude != NULL && names_contain(exclude, entry->d_name))
            continue;
        char **names = realloc(list.names, (list.count + 1) * sizeof *names);
        if (names == NULL || (names[list.count] = strdup(entry->d_name)) == NULL)
            OT_FAIL("harness: out of memory");
        list.names = names;
        list.count++;
    }
    closedir(dir);
    return list;
}

struct ot_names ot_shm_snapshot(void)
{
    return shm_entries(NULL);
}

struct ot_names ot_shm_new_since(const struct ot_names *before)
{
    return shm_entries(before);
}

void ot_names_free(struct ot_names *names)
{
    for (size_t i = 0; i < names->count; i++)
        free(names->names[i]);
    free(names->names);
    *names = (struct ot_names){0, NULL};
}

/* ---- Random inputs and normalised output ------------------------------------------ */

/*
 * The tests' random numbers come from one seeded sequence per test, so that
 * the same submission gets the same inputs, and the same verdict, on every
 * run: the seed is the test's name mixed with OT_KIT_SEED, or with the
 * number in the environment variable OSLAB_SEED when it is set (to try a
 * test on other inputs, e.g. OSLAB_SEED=7 run-tests --all).
 */
#define OT_KIT_SEED 0x6f736c6162ULL /* "oslab" */

static uint64_t random_state;
static const void *random_test; /* the test random_state was seeded for */

/* splitmix64: a small, well-mixed generator; one step of STATE. */
static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* The seed of the running test: its name (FNV-1a) mixed with the kit's seed. */
static uint64_t test_seed(const char *name)
{
    uint64_t seed = OT_KIT_SEED;
    const char *from_env = getenv("OSLAB_SEED");
    if (from_env != NULL && *from_env != '\0')
        seed = strtoull(from_env, NULL, 0);
    uint64_t hash = 0xcbf29ce484222325ULL;
    for (const char *c = name; *c != '\0'; c++)
        hash = (hash ^ (unsigned char)*c) * 0x100000001b3ULL;
    return hash ^ seed;
}

long ot_random(long lo, long hi)
{
    /* Seeded afresh when a new test starts (run-tests --all runs them all
     * in one process, and each must see the numbers it sees alone). */
    CU_pTest test = CU_get_current_test();
    if (random_test == NULL || random_test != (const void *)test) {
        random_test = test != NULL ? (const void *)test : (const void *)&random_test;
        random_state = test_seed(test != NULL && test->pName != NULL ? test->pName : "");
    }
    uint64_t span = (uint64_t)(hi - lo) + 1;
    return lo + (long)(splitmix64(&random_state) % span);
}

char *ot_random_name(const char *prefix)
{
    /* Seeded like ot_random, mixed with the PID: the same name in two
     * graders running side by side would be one file or one /dev/shm object. */
    size_t len = strlen(prefix) + 10;
    char *name = xmalloc(len);
    unsigned long bits =
        (unsigned long)ot_random(0, 0xffffffffL) ^ ((unsigned long)getpid() * 2654435761UL);
    snprintf(name, len, "%s-%08lx", prefix, bits & 0xffffffffUL);
    return name;
}

/* Does TEXT start with a time of day "HH:MM:SS.mmm"? */
static bool is_time_at(const char *t)
{
    static const char shape[] = "dd:dd:dd.ddd";
    for (size_t i = 0; shape[i] != '\0'; i++) {
        if (shape[i] == 'd' ? !isdigit((unsigned char)t[i]) : t[i] != shape[i])
            return false;
    }
    return true;
}

char *ot_normalize(const char *text, const pid_t *pids, size_t n)
{
    size_t len = strlen(text);
    struct buffer out = {0};
    buffer_append(&out, "", 0);
    for (size_t i = 0; i < len;) {
        bool word_start = i == 0 || !isdigit((unsigned char)text[i - 1]);
        if (word_start && is_time_at(text + i)) {
            buffer_append(&out, "TT:TT:TT.TTT", 12);
            i += 12;
            continue;
        }
        if (word_start && isdigit((unsigned char)text[i])) {
            size_t j = i;
            long value = 0;
            while (j < len && isdigit((unsigned char)text[j]) && j - i < 12)
                value = value * 10 + (text[j++] - '0');
            bool is_pid = false;
            for (size_t k = 0; k < n && !(j < len && isdigit((unsigned char)text[j])); k++)
                is_pid |= value == pids[k];
            if (is_pid)
                buffer_append(&out, "<PID>", 5);
            else
                buffer_append(&out, text + i, j - i);
            i = j;
            continue;
        }
        buffer_append(&out, text + i, 1);
        i++;
    }
    return out.data;
}

void ot_write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd == -1)
        OT_FAIL("harness: open %s: %s", path, strerror(errno));
    if (write_all(fd, text, strlen(text)) == -1)
        OT_FAIL("harness: write %s: %s", path, strerror(errno));
    close(fd);
}

char *ot_read_file(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd == -1)
        return NULL;
    struct buffer b = {0};
    buffer_append(&b, "", 0);
    while (buffer_fill(&b, fd))
        ; /* a regular file never says EAGAIN */
    close(fd);
    return b.data;
}
