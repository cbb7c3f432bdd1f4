/*
 * sigchld_relay.h - a SIGCHLD handler run as if every child's end had a
 * signal of its own (see sigchld_relay.c). Test support, not student code.
 */
#ifndef SIGCHLD_RELAY_H
#define SIGCHLD_RELAY_H

#include <signal.h>
#include <stdbool.h>

/* Make INSTALLED (to be given to the real sigaction) the action ASKED with
 * the relay in front of its handler; remember ASKED. False (INSTALLED a copy
 * of ASKED) when ASKED is SIG_DFL or SIG_IGN: nothing to relay to. */
bool relay_wrap_action(const struct sigaction *asked, struct sigaction *installed);

/* The action last given to relay_wrap_action. */
struct sigaction relay_asked_action(void);

/* Put the relay in front of the SIGCHLD handler installed now (the tests'
 * way, after install_sigchld_handler). -1 with errno if sigaction failed. */
int relay_installed_sigchld(void);

#endif
