/*
 * main.c - pslist: list processes and threads from /proc, end a process,
 * watch processes end.
 *
 * Given code: the options, the filters and the choice of output. Reading
 * /proc, signalling and waiting are in procfs.c, the student's file.
 *
 * pslist creates nothing that outlives it (its descriptors close when it
 * exits), so the default action of SIGINT and SIGTERM, ending at once, is
 * the right one and no handler is installed.
 */
#include "oslab.h"

#include <pwd.h> /* getpwnam_r */

#include "output.h"
#include "procfs.h"
#include "pslist_cmdline.h"

enum {
    PID_LIMIT = 4194304, /* PID_MAX_LIMIT: no PID is ever larger */
    GRACE_LIMIT_MS = 3600000,
    TIMEOUT_LIMIT_MS = 86400000,
    EXIT_NO_MATCH = 1, /* the filters matched no process, as ps(1) */
    EXIT_TIMEOUT = 3,  /* --watch gave up with processes still running */
};

/* What the command line asked for. Filled once by parse_options, then read-only. */
struct options {
    enum { LIST_PROCESSES, LIST_THREADS, LIST_TREE, KILL, WATCH } mode;
    pid_t *pids; /* --pid, or the PIDs to --watch; sorted, no duplicates */
    size_t npids;
    bool by_user; /* --user was given ... */
    uid_t uid;    /* ... and names this user */
    const char *proc_root;
    struct output_style style;
    pid_t kill_pid; /* --kill */
    int signo;      /* --signal */
    int grace_ms;   /* --grace-ms */
    int timeout_ms; /* --timeout-ms, 0 for none */
};

/* qsort comparator for PIDs. */
static int compare_pid_values(const void *a, const void *b)
{
    pid_t pa = *(const pid_t *)a, pb = *(const pid_t *)b;
    return (pa > pb) - (pa < pb);
}

/* Parse the COUNT PIDs in TEXTS (values of option NAME) into a sorted array, no duplicates. */
static pid_t *parse_pids(char *const *texts, size_t count, const char *name, size_t *npids)
{
    pid_t *pids = calloc(count, sizeof *pids);
    if (pids == NULL)
        exit_errno("allocate %zu PIDs", count);
    for (size_t i = 0; i < count; i++)
        pids[i] = (pid_t)get_long(texts[i], 1, PID_LIMIT - 1, name);

    qsort(pids, count, sizeof *pids, compare_pid_values);
    size_t unique = 0;
    for (size_t i = 0; i < count; i++) {
        if (unique == 0 || pids[unique - 1] != pids[i])
            pids[unique++] = pids[i];
    }
    *npids = unique;
    return pids;
}

/* The UID of NAME, a login name or a number; exits with status 2 for an unknown user. */
static uid_t parse_user(const char *name)
{
    struct passwd entry, *found = NULL;
    char buffer[4096];
    long number;

    int error = getpwnam_r(name, &entry, buffer, sizeof buffer, &found);
    if (error == 0 && found != NULL)
        return found->pw_uid;
    if (parse_long(name, 0, (long)UINT32_MAX - 1, "--user", &number, NULL, 0) == 0)
        return (uid_t)number;
    exit_usage("--user: no user named '%s'", name);
}

/* Exit with status 2 if OPTION was GIVEN although it only makes sense with WHAT. */
static void only_with(bool given, bool allowed, const char *option, const char *what)
{
    if (given && !allowed)
        exit_usage("%s only applies to %s", option, what);
}

