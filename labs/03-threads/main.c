/*
 * main.c - counter: threads that share one counter, the race and four ways
 * to fix it, each measured.
 *
 * Given code: the options, one run per mode (set up, start, show, join,
 * print the result line) and the /proc/self/task listing of --show-threads.
 * Starting and joining the threads and the count_* functions are in
 * counter_threads.c, the student's file.
 *
 * counter creates nothing that outlives it: its threads end with the
 * process. The default action of SIGINT and SIGTERM, ending at once, is the
 * right one and no handler is installed.
 */
#include "oslab.h"

#include <dirent.h> /* opendir, readdir: /proc/self/task */

#include "counter.h"
#include "counter_cmdline.h"
#include "counter_threads.h"

enum {
    THREADS_MAX = 256,
    HOLD_LIMIT_MS = 3600000,
};
static const long INCREMENTS_MAX = 10000000000L; /* 10^10 */

/* What the command line asked for. Filled once by parse_options, then read-only. */
struct options {
    int threads;          /* --threads */
    uint64_t increments;  /* --increments */
    bool all_modes;       /* --mode all ... */
    enum count_mode mode; /* ... or this one mode */
    bool show_threads;    /* --show-threads */
    int hold_ms;          /* --hold-ms */
};

/* Fill *OPT from ARGS, checking every value; exits with status 2 on a bad one. */
static void parse_options(const struct gengetopt_args_info *args, struct options *opt)
{
    if (args->inputs_num > 0)
        exit_usage("unexpected argument '%s'", args->inputs[0]);
    *opt = (struct options){
        .threads = (int)get_long(args->threads_arg, 1, THREADS_MAX, "--threads"),
        .increments = (uint64_t)get_long(args->increments_arg, 0, INCREMENTS_MAX, "--increments"),
        .show_threads = args->show_threads_flag,
        .hold_ms = (int)get_long(args->hold_ms_arg, 0, HOLD_LIMIT_MS, "--hold-ms"),
    };
    /* Whole names only: "mut" is not "mutex". */
    opt->all_modes = strcmp(args->mode_arg, "all") == 0;
    for (opt->mode = 0; !opt->all_modes && opt->mode < MODE_COUNT; opt->mode++) {
        if (strcmp(args->mode_arg, mode_name(opt->mode)) == 0)
            break;
    }
    if (!opt->all_modes && opt->mode == MODE_COUNT)
        exit_usage("--mode: '%s' is not racy, mutex, spin, atomic, local or all", args->mode_arg);
}

/* qsort comparator for task IDs. */
static int compare_tids(const void *a, const void *b)
{
    long ta = *(const long *)a, tb = *(const long *)b;
    return (ta > tb) - (ta < tb);
}

/* Print the task IDs in /proc/self/task, sorted, on one line: the main
 * thread (its TID is the PID) and every thread of this process. */
static void list_tasks(void)
{
    DIR *dir = opendir("/proc/self/task");
    if (dir == NULL)
        exit_errno("open /proc/self/task");
    long tids[THREADS_MAX + 16];
    size_t count = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL && count < sizeof tids / sizeof tids[0]) {
        if (entry->d_name[0] != '.')
            tids[count++] = strtol(entry->d_name, NULL, 10);
    }
    closedir(dir);
    qsort(tids, count, sizeof tids[0], compare_tids);

    printf("tasks of process %d in /proc/self/task:", (int)getpid());
    for (size_t i = 0; i < count; i++)
        printf(" %ld", tids[i]);
    printf("\n");
}

/* One run of MODE as OPT says: start, show, join, print the result line.
 * Exits with status 1 if the threads cannot be started or joined. */
static void run_mode(const struct options *opt, enum count_mode mode)
{
    struct counter c;
    bool hold = opt->show_threads || opt->hold_ms > 0;
    counter_init(&c, mode, opt->threads, opt->increments, opt->show_threads, hold);

    int64_t started = now_ns();
    if (start_threads(&c) != 0) {
        counter_destroy(&c);
        exit(1); /* start_threads said what failed */
    }
    if (hold) {
        /* Every thread is now a task of this process, waiting at the gate. */
        wait_for_threads(&c, c.threads);
        if (opt->show_threads)
            list_tasks();
        if (opt->hold_ms > 0) {
            printf("holding %d threads for %d ms: pslist --threads --pid %d\n", c.threads,
                   opt->hold_ms, (int)getpid());
            fflush(stdout);
            sleep_ms(opt->hold_ms);
        }
        started = now_ns(); /* the time counted is the counting, not the wait */
        release_threads(&c);
    }
    uint64_t total = 0;
    if (join_threads(&c, &total) != 0) {
        counter_destroy(&c);
        exit(1);
    }
    int64_t elapsed = now_ns() - started;

    char line[256];
    format_count_line(line, sizeof line, mode_name(mode), c.threads,
                      c.threads == 1 ? "thread" : "threads", c.increments, total, elapsed);
    printf("%s\n", line);
    fflush(stdout); /* each line as soon as its run is over: --mode all takes a while */
    counter_destroy(&c);
}

/* Parse the options, run one mode or all in turn, report write errors on stdout. */
int main(int argc, char *argv[])
{
    struct gengetopt_args_info args;
    struct options opt;

    if (cmdline_parser(argc, argv, &args) != 0) {
        /* The parser has printed what was wrong: add the hint, as exit_usage does. */
        cmdline_parser_free(&args);
        exit_usage_hint();
    }
    parse_options(&args, &opt);

    if (opt.all_modes) {
        for (enum count_mode mode = 0; mode < MODE_COUNT; mode++)
            run_mode(&opt, mode);
    } else {
        run_mode(&opt, opt.mode);
    }

    if (fflush(stdout) == EOF || ferror(stdout))
        exit_errno("write to stdout");
    cmdline_parser_free(&args);
    return 0;
}
