/*
 * main.c - procman: a process manager with an event log (given code).
 *
 * procman reads commands, one a line, from stdin or --script FILE, and
 * starts, lists, signals and waits for its children (commands.c). Every
 * start, exit, kill, stop and continue goes to the event log.
 *
 * The event loop waits in poll() on two descriptors: the command input and
 * the wake-up pipe that signal handlers write one byte to (the "self-pipe
 * trick"). So when a child ends while procman sits at its prompt, the
 * SIGCHLD handler reaps it and wakes the loop, and the exit is logged at
 * once instead of at the next command. SIGINT and SIGTERM wake the loop the
 * same way and make procman shut down as `quit` does.
 */
#include "oslab.h"

#include <fcntl.h>  /* open */
#include <poll.h>   /* poll */
#include <signal.h> /* sigaction */

#include "commands.h"
#include "lifecycle.h"
#include "procman_cmdline.h"

enum { LINE_BYTES = 4096 }; /* the longest command line, newline included */

/* The table whose wake-up pipe the shutdown handler writes to; set before
 * the handler is installed, never changed after. */
static struct child_table *shutdown_table;

/* SIGINT and SIGTERM: ask the main program to shut down, and wake it.
 * Only async-signal-safe work: set a flag, write a byte. */
static void on_shutdown_signal(int signo)
{
    shutdown_signal = signo;
    table_wake(shutdown_table);
}

/* Catch SIGINT (Ctrl-C) and SIGTERM with on_shutdown_signal. */
static void install_shutdown_handlers(struct child_table *table)
{
    shutdown_table = table;
    struct sigaction action = {.sa_handler = on_shutdown_signal, .sa_flags = SA_RESTART};
    sigemptyset(&action.sa_mask);
    if (sigaction(SIGINT, &action, NULL) == -1 || sigaction(SIGTERM, &action, NULL) == -1)
        exit_errno("sigaction");
}

/* Where commands come from, and the start of a line not complete yet. */
struct line_reader {
    int fd;
    char buf[LINE_BYTES + 1]; /* + 1: room for the NUL after a last line */
    size_t len;
    bool too_long; /* skipping the rest of a line that did not fit */
};

/* Carry out every complete line in R's buffer; keep the incomplete rest.
 * Returns COMMAND_QUIT as soon as a line says quit. */
static enum command_result execute_lines(struct line_reader *r, struct child_table *table,
                                         const struct settings *settings)
{
    char *start = r->buf;
    char *end = r->buf + r->len;
    char *newline;
    while ((newline = memchr(start, '\n', (size_t)(end - start))) != NULL) {
        *newline = '\0';
        bool skip = r->too_long;
        r->too_long = false;
        if (!skip && execute_line(table, settings, start) == COMMAND_QUIT)
            return COMMAND_QUIT;
        /* Answers go out command by command, even into a pipe. */
        fflush(stdout);
        start = newline + 1;
    }
    r->len = (size_t)(end - start);
    memmove(r->buf, start, r->len);
    if (r->len == LINE_BYTES) {
        warn_msg("a command line is longer than %d bytes: ignored", LINE_BYTES - 1);
        r->too_long = true;
        r->len = 0;
    }
    return COMMAND_CONTINUE;
}

/* Read what the input has now and carry out the complete lines in it.
 * Returns COMMAND_QUIT at quit or at the end of the input. */
static enum command_result read_commands(struct line_reader *r, struct child_table *table,
                                         const struct settings *settings)
{
    ssize_t n = read(r->fd, r->buf + r->len, LINE_BYTES - r->len);
    if (n == -1 && (errno == EINTR || errno == EAGAIN))
        return COMMAND_CONTINUE;
    if (n == -1)
        exit_errno("read the commands");
    if (n == 0) {
        /* End of input: a last line without a newline still counts. */
        if (r->len > 0 && !r->too_long) {
            r->buf[r->len] = '\0';
            r->len = 0;
            execute_line(table, settings, r->buf);
        }
        return COMMAND_QUIT;
    }
    r->len += (size_t)n;
    return execute_lines(r, table, settings);
}

/* Read and carry out commands until quit, end of input, or a shutdown signal.
 * Logs children's events as they happen, even while waiting for input. */
