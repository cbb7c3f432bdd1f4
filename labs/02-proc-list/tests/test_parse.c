/*
 * test_parse.c - white-box tests of procfs.c: parse_stat on lines made up
 * by the test (tricky names need no such process), user_name, and the scans
 * over a fake /proc tree in which files have "vanished".
 */
#include "oslab.h"

#include <dirent.h>   /* opendir: the order readdir gives */
#include <fcntl.h>    /* open */
#include <signal.h>   /* kill */
#include <sys/stat.h> /* mkdir */
#include <sys/wait.h> /* waitpid */

#include "support.h"
#include "tests.h"

/* Highest field number of a stat line on Linux 6.x. */
enum { STAT_FIELDS = 52 };

/* A made-up stat line: every number different, so a field read from the wrong place shows. */
struct fake_stat {
    pid_t pid;
    char comm[128];
    char state;
    long field[STAT_FIELDS + 1]; /* field[4] .. field[52]; [25] is written as 2^64-1 */
};

/* Fill *F with random values in every field, NAME as its name. */
static void random_stat(struct fake_stat *f, const char *name)
{
    static const char states[] = "RSDZTtIX";

    f->pid = (pid_t)ot_random(2, 4194303);
    snprintf(f->comm, sizeof f->comm, "%s", name);
    f->state = states[ot_random(0, (long)sizeof states - 2)];
    for (int i = 4; i <= STAT_FIELDS; i++) {
        bool unique;
        do {
            f->field[i] = ot_random(1, 4194303);
            unique = true;
            for (int j = 4; j < i; j++)
                unique &= f->field[j] != f->field[i];
        } while (!unique);
    }
    f->field[8] = -1;                 /* tpgid: -1 without a terminal */
    f->field[19] = -ot_random(1, 19); /* nice */
}

/* Write *F as /proc/PID/stat does into LINE. */
static void format_stat(const struct fake_stat *f, char *line, size_t len)
{
    int used = snprintf(line, len, "%d (%s) %c", (int)f->pid, f->comm, f->state);
    for (int i = 4; i <= STAT_FIELDS && used > 0 && (size_t)used < len; i++) {
        if (i == 25)
            used += snprintf(line + used, len - (size_t)used, " 18446744073709551615");
        else
            used += snprintf(line + used, len - (size_t)used, " %ld", f->field[i]);
    }
    snprintf(line + used, len - (size_t)used, "\n");
}

/* LINE (a stat line) with its field NUMBER (3 or more) replaced by VALUE, into OUT. */
static void replace_field(const char *line, int number, const char *value, char *out, size_t len)
{
    const char *start = strrchr(line, ')') + 1; /* the space before field 3 */
    for (int n = 3; n < number; n++)
        start = strchr(start + 1, ' ');
    const char *end = strpbrk(start + 1, " \n");
    snprintf(out, len, "%.*s %s%s", (int)(start - line), line, value, end);
}

/* Describe the first field of OUT that differs from *F into WHY; false if one does. */
static bool stat_matches(const struct fake_stat *f, const struct proc_stat *out, char *why,
                         size_t len)
{
    char name[PROC_COMM_MAX];
    size_t fits = strnlen(f->comm, sizeof name - 1); /* what fits: 63 bytes */
    memcpy(name, f->comm, fits);
    name[fits] = '\0';
    if (out->pid != f->pid)
        snprintf(why, len, "pid %d, expected %d", (int)out->pid, (int)f->pid);
    else if (strcmp(out->comm, name) != 0)
        snprintf(why, len, "comm '%s', expected '%s'", out->comm, name);
    else if (out->state != f->state)
        snprintf(why, len, "state '%c', expected '%c'", out->state, f->state);
    else if (out->ppid != (pid_t)f->field[4])
        snprintf(why, len, "ppid %d, expected %ld (field 4)", (int)out->ppid, f->field[4]);
    else if (out->flags != (unsigned long)f->field[9])
        snprintf(why, len, "flags %lu, expected %ld (field 9)", out->flags, f->field[9]);
    else if (out->num_threads != f->field[20])
        snprintf(why, len, "num_threads %ld, expected %ld (field 20)", out->num_threads,
                 f->field[20]);
    else if (out->start_time != (unsigned long long)f->field[22])
        snprintf(why, len, "start_time %llu, expected %ld (field 22)", out->start_time,
                 f->field[22]);
    else if (out->rss_pages != f->field[24])
        snprintf(why, len, "rss_pages %ld, expected %ld (field 24)", out->rss_pages, f->field[24]);
    else
        return true;
    return false;
}

/* Parse a made-up line with name NAME and check every field. */
static void check_name(const char *name)
{
    struct fake_stat f;
    struct proc_stat out;
    char line[2048], why[256];

    random_stat(&f, name);
    format_stat(&f, line, sizeof line);
    memset(&out, 0x5a, sizeof out);
    int rc = parse_stat(line, &out);
    OT_ASSERT(rc == 0, "parse_stat returned %d for the line: %s", rc, line);
    /* clause PS-1 */
    OT_ASSERT(stat_matches(&f, &out, why, sizeof why), "parse_stat of the line\n  %s  gave %s",
              line, why);
}

