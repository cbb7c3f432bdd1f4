/*
 * test_shared.c - CUnit tests of the shared library (the .c files in shared/).
 *
 * Functions that end the process run in a forked child whose stdout and
 * stderr share one pipe: the parent checks the exit status and the exact
 * text, in the order it was written. Files live in a private temporary
 * folder that the suites empty and remove, whether a test passed or not.
 * Timing checks assert lower bounds only, so a slow machine cannot fail them.
 */
#include "oslab.h"

#include <CUnit/Basic.h> /* CU_basic_run_tests, the assertions */
#include <fcntl.h>       /* fcntl, FD_CLOEXEC */
#include <limits.h>      /* LONG_MIN, LONG_MAX, PATH_MAX */
#include <pthread.h>     /* the eventlog and signal_name thread tests */
#include <regex.h>       /* checking the log line format */
#include <signal.h>      /* sigaction, raise */
#include <string.h>      /* sigabbrev_np */
#include <sys/stat.h>    /* stat, umask */
#include <sys/time.h>    /* setitimer */
#include <sys/wait.h>    /* waitpid */
#include <time.h>        /* localtime_r */

/* ---- Helpers -------------------------------------------------------------- */

/* What a child run by run_in_child did. */
struct child_run {
    int status;     /* raw wait status */
    char out[8192]; /* stdout and stderr as written, NUL-terminated */
    size_t len;
};

/* Run BODY in a forked child, stdout and stderr on one pipe; collect output and status. */
static void run_in_child(void (*body)(void), struct child_run *run)
{
    int fds[2];
    memset(run, 0, sizeof *run);
    run->status = -1;

    int rc = pipe(fds);
    CU_ASSERT_FATAL(rc == 0);
    fflush(stdout); /* else the child's exit() would print CUnit's pending output again */
    pid_t pid = fork();
    CU_ASSERT_FATAL(pid != -1);
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        dup2(fds[1], STDERR_FILENO);
        close(fds[0]);
        close(fds[1]);
        /* CUnit made stdout unbuffered; make it what it is in a program
         * writing to a pipe, so that the tests can see what gets flushed. */
        static char stdout_buffer[BUFSIZ];
        setvbuf(stdout, stdout_buffer, _IOFBF, sizeof stdout_buffer);
        body();
        _exit(99); /* BODY must end the process itself */
    }
    close(fds[1]);

    char scratch[512];
    ssize_t n = 1;
    while (n != 0) {
        size_t room = sizeof run->out - 1 - run->len;
        /* Once the buffer is full, keep draining so the child never blocks. */
        n = room > 0 ? read(fds[0], run->out + run->len, room) : read(fds[0], scratch, sizeof scratch);
        if (n == -1 && errno != EINTR)
            break;
        if (n > 0 && room > 0)
            run->len += (size_t)n;
    }
    close(fds[0]);
    while (waitpid(pid, &run->status, 0) == -1 && errno == EINTR)
        continue;
}

/* Check that RUN exited with STATUS after writing exactly EXPECTED. */
static void check_child(const struct child_run *run, int status, const char *expected)
{
    CU_ASSERT_TRUE(WIFEXITED(run->status));
    CU_ASSERT_EQUAL(WEXITSTATUS(run->status), status);
    CU_ASSERT_STRING_EQUAL(run->out, expected);
    if (strcmp(run->out, expected) != 0)
        printf("\n    expected \"%s\"\n    got      \"%s\"\n", expected, run->out);
}

/* Private folder for the files of the eventlog suite, and the log in it. */
static char tmp_dir[PATH_MAX];
static char log_path[PATH_MAX + 16];

/* Read all of PATH into a malloc'd NUL-terminated buffer, its size in *LEN; NULL on error. */
static char *read_file(const char *path, size_t *len)
{
    struct stat st;
    char *text = NULL;
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return NULL;
    if (fstat(fileno(f), &st) == 0 && (text = malloc((size_t)st.st_size + 1)) != NULL) {
        *len = fread(text, 1, (size_t)st.st_size, f);
        text[*len] = '\0';
    }
    fclose(f);
    return text;
}

/* True if LINE (without its newline, LEN bytes) matches the extended regex PATTERN. */
static bool line_matches(const char *pattern, const char *line, size_t len)
{
    regex_t re;
    regmatch_t whole = {.rm_so = 0, .rm_eo = (regoff_t)len};
    if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
        return false;
    bool match = regexec(&re, line, 1, &whole, REG_STARTEND) == 0;
    regfree(&re);
    return match;
}

/* Regex of a log line's time stamp. */
#define STAMP_RE "^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]\\.[0-9]{3} "

/* True if the stamp at the start of LINE is within 2 s of the local time now. */
static bool stamp_is_now(const char *line)
{
    time_t now = time(NULL);
    struct tm local;
    localtime_r(&now, &local);
    long now_of_day = local.tm_hour * 3600L + local.tm_min * 60L + local.tm_sec;
    long h = (line[0] - '0') * 10 + (line[1] - '0');
    long m = (line[3] - '0') * 10 + (line[4] - '0');
    long s = (line[6] - '0') * 10 + (line[7] - '0');
    long diff = ((h * 3600 + m * 60 + s) - now_of_day + 86400) % 86400;
    return diff <= 2 || diff >= 86400 - 2; /* tolerate midnight */
}

/* ---- Error reporting ------------------------------------------------------ */

/* Expected "PROG: " prefixed text, built once per test. */
static char expected[4096];

/* Leave output in stdout's buffer and close its descriptor: the fflush in
 * warn_* then fails and sets errno, which they must not let through. */
static void make_fflush_fail(void)
{
    printf("lost");
    close(STDOUT_FILENO);
}

static void body_warn_errno(void)
{
    make_fflush_fail();
    errno = ENOENT;
    warn_errno("open %s", "data.txt");
    _exit(errno == ENOENT ? 0 : 3); /* 3: errno was not preserved */
}