/* Fill *OPT from ARGS, checking every value; exits with status 2 on a bad one. */
static void parse_options(const struct gengetopt_args_info *args, struct options *opt)
{
    int modes = args->threads_flag + args->tree_flag + args->kill_given + args->watch_flag;
    if (modes > 1)
        exit_usage("choose one of --threads, --tree, --kill and --watch");

    bool listing = !args->kill_given && !args->watch_flag;
    only_with(args->pid_given > 0, listing, "--pid",
              "a listing (use --kill PID or --watch PID...)");
    only_with(args->user_given, listing, "--user", "a listing");
    only_with(args->tsv_flag, listing, "--tsv", "a listing");
    only_with(args->no_header_flag, listing, "--no-header", "a listing");
    only_with(args->proc_root_given, listing, "--proc-root", "a listing");
    only_with(args->signal_given, args->kill_given, "--signal", "--kill");
    only_with(args->grace_ms_given, args->kill_given, "--grace-ms", "--kill");
    only_with(args->timeout_ms_given, args->watch_flag, "--timeout-ms", "--watch");
    if (args->inputs_num > 0 && !args->watch_flag)
        exit_usage("unexpected argument '%s' (PIDs after the options are for --watch)",
                   args->inputs[0]);

    *opt = (struct options){
        .mode = args->threads_flag ? LIST_THREADS
                : args->tree_flag  ? LIST_TREE
                : args->kill_given ? KILL
                : args->watch_flag ? WATCH
                                   : LIST_PROCESSES,
        .proc_root = args->proc_root_arg,
        .style = {.header = !args->no_header_flag, .tsv = args->tsv_flag},
    };
    if (opt->proc_root[0] == '\0')
        exit_usage("--proc-root: the directory name is empty");

    if (args->pid_given > 0)
        opt->pids = parse_pids(args->pid_arg, args->pid_given, "--pid", &opt->npids);
    if (args->user_given) {
        opt->by_user = true;
        opt->uid = parse_user(args->user_arg);
    }
    if (opt->mode == KILL) {
        opt->kill_pid = (pid_t)get_long(args->kill_arg, 1, PID_LIMIT - 1, "--kill");
        if (parse_signal(args->signal_arg, &opt->signo) == -1)
            exit_usage("--signal: '%s' is not a signal name or number", args->signal_arg);
        opt->grace_ms = (int)get_long(args->grace_ms_arg, 0, GRACE_LIMIT_MS, "--grace-ms");
    }
    if (opt->mode == WATCH) {
        if (args->inputs_num == 0)
            exit_usage("--watch needs at least one PID");
        opt->pids = parse_pids(args->inputs, args->inputs_num, "PID", &opt->npids);
        opt->timeout_ms = (int)get_long(args->timeout_ms_arg, 0, TIMEOUT_LIMIT_MS, "--timeout-ms");
    }
}

/* Remove from LIST every process that is not USER's. */
static void keep_user(struct proc_list *list, uid_t user)
{
    size_t kept = 0;

    for (size_t i = 0; i < list->count; i++) {
        if (list->items[i].uid == user)
            list->items[kept++] = list->items[i];
        else
            free(list->items[i].cmdline);
    }
    list->count = kept;
}

/* Scan the processes REQ selects, keep those of the --user if any, sort. Exits on failure. */
static void scan_selected(const struct options *opt, const struct scan_request *req,
                          struct proc_list *list)
{
    if (scan_processes(req, list) == -1)
        exit_errno("read the processes in %s", req->proc_root);
    if (opt->by_user)
        keep_user(list, opt->uid);
    proc_list_sort(list);
}

/* pslist [--pid PID]... [--user NAME]: one row per process. Returns the exit status. */
static int list_processes(const struct options *opt)
{
    struct scan_request req = {opt->proc_root, opt->pids, opt->npids};
    struct proc_list list = {0};

    scan_selected(opt, &req, &list);
    print_processes(&list, &opt->style);
    bool filtered = opt->npids > 0 || opt->by_user;
    int status = filtered && list.count == 0 ? EXIT_NO_MATCH : 0;
    proc_list_free(&list);
    return status;
}

/* pslist --threads: one row per thread of the selected processes. Returns the exit status. */
static int list_threads(const struct options *opt)
{
    struct scan_request req = {opt->proc_root, opt->pids, opt->npids};
    struct thread_list threads = {0};
    struct proc_list procs = {0};
    pid_t *user_pids = NULL;

    if (opt->by_user) {
        /* Threads have no user of their own: select the user's processes first. */
        scan_selected(opt, &req, &procs);
        user_pids = calloc(procs.count + 1, sizeof *user_pids);
        if (user_pids == NULL)
            exit_errno("allocate %zu PIDs", procs.count);
        for (size_t i = 0; i < procs.count; i++)
            user_pids[i] = procs.items[i].stat.pid;
        req.pids = user_pids;
        req.npids = procs.count;
    }
    /* An empty selection must list nothing, not (npids == 0) everything. */
    if (!opt->by_user || procs.count > 0) {
        if (scan_threads(&req, &threads) == -1)
            exit_errno("read the threads in %s", req.proc_root);
    }
    thread_list_sort(&threads);
    print_threads(&threads, &opt->style);

    bool filtered = opt->npids > 0 || opt->by_user;
    int status = filtered && threads.count == 0 ? EXIT_NO_MATCH : 0;
    thread_list_free(&threads);
    proc_list_free(&procs);
    free(user_pids);
    return status;
}