/* parse_stat on this process's stat line, on made-up lines, and on garbage. */
void parse_stat_fields(void)
{
    /* A real line first: this test process. */
    char line[2048], why[256];
    int fd = open("/proc/self/stat", O_RDONLY);
    OT_ASSERT(fd != -1, "open /proc/self/stat: %s", strerror(errno));
    ssize_t n = read(fd, line, sizeof line - 1);
    close(fd);
    OT_ASSERT(n > 0, "read /proc/self/stat: %s", strerror(errno));
    line[n] = '\0';
    struct proc_stat self;
    OT_ASSERT(parse_stat(line, &self) == 0, "parse_stat returned -1 for /proc/self/stat: %s", line);
    OT_ASSERT(self.pid == getpid() && self.ppid == getppid() && self.num_threads == 1 &&
                  self.state == 'R',
              "parse_stat of /proc/self/stat (%s) gave pid %d ppid %d threads %ld state '%c'; "
              "expected pid %d ppid %d threads 1 state 'R'",
              line, (int)self.pid, (int)self.ppid, self.num_threads, self.state, (int)getpid(),
              (int)getppid());

    /* Made-up lines: every number random and different from the others. */
    for (int i = 0; i < 20; i++) {
        char name[16];
        random_name(name, (size_t)ot_random(1, 15));
        check_name(name);
    }

    /* Lines that are not stat lines. */
    struct fake_stat f;
    random_stat(&f, "ok");
    format_stat(&f, line, sizeof line);
    char cut[64], short_line[2048], no_space[2100], no_pid[2048];
    snprintf(cut, sizeof cut, "%.*s", (int)(strchr(line, ')') - line + 8), line);
    /* Everything up to field 23: the last field read (24, rss) is missing. */
    const char *field = strchr(line, ')');
    for (int number = 2; number < 24 && field != NULL; number++)
        field = strchr(field + 1, ' ');
    snprintf(short_line, sizeof short_line, "%.*s\n", field ? (int)(field - line) : 0, line);
    snprintf(no_space, sizeof no_space, "%d%s", (int)f.pid, strchr(line, '(')); /* "123(ok) ..." */
    snprintf(no_pid, sizeof no_pid, "%s", strchr(line, '('));                   /* "(ok) ..." */
    /* Whole lines with one field that is not a number where a number must be. */
    char junk_pid[2100], junk_ppid[2100], two_letters[2100];
    snprintf(junk_pid, sizeof junk_pid, "abc%s", strchr(line, ' '));
    replace_field(line, 4, "7x", junk_ppid, sizeof junk_ppid);
    replace_field(line, 3, "RS", two_letters, sizeof two_letters);
    const char *bad[] = {
        "",        "1234",     "1234 (name", "name) S 1 2 3", "abc (x) S 1 1 1 1 1 1",
        cut,       short_line, no_space,     no_pid,          junk_pid,
        junk_ppid, two_letters};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct proc_stat out;
        errno = 0;
        int rc = parse_stat(bad[i], &out);
        int err = errno;
        OT_ASSERT(rc == -1 && err == EINVAL, /* clause PS-4 */
                  "parse_stat of the malformed line '%s' returned %d (errno %s): it must return "
                  "-1 with EINVAL",
                  bad[i], rc, strerror(err));
    }

    /* 0 is a value like any other: PID 1's PPID, a kernel thread's RSS. */
    for (int i = 0; i < 3; i++) {
        random_stat(&f, "zero");
        f.field[4] = f.field[9] = f.field[20] = f.field[22] = f.field[24] = 0;
        format_stat(&f, line, sizeof line);
        struct proc_stat out;
        int rc = parse_stat(line, &out);
        /* clause PS-1 */
        OT_ASSERT(rc == 0 && stat_matches(&f, &out, why, sizeof why),
                  "parse_stat of the line\n  %s  returned %d and gave %s: 0 is a valid value of "
                  "every field",
                  line, rc, rc == 0 ? why : "nothing");
    }

    /* A field far longer than any number: never copied past a buffer. Where the field
     * is not one pslist uses, it may be skipped (0) or refused (-1 with EINVAL). */
    random_stat(&f, "long");
    format_stat(&f, line, sizeof line);
    char digits[1200];
    memset(digits, '7', sizeof digits - 1);
    digits[sizeof digits - 1] = '\0';
    for (int number = 10; number <= 24; number += 14) {
        char *huge = malloc(sizeof line + sizeof digits);
        OT_ASSERT(huge != NULL, "test: out of memory");
        replace_field(line, number, digits, huge, sizeof line + sizeof digits);
        struct proc_stat out;
        errno = 0;
        int rc = parse_stat(huge, &out);
        int err = errno;
        /* clause PS-5 */
        OT_ASSERT((rc == -1 && err == EINVAL) ||
                      (rc == 0 && number != 24 && stat_matches(&f, &out, why, sizeof why)),
                  "parse_stat of a line whose field %d has %zu digits returned %d (%s)%s%s", number,
                  sizeof digits - 1, rc, strerror(err), rc == 0 ? ": " : "",
                  rc == 0 ? (number == 24 ? "rss_pages does not fit a long" : why) : "");
        free(huge);
    }
}

/* parse_stat on names with spaces and parentheses, 15 bytes, or too long. */
void parse_stat_tricky_names(void)
{
    char fifteen[16], spaced[16];
    random_name(fifteen, 15);
    /* 15 bytes of spaces and parentheses around random letters: ") (abcd) ( efg)". */
    snprintf(spaced, sizeof spaced, ") (%.4s) ( %.3s)", fifteen, fifteen + 4);

    char fake_fields[40];
    snprintf(fake_fields, sizeof fake_fields, ") Z %ld %ld", ot_random(2, 99999), ot_random(2, 99));
    char long_name[101];
    memset(long_name, 'k', 100);
    long_name[100] = '\0';
    long_name[20] = ')';
    /* Names of 63, 64 and 65 bytes: around the size of comm (PROC_COMM_MAX). */
    char edge[3][PROC_COMM_MAX + 2];
    for (int i = 0; i < 3; i++) {
        memset(edge[i], 'a' + i, sizeof edge[i]);
        edge[i][PROC_COMM_MAX - 1 + i] = '\0';
    }

    fake_fields[15] = '\0'; /* a name set by a program has at most 15 bytes */
    const char *names[] = {"a) b",
                           "( )",
                           fifteen,
                           spaced,
                           fake_fields,
                           "))",
                           ")",
                           "(",
                           "",
                           "x\ny) S",
                           "kworker/u8:0-ext4-rsv-conversion",
                           long_name,
                           edge[0],
                           edge[1],
                           edge[2]};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        check_name(names[i]); /* clause PS-2 clause PS-3 */
}