static void test_warn_errno(void)
{
    struct child_run run;
    run_in_child(body_warn_errno, &run);
    snprintf(expected, sizeof expected, "%s: open data.txt: %s\n",
             program_invocation_short_name, strerror(ENOENT));
    check_child(&run, 0, expected);
}

static void body_warn_msg(void)
{
    make_fflush_fail();
    errno = EACCES;
    warn_msg("%d children left", 2);
    _exit(errno == EACCES ? 0 : 3);
}

static void test_warn_msg(void)
{
    struct child_run run;
    run_in_child(body_warn_msg, &run);
    snprintf(expected, sizeof expected, "%s: 2 children left\n", program_invocation_short_name);
    check_child(&run, 0, expected);
}

static void body_warn_long(void)
{
    static char big[5000];
    memset(big, 'z', sizeof big - 1);
    warn_msg("%s", big);
    /* A long program name as well, so that the whole line is cut too. */
    static char long_name[1500];
    memset(long_name, 'p', sizeof long_name - 1);
    program_invocation_short_name = long_name;
    warn_msg("%s", big);
    _exit(0);
}

/* A message too long for the buffer is cut, but still ends its line. */
static void test_warn_cut(void)
{
    struct child_run run;
    run_in_child(body_warn_long, &run);
    char *first_end = strchr(run.out, '\n');
    CU_ASSERT_TRUE(run.len > 2000 && run.len < 5000);
    CU_ASSERT_TRUE(first_end != NULL && first_end - run.out > 1000);
    CU_ASSERT_EQUAL(run.out[run.len - 1], '\n');
    CU_ASSERT_PTR_EQUAL(first_end != NULL ? strchr(first_end + 1, '\n') : NULL, run.out + run.len - 1);
}

static void body_exit_errno(void)
{
    printf("before "); /* still in stdio's buffer: exit_errno must flush it first */
    errno = EACCES;
    exit_errno("open %s", "/root/x");
}

static void test_exit_errno(void)
{
    struct child_run run;
    run_in_child(body_exit_errno, &run);
    snprintf(expected, sizeof expected, "before %s: open /root/x: %s\n",
             program_invocation_short_name, strerror(EACCES));
    check_child(&run, 1, expected);
}

static void body_exit_en(void)
{
    errno = 0; /* exit_en must use its argument, not errno */
    exit_en(EAGAIN, "pthread_create");
}

static void test_exit_en(void)
{
    struct child_run run;
    run_in_child(body_exit_en, &run);
    snprintf(expected, sizeof expected, "%s: pthread_create: %s\n",
             program_invocation_short_name, strerror(EAGAIN));
    check_child(&run, 1, expected);
}

static void body_exit_msg(void)
{
    printf("before ");
    exit_msg("bad state %s", "zombie");
}

static void test_exit_msg(void)
{
    struct child_run run;
    run_in_child(body_exit_msg, &run);
    snprintf(expected, sizeof expected, "before %s: bad state zombie\n", program_invocation_short_name);
    check_child(&run, 1, expected);
}

static void body_exit_usage(void)
{
    exit_usage("--mode: '%s' is not a mode", "fast");
}

static void test_exit_usage(void)
{
    const char *prog = program_invocation_short_name;
    struct child_run run;
    run_in_child(body_exit_usage, &run);
    snprintf(expected, sizeof expected, "%s: --mode: 'fast' is not a mode\nTry '%s --help'.\n", prog, prog);
    check_child(&run, 2, expected);
}

static void body_exit_usage_hint(void)
{
    printf("before ");
    exit_usage_hint();
}

static void test_exit_usage_hint(void)
{
    struct child_run run;
    run_in_child(body_exit_usage_hint, &run);
    snprintf(expected, sizeof expected, "before Try '%s --help'.\n", program_invocation_short_name);
    check_child(&run, 2, expected);
}

/* An atexit handler: exit() runs it, _exit() must not. */
static void say_atexit_ran(void)
{
    write_all(STDOUT_FILENO, "atexit ran\n", 11);
}

static void body_exit_child_errno(void)
{
    atexit(say_atexit_ran);
    printf("parent's buffer "); /* a copy of the parent's: must NOT be flushed */
    errno = ECHILD;
    exit_child_errno(42, "execvp %s", "nosuchprogram");
}

static void test_exit_child_errno(void)
{
    struct child_run run;
    run_in_child(body_exit_child_errno, &run);
    snprintf(expected, sizeof expected, "%s: execvp nosuchprogram: %s\n",
             program_invocation_short_name, strerror(ECHILD));
    /* Valgrind and TSan flush stdio when a process ends, even by _exit():
     * the copied buffer may then follow the message, never precede it. */
    size_t message_len = strlen(expected);
    if (run.len > message_len && strcmp(run.out + message_len, "parent's buffer ") == 0)
        run.out[message_len] = '\0';
    check_child(&run, 42, expected);
}

static CU_TestInfo error_tests[] = {
    {"warn_errno: message, strerror, errno kept", test_warn_errno},
    {"warn_msg: message, errno kept", test_warn_msg},
    {"warn_msg: a long message is cut to one line", test_warn_cut},
    {"exit_errno: stdout first, status 1", test_exit_errno},
    {"exit_en: strerror of the argument", test_exit_en},
    {"exit_msg: stdout first, status 1", test_exit_msg},
    {"exit_usage: hint line, status 2", test_exit_usage},
    {"exit_usage_hint: the hint alone, stdout first, status 2", test_exit_usage_hint},
    {"exit_child_errno: _exit, no stdio flush", test_exit_child_errno},
    CU_TEST_INFO_NULL,
};

/* ---- Number parsing ------------------------------------------------------- */

