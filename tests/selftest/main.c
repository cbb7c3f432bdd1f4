/* main.c - echoer: echo each line of stdin, prefixed, until "quit" or EOF. */
#include "oslab.h"

#include "echoer_cmdline.h"

int main(int argc, char *argv[])
{
    struct gengetopt_args_info args;
    if (cmdline_parser(argc, argv, &args) != 0)
        exit_usage("bad command line");
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, stdin)) != -1) {
        if (strcmp(line, "quit\n") == 0)
            break;
        printf("%s%s", args.prefix_arg, line);
        fflush(stdout);
    }
    free(line);
    cmdline_parser_free(&args);
    return 0;
}
