/*
 * commands.c - procman's commands (given code).
 *
 * A command line is split at blanks into words (no quoting: a word is
 * whatever lies between spaces or tabs). The first word names the command;
 * the table `commands` below says how many more words it takes and which
 * function carries it out. Every answer goes to stdout in the formats the
 * handout documents; every complaint goes to stderr as "procman: ...".
 */
#include "oslab.h"

#include <limits.h> /* INT_MAX */
#include <signal.h> /* SIGTERM, SIGSTOP, SIGCONT, sigprocmask */

#include "commands.h"
#include "lifecycle.h"

enum {
    MAX_WORDS = 64,    /* words on one command line */
    MAX_CREATE = 1000, /* workers one `create` may start */
};

/* What a command works on. */
struct context {
    struct child_table *table;
    const struct settings *settings;
};

/* A program to start and where its stdin and stdout go (NULL: procman's own). */
struct program {
    char *argv[MAX_WORDS + 1]; /* NULL-terminated */
    const char *in_path;
    const char *out_path;
};

/* ---- Helpers ------------------------------------------------------------ */

/* Parse TEXT as a PID for COMMAND; 0, or -1 after a message. */
static int parse_pid(const char *command, const char *text, pid_t *pid)
{
    char error[256];
    long value;
    if (parse_long(text, 1, INT_MAX, "PID", &value, error, sizeof error) == -1) {
        warn_msg("%s: %s", command, error);
        return -1;
    }
    *pid = (pid_t)value;
    return 0;
}

/*
 * Split ARGS (COUNT words, after the command name) into a program and its
 * redirections: "< FILE" or "<FILE" for stdin, "> FILE" or ">FILE" for stdout.
 * 0, or -1 after a message naming COMMAND.
 */
static int parse_program(const char *command, char **args, size_t count, struct program *program)
{
    size_t argc = 0;
    *program = (struct program){.in_path = NULL, .out_path = NULL};
    for (size_t i = 0; i < count; i++) {
        char *word = args[i];
        if (word[0] != '<' && word[0] != '>') {
            program->argv[argc++] = word;
            continue;
        }
        const char **target = word[0] == '<' ? &program->in_path : &program->out_path;
        const char *path = word[1] != '\0' ? word + 1 : (i + 1 < count ? args[++i] : NULL);
        if (path == NULL || path[0] == '<' || path[0] == '>') {
            warn_msg("%s: a file name must follow '%c'", command, word[0]);
            return -1;
        }
        if (*target != NULL) {
            warn_msg("%s: more than one '%c' redirection", command, word[0]);
            return -1;
        }
        *target = path;
    }
    program->argv[argc] = NULL;
    if (argc == 0) {
        warn_msg("%s: no program to run (try 'help')", command);
        return -1;
    }
    return 0;
}

/* Is there room for N more children? If not, say so for COMMAND. */
static bool have_room(const struct context *ctx, const char *command, size_t n)
{
    size_t room = table_room(ctx->table);
    if (room >= n)
        return true;
    warn_msg("%s: too many children: %zu more would exceed --max-children %zu", command, n,
             ctx->table->capacity);
    return false;
}

/* Print "ended PID COMMAND: HOW" for the child PID, which has ended. */
static void print_ended(struct child_table *table, pid_t pid)
{
    char command[COMMAND_TEXT_MAX], how[128];
    int status = 0;
    bool found = false;

    sigset_t saved;
    block_sigchld(&saved);
    struct child *child = table_find_any(table, pid);
    if (child != NULL && child->state == CHILD_ENDED) {
        snprintf(command, sizeof command, "%s", child->command);
        status = child->status;
        found = true;
    }
    restore_mask(&saved);

    if (found)
        printf("ended %d %s: %s\n", (int)pid, command, describe_status(status, how, sizeof how));
    else
        warn_msg("%d is not in the table of children: was it recorded?", (int)pid);
}

/* Send SIGNO to PID for COMMAND (kill, stop, cont), complaining if refused. */
static void send_signal(struct context *ctx, const char *command, pid_t pid, int signo)
{
    if (signal_child(ctx->table, pid, signo) == -1) {
        if (errno == ESRCH)
            warn_msg("%s: %d is not a running child of this procman", command, (int)pid);
        else
            warn_errno("%s: cannot send %s to %d", command, signal_name(signo), (int)pid);
    }
}

/* ---- The commands --------------------------------------------------------
 * Each gets the words after the command's name (as many as the table allows). */

/* run and spawn: start ARGS as a program, in the foreground or the background. */
static enum command_result start_program(struct context *ctx, const char *command, char **args,
                                         size_t count, bool background)
{
    struct program program;
    if (parse_program(command, args, count, &program) == -1 || !have_room(ctx, command, 1))
        return COMMAND_CONTINUE;

    pid_t pid =
        start_command(ctx->table, program.argv, program.in_path, program.out_path, background);
    if (pid == -1) {
        warn_errno("%s: cannot start '%s'", command, program.argv[0]);
        return COMMAND_CONTINUE;
    }
    char text[COMMAND_TEXT_MAX];
    format_command(program.argv, text, sizeof text);
    log_child_start(ctx->table, pid, text);

    if (background) {
        printf("started %d %s\n", (int)pid, text);
        return COMMAND_CONTINUE;
    }
    /* In the foreground: nothing else happens until it ends (or procman is
     * asked to quit, which the event loop then sees). */
    if (wait_for_children(ctx->table, pid, -1) == WAIT_DONE)
        print_ended(ctx->table, pid);
    return COMMAND_CONTINUE;
}

