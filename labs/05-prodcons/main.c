/*
 * main.c - prodcons: producers and consumers around a bounded buffer (given code).
 *
 * main reads the options, runs the workers (workers.c) and prints the
 * summary: how many items went through, how full the buffer got, how long
 * the workers waited, and what the checks of trace.c found.
 */
#include "oslab.h"

#include "prodcons_cmdline.h"
#include "workers.h"

/* Check the options and fill CONFIG; exit 2 with a message on a bad one. */
static void parse_options(int argc, char *argv[], struct gengetopt_args_info *args,
                          struct run_config *config)
{
    /* getopt names the program by argv[0]: "prodcons", not its whole path. */
    argv[0] = program_invocation_short_name;
    if (cmdline_parser(argc, argv, args) != 0) {
        /* getopt has printed the line that names the bad option. */
        exit_usage_hint();
    }
    if (args->inputs_num > 0)
        exit_usage("unexpected argument '%s'", args->inputs[0]);
    config->producers = (int)get_long(args->producers_arg, 1, MAX_PRODUCERS, "--producers");
    config->consumers = (int)get_long(args->consumers_arg, 1, MAX_CONSUMERS, "--consumers");
    config->capacity = (size_t)get_long(args->capacity_arg, 1, BUFFER_MAX_CAPACITY, "--capacity");
    config->items = get_long(args->items_arg, 1, 10000000, "--items");
    config->produce_ms = (int)get_long(args->produce_ms_arg, 0, 60000, "--produce-ms");
    config->consume_ms = (int)get_long(args->consume_ms_arg, 0, 60000, "--consume-ms");
    if (strcmp(args->sync_arg, "sem") == 0)
        config->sync = SYNC_SEM;
    else if (strcmp(args->sync_arg, "condvar") == 0)
        config->sync = SYNC_CONDVAR;
    else
        exit_usage("--sync: '%s' is neither 'sem' nor 'condvar'", args->sync_arg);
    config->processes = args->processes_flag;
    config->quiet = args->quiet_flag;
}

/* "1 time" or "3 times". */
static const char *times(long n)
{
    return n == 1 ? "time" : "times";
}

/* Print the summary of the run; returns the exit status it means. */
static int print_summary(const struct run_config *config, const struct run_outcome *outcome)
{
    long produced = 0, consumed = 0;
    int64_t producers_ns = 0, consumers_ns = 0;
    for (int i = 0; i < config->producers; i++) {
        produced += outcome->producer[i].items;
        producers_ns += outcome->producer[i].waiting_ns;
    }
    for (int i = 0; i < config->consumers; i++) {
        consumed += outcome->consumer[i].items;
        consumers_ns += outcome->consumer[i].waiting_ns;
    }
    const struct buffer_ops *ops = buffer_ops_for(config->sync);
    if (outcome->stop_signal != 0)
        printf("stopped by %s: the producers made %ld of %ld items\n",
               signal_name(outcome->stop_signal), produced, config->items);
    printf("summary: %ld produced, %ld consumed, max occupancy %zu/%zu\n", produced, consumed,
           outcome->max_count, config->capacity);
    printf("waiting: producers %.3f s in %s (buffer full %ld %s), consumers %.3f s in %s "
           "(buffer empty %ld %s)\n",
           (double)producers_ns / 1e9, ops->put_name, outcome->waits_full,
           times(outcome->waits_full), (double)consumers_ns / 1e9, ops->get_name,
           outcome->waits_empty, times(outcome->waits_empty));
    if (outcome->sigusr1 > 0)
        printf("signals: %ld SIGUSR1 received by the workers\n", outcome->sigusr1);
    if (outcome->worker_failed) {
        printf("check: FAILED: %s%s%s\n", outcome->failure,
               outcome->problems > 0 ? "; the first problem: " : "",
               outcome->problems > 0 ? outcome->first_problem : "");
        return 1;
    }
    if (outcome->problems > 0) {
        printf("check: FAILED: %ld %s; the first: %s\n", outcome->problems,
               outcome->problems == 1 ? "problem" : "problems", outcome->first_problem);
        return 1;
    }
    if (produced != consumed) {
        printf("check: FAILED: %ld items produced but %ld consumed\n", produced, consumed);
        return 1;
    }
    printf("check: ok: every item taken exactly once, each producer's items in order, "
           "occupancy within 0..%zu\n",
           config->capacity);
    return outcome->stop_signal != 0 ? 128 + outcome->stop_signal : 0;
}

int main(int argc, char *argv[])
{
    struct gengetopt_args_info args;
    struct run_config config;
    parse_options(argc, argv, &args, &config);
    if (evlog_open(args.log_arg) == -1)
        exit_errno("cannot open the log '%s'", args.log_arg);

    static struct run_outcome outcome; /* static: it is large */
    int status = 1;
    if (run_workers(&config, &outcome) == 0)
        status = print_summary(&config, &outcome);
    fflush(stdout);
    evlog_close();
    cmdline_parser_free(&args);
    return status;
}
