/*
 * main.c - shmipc: shared memory between processes (given code).
 *
 *   shmipc counter [--workers N] [--increments M] [--mode MODE] [--private] [--kill-holder]
 *   shmipc put NAME FILE [--timeout-ms MS] [--force]
 *   shmipc get NAME FILE [--timeout-ms MS]
 *
 * main checks the command line (every value, and that each option belongs
 * to the command given) and runs the command: counter.c, handover.c.
 */
#include "oslab.h"

#include "shm.h"
#include "shmipc.h"
#include "shmipc_cmdline.h"

enum {
    INCREMENTS_LIMIT = 1000000000,
    TIMEOUT_LIMIT_MS = 3600000,
};

/* Exit with status 2 if OPTION was GIVEN although the command is not WHAT. */
static void only_with(bool given, bool allowed, const char *option, const char *what)
{
    if (given && !allowed)
        exit_usage("%s only applies to %s", option, what);
}

/* The mode named TEXT, exactly (no abbreviations); exits with status 2 otherwise. */
static enum counter_mode parse_mode(const char *text)
{
    for (enum counter_mode m = MODE_RACY; m <= MODE_ATOMIC; m++) {
        if (strcmp(text, mode_name(m)) == 0)
            return m;
    }
    exit_usage("--mode: '%s' is not racy, mutex or atomic", text);
}

/* `shmipc counter ...`: check its options, run it; the exit status. */
static int counter_command(const struct gengetopt_args_info *args)
{
    if (args->inputs_num > 1)
        exit_usage("unexpected argument '%s' after counter", args->inputs[1]);
    struct counter_options opt = {
        .mode = parse_mode(args->mode_arg),
        .workers = (int)get_long(args->workers_arg, 1, MAX_WORKERS, "--workers"),
        .increments = get_long(args->increments_arg, 0, INCREMENTS_LIMIT, "--increments"),
        .private_copy = args->private_flag,
        .kill_holder = args->kill_holder_flag,
    };
    if (opt.kill_holder && opt.mode != MODE_MUTEX)
        exit_usage("--kill-holder needs --mode mutex");
    if (opt.kill_holder && opt.private_copy)
        exit_usage("--kill-holder needs the shared counter, not --private");
    if (opt.kill_holder && opt.increments == 0)
        exit_usage("--kill-holder needs at least 1 increment");
    return run_counter(&opt);
}

/* `shmipc put|get NAME FILE`: check the arguments, run it; the exit status. */
static int handover_command(const struct gengetopt_args_info *args, bool put)
{
    const char *command = put ? "put" : "get";
    if (args->inputs_num != 3)
        exit_usage("%s needs NAME and FILE: shmipc %s /name file", command, command);
    const char *name = args->inputs[1], *path = args->inputs[2];
    const char *why;
    if (!valid_object_name(name, &why))
        exit_usage("%s: the name '%s' %s", command, name, why);
    if (path[0] == '\0')
        exit_usage("%s: the file name is empty", command);
    int timeout_ms = (int)get_long(args->timeout_ms_arg, 1, TIMEOUT_LIMIT_MS, "--timeout-ms");

    install_shutdown_handlers();
    return put ? run_put(name, path, timeout_ms, args->force_flag)
               : run_get(name, path, timeout_ms);
}

/* Parse the command line, run the command, report write errors on stdout. */
int main(int argc, char *argv[])
{
    struct gengetopt_args_info args;

    if (cmdline_parser(argc, argv, &args) != 0) {
        /* The parser has printed what was wrong: add the hint, as exit_usage does. */
        cmdline_parser_free(&args);
        exit_usage_hint();
    }
    if (args.inputs_num == 0)
        exit_usage("a command is needed: counter, put or get");
    const char *command = args.inputs[0];
    bool counter = strcmp(command, "counter") == 0;
    bool put = strcmp(command, "put") == 0;
    bool get = strcmp(command, "get") == 0;
    if (!counter && !put && !get)
        exit_usage("unknown command '%s': counter, put or get", command);

    only_with(args.workers_given, counter, "--workers", "counter");
    only_with(args.increments_given, counter, "--increments", "counter");
    only_with(args.mode_given, counter, "--mode", "counter");
    only_with(args.private_flag, counter, "--private", "counter");
    only_with(args.kill_holder_flag, counter, "--kill-holder", "counter");
    only_with(args.timeout_ms_given, put || get, "--timeout-ms", "put and get");
    only_with(args.force_flag, put, "--force", "put");

    int status = counter ? counter_command(&args) : handover_command(&args, put);

    if (fflush(stdout) == EOF || ferror(stdout))
        exit_errno("write to stdout");
    cmdline_parser_free(&args);
    return status;
}