/* run CMD [ARG...]: start CMD in the foreground and wait for it. */
static enum command_result cmd_run(struct context *ctx, char **args, size_t count)
{
    return start_program(ctx, "run", args, count, false);
}

/* spawn CMD [ARG...]: start CMD in the background; print its PID. */
static enum command_result cmd_spawn(struct context *ctx, char **args, size_t count)
{
    return start_program(ctx, "spawn", args, count, true);
}

/* create [N]: start N workers (default 1). */
static enum command_result cmd_create(struct context *ctx, char **args, size_t count)
{
    long n = 1;
    char error[256];
    if (count == 1 && parse_long(args[0], 1, MAX_CREATE, "N", &n, error, sizeof error) == -1) {
        warn_msg("create: %s", error);
        return COMMAND_CONTINUE;
    }
    if (!have_room(ctx, "create", (size_t)n))
        return COMMAND_CONTINUE;
    /* Each line stays in stdout's buffer until the command is done: a
     * worker forked meanwhile gets a copy of the lines before it. */
    for (long i = 0; i < n; i++) {
        pid_t pid = start_worker(ctx->table, ctx->settings->lifetime_ms);
        if (pid == -1) {
            warn_errno("create: cannot start a worker");
            break;
        }
        log_child_start(ctx->table, pid, "[worker]");
        printf("started %d [worker]\n", (int)pid);
    }
    return COMMAND_CONTINUE;
}

/* Order list rows by start time, then PID. */
static int by_start(const void *a, const void *b)
{
    const struct child *x = a, *y = b;
    if (x->started_ms != y->started_ms)
        return x->started_ms < y->started_ms ? -1 : 1;
    return (x->pid > y->pid) - (x->pid < y->pid);
}

/* list: every child in the table, oldest first. */
static enum command_result cmd_list(struct context *ctx, char **args, size_t count)
{
    (void)args;
    (void)count;
    struct child_table *table = ctx->table;
    struct child *rows = malloc(table->capacity * sizeof *rows);
    if (rows == NULL)
        exit_errno("list");

    /* A snapshot taken with SIGCHLD blocked, so that no row is half-updated. */
    size_t n = 0;
    sigset_t saved;
    block_sigchld(&saved);
    for (size_t i = 0; i < table->capacity; i++)
        if (table->slots[i].state != CHILD_FREE)
            rows[n++] = table->slots[i];
    restore_mask(&saved);
    qsort(rows, n, sizeof rows[0], by_start);

    int64_t now = now_ms();
    printf("%7s %-24s %8s  %s\n", "PID", "STATE", "TIME", "COMMAND");
    for (size_t i = 0; i < n; i++) {
        const struct child *row = &rows[i];
        char state[128];
        if (row->state == CHILD_RUNNING)
            snprintf(state, sizeof state, "running");
        else if (row->state == CHILD_STOPPED)
            snprintf(state, sizeof state, "stopped");
        else
            describe_status(row->status, state, sizeof state);
        int64_t end = row->state == CHILD_ENDED ? row->ended_ms : now;
        printf("%7d %-24s %7.1fs  %s\n", (int)row->pid, state,
               (double)(end - row->started_ms) / 1000.0, row->command);
    }
    if (n == 0)
        printf("(no children)\n");
    free(rows);
    return COMMAND_CONTINUE;
}

/* kill PID [SIGNAL]: send SIGNAL (a name or a number; default TERM). */
static enum command_result cmd_kill(struct context *ctx, char **args, size_t count)
{
    pid_t pid;
    int signo = SIGTERM;
    if (parse_pid("kill", args[0], &pid) == -1)
        return COMMAND_CONTINUE;
    if (count == 2 && parse_signal(args[1], &signo) == -1) {
        warn_msg("kill: unknown signal '%s' (a name such as TERM or a number such as 15)", args[1]);
        return COMMAND_CONTINUE;
    }
    send_signal(ctx, "kill", pid, signo);
    return COMMAND_CONTINUE;
}

/* stop PID: SIGSTOP. */
static enum command_result cmd_stop(struct context *ctx, char **args, size_t count)
{
    (void)count;
    pid_t pid;
    if (parse_pid("stop", args[0], &pid) == 0)
        send_signal(ctx, "stop", pid, SIGSTOP);
    return COMMAND_CONTINUE;
}

/* cont PID: SIGCONT. */
static enum command_result cmd_cont(struct context *ctx, char **args, size_t count)
{
    (void)count;
    pid_t pid;
    if (parse_pid("cont", args[0], &pid) == 0)
        send_signal(ctx, "cont", pid, SIGCONT);
    return COMMAND_CONTINUE;
}