/* One parse_long case: TEXT in [MIN, MAX] gives VALUE, or is rejected. */
static const struct {
    const char *text;
    long min, max;
    bool ok;
    long value;
} parse_cases[] = {
    {"5", 1, 64, true, 5},
    {"1", 1, 64, true, 1},       /* min itself */
    {"64", 1, 64, true, 64},     /* max itself */
    {"0", 1, 64, false, 0},      /* below min */
    {"65", 1, 64, false, 0},     /* above max */
    {"-0", -10, 10, true, 0},
    {"-0", 1, 64, false, 0},
    {"-7", -10, 10, true, -7},
    {"+7", -10, 10, true, 7},
    {"007", 0, 10, true, 7},     /* base 10, never octal */
    {"", 0, 10, false, 0},
    {" 5", 0, 10, false, 0},     /* leading whitespace */
    {"\t5", 0, 10, false, 0},
    {"5 ", 0, 10, false, 0},     /* trailing junk */
    {"5x", 0, 10, false, 0},
    {"0x10", 0, 100, false, 0},
    {"1e3", 0, 10000, false, 0},
    {"-", -10, 10, false, 0},
    {"+", -10, 10, false, 0},
    {"- 5", -10, 10, false, 0},
    {"99999999999", 1, 64, false, 0},
    {"9223372036854775807", LONG_MIN, LONG_MAX, true, LONG_MAX},
    {"-9223372036854775808", LONG_MIN, LONG_MAX, true, LONG_MIN},
    {"9223372036854775808", LONG_MIN, LONG_MAX, false, 0},   /* ERANGE */
    {"-9223372036854775809", LONG_MIN, LONG_MAX, false, 0},  /* ERANGE */
    {"99999999999999999999", LONG_MIN, LONG_MAX, false, 0},  /* ERANGE */
};

static void test_parse_table(void)
{
    for (size_t i = 0; i < sizeof parse_cases / sizeof parse_cases[0]; i++) {
        long value = 12345;
        char err[256] = "";
        int rc = parse_long(parse_cases[i].text, parse_cases[i].min, parse_cases[i].max, "--n",
                            &value, err, sizeof err);
        if (parse_cases[i].ok) {
            CU_ASSERT_EQUAL(rc, 0);
            CU_ASSERT_EQUAL(value, parse_cases[i].value);
        } else {
            CU_ASSERT_EQUAL(rc, -1);
            CU_ASSERT_EQUAL(value, 12345); /* *out untouched on error */
            CU_ASSERT_PTR_NOT_NULL(strstr(err, "--n"));
        }
        if ((rc == 0) != parse_cases[i].ok) /* say which case, in the verbose output */
            printf("\n    parse_long(\"%s\", %ld, %ld) wrong\n", parse_cases[i].text,
                   parse_cases[i].min, parse_cases[i].max);
    }
}

static void test_parse_message(void)
{
    char err[256];
    long value;
    CU_ASSERT_EQUAL(parse_long("99999999999", 1, 64, "--threads", &value, err, sizeof err), -1);
    CU_ASSERT_STRING_EQUAL(err, "--threads: '99999999999' is not an integer from 1 to 64");
    CU_ASSERT_EQUAL(parse_long("", -5, 5, "--delta", &value, err, sizeof err), -1);
    CU_ASSERT_STRING_EQUAL(err, "--delta: '' is not an integer from -5 to 5");

    char small[12]; /* a short buffer is filled and terminated, never overrun */
    CU_ASSERT_EQUAL(parse_long("x", 1, 64, "--threads", &value, small, sizeof small), -1);
    CU_ASSERT_STRING_EQUAL(small, "--threads: ");
}

static void test_get_long_ok(void)
{
    CU_ASSERT_EQUAL(get_long("8", 1, 64, "--threads"), 8);
    CU_ASSERT_EQUAL(get_long("-3", -5, 5, "--delta"), -3);
}

static void body_get_long_bad(void)
{
    get_long("99999999999", 1, 64, "--threads");
    _exit(0); /* get_long returned: the test sees status 0 and fails */
}

static void test_get_long_bad(void)
{
    const char *prog = program_invocation_short_name;
    struct child_run run;
    run_in_child(body_get_long_bad, &run);
    snprintf(expected, sizeof expected,
             "%s: --threads: '99999999999' is not an integer from 1 to 64\nTry '%s --help'.\n", prog, prog);
    check_child(&run, 2, expected);
}

static CU_TestInfo parse_tests[] = {
    {"parse_long: accepted and rejected texts", test_parse_table},
    {"parse_long: message names option and range", test_parse_message},
    {"get_long: returns the value", test_get_long_ok},
    {"get_long: bad value exits 2 with the message", test_get_long_bad},
    CU_TEST_INFO_NULL,
};

/* ---- Signal names --------------------------------------------------------- */

/* Linux's standard signals, written out independently of signals.c. */
static const struct {
    int signo;
    const char *name;
} standard_signals[] = {
    {SIGHUP, "SIGHUP"},     {SIGINT, "SIGINT"},       {SIGQUIT, "SIGQUIT"},   {SIGILL, "SIGILL"},
    {SIGTRAP, "SIGTRAP"},   {SIGABRT, "SIGABRT"},     {SIGBUS, "SIGBUS"},     {SIGFPE, "SIGFPE"},
    {SIGKILL, "SIGKILL"},   {SIGUSR1, "SIGUSR1"},     {SIGSEGV, "SIGSEGV"},   {SIGUSR2, "SIGUSR2"},
    {SIGPIPE, "SIGPIPE"},   {SIGALRM, "SIGALRM"},     {SIGTERM, "SIGTERM"},   {SIGSTKFLT, "SIGSTKFLT"},
    {SIGCHLD, "SIGCHLD"},   {SIGCONT, "SIGCONT"},     {SIGSTOP, "SIGSTOP"},   {SIGTSTP, "SIGTSTP"},
    {SIGTTIN, "SIGTTIN"},   {SIGTTOU, "SIGTTOU"},     {SIGURG, "SIGURG"},     {SIGXCPU, "SIGXCPU"},
    {SIGXFSZ, "SIGXFSZ"},   {SIGVTALRM, "SIGVTALRM"}, {SIGPROF, "SIGPROF"},   {SIGWINCH, "SIGWINCH"},
    {SIGIO, "SIGIO"},       {SIGPWR, "SIGPWR"},       {SIGSYS, "SIGSYS"},
};