/* user_name: names, numbers for unknown UIDs, never past the buffer. */
void user_names(void)
{
    char name[64], expected[64];

    expected_user(0, expected, sizeof expected);
    user_name(0, name, sizeof name);
    /* clause UN-1 */
    OT_ASSERT(strcmp(name, expected) == 0, "user_name(0) gave '%s', expected '%s'", name, expected);

    uid_t me = geteuid();
    expected_user(me, expected, sizeof expected);
    user_name(me, name, sizeof name);
    OT_ASSERT(strcmp(name, expected) == 0, "user_name(%u) gave '%s', expected '%s'", (unsigned)me,
              name, expected);

    /* A UID the password database does not have. */
    uid_t nobody_has;
    do
        nobody_has = (uid_t)ot_random(2000000000, 2100000000);
    while (expected_user(nobody_has, expected, sizeof expected),
           expected[0] < '0' || expected[0] > '9');
    user_name(nobody_has, name, sizeof name);
    /* clause UN-2 */
    OT_ASSERT(strcmp(name, expected) == 0, "user_name(%u) gave '%s', expected the number '%s'",
              (unsigned)nobody_has, name, expected);

    /* A small buffer: cut, terminated, nothing written past it. */
    char small[8];
    memset(small, '#', sizeof small);
    user_name(nobody_has, small, 4);
    /* clause UN-3 */
    OT_ASSERT(small[3] == '\0' && strncmp(small, expected, 3) == 0 && small[4] == '#',
              "user_name(%u, name, 4) must write '%.3s' and a NUL in 4 bytes and nothing after",
              (unsigned)nobody_has, expected);
}

/* ---- A fake /proc tree ---------------------------------------------------------- */

/* One process of the fake tree. */
struct fake_proc {
    pid_t pid;
    pid_t ppid;
    const char *name;
    const char *cmdline; /* arguments separated by '|' (written as NULs); NULL: no file */
    long threads;        /* num_threads in stat */
    bool kernel;         /* PF_KTHREAD */
    bool stat_file, status_file, task_dir; /* which files exist */
    uid_t real_uid, effective_uid;
    const char *thread_names[3]; /* task/ entries besides the main thread (NULL: none) */
    bool thread_vanished;        /* task/ also holds a TID directory without stat */
};

/* Create PATH with LEN bytes of DATA, or fail the test. */
static void write_bytes(const char *path, const char *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    OT_ASSERT(fd != -1, "create %s: %s", path, strerror(errno));
    OT_ASSERT(write_all(fd, data, len) == 0, "write %s: %s", path, strerror(errno));
    close(fd);
}

/* malloc(SIZE) or fail the test. */
static void *test_malloc(size_t size)
{
    void *p = malloc(size);
    OT_ASSERT(p != NULL, "test: out of memory");
    return p;
}

/* mkdir PATH or fail the test. */
static void make_dir(const char *path)
{
    OT_ASSERT(mkdir(path, 0755) == 0, "mkdir %s: %s", path, strerror(errno));
}

/* A stat line for the fake tree: NAME, STATE, PPID, FLAGS, THREADS, the rest made up. */
static void fake_stat_line(char *line, size_t len, pid_t pid, const char *name, pid_t ppid,
                           unsigned long flags, long threads)
{
    snprintf(line, len,
             "%d (%s) S %d %d %d 0 -1 %lu 100 0 0 0 5 3 0 0 20 0 %ld 0 %ld 123456 %ld "
             "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
             (int)pid, name, (int)ppid, (int)pid, (int)pid, flags, threads, 1000 + (long)pid,
             77 + (long)pid % 1000);
}

/* "/proc/OUR_PID/fd/FD" of a stale /proc file (stale_proc_fd): a symbolic link to it
 * in the fake tree is a file that vanished between open() and read(). */
static char stale_link[64];

/* Lay out P under ROOT; its task/ entries that vanished (THREAD_VANISHED) first if
 * VANISHED_FIRST, else last (see build_fake_tree). */
static void make_fake_proc(const char *root, const struct fake_proc *p, bool vanished_first)
{
    char dir[512], path[600], text[1024];
    snprintf(dir, sizeof dir, "%s/%d", root, (int)p->pid);
    make_dir(dir);
    if (p->stat_file) {
        fake_stat_line(text, sizeof text, p->pid, p->name, p->ppid,
                       p->kernel ? PROC_FLAG_KTHREAD : 0x400000, p->threads);
        snprintf(path, sizeof path, "%s/stat", dir);
        write_bytes(path, text, strlen(text));
    }
    if (p->status_file) {
        snprintf(text, sizeof text,
                 "Name:\t%s\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t%d\nNgid:\t0\n"
                 "Pid:\t%d\nPPid:\t%d\nTracerPid:\t0\nUid:\t%u\t%u\t%u\t%u\n"
                 "Gid:\t100\t100\t100\t100\nThreads:\t%ld\n",
                 p->name, (int)p->pid, (int)p->pid, (int)p->ppid, (unsigned)p->real_uid,
                 (unsigned)p->effective_uid, (unsigned)p->effective_uid, (unsigned)p->effective_uid,
                 p->threads);
        snprintf(path, sizeof path, "%s/status", dir);
        write_bytes(path, text, strlen(text));
    }
    if (p->cmdline != NULL) {
        size_t len = strlen(p->cmdline);
        char *args = test_malloc(len + 1);
        for (size_t i = 0; i <= len; i++)
            args[i] = p->cmdline[i] == '|' ? '\0' : p->cmdline[i];
        snprintf(path, sizeof path, "%s/cmdline", dir);
        write_bytes(path, args, len > 0 ? len + 1 : 0); /* with its final NUL */
        free(args);
    }
    if (p->task_dir) {
        snprintf(path, sizeof path, "%s/task", dir);
        make_dir(path);
        for (int pass = 0; pass < 2; pass++) {
            bool vanished_now = (pass == 0) == vanished_first;
            if (vanished_now && p->thread_vanished) {
                /* A task/TID directory without stat, and one whose stat reads ESRCH. */
                snprintf(path, sizeof path, "%s/task/%d", dir, (int)p->pid + 9);
                make_dir(path);
                snprintf(path, sizeof path, "%s/task/%d", dir, (int)p->pid + 5);
                make_dir(path);
                snprintf(path, sizeof path, "%s/task/%d/stat", dir, (int)p->pid + 5);
                OT_ASSERT(symlink(stale_link, path) == 0, "symlink %s: %s", path,
                          strerror(errno));
            }
            for (int t = -1; !vanished_now && t < 3; t++) {
                const char *name = t < 0 ? p->name : p->thread_names[t];
                if (name == NULL)
                    break;
                pid_t tid = p->pid + 1 + t;
                snprintf(path, sizeof path, "%s/task/%d", dir, (int)tid);
                make_dir(path);
                fake_stat_line(text, sizeof text, tid, name, p->ppid, 0x400040, p->threads);
                snprintf(path, sizeof path, "%s/task/%d/stat", dir, (int)tid);
                write_bytes(path, text, strlen(text));
            }
        }
    }
}

