/*
 * shmipc.h - the given parts of shmipc: the commands, the checksum, the
 * shutdown signals and the result line. Read it; you do not change it.
 */
#ifndef SHMIPC_H
#define SHMIPC_H

#include "oslab.h"

#include <signal.h> /* sig_atomic_t */

/* ---- counter (counter.c) ------------------------------------------------------ */

enum counter_mode { MODE_RACY, MODE_MUTEX, MODE_ATOMIC };

/* What `shmipc counter` was asked to do (checked by main.c). */
struct counter_options {
    enum counter_mode mode;
    int workers;          /* 1 to MAX_WORKERS */
    long long increments; /* per worker */
    bool private_copy;    /* --private: an ordinary global instead of a mapping */
    bool kill_holder;     /* --kill-holder (mutex mode, shared) */
};

/* The name of MODE as on the command line: "racy", "mutex", "atomic". */
const char *mode_name(enum counter_mode mode);

/* Run `shmipc counter`: fork the workers, wait, print the result line.
 * Returns the exit status: 0, or 1 if a worker failed. */
int run_counter(const struct counter_options *opt);

/* ---- put and get (handover.c) -------------------------------------------------- */

/* The largest file put hands over: 1 GiB. */
#define HANDOVER_MAX_BYTES (1024LL * 1024 * 1024)

/* `shmipc put NAME FILE`: the exit status (0 or 1). */
int run_put(const char *name, const char *path, int timeout_ms, bool force);

/* `shmipc get NAME FILE`: the exit status (0 or 1). */
int run_get(const char *name, const char *path, int timeout_ms);

/*
 * The checksum put and get print: with w[i] the i-th 8-byte little-endian
 * word of the data (the last one padded with zero bytes),
 *     LEN + sum over i of w[i] * (2i + 1)     (mod 2^64)
 * Cheap enough to run at memory speed, and it changes when bytes change
 * or move.
 */
uint64_t checksum64(const void *data, size_t len);

/* ---- Shutdown signals (handover.c) ---------------------------------------------- */

/* The SIGINT or SIGTERM that arrived, or 0. Set by the handler only. */
extern volatile sig_atomic_t shutdown_signal;

/* Catch SIGINT and SIGTERM (without SA_RESTART: a blocked read or write
 * returns EINTR) into shutdown_signal; ignore SIGXFSZ (a file too large is
 * an error, EFBIG, not a crash). Exits on failure. */
void install_shutdown_handlers(void);

/* Is NAME a valid object name: one leading '/', no other, 1 to NAME_MAX
 * characters after it, not "." or ".."? If not, why in *WHY. */
bool valid_object_name(const char *name, const char **why);

#endif /* SHMIPC_H */