/* Name -> number for NAME, "name" without SIG, its lower case and its number. */
static void check_parses_to(const char *name, int signo)
{
    char variant[64];
    int parsed = -1;

    CU_ASSERT_EQUAL(parse_signal(name, &parsed), 0);
    CU_ASSERT_EQUAL(parsed, signo);
    parsed = -1;
    CU_ASSERT_EQUAL(parse_signal(name + 3, &parsed), 0);
    CU_ASSERT_EQUAL(parsed, signo);
    snprintf(variant, sizeof variant, "%s", name);
    for (char *c = variant; *c != '\0'; c++)
        *c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
    parsed = -1;
    CU_ASSERT_EQUAL(parse_signal(variant, &parsed), 0);
    CU_ASSERT_EQUAL(parsed, signo);
    snprintf(variant, sizeof variant, "%d", signo);
    parsed = -1;
    CU_ASSERT_EQUAL(parse_signal(variant, &parsed), 0);
    CU_ASSERT_EQUAL(parsed, signo);
}

static void test_signal_standard(void)
{
    for (size_t i = 0; i < sizeof standard_signals / sizeof standard_signals[0]; i++) {
        CU_ASSERT_STRING_EQUAL(signal_name(standard_signals[i].signo), standard_signals[i].name);
        check_parses_to(standard_signals[i].name, standard_signals[i].signo);
    }
}

/* Every name glibc knows (sigabbrev_np) parses, aliases such as POLL included. */
static void test_signal_glibc_names(void)
{
    for (int signo = 1; signo < SIGRTMIN; signo++) {
        const char *abbrev = sigabbrev_np(signo);
        int parsed = -1;
        if (abbrev == NULL)
            continue;
        CU_ASSERT_EQUAL(parse_signal(abbrev, &parsed), 0);
        CU_ASSERT_EQUAL(parsed, signo);
    }
    int parsed = -1;
    CU_ASSERT_EQUAL(parse_signal("IOT", &parsed), 0);
    CU_ASSERT_EQUAL(parsed, SIGABRT);
    CU_ASSERT_EQUAL(parse_signal("SigCld", &parsed), 0);
    CU_ASSERT_EQUAL(parsed, SIGCHLD);
}

static void test_signal_realtime(void)
{
    char name[32];
    CU_ASSERT_STRING_EQUAL(signal_name(SIGRTMIN), "SIGRTMIN");
    CU_ASSERT_STRING_EQUAL(signal_name(SIGRTMIN + 3), "SIGRTMIN+3");
    CU_ASSERT_STRING_EQUAL(signal_name(SIGRTMAX), "SIGRTMAX");
    for (int signo = SIGRTMIN; signo <= SIGRTMAX; signo++) {
        snprintf(name, sizeof name, "%s", signal_name(signo));
        check_parses_to(name, signo);
    }
    int parsed = -1;
    CU_ASSERT_EQUAL(parse_signal("RTMAX-2", &parsed), 0);
    CU_ASSERT_EQUAL(parsed, SIGRTMAX - 2);
    CU_ASSERT_EQUAL(parse_signal("rtmin+0", &parsed), 0);
    CU_ASSERT_EQUAL(parsed, SIGRTMIN);
}

static void test_signal_unknown(void)
{
    static const char *const bad[] = {
        "", "SIG", "TERMX", "SIGTERM ", " TERM", "0", "-1", "15x", "99999999999",
        "RTMIN+", "RTMIN-1", "RTMIN++1", "RTMIN+-0", "RTMAX+1", "RTMIN+99", "SIGSIGTERM",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int parsed = -12345;
        CU_ASSERT_EQUAL(parse_signal(bad[i], &parsed), -1);
        CU_ASSERT_EQUAL(parsed, -12345);
    }
    char number[32];
    snprintf(number, sizeof number, "%d", SIGRTMAX + 1);
    int parsed = -1;
    CU_ASSERT_EQUAL(parse_signal(number, &parsed), -1);
    CU_ASSERT_EQUAL(parse_signal("32", &parsed), 0); /* unnamed, but a real signal */
    CU_ASSERT_EQUAL(parsed, 32);

    CU_ASSERT_STRING_EQUAL(signal_name(0), "signal 0");
    CU_ASSERT_STRING_EQUAL(signal_name(32), "signal 32");
    CU_ASSERT_STRING_EQUAL(signal_name(-1), "signal -1");
    snprintf(number, sizeof number, "signal %d", SIGRTMAX + 1);
    CU_ASSERT_STRING_EQUAL(signal_name(SIGRTMAX + 1), number);
}

/* Thread body: signal_name of another signal must not disturb the caller's text. */
static void *name_in_thread(void *arg)
{
    (void)arg;
    return (void *)(intptr_t)(strcmp(signal_name(SIGRTMIN + 2), "SIGRTMIN+2") == 0);
}

static void test_signal_name_threads(void)
{
    const char *mine = signal_name(SIGRTMIN + 1);
    pthread_t thread;
    void *ok = NULL;
    CU_ASSERT_EQUAL_FATAL(pthread_create(&thread, NULL, name_in_thread, NULL), 0);
    pthread_join(thread, &ok);
    CU_ASSERT_PTR_NOT_NULL(ok);
    CU_ASSERT_STRING_EQUAL(mine, "SIGRTMIN+1");
}