/*
 * A descriptor of /proc/PID/stat of a process that has ended and been reaped:
 * read() on it fails with ESRCH. Opened again through the magic link
 * /proc/OUR_PID/fd/FD, it fails the same way: that is how the fake tree gets
 * files that "vanish between open() and read()".
 */
static int stale_proc_fd(void)
{
    pid_t child = fork();
    OT_ASSERT(child != -1, "fork: %s", strerror(errno));
    if (child == 0) {
        pause();
        _exit(0);
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)child);
    int fd = open(path, O_RDONLY);
    kill(child, SIGKILL);
    while (waitpid(child, NULL, 0) == -1 && errno == EINTR)
        ;
    OT_ASSERT(fd != -1, "open %s: %s", path, strerror(errno));
    return fd;
}

/* The process with PID in LIST, or NULL. */
static const struct proc_info *find_proc(const struct proc_list *list, pid_t pid)
{
    for (size_t i = 0; i < list->count; i++) {
        if (list->items[i].stat.pid == pid)
            return &list->items[i];
    }
    return NULL;
}

/* How many times a fake tree is built, at most, until its readdir order is the telling one. */
enum { FAKE_TREE_TRIES = 40 };

/* Is some entry of DIR whose number is in VANISHED (N of them) listed by readdir
 * before some numeric entry that is not? */
static bool vanished_listed_first(const char *dir, const pid_t *vanished, size_t n)
{
    DIR *d = opendir(dir);
    OT_ASSERT(d != NULL, "opendir %s: %s", dir, strerror(errno));
    bool seen_vanished = false, telling = false;
    struct dirent *entry;
    while ((entry = readdir(d)) != NULL && !telling) {
        if (entry->d_name[0] < '0' || entry->d_name[0] > '9')
            continue;
        pid_t pid = (pid_t)strtol(entry->d_name, NULL, 10);
        bool is_vanished = false;
        for (size_t i = 0; i < n; i++)
            is_vanished |= vanished[i] == pid;
        telling = seen_vanished && !is_vanished;
        seen_vanished |= is_vanished;
    }
    closedir(d);
    return telling;
}

/* A fake /proc tree for scan_skips_vanished. */
struct fake_tree {
    char root[32];
    pid_t base;
    struct fake_proc procs[16];
    size_t complete, total; /* procs[0 .. complete-1] can be read whole */
    char tricky[32], thread_name[32];
    char *long_cmdline;  /* the daemon's, longer than any fixed buffer */
    bool secret_hidden;  /* the secret's cmdline cannot be read (we are not root) */
    bool private_hidden; /* the stat of "private", the status of "shy" and the stat of
                            one of the daemon's threads cannot be read */
};

/*
 * Build tree number TRY under "fakeprocTRY". A scan that stops at the first
 * vanished entry (break instead of continue) loses the entries readdir lists
 * after it: the tree is telling only if a vanished process comes before a
 * complete one, and a vanished thread before a live one. Which order readdir
 * gives depends on the file system (a hash of the name on ext4, creation
 * order on tmpfs), so each try changes both the names and the creation order;
 * returns whether this tree is telling.
 */