static void run_event_loop(struct child_table *table, const struct settings *settings, int input_fd,
                           bool interactive)
{
    static struct line_reader reader; /* static: a 4 KiB buffer */
    reader.fd = input_fd;
    bool prompt = interactive;
    for (;;) {
        log_child_events(table);
        if (shutdown_signal != 0)
            return;
        if (prompt) {
            printf("procman> ");
            fflush(stdout);
            prompt = false;
        }
        struct pollfd fds[2] = {
            {.fd = input_fd, .events = POLLIN},
            {.fd = table->wake_fds[0], .events = POLLIN},
        };
        if (poll(fds, 2, -1) == -1) {
            if (errno == EINTR)
                continue; /* a signal handler ran: look at the flags again */
            exit_errno("poll");
        }
        if (fds[1].revents != 0)
            table_drain_wake(table);
        if (fds[0].revents != 0) {
            if (read_commands(&reader, table, settings) == COMMAND_QUIT)
                return;
            prompt = interactive;
        }
    }
}

/* End every child, log the last events, and print the summary line. */
static void shut_down(struct child_table *table, const struct settings *settings)
{
    int signo = shutdown_signal;
    if (signo != 0) {
        evlog("procman got %s: quitting", signal_name(signo));
        shutdown_signal = 0; /* a second Ctrl-C now hurries terminate_children on */
    }
    size_t live = table_live_count(table);
    int killed = terminate_children(table, settings->grace_ms);
    if (killed == -1)
        exit_errno("terminate_children");
    log_child_events(table);
    printf("summary: %lu started, %d reaped, %zu running at quit, %d needed SIGKILL",
           table->started, (int)table->reaped, live, killed);
    if (table->strays > 0)
        printf(", %d reaped that were never recorded", (int)table->strays);
    printf("\n");
}

/* Check the options and fill SETTINGS; exit 2 with a message on a bad one. */
static void parse_options(int argc, char *argv[], struct gengetopt_args_info *args,
                          struct settings *settings, long *max_children)
{
    /* getopt names the program by argv[0]: "procman", not its whole path. */
    argv[0] = program_invocation_short_name;
    if (cmdline_parser(argc, argv, args) != 0) {
        /* getopt has printed the line that names the bad option. */
        exit_usage_hint();
    }
    if (args->inputs_num > 0)
        exit_usage("unexpected argument '%s'", args->inputs[0]);
    *max_children = get_long(args->max_children_arg, 1, 1000, "--max-children");
    settings->grace_ms = (int)get_long(args->grace_ms_arg, 0, 60000, "--grace-ms");
    settings->lifetime_ms =
        (int)get_long(args->child_lifetime_ms_arg, 0, 3600000, "--child-lifetime-ms");
}

int main(int argc, char *argv[])
{
    struct gengetopt_args_info args;
    struct settings settings;
    long max_children;
    parse_options(argc, argv, &args, &settings, &max_children);

    int input_fd = STDIN_FILENO;
    if (args.script_given) {
        input_fd = open(args.script_arg, O_RDONLY | O_CLOEXEC);
        if (input_fd == -1)
            exit_errno("cannot open the script '%s'", args.script_arg);
    }
    if (evlog_open(args.log_arg) == -1)
        exit_errno("cannot open the log '%s'", args.log_arg);

    static struct child_table table; /* static: its event ring is large */
    if (table_init(&table, (size_t)max_children) == -1)
        exit_errno("cannot make the table of children");
    table.quiet = args.quiet_flag;
    if (install_sigchld_handler(&table) == -1)
        exit_errno("install_sigchld_handler");
    install_shutdown_handlers(&table);

    bool interactive = !args.script_given && isatty(STDIN_FILENO);
    if (interactive)
        printf("procman %s: type 'help' for the commands, 'quit' to leave.\n",
               CMDLINE_PARSER_VERSION);
    run_event_loop(&table, &settings, input_fd, interactive);
    shut_down(&table, &settings);

    table_destroy(&table);
    evlog_close();
    if (input_fd != STDIN_FILENO && close(input_fd) == -1)
        warn_errno("close the script");
    cmdline_parser_free(&args);
    return 0;
}
