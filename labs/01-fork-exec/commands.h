/*
 * commands.h - procman's commands: parsing a line and carrying it out
 * (given code: commands.c).
 */
#ifndef COMMANDS_H
#define COMMANDS_H

#include "oslab.h"

#include "children.h"

/* What the options decided, for the commands that need it. */
struct settings {
    int grace_ms;    /* --grace-ms: SIGTERM, then SIGKILL this much later */
    int lifetime_ms; /* --child-lifetime-ms: how long a worker works */
};

/* Whether procman goes on reading commands after one. */
enum command_result { COMMAND_CONTINUE, COMMAND_QUIT };

/*
 * Carry out one command LINE (without its newline; split in place) on
 * TABLE: print its answer on stdout, or a message on stderr if the line is
 * wrong, and go on. Blank lines and lines starting with '#' do nothing.
 */
enum command_result execute_line(struct child_table *table, const struct settings *settings,
                                 char *line);

/* Print the list of commands on stdout. */
void print_help(void);

#endif /* COMMANDS_H */
