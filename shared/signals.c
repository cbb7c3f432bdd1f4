/*
 * signals.c - signal names and numbers, both ways.
 *
 * Standard signals have fixed names, kept in a table of string literals.
 * Real-time signals have no names of their own: they are counted from
 * SIGRTMIN, which glibc sets at run time (34 on Linux: the threads library
 * keeps the first two for itself), so they are named "SIGRTMIN+3" on demand.
 */
#include "oslab.h"

#include <ctype.h>   /* isdigit */
#include <signal.h>  /* the SIG* numbers, SIGRTMIN, SIGRTMAX */
#include <strings.h> /* strcasecmp, strncasecmp */

/* Every named signal. A number's first entry is its name; later entries are
 * old aliases that parse_signal accepts and signal_name never returns. */
static const struct {
    int signo;
    const char *name;
} signal_table[] = {
    {SIGHUP, "SIGHUP"},   {SIGINT, "SIGINT"},       {SIGQUIT, "SIGQUIT"},
    {SIGILL, "SIGILL"},   {SIGTRAP, "SIGTRAP"},     {SIGABRT, "SIGABRT"},
    {SIGBUS, "SIGBUS"},   {SIGFPE, "SIGFPE"},       {SIGKILL, "SIGKILL"},
    {SIGUSR1, "SIGUSR1"}, {SIGSEGV, "SIGSEGV"},     {SIGUSR2, "SIGUSR2"},
    {SIGPIPE, "SIGPIPE"}, {SIGALRM, "SIGALRM"},     {SIGTERM, "SIGTERM"},
#ifdef SIGSTKFLT
    {SIGSTKFLT, "SIGSTKFLT"},
#endif
    {SIGCHLD, "SIGCHLD"}, {SIGCONT, "SIGCONT"},     {SIGSTOP, "SIGSTOP"},
    {SIGTSTP, "SIGTSTP"}, {SIGTTIN, "SIGTTIN"},     {SIGTTOU, "SIGTTOU"},
    {SIGURG, "SIGURG"},   {SIGXCPU, "SIGXCPU"},     {SIGXFSZ, "SIGXFSZ"},
    {SIGVTALRM, "SIGVTALRM"}, {SIGPROF, "SIGPROF"}, {SIGWINCH, "SIGWINCH"},
    {SIGIO, "SIGIO"},
#ifdef SIGPWR
    {SIGPWR, "SIGPWR"},
#endif
    {SIGSYS, "SIGSYS"},
    /* Aliases. */
    {SIGIOT, "SIGIOT"},   {SIGPOLL, "SIGPOLL"},     {SIGCLD, "SIGCLD"},
};
static const size_t signal_count = sizeof signal_table / sizeof signal_table[0];

/* Parse "RTMIN", "RTMIN+N", "RTMAX" or "RTMAX-N" (any case) into *SIGNO; 0, or -1. */
static int parse_realtime(const char *name, int *signo)
{
    int base, direction;
    long offset = 0;

    if (strncasecmp(name, "RTMIN", 5) == 0) {
        base = SIGRTMIN;
        direction = +1;
    } else if (strncasecmp(name, "RTMAX", 5) == 0) {
        base = SIGRTMAX;
        direction = -1;
    } else {
        return -1;
    }

    const char *rest = name + 5;
    if (*rest != '\0') {
        /* The sign is part of the name, so the number after it must be bare digits. */
        char sign = direction > 0 ? '+' : '-';
        if (rest[0] != sign || !isdigit((unsigned char)rest[1]))
            return -1;
        if (parse_long(rest + 1, 0, SIGRTMAX - SIGRTMIN, "offset", &offset, NULL, 0) == -1)
            return -1;
    }
    *signo = base + direction * (int)offset;
    return 0;
}

/* Parse "TERM", "SIGTERM", "sigterm", "RTMIN+3" or "15" into *SIGNO; 0, or -1 if unknown. */
int parse_signal(const char *text, int *signo)
{
    long number;

    if (isdigit((unsigned char)text[0])) {
        /* Any number the kernel accepts, including unnamed ones (32, 33). */
        if (parse_long(text, 1, SIGRTMAX, "signal", &number, NULL, 0) == -1)
            return -1;
        *signo = (int)number;
        return 0;
    }

    const char *name = strncasecmp(text, "SIG", 3) == 0 ? text + 3 : text;
    for (size_t i = 0; i < signal_count; i++) {
        if (strcasecmp(name, signal_table[i].name + 3) == 0) { /* skip "SIG" */
            *signo = signal_table[i].signo;
            return 0;
        }
    }
    return parse_realtime(name, signo);
}

/* Name of SIGNO: a string literal for a named signal; otherwise "SIGRTMIN+3" or
 * "signal 99" in a per-thread buffer, valid until this thread calls again. */
const char *signal_name(int signo)
{
    /* One buffer per thread, so threads never overwrite each other's text. */
    static _Thread_local char text[32];

    for (size_t i = 0; i < signal_count; i++) {
        if (signal_table[i].signo == signo)
            return signal_table[i].name;
    }
    if (signo == SIGRTMIN)
        return "SIGRTMIN";
    if (signo == SIGRTMAX)
        return "SIGRTMAX";
    if (signo > SIGRTMIN && signo < SIGRTMAX)
        snprintf(text, sizeof text, "SIGRTMIN+%d", signo - SIGRTMIN);
    else
        snprintf(text, sizeof text, "signal %d", signo);
    return text;
}