static bool build_fake_tree(struct fake_tree *tree, int try)
{
    snprintf(tree->root, sizeof tree->root, "fakeproc%d", try);
    pid_t base = tree->base = (pid_t)ot_random(100, 30000) * 10;
    uid_t uid = (uid_t)ot_random(1000, 60000);
    snprintf(tree->tricky, sizeof tree->tricky, "w) S %ld (x", ot_random(1, 999));
    snprintf(tree->thread_name, sizeof tree->thread_name, "t) %ld", ot_random(1, 999));
    size_t long_len = (size_t)ot_random(140000, 260000); /* past a 64 or 128 KiB buffer */
    free(tree->long_cmdline);
    tree->long_cmdline = test_malloc(long_len + 32);
    int used = snprintf(tree->long_cmdline, long_len + 32, "/usr/sbin/daemon|-f|a b|");
    for (size_t i = (size_t)used; i < long_len; i++)
        tree->long_cmdline[i] = (char)('a' + i % 26);
    tree->long_cmdline[long_len] = '\0';

    /* Complete processes first, then the ones whose files have gone. Columns: pid, ppid,
     * name, cmdline ('|' for NUL), threads, kernel thread?, stat?, status?, task/?,
     * real and effective UID, other threads' names, task/ entries that vanished? */
    /* clang-format off */
    const struct fake_proc procs[] = {
        {base + 10, 1, "daemon", tree->long_cmdline, 2, false, true, true, true,
         uid, uid + 1, {tree->thread_name, NULL, NULL}, true},
        {base + 20, base + 10, tree->tricky, "./w) S|x", 1, false, true, true, true,
         uid + 2, uid + 2, {NULL, NULL, NULL}, false},
        {base + 30, 2, "kworker/0:1-events", "", 1, true, true, true, true,
         0, 0, {NULL, NULL, NULL}, false},
        {base + 40, 1, "notasks", "|notasks||x", 1, false, true, true, false,
         uid, uid, {NULL, NULL, NULL}, false},
        {base + 140, 1, "closed", "closed|-x", 1, false, true, true, false,
         uid, uid, {NULL, NULL, NULL}, false},
        {base + 100, 1, "secret", "secret|--x", 1, false, true, true, false,
         uid, uid, {NULL, NULL, NULL}, false},
        {base + 110, 1, "private", "private", 1, false, true, true, false,
         uid, uid, {NULL, NULL, NULL}, false},
        {base + 130, 1, "shy", "shy", 1, false, true, true, false,
         uid, uid, {NULL, NULL, NULL}, false},
        {base + 50, 1, "gone1", NULL, 1, false, false, false, false, uid, uid, {NULL}, false},
        {base + 60, 1, "gone2", NULL, 1, false, true, false, false, uid, uid, {NULL}, false},
        {base + 70, 1, "gone3", NULL, 1, false, true, true, false, uid, uid, {NULL}, false},
        {base + 80, 1, "gone4", NULL, 1, false, false, false, false, uid, uid, {NULL}, false},
        {base + 90, 1, "gone5", NULL, 1, false, true, true, false, uid, uid, {NULL}, false},
        {base + 120, 1, "gone6", "gone6", 1, false, true, true, false, uid, uid, {NULL}, false},
    };
    /* clang-format on */
    tree->complete = 8; /* the last two, private and shy, only when we are root */
    tree->total = sizeof procs / sizeof procs[0];
    memcpy(tree->procs, procs, sizeof procs);

    bool vanished_first = try % 2 == 0;
    make_dir(tree->root);
    for (int pass = 0; pass < 2; pass++) {
        bool vanished_now = (pass == 0) == vanished_first;
        for (size_t i = 0; i < tree->total; i++) {
            if ((i >= tree->complete) == vanished_now)
                make_fake_proc(tree->root, &tree->procs[i], vanished_first);
        }
    }
    char path[128];
    /* Ended between open() and read(): read fails with ESRCH. */
    snprintf(path, sizeof path, "%s/%d/stat", tree->root, (int)base + 80);
    OT_ASSERT(symlink(stale_link, path) == 0, "symlink %s: %s", path, strerror(errno));
    snprintf(path, sizeof path, "%s/%d/cmdline", tree->root, (int)base + 90);
    OT_ASSERT(symlink(stale_link, path) == 0, "symlink %s: %s", path, strerror(errno));
    /* Another user's secret: a cmdline we may not read (EACCES) is no reason to skip the
     * process, and no reason to fail; as root, the file can be read after all. */
    snprintf(path, sizeof path, "%s/%d/cmdline", tree->root, (int)base + 100);
    OT_ASSERT(chmod(path, 0) == 0, "chmod %s: %s", path, strerror(errno));
    tree->secret_hidden = access(path, R_OK) != 0;
    /* A stat we may not read (hidepid): that process is skipped (not as root). */
    snprintf(path, sizeof path, "%s/%d/stat", tree->root, (int)base + 110);
    OT_ASSERT(chmod(path, 0) == 0, "chmod %s: %s", path, strerror(errno));
    tree->private_hidden = access(path, R_OK) != 0;
    /* A status we may not read: that process is skipped too (not as root). */
    snprintf(path, sizeof path, "%s/%d/status", tree->root, (int)base + 130);
    OT_ASSERT(chmod(path, 0) == 0, "chmod %s: %s", path, strerror(errno));
    /* A task/ we may not read: no thread listed, and no failure. As root, it is empty. */
    snprintf(path, sizeof path, "%s/%d/task", tree->root, (int)base + 140);
    make_dir(path);
    OT_ASSERT(chmod(path, 0) == 0, "chmod %s: %s", path, strerror(errno));
    /* A process that rewrote its arguments: no final NUL, nothing to drop. */
    snprintf(path, sizeof path, "%s/%d/cmdline", tree->root, (int)base + 140);
    write_bytes(path, "closed\0-x", 9);
    /* A stat cut short, as when the process vanished while the kernel wrote it. */
    char text[512];
    snprintf(text, sizeof text, "%d (gone6) S 1 1", (int)base + 120);
    snprintf(path, sizeof path, "%s/%d/stat", tree->root, (int)base + 120);
    write_bytes(path, text, strlen(text));
    /* /proc/TID of the daemon's thread base+11, whose stat has gone: not a process. */
    snprintf(path, sizeof path, "%s/%d", tree->root, (int)base + 11);
    make_dir(path);
    snprintf(text, sizeof text, "Name:\tdaemon\nTgid:\t%d\nUid:\t%u\t%u\t%u\t%u\n", (int)base + 10,
             (unsigned)uid, (unsigned)uid, (unsigned)uid, (unsigned)uid);
    snprintf(path, sizeof path, "%s/%d/status", tree->root, (int)base + 11);
    write_bytes(path, text, strlen(text));
    snprintf(path, sizeof path, "%s/%d/cmdline", tree->root, (int)base + 11);
    write_bytes(path, "daemon", 7);
    /* Two more of the daemon's threads: a stat we may not read (listed as root), and
     * one cut short. */
    snprintf(path, sizeof path, "%s/%d/task/%d", tree->root, (int)base + 10, (int)base + 12);
    make_dir(path);
    fake_stat_line(text, sizeof text, base + 12, "hidden", 1, 0x400040, 2);
    snprintf(path, sizeof path, "%s/%d/task/%d/stat", tree->root, (int)base + 10, (int)base + 12);
    write_bytes(path, text, strlen(text));
    OT_ASSERT(chmod(path, 0) == 0, "chmod %s: %s", path, strerror(errno));
    snprintf(path, sizeof path, "%s/%d/task/%d", tree->root, (int)base + 10, (int)base + 13);
    make_dir(path);
    snprintf(text, sizeof text, "%d (cut) S 1", (int)base + 13);
    snprintf(path, sizeof path, "%s/%d/task/%d/stat", tree->root, (int)base + 10, (int)base + 13);
    write_bytes(path, text, strlen(text));
    snprintf(path, sizeof path, "%s/self", tree->root);
    make_dir(path);
    snprintf(path, sizeof path, "%s/sys", tree->root);
    make_dir(path);
    snprintf(path, sizeof path, "%s/%dx", tree->root, (int)base + 10);
    make_dir(path);

    pid_t gone[] = {base + 50, base + 60, base + 70, base + 80, base + 90, base + 120, base + 11};
    pid_t gone_threads[] = {base + 15, base + 19, base + 13};
    snprintf(path, sizeof path, "%s/%d/task", tree->root, (int)base + 10);
    return vanished_listed_first(tree->root, gone, 7) &&
           vanished_listed_first(path, gone_threads, 3);
}