static CU_TestInfo signal_tests[] = {
    {"standard signals: name and parse round trip", test_signal_standard},
    {"every glibc abbreviation parses", test_signal_glibc_names},
    {"real-time signals: SIGRTMIN+N round trip", test_signal_realtime},
    {"unknown names and numbers", test_signal_unknown},
    {"signal_name buffer is per thread", test_signal_name_threads},
    CU_TEST_INFO_NULL,
};

/* ---- Event log ------------------------------------------------------------ */

static char saved_tz[256];
static bool had_tz;

/* Suite set-up: a private folder, and a time zone 5:30 east of UTC so that
 * evlog_signal_safe's cached offset is really tested, minutes included. */
static int eventlog_suite_init(void)
{
    const char *base = getenv("TMPDIR");
    snprintf(tmp_dir, sizeof tmp_dir, "%s/oslab-libtest-XXXXXX", base != NULL && *base != '\0' ? base : "/tmp");
    if (mkdtemp(tmp_dir) == NULL)
        return -1;
    snprintf(log_path, sizeof log_path, "%s/events.log", tmp_dir);

    const char *tz = getenv("TZ");
    had_tz = tz != NULL;
    snprintf(saved_tz, sizeof saved_tz, "%s", had_tz ? tz : "");
    setenv("TZ", "<+0530>-05:30", 1);
    tzset();
    return 0;
}

/* Suite clean-up: remove the folder (fails if a test left a file behind), restore TZ. */
static int eventlog_suite_clean(void)
{
    if (had_tz)
        setenv("TZ", saved_tz, 1);
    else
        unsetenv("TZ");
    tzset();
    return rmdir(tmp_dir);
}

/* After every test, passed or failed: back to stderr, and no log file left. */
static void eventlog_teardown(void)
{
    evlog_close();
    unlink(log_path);
}