/* pslist --tree: the tree of every process, or the subtrees of --pid. Returns the exit status. */
static int list_tree(const struct options *opt)
{
    /* A subtree needs every process: any of them may be a descendant. */
    struct scan_request req = {opt->proc_root, NULL, 0};
    struct proc_list list = {0};

    scan_selected(opt, &req, &list);
    print_tree(&list, opt->pids, opt->npids, &opt->style);

    bool found = list.count > 0;
    if (opt->npids > 0) {
        found = false;
        for (size_t i = 0; i < list.count && !found; i++)
            found = bsearch(&list.items[i].stat.pid, opt->pids, opt->npids, sizeof(pid_t),
                            compare_pid_values) != NULL;
    }
    bool filtered = opt->npids > 0 || opt->by_user;
    proc_list_free(&list);
    return filtered && !found ? EXIT_NO_MATCH : 0;
}

/* pslist --kill PID: end it, with escalation; the event log tells how. Returns the exit status. */
static int kill_process(const struct options *opt)
{
    struct kill_report report;

    if (terminate_process(opt->kill_pid, opt->signo, opt->grace_ms, &report) == -1)
        exit_errno("cannot end process %d", (int)opt->kill_pid);
    return 0;
}

/* pslist --watch PID...: log each end until all have ended or the timeout; the exit status. */
static int watch_processes(const struct options *opt)
{
    struct watched *procs = calloc(opt->npids, sizeof *procs);
    if (procs == NULL)
        exit_errno("allocate %zu watches", opt->npids);

    /* PIDs in one line for the log: at most 8 characters each. */
    char *pid_text = calloc(opt->npids, 9);
    if (pid_text == NULL)
        exit_errno("allocate %zu watches", opt->npids);
    size_t used = 0;

    for (size_t i = 0; i < opt->npids; i++) {
        procs[i] = (struct watched){.pid = opt->pids[i], .pidfd = -1, .ended = false};
        if (watch_open(&procs[i]) == -1) {
            int error = errno;
            watch_close(procs, i);
            errno = error;
            exit_errno("cannot watch process %d", (int)opt->pids[i]);
        }
        used += (size_t)sprintf(pid_text + used, "%s%d", i > 0 ? " " : "", (int)procs[i].pid);
    }
    evlog("watching %zu %s: %s", opt->npids, opt->npids == 1 ? "process" : "processes", pid_text);

    int running = watch_wait(procs, opt->npids, opt->timeout_ms);
    int error = errno;
    watch_close(procs, opt->npids);
    if (running == -1) {
        errno = error;
        exit_errno("watch");
    }

    int status = 0;
    if (running > 0) {
        used = 0;
        for (size_t i = 0; i < opt->npids; i++) {
            if (!procs[i].ended)
                used += (size_t)sprintf(pid_text + used, "%s%d", used > 0 ? " " : "",
                                        (int)procs[i].pid);
        }
        evlog("timeout after %d ms: %d still running: %s", opt->timeout_ms, running, pid_text);
        status = EXIT_TIMEOUT;
    } else {
        evlog("all %zu watched %s ended", opt->npids, opt->npids == 1 ? "process" : "processes");
    }
    free(pid_text);
    free(procs);
    return status;
}

/* Parse the options, do what they ask, report write errors on stdout. */
int main(int argc, char *argv[])
{
    struct gengetopt_args_info args;
    struct options opt;
    int status = 0;

    if (cmdline_parser(argc, argv, &args) != 0) {
        /* The parser has printed what was wrong: add the hint, as exit_usage does. */
        cmdline_parser_free(&args);
        exit_usage_hint();
    }
    parse_options(&args, &opt);

    switch (opt.mode) {
    case LIST_PROCESSES:
        status = list_processes(&opt);
        break;
    case LIST_THREADS:
        status = list_threads(&opt);
        break;
    case LIST_TREE:
        status = list_tree(&opt);
        break;
    case KILL:
        status = kill_process(&opt);
        break;
    case WATCH:
        status = watch_processes(&opt);
        break;
    }

    if (fflush(stdout) == EOF || ferror(stdout))
        exit_errno("write to stdout");
    free(opt.pids);
    cmdline_parser_free(&args);
    return status;
}