/*
 * A fake /proc tree "loopprocNUMBER" with one complete process whose file NAME
 * (under ROOT/PID; "task/PID/stat" when THREAD_STAT) is a symbolic link to
 * itself: opening it fails with ELOOP, an error that is neither "gone" nor
 * "not ours". The scans in WHICH must fail with it: 'p' scan_processes over
 * every process and over that PID alone, 't' scan_threads likewise, 'r'
 * scan_threads over that PID alone.
 */
static void expect_real_failure(int number, const char *name, bool thread_stat, const char *which)
{
    char root[32], path[300];
    snprintf(root, sizeof root, "loopproc%d", number);
    make_dir(root);
    pid_t pid = (pid_t)ot_random(100, 30000) * 10;
    bool task_dir = thread_stat || strcmp(name, "task") != 0;
    /* pid, ppid, name, cmdline, threads, kernel?, stat?, status?, task/?, UIDs, others */
    const struct fake_proc p = {pid,      1,    "loop", "loop",           1,    false, true, true,
                                task_dir, 1000, 1000,   {NULL, NULL, NULL}, false};
    make_fake_proc(root, &p, false);
    if (thread_stat)
        snprintf(path, sizeof path, "%s/%d/task/%d/stat", root, (int)pid, (int)pid);
    else
        snprintf(path, sizeof path, "%s/%d/%s", root, (int)pid, name);
    if (unlink(path) == -1)
        OT_ASSERT(errno == ENOENT, "unlink %s: %s", path, strerror(errno));
    const char *last = strrchr(path, '/') + 1; /* "stat" -> "stat": a loop */
    OT_ASSERT(symlink(last, path) == 0, "symlink %s: %s", path, strerror(errno));

    struct scan_request all = {root, NULL, 0}, one = {root, &pid, 1};
    for (const char *scan = which; *scan != '\0'; scan++) {
        for (int pass = *scan == 'r' ? 1 : 0; pass < 2; pass++) {
            struct proc_list list = {0};
            struct thread_list threads = {0};
            errno = 0;
            int rc = *scan == 'p' ? scan_processes(pass == 0 ? &all : &one, &list)
                                  : scan_threads(pass == 0 ? &all : &one, &threads);
            int err = errno;
            /* clause SP-13 clause ST-6 */
            OT_ASSERT(rc == -1 && err == ELOOP,
                      "%s over a tree%s in which %s is a link that loops (open fails with ELOOP) "
                      "returned %d (%s); expected -1 with ELOOP: only ENOENT, ESRCH and EACCES "
                      "skip a process or thread, any other error is a real failure",
                      *scan == 'p' ? "scan_processes" : "scan_threads",
                      pass == 0 ? "" : " (its PID requested)", path, rc, strerror(err));
            proc_list_free(&list);
            thread_list_free(&threads);
        }
    }
}