static void test_evlog_format(void)
{
    CU_ASSERT_EQUAL_FATAL(evlog_open(log_path), 0);
    evlog("hello %d from %s", 42, "test");
    evlog_close();

    size_t len;
    char *text = read_file(log_path, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_EQUAL(len, strlen("HH:MM:SS.mmm hello 42 from test\n"));
    CU_ASSERT_TRUE(len > 0 && line_matches(STAMP_RE "hello 42 from test$", text, len - 1));
    CU_ASSERT_TRUE(len >= 13 && stamp_is_now(text));
    free(text);
}

static void test_evlog_append_mode(void)
{
    mode_t old_mask = umask(0); /* so that the mode is exactly what open asked for */
    int rc = evlog_open(log_path);
    umask(old_mask);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    evlog("first");
    evlog_close();
    evlog_close(); /* twice is harmless */
    CU_ASSERT_EQUAL_FATAL(evlog_open(log_path), 0);
    evlog("second");

    /* Find the log's descriptor: it must be close-on-exec. */
    struct stat file, fd_stat;
    CU_ASSERT_EQUAL_FATAL(stat(log_path, &file), 0);
    CU_ASSERT_EQUAL(file.st_mode & 0777, 0644);
    int flags = -1;
    for (int fd = 3; fd < 1024; fd++) {
        if (fstat(fd, &fd_stat) == 0 && fd_stat.st_ino == file.st_ino && fd_stat.st_dev == file.st_dev)
            flags = fcntl(fd, F_GETFD);
    }
    CU_ASSERT_TRUE(flags != -1 && (flags & FD_CLOEXEC));
    evlog_close();

    size_t len;
    char *text = read_file(log_path, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    /* "HH:MM:SS.mmm first\nHH:MM:SS.mmm second\n": the first line survived. */
    CU_ASSERT_EQUAL(len, 13 + 6 + 13 + 7);
    CU_ASSERT_TRUE(len == 39 && memcmp(text + 13, "first\n", 6) == 0 && memcmp(text + 32, "second\n", 7) == 0);
    free(text);
}

static void test_evlog_open_fails(void)
{
    char bad_path[PATH_MAX + 32];
    snprintf(bad_path, sizeof bad_path, "%s/no/such/folder", tmp_dir);
    errno = 0;
    CU_ASSERT_EQUAL(evlog_open(bad_path), -1);
    CU_ASSERT_EQUAL(errno, ENOENT);
}

/* Log a line cut at 4 KiB with WHICH (0: evlog, 1: evlog_signal_safe); check it. */
static void check_cut(int which, size_t message_len, size_t line_len)
{
    CU_ASSERT_EQUAL_FATAL(evlog_open(log_path), 0);
    char *message = malloc(message_len + 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(message);
    memset(message, 'y', message_len);
    message[message_len] = '\0';
    if (which == 0)
        evlog("%s", message);
    else
        evlog_signal_safe(message);
    evlog_close();
    free(message);

    size_t len;
    char *text = read_file(log_path, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_EQUAL(len, line_len);
    CU_ASSERT_TRUE(len == line_len && text[len - 1] == '\n' && strspn(text + 13, "y") == line_len - 14);
    free(text);
    unlink(log_path);
}

static void test_evlog_cut(void)
{
    check_cut(0, 4082, 4096); /* fits exactly: 13 + 4082 + newline */
    check_cut(0, 4083, 4096); /* one too many */
    check_cut(0, 10000, 4096);
    check_cut(1, 4082, 4096);
    check_cut(1, 10000, 4096);
    check_cut(0, 0, 14);
}

enum { LOG_THREADS = 8, LOG_LINES = 300 };

/* Padding length of line I of thread T: varied, up to 2000 bytes, so that
 * mixed lines would show. */
static int padding_of(int t, int i)
{
    return (t * 131 + i * 17) % 2000;
}

/* Thread body: log LOG_LINES lines "thread T line I pad P xxx..." */
static void *log_lines(void *arg)
{
    int t = (int)(intptr_t)arg;
    char xs[2000];
    memset(xs, 'x', sizeof xs);
    for (int i = 0; i < LOG_LINES; i++)
        evlog("thread %d line %d pad %d %.*s", t, i, padding_of(t, i), padding_of(t, i), xs);
    return NULL;
}

/* True if LINE (up to END, its newline) is a whole, new line of log_lines;
 * marks it in SEEN. RE matches the line's start. */
static bool is_thread_line(const regex_t *re, const char *line, const char *end,
                           bool seen[LOG_THREADS][LOG_LINES])
{
    char copy[4096]; /* sscanf and regexec run strlen: give them this line alone */
    size_t len = (size_t)(end - line);
    int t, i, pad, used = 0;

    if (*end != '\n' || len >= sizeof copy)
        return false;
    memcpy(copy, line, len);
    copy[len] = '\0';
    if (regexec(re, copy, 0, NULL, 0) != 0)
        return false;
    /* "HH:MM:SS.mmm thread T line I pad P" (used counts from "thread"), a space, P x's. */
    if (sscanf(copy + 13, "thread %d line %d pad %d%n", &t, &i, &pad, &used) != 3)
        return false;
    if (t < 0 || t >= LOG_THREADS || i < 0 || i >= LOG_LINES || seen[t][i])
        return false;
    const char *xs = copy + 13 + used + 1;
    if (pad != padding_of(t, i) || strlen(xs) != (size_t)pad || strspn(xs, "x") != (size_t)pad)
        return false;
    seen[t][i] = true;
    return true;
}

static void test_evlog_threads(void)
{
    pthread_t threads[LOG_THREADS];
    CU_ASSERT_EQUAL_FATAL(evlog_open(log_path), 0);
    for (int t = 0; t < LOG_THREADS; t++)
        CU_ASSERT_EQUAL_FATAL(pthread_create(&threads[t], NULL, log_lines, (void *)(intptr_t)t), 0);
    for (int t = 0; t < LOG_THREADS; t++)
        pthread_join(threads[t], NULL);
    evlog_close();

    regex_t re;
    int rc = regcomp(&re, STAMP_RE "thread [0-9]+ line [0-9]+ pad [0-9]+ ", REG_EXTENDED | REG_NOSUB);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    size_t len;
    char *text = read_file(log_path, &len);
    static bool seen[LOG_THREADS][LOG_LINES];
    memset(seen, 0, sizeof seen);
    int lines = 0, bad = 0;
    for (char *line = text, *end; text != NULL && line < text + len; line = end + 1) {
        end = memchr(line, '\n', (size_t)(text + len - line));
        if (end == NULL)
            end = text + len; /* a last line without a newline is malformed */
        bad += !is_thread_line(&re, line, end, seen);
        lines++;
    }
    regfree(&re);
    free(text);
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_EQUAL(lines, LOG_THREADS * LOG_LINES);
}

static void log_from_handler(int signo)
{
    (void)signo;
    evlog_signal_safe("caught a signal");
}

static void test_evlog_signal_safe(void)
{
    struct sigaction action = {.sa_handler = log_from_handler}, old;
    sigemptyset(&action.sa_mask);
    CU_ASSERT_EQUAL_FATAL(evlog_open(log_path), 0);
    CU_ASSERT_EQUAL_FATAL(sigaction(SIGUSR1, &action, &old), 0);
    raise(SIGUSR1); /* the handler has run when raise returns */
    sigaction(SIGUSR1, &old, NULL);
    evlog_close();

    size_t len;
    char *text = read_file(log_path, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_EQUAL(len, strlen("HH:MM:SS.mmm caught a signal\n"));
    CU_ASSERT_TRUE(len > 0 && line_matches(STAMP_RE "caught a signal$", text, len - 1));
    CU_ASSERT_TRUE(len >= 13 && stamp_is_now(text)); /* local time from the cached UTC offset */
    free(text);
}

/* Child: log to a closed stderr, so every write fails and sets errno. */
static void body_keeps_errno(void)
{
    evlog_close();
    close(STDERR_FILENO);
    errno = ERANGE;
    evlog("lost %d", 1);
    bool kept = errno == ERANGE;
    errno = EDOM; /* what a handler's caller might be about to read */
    evlog_signal_safe("lost");
    kept = kept && errno == EDOM;
    _exit(kept ? 0 : 3);
}

static void test_evlog_keeps_errno(void)
{
    struct child_run run;
    run_in_child(body_keeps_errno, &run);
    check_child(&run, 0, "");
}

/* Child: log with no log file (the teardown closed it), then after evlog_open(NULL). */
static void body_log_to_stderr(void)
{
    evlog("to stderr %d", 7);
    if (evlog_open(NULL) != 0)
        _exit(3);
    evlog_signal_safe("signal safe");
    _exit(0);
}

static void test_evlog_stderr(void)
{
    struct child_run run;
    run_in_child(body_log_to_stderr, &run);
    CU_ASSERT_TRUE(WIFEXITED(run.status) && WEXITSTATUS(run.status) == 0);
    char *newline = strchr(run.out, '\n');
    CU_ASSERT_PTR_NOT_NULL_FATAL(newline);
    CU_ASSERT_TRUE(line_matches(STAMP_RE "to stderr 7$", run.out, (size_t)(newline - run.out)));
    CU_ASSERT_TRUE(line_matches(STAMP_RE "signal safe\n$", newline + 1, strlen(newline + 1)));
}

static CU_TestInfo eventlog_tests[] = {
    {"evlog: line format and local time", test_evlog_format},
    {"evlog_open: appends, mode 0644, close-on-exec", test_evlog_append_mode},
    {"evlog_open: missing folder gives -1/ENOENT", test_evlog_open_fails},
    {"evlog: lines cut at 4096 bytes", test_evlog_cut},
    {"evlog: threads never interleave lines", test_evlog_threads},
    {"evlog_signal_safe: from a signal handler", test_evlog_signal_safe},
    {"evlog and evlog_signal_safe keep errno", test_evlog_keeps_errno},
    {"no log file: both write to stderr", test_evlog_stderr},
    CU_TEST_INFO_NULL,
};

/* ---- Time ----------------------------------------------------------------- */

static void test_now(void)
{
    int64_t before = now_ms();
    int64_t ns = now_ns();
    int64_t after = now_ms();
    CU_ASSERT_TRUE(before > 0 && before <= ns / 1000000 && ns / 1000000 <= after);
    int64_t ns2 = now_ns();
    CU_ASSERT_TRUE(ns2 >= ns);
}

static void test_sleep_nothing(void)
{
    int64_t start = now_ms();
    sleep_ms(0);
    sleep_ms(-5);
    CU_ASSERT_TRUE(now_ms() - start < 100);
}

static volatile sig_atomic_t alarms;

static void count_alarm(int signo)
{
    (void)signo;
    alarms++;
}

/* Start a SIGALRM every INTERVAL_US microseconds, with no SA_RESTART; save the old handler in OLD. */
static int start_alarms(long interval_us, struct sigaction *old)
{
    struct sigaction action = {.sa_handler = count_alarm};
    struct itimerval timer = {{0, interval_us}, {0, interval_us}};
    sigemptyset(&action.sa_mask);
    alarms = 0;
    if (sigaction(SIGALRM, &action, old) == -1)
        return -1;
    return setitimer(ITIMER_REAL, &timer, NULL);
}

/* Stop the SIGALRMs and put back the OLD handler. */
static void stop_alarms(const struct sigaction *old)
{
    struct itimerval off = {{0, 0}, {0, 0}};
    struct timespec no_wait = {0, 0};
    sigset_t alarm_set;

    /* A SIGALRM sent just before the timer stopped may still be pending, and
     * under the default action it would kill us: block, stop, then take it. */
    sigemptyset(&alarm_set);
    sigaddset(&alarm_set, SIGALRM);
    sigprocmask(SIG_BLOCK, &alarm_set, NULL);
    setitimer(ITIMER_REAL, &off, NULL);
    while (sigtimedwait(&alarm_set, NULL, &no_wait) == SIGALRM)
        continue;
    sigaction(SIGALRM, old, NULL);
    sigprocmask(SIG_UNBLOCK, &alarm_set, NULL);
}

static void test_sleep_interrupted(void)
{
    struct sigaction old;
    int64_t start = now_ms();
    CU_ASSERT_EQUAL_FATAL(start_alarms(5000, &old), 0);
    sleep_ms(80);
    int64_t slept = now_ms() - start;
    stop_alarms(&old);
    CU_ASSERT_TRUE(alarms >= 1); /* the sleep really was interrupted */
    CU_ASSERT_TRUE(slept >= 80); /* and still lasted the full time */
}

static CU_TestInfo time_tests[] = {
    {"now_ms and now_ns agree and advance", test_now},
    {"sleep_ms(0) and negative return at once", test_sleep_nothing},
    {"sleep_ms: full duration despite SIGALRM", test_sleep_interrupted},
    CU_TEST_INFO_NULL,
};

/* ---- I/O ------------------------------------------------------------------ */

enum { PIPE_DATA = 1 << 20 }; /* 1 MiB: 16 times what a pipe holds */

/* Byte I of the test data: not periodic in the pipe's size. */
static unsigned char data_byte(size_t i)
{
    return (unsigned char)(i * 7 + i / 251);
}

/* Child: read FD slowly to EOF; exit 0 if it got exactly the test data. */
static noreturn void read_and_check(int fd)
{
    char buf[4096];
    size_t total = 0;
    int bad = 0;
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) != 0) {
        if (n == -1) {
            if (errno == EINTR)
                continue;
            _exit(2);
        }
        for (ssize_t k = 0; k < n; k++)
            bad += (unsigned char)buf[k] != data_byte(total + (size_t)k);
        total += (size_t)n;
        if (total % (64 * 1024) < 4096) /* pause now and then: the writer blocks */
            usleep(1000);
    }
    _exit(total == PIPE_DATA && bad == 0 ? 0 : 1);
}

static void test_write_all_pipe(void)
{
    unsigned char *data = malloc(PIPE_DATA);
    CU_ASSERT_PTR_NOT_NULL_FATAL(data);
    for (size_t i = 0; i < PIPE_DATA; i++)
        data[i] = data_byte(i);

    int fds[2];
    int rc = pipe(fds);
    CU_ASSERT_FATAL(rc == 0);
    fflush(stdout);
    pid_t pid = fork();
    CU_ASSERT_FATAL(pid != -1);
    if (pid == 0) {
        close(fds[1]);
        read_and_check(fds[0]);
    }
    close(fds[0]);

    /* SIGALRM every millisecond makes write return early: EINTR or a short count. */
    struct sigaction old;
    CU_ASSERT_EQUAL(start_alarms(1000, &old), 0);
    CU_ASSERT_EQUAL(write_all(fds[1], data, PIPE_DATA), 0);
    stop_alarms(&old);
    close(fds[1]);
    free(data);

    int status = -1;
    while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
        continue;
    CU_ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void test_write_all_errors(void)
{
    int fds[2];
    int rc = pipe(fds);
    CU_ASSERT_FATAL(rc == 0);
    close(fds[0]);
    close(fds[1]);
    CU_ASSERT_EQUAL(write_all(fds[1], "x", 1), -1); /* a closed descriptor */
    CU_ASSERT_EQUAL(errno, EBADF);
    rc = pipe(fds);
    CU_ASSERT_FATAL(rc == 0);
    CU_ASSERT_EQUAL(write_all(fds[1], "", 0), 0);

    /* No reader left: EPIPE (with SIGPIPE ignored, as a server would). */
    struct sigaction ignore = {.sa_handler = SIG_IGN}, old;
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGPIPE, &ignore, &old);
    close(fds[0]);
    CU_ASSERT_EQUAL(write_all(fds[1], "abc", 3), -1);
    CU_ASSERT_EQUAL(errno, EPIPE);
    sigaction(SIGPIPE, &old, NULL);
    close(fds[1]);
}

static CU_TestInfo io_tests[] = {
    {"write_all: 1 MiB through a pipe, interrupted", test_write_all_pipe},
    {"write_all: EBADF, EPIPE, empty write", test_write_all_errors},
    CU_TEST_INFO_NULL,
};

/* ---- The result line of a counting run ---------------------------------- */

static void test_count_line_format(void)
{
    char line[256];
    format_count_line(line, sizeof line, "mutex", 4, "threads", 1000000, 4000000, 104000000);
    CU_ASSERT_STRING_EQUAL(line, "mode mutex: 4 threads x 1000000 = expected 4000000, got "
                                 "4000000, lost 0 (0.0%), 0.104 s, 26.0 ns per increment");
    format_count_line(line, sizeof line, "racy", 2, "threads", 10000000, 13000000, 61000000);
    CU_ASSERT_STRING_EQUAL(line, "mode racy: 2 threads x 10000000 = expected 20000000, got "
                                 "13000000, lost 7000000 (35.0%), 0.061 s, 3.0 ns per increment");
    /* Below 1 ns two decimals; no increments at all: nothing lost, 0 ns. */
    format_count_line(line, sizeof line, "local", 1, "thread", 100000000, 100000000, 16000000);
    CU_ASSERT_STRING_EQUAL(line, "mode local: 1 thread x 100000000 = expected 100000000, got "
                                 "100000000, lost 0 (0.0%), 0.016 s, 0.16 ns per increment");
    format_count_line(line, sizeof line, "atomic", 3, "processes", 0, 0, 5000);
    CU_ASSERT_STRING_EQUAL(line, "mode atomic: 3 processes x 0 = expected 0, got 0, lost 0 "
                                 "(0.0%), 0.000 s, 0.00 ns per increment");
    /* More than expected: a negative loss. */
    format_count_line(line, sizeof line, "spin", 2, "threads", 5, 12, 1000);
    CU_ASSERT_STRING_EQUAL(line, "mode spin: 2 threads x 5 = expected 10, got 12, lost -2 "
                                 "(-20.0%), 0.000 s, 100.0 ns per increment");
}

static void test_count_line_parse(void)
{
    char line[256];
    struct count_line parsed;
    format_count_line(line, sizeof line, "mutex", 256, "threads", 10000000000, 2559999999999,
                      123456789012);
    CU_ASSERT_EQUAL(parse_count_line(line, &parsed), 0);
    CU_ASSERT_STRING_EQUAL(parsed.mode, "mutex");
    CU_ASSERT_EQUAL(parsed.workers, 256);
    CU_ASSERT_STRING_EQUAL(parsed.workers_noun, "threads");
    CU_ASSERT_EQUAL(parsed.per_worker, 10000000000);
    CU_ASSERT_EQUAL(parsed.expected, 2560000000000);
    CU_ASSERT_EQUAL(parsed.got, 2559999999999);
    CU_ASSERT_EQUAL(parsed.lost, 1);
    CU_ASSERT_DOUBLE_EQUAL(parsed.seconds, 123.457, 0.0005);
    CU_ASSERT_DOUBLE_EQUAL(parsed.ns_per_increment, 0.05, 0.005);

    strcat(line, "\n"); /* a trailing newline is allowed */
    CU_ASSERT_EQUAL(parse_count_line(line, &parsed), 0);
    const char *bad[] = {
        "",
        "mode mutex: 4 threads x 1000000",
        "mode mutex: 4 threads x 1000000 = expected 4000000, got 4000000, lost 0 (0.0%), "
        "0.104 s, 26.0 ns per increment, and more",
        "mode mutex: four threads x 1000000 = expected 4000000, got 4000000, lost 0 (0.0%), "
        "0.104 s, 26.0 ns per increment",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        parsed.workers = 77;
        CU_ASSERT_EQUAL(parse_count_line(bad[i], &parsed), -1);
        CU_ASSERT_EQUAL(parsed.workers, 77); /* *out untouched */
    }
}

static CU_TestInfo count_line_tests[] = {
    {"format_count_line: the exact line, decimals, negative loss", test_count_line_format},
    {"parse_count_line: round trip, junk refused", test_count_line_parse},
    CU_TEST_INFO_NULL,
};

/* ---- Main ----------------------------------------------------------------- */

static CU_SuiteInfo suites[] = {
    {.pName = "error", .pTests = error_tests},
    {.pName = "parse", .pTests = parse_tests},
    {.pName = "signals", .pTests = signal_tests},
    {.pName = "eventlog",
     .pInitFunc = eventlog_suite_init,
     .pCleanupFunc = eventlog_suite_clean,
     .pTearDownFunc = eventlog_teardown,
     .pTests = eventlog_tests},
    {.pName = "time", .pTests = time_tests},
    {.pName = "io", .pTests = io_tests},
    {.pName = "countline", .pTests = count_line_tests},
    CU_SUITE_INFO_NULL,
};

/* Run every suite; exit 0 only if every test passed (never CU_get_error(),
 * which is 0 even when tests failed). */
int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS || CU_register_suites(suites) != CUE_SUCCESS) {
        fprintf(stderr, "test_shared: CUnit: %s\n", CU_get_error_msg());
        return 2;
    }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failures = CU_get_number_of_tests_failed() + CU_get_number_of_suites_failed() +
                        CU_get_number_of_failures();
    CU_cleanup_registry();
    return failures == 0 ? 0 : 1;
}