/* wait [PID]: block until PID (or every child) has ended; say how each ended. */
static enum command_result cmd_wait(struct context *ctx, char **args, size_t count)
{
    struct child_table *table = ctx->table;
    if (count == 1) {
        pid_t pid;
        if (parse_pid("wait", args[0], &pid) == -1)
            return COMMAND_CONTINUE;
        sigset_t saved;
        block_sigchld(&saved);
        bool known = table_find_any(table, pid) != NULL;
        restore_mask(&saved);
        if (!known) {
            warn_msg("wait: %d is not a child of this procman", (int)pid);
            return COMMAND_CONTINUE;
        }
        if (wait_for_children(table, pid, -1) == WAIT_DONE)
            print_ended(table, pid);
        return COMMAND_CONTINUE;
    }

    /* Every child alive now, to report on once they have all ended. */
    pid_t *waiting = malloc(table->capacity * sizeof *waiting);
    if (waiting == NULL)
        exit_errno("wait");
    size_t n = 0;
    sigset_t saved;
    block_sigchld(&saved);
    for (size_t i = 0; i < table->capacity; i++) {
        sig_atomic_t state = table->slots[i].state;
        if (state == CHILD_RUNNING || state == CHILD_STOPPED)
            waiting[n++] = table->slots[i].pid;
    }
    restore_mask(&saved);
    if (wait_for_children(table, 0, -1) == WAIT_DONE)
        for (size_t i = 0; i < n; i++)
            print_ended(table, waiting[i]);
    free(waiting);
    return COMMAND_CONTINUE;
}

/* help: list the commands. */
static enum command_result cmd_help(struct context *ctx, char **args, size_t count)
{
    (void)ctx;
    (void)args;
    (void)count;
    print_help();
    return COMMAND_CONTINUE;
}

/* quit: leave the loop; main ends the children. */
static enum command_result cmd_quit(struct context *ctx, char **args, size_t count)
{
    (void)ctx;
    (void)args;
    (void)count;
    return COMMAND_QUIT;
}

/* Every command: its name, how many words may follow, what it does. */
static const struct command {
    const char *name;
    size_t min_args, max_args;
    const char *usage;
    const char *summary;
    enum command_result (*run)(struct context *ctx, char **args, size_t count);
} commands[] = {
    {"run", 1, MAX_WORDS, "run CMD [ARG...] [< IN] [> OUT]",
     "run CMD in the foreground; say how it ended", cmd_run},
    {"spawn", 1, MAX_WORDS, "spawn CMD [ARG...] [< IN] [> OUT]",
     "run CMD in the background (stdin /dev/null)", cmd_spawn},
    {"create", 0, 1, "create [N]", "start N workers (default 1) that fork but do not exec",
     cmd_create},
    {"list", 0, 0, "list", "the children: PID, state, run time, command", cmd_list},
    {"kill", 1, 2, "kill PID [SIGNAL]", "send SIGNAL (name or number, default TERM)", cmd_kill},
    {"stop", 1, 1, "stop PID", "send SIGSTOP", cmd_stop},
    {"cont", 1, 1, "cont PID", "send SIGCONT", cmd_cont},
    {"wait", 0, 1, "wait [PID]", "wait until PID (or every child) has ended", cmd_wait},
    {"help", 0, 0, "help", "this list", cmd_help},
    {"quit", 0, 0, "quit", "end every child (SIGTERM, then SIGKILL) and exit", cmd_quit},
};
static const size_t command_count = sizeof commands / sizeof commands[0];

void print_help(void)
{
    printf("Commands (one a line; end of input is quit):\n");
    for (size_t i = 0; i < command_count; i++)
        printf("  %-34s %s\n", commands[i].usage, commands[i].summary);
}

enum command_result execute_line(struct child_table *table, const struct settings *settings,
                                 char *line)
{
    char *words[MAX_WORDS + 2];
    size_t count = 0;
    char *rest = NULL;
    for (char *word = strtok_r(line, " \t\r", &rest); word != NULL;
         word = strtok_r(NULL, " \t\r", &rest)) {
        if (count == MAX_WORDS + 1) {
            warn_msg("too many words on one line (at most %d)", MAX_WORDS);
            return COMMAND_CONTINUE;
        }
        words[count++] = word;
    }
    if (count == 0 || words[0][0] == '#')
        return COMMAND_CONTINUE;

    for (size_t i = 0; i < command_count; i++) {
        const struct command *command = &commands[i];
        if (strcmp(words[0], command->name) != 0)
            continue;
        size_t args = count - 1;
        if (args < command->min_args || args > command->max_args) {
            warn_msg("%s: wrong number of arguments: usage: %s", command->name, command->usage);
            return COMMAND_CONTINUE;
        }
        struct context ctx = {.table = table, .settings = settings};
        return command->run(&ctx, words + 1, args);
    }
    warn_msg("unknown command '%s' (try 'help')", words[0]);
    return COMMAND_CONTINUE;
}

int worker_main(int lifetime_ms)
{
    sleep_ms(lifetime_ms);
    return (int)(getpid() % 100);
}