/* Both scans over a fake /proc tree with vanished and unreadable files. */
void scan_skips_vanished(void)
{
    /* Ended between open() and read(): read fails with ESRCH. */
    int stale = stale_proc_fd();
    snprintf(stale_link, sizeof stale_link, "/proc/%d/fd/%d", (int)getpid(), stale);
    struct fake_tree tree = {.long_cmdline = NULL};
    int try = 0;
    while (!build_fake_tree(&tree, try))
        OT_ASSERT(++try < FAKE_TREE_TRIES,
                  "test: no fake tree in %d tries lists a vanished entry before a complete one",
                  FAKE_TREE_TRIES);
    const char *root = tree.root;
    pid_t base = tree.base;
    int fds_before = ot_open_descriptors(0);
    const struct fake_proc *procs = tree.procs;
    size_t complete = tree.complete - (tree.private_hidden ? 2 : 0);

    /* Every process. */
    struct scan_request all = {root, NULL, 0};
    struct proc_list list = {0};
    errno = 0;
    int rc = scan_processes(&all, &list);
    OT_ASSERT(rc == 0, /* clause SP-3 */
              "scan_processes over a tree with vanished processes returned %d (%s): a process "
              "that has gone (ENOENT from open, ESRCH from read) must be skipped",
              rc, strerror(errno));
    OT_ASSERT(list.count == complete, /* clause SP-1 clause SP-5 */
              "scan_processes found %zu processes; expected the %zu complete ones (a directory "
              "without stat, status or cmdline is a process that vanished, and so is one whose "
              "stat is cut short; one whose stat or status we may not read is skipped; 'self', "
              "'sys' and '%dx' are not processes)",
              list.count, complete, (int)base + 10);
    for (size_t i = 0; i < complete; i++) {
        const struct fake_proc *p = &procs[i];
        const struct proc_info *got = find_proc(&list, p->pid);
        OT_ASSERT(got != NULL, "scan_processes missed process %d", (int)p->pid);
        char *expected_cmdline = test_malloc(strlen(p->cmdline) + 1);
        strcpy(expected_cmdline, p->cmdline);
        for (char *c = expected_cmdline; *c != '\0'; c++)
            *c = *c == '|' ? ' ' : *c;
        if (p->pid == base + 100 && tree.secret_hidden)
            expected_cmdline[0] = '\0'; /* unreadable: shown as [secret] */
        OT_ASSERT(strcmp(got->stat.comm, p->name) == 0 && got->stat.ppid == p->ppid &&
                      got->stat.num_threads == p->threads,
                  "process %d: comm '%s' ppid %d threads %ld; expected '%s', %d, %ld", (int)p->pid,
                  got->stat.comm, (int)got->stat.ppid, got->stat.num_threads, p->name, (int)p->ppid,
                  p->threads);
        OT_ASSERT(got->uid == p->effective_uid, /* clause SP-8 */
                  "process %d: uid %u; expected %u, the effective UID (the second number of the "
                  "'Uid:' line of status)",
                  (int)p->pid, (unsigned)got->uid, (unsigned)p->effective_uid);
        /* clause SP-6 clause SP-9 clause SP-10 */
        OT_ASSERT(got->cmdline != NULL && strcmp(got->cmdline, expected_cmdline) == 0,
                  "process %d: cmdline '%.100s' (%zu bytes); expected '%.100s' (%zu bytes): the "
                  "whole file, however long, its last NUL dropped (if it has one) and the other "
                  "NULs turned into spaces; a cmdline we may not read (EACCES) is an empty one",
                  (int)p->pid, got->cmdline ? got->cmdline : "(null)",
                  got->cmdline ? strlen(got->cmdline) : 0, expected_cmdline,
                  strlen(expected_cmdline));
        free(expected_cmdline);
    }
    proc_list_free(&list);

    /* Selected processes, some of them gone, cut short, never there, or a thread ID
     * (base+11) whose stat has gone. The last PID of the array is not requested. */
    pid_t wanted[] = {base + 10, base + 11, base + 120, base + 50,
                      base + 20, base + 99, base + 60,  base + 30};
    struct scan_request some = {root, wanted, 7};
    rc = scan_processes(&some, &list);
    proc_list_sort(&list);
    /* clause SP-2 clause SP-3 clause SP-4 */
    OT_ASSERT(rc == 0 && list.count == 2 && list.items[0].stat.pid == base + 10 &&
                  list.items[1].stat.pid == base + 20,
              "scan_processes for the PIDs %d %d %d %d %d %d %d returned %d with %zu processes "
              "(the first %d); expected 0 and only %d and %d (the others are gone, cut short, "
              "were never there, or are a thread's; and %d was not asked for)",
              (int)wanted[0], (int)wanted[1], (int)wanted[2], (int)wanted[3], (int)wanted[4],
              (int)wanted[5], (int)wanted[6], rc, list.count,
              list.count > 0 ? (int)list.items[0].stat.pid : 0, (int)base + 10, (int)base + 20,
              (int)base + 30);
    proc_list_free(&list);

    /* The same command lines from pslist, with glibc's malloc tunables set so that
     * every heap byte it gets is 0xa5 (perturb), a byte read beyond those the file
     * gave shows, and every block is a mapping of its own (mmap_threshold 0), which
     * realloc moves as it grows: a pointer kept to the old block fails at once. */
    char notasks[16], closed[16], daemon[16];
    snprintf(notasks, sizeof notasks, "%d", (int)base + 40);
    snprintf(closed, sizeof closed, "%d", (int)base + 140);
    snprintf(daemon, sizeof daemon, "%d", (int)base + 10);
    const char *perturbed =
        "glibc.malloc.perturb=90:glibc.malloc.tcache_count=0:glibc.malloc.mmap_threshold=0";
    OT_ASSERT(setenv("GLIBC_TUNABLES", perturbed, 1) == 0, "setenv: %s", strerror(errno));
    struct ot_result r;
    run_pslist((const char *[]){"--proc-root", root, "--tsv", "--no-header", "--pid", notasks,
                                "--pid", closed, "--pid", daemon, NULL},
               3000, &r);
    unsetenv("GLIBC_TUNABLES");
    char *notasks_row = find_row(r.out, base + 40), *closed_row = find_row(r.out, base + 140);
    const char *notasks_command = notasks_row ? strrchr(notasks_row, '\t') : NULL;
    const char *closed_command = closed_row ? strrchr(closed_row, '\t') : NULL;
    /* clause SP-9 clause SP-12 */
    OT_ASSERT(ot_exit_status(&r) == 0 && notasks_command != NULL && closed_command != NULL &&
                  strcmp(notasks_command, "\t notasks  x") == 0 &&
                  strcmp(closed_command, "\tclosed -x") == 0,
              "'pslist --proc-root %s --tsv --pid %s --pid %s' must show the commands "
              "' notasks  x' (cmdline \"\\0notasks\\0\\0x\\0\": empty arguments show as spaces) "
              "and 'closed -x' (\"closed\\0-x\": no final NUL, nothing dropped, nothing read past "
              "the end); it exited %d and wrote:\n%s%s",
              root, notasks, closed, ot_exit_status(&r), r.out, r.err);
    char *daemon_row = find_row(r.out, base + 10);
    const char *daemon_command = daemon_row ? strrchr(daemon_row, '\t') : NULL;
    char *expected_daemon = test_malloc(strlen(tree.long_cmdline) + 2);
    expected_daemon[0] = '\t';
    for (size_t i = 0; tree.long_cmdline[i] != '\0'; i++)
        expected_daemon[i + 1] = tree.long_cmdline[i] == '|' ? ' ' : tree.long_cmdline[i];
    expected_daemon[strlen(tree.long_cmdline) + 1] = '\0';
    /* clause SP-10 */
    OT_ASSERT(daemon_command != NULL && strcmp(daemon_command, expected_daemon) == 0,
              "'pslist --proc-root %s --tsv --pid %s' must show the whole command line of %zu "
              "bytes, '%.60s...'; it exited %d and wrote %zu bytes: %.200s\n%s",
              root, daemon, strlen(expected_daemon) - 1, expected_daemon + 1,
              ot_exit_status(&r), strlen(r.out), r.out, r.err);
    free(expected_daemon);
    free(daemon_row);
    free(notasks_row);
    free(closed_row);
    ot_result_free(&r);

    /* Threads: the daemon's two, one each for the next two; no task/ dir: skipped. */
    struct thread_list threads = {0};
    rc = scan_threads(&all, &threads);
    OT_ASSERT(rc == 0, /* clause ST-2 */
              "scan_threads over a tree with vanished threads returned %d (%s): a thread "
              "or process that has gone must be skipped",
              rc, strerror(errno));
    thread_list_sort(&threads);
    size_t daemon_threads = tree.private_hidden ? 2 : 3; /* as root, base+12 can be read */
    /* clause ST-2 clause ST-5 */
    OT_ASSERT(threads.count == daemon_threads + 2,
              "scan_threads found %zu threads; expected %zu (%zu of %d, 1 of %d, 1 of %d; a task "
              "directory without stat, or with a stat cut short, is a thread that has gone; a "
              "task/ or a thread's stat we may not read is skipped)",
              threads.count, daemon_threads + 2, daemon_threads, (int)base + 10, (int)base + 20,
              (int)base + 30);
    const struct thread_info *tricky_thread = &threads.items[daemon_threads];
    OT_ASSERT(threads.items[0].pid == base + 10 && threads.items[1].pid == base + 10 && /* clause ST-1 */
                  threads.items[1].stat.pid == base + 11 &&
                  strcmp(threads.items[1].stat.comm, tree.thread_name) == 0 &&
                  tricky_thread->pid == base + 20 &&
                  strcmp(tricky_thread->stat.comm, tree.tricky) == 0,
              "scan_threads: thread %d of process %d is named '%s'; expected thread %d of "
              "process %d named '%s' (read task/TID/stat, each thread's own)",
              (int)threads.items[1].stat.pid, (int)threads.items[1].pid, threads.items[1].stat.comm,
              (int)base + 11, (int)base + 10, tree.thread_name);
    thread_list_free(&threads);

    /* Threads of selected processes: one whose status we may not read, one whose task/
     * we may not read, a thread ID; the last PID of the array is not requested. */
    pid_t wanted_threads[] = {base + 130, base + 20, base + 11, base + 140, base + 30};
    struct scan_request some_threads = {root, wanted_threads, 4};
    rc = scan_threads(&some_threads, &threads);
    /* clause ST-4 clause ST-5 clause SP-2 */
    OT_ASSERT(rc == 0 && threads.count == 1 && threads.items[0].stat.pid == base + 20,
              "scan_threads for the PIDs %d %d %d %d returned %d with %zu threads; expected 0 and "
              "only the thread %d (%d's status may not be read, %d is a thread, %d's task/ may not "
              "be read; %d was not asked for)",
              (int)wanted_threads[0], (int)wanted_threads[1], (int)wanted_threads[2],
              (int)wanted_threads[3], rc, threads.count, (int)base + 20, (int)base + 130,
              (int)base + 11, (int)base + 140, (int)base + 30);
    thread_list_free(&threads);

    /* An empty root: no process, and no failure either. */
    make_dir("emptyproc");
    struct scan_request empty = {"emptyproc", NULL, 0};
    errno = 0;
    rc = scan_processes(&empty, &list);
    int empty_err = errno;
    int rc_threads = scan_threads(&empty, &threads);
    OT_ASSERT(rc == 0 && list.count == 0 && rc_threads == 0 && threads.count == 0, /* clause SP-1 */
              "scan_processes and scan_threads over an empty root returned %d (%s) and %d, with "
              "%zu processes and %zu threads: expected 0 and nothing (readdir's NULL at the end "
              "is no error: set errno to 0 before calling it)",
              rc, strerror(empty_err), rc_threads, list.count, threads.count);

    /* A root that is not there: a real failure, not an empty list. */
    struct scan_request nowhere = {"no-such-proc-root", NULL, 0};
    errno = 0;
    rc = scan_processes(&nowhere, &list);
    int err = errno;
    OT_ASSERT(rc == -1 && err == ENOENT, /* clause SP-7 */
              "scan_processes with a proc_root that does not exist returned %d (%s); expected -1 "
              "with ENOENT: a root that cannot be opened is a real failure",
              rc, strerror(err));
    errno = 0;
    rc = scan_threads(&nowhere, &threads);
    err = errno;
    OT_ASSERT(rc == -1 && err == ENOENT, /* clause ST-3 */
              "scan_threads with a proc_root that does not exist returned %d (%s); expected -1 "
              "with ENOENT",
              rc, strerror(err));
    proc_list_free(&list);
    thread_list_free(&threads);
    /* Errors that are real failures: a link that loops, instead of each file in turn. */
    expect_real_failure(0, "stat", false, "p");
    expect_real_failure(1, "status", false, "pr");
    expect_real_failure(2, "cmdline", false, "p");
    expect_real_failure(3, "task", false, "t");
    expect_real_failure(4, "stat", true, "t");
    int fds_after = ot_open_descriptors(0);
    OT_ASSERT(fds_after == fds_before, /* clause SP-11 */
              "this process had %d open descriptors before the scans and %d after: close every "
              "file and directory you open, also when you skip a process or thread that vanished",
              fds_before, fds_after);
    free(tree.long_cmdline);
    close(stale);
}
