/*
 * support.h - what the tests of lab 04 share: running shmipc and its
 * variants, reading its result lines, names and objects in /dev/shm,
 * seeded random data.
 */
#ifndef SUPPORT_H
#define SUPPORT_H

#include "oslab.h"

#include "oslab_test.h"

#include "shm.h"
#include "shmipc.h"

/* Bytes every hand-over test moves: far below Docker's 64 MiB /dev/shm. */
enum { TEST_DATA_BYTES = 32 << 20 };

/* Run PROGRAM (a path) with the NULL-terminated ARGS, at most TIMEOUT_MS;
 * a run that has to be killed fails the test, saying WHAT it was. */
void run_shmipc(const char *program, const char *const args[], int timeout_ms,
                struct ot_result *result, const char *what);

/* Start PROGRAM with the NULL-terminated ARGS, without waiting. */
struct ot_session *start_shmipc(const char *program, const char *const args[]);

/* Wait at most TIMEOUT_MS for S to exit; its exit status (-1: killed by a
 * signal); fails the test if it does not end, saying WHAT it was. */
int finish_shmipc(struct ot_session *s, int timeout_ms, const char *what);

/* Everything S wrote to stderr, as one line for a message (static buffer). */
const char *stderr_of(struct ot_session *s);

/* ---- counter --------------------------------------------------------------- */

/* Find the result line "mode MODE: N workers x M = expected E, ..." in TEXT
 * and read it (parse_count_line, oslab.h); false if there is none. */
bool parse_counter_line(const char *text, struct count_line *line);

/* Run `shmipc counter` (PROGRAM: a path) with the NULL-terminated options;
 * fail unless it exits 0 with a result line, which is parsed into LINE.
 * The run's output stays in RESULT (free it). */
void run_counter_ok(const char *program, const char *const options[], struct ot_result *result,
                    struct count_line *line);

/* ---- put and get ------------------------------------------------------------ */

/* A name no other test run uses: "/oslab04-TAG-PID-RANDOM" (malloc'd). */
char *unique_object_name(const char *tag);

/* Is there a /dev/shm entry for object NAME ("/x": /dev/shm/x)? */
bool object_exists(const char *name);

/* Remove object NAME if a test left it (no error if it is gone). */
void remove_object(const char *name);

/* LEN bytes of xorshift64* from SEED (malloc'd). */
unsigned char *seeded_bytes(size_t len, uint64_t seed);

/* Write LEN bytes of DATA to PATH, failing the test on error. */
void write_bytes(const char *path, const unsigned char *data, size_t len);

/* Read PATH into a malloc'd buffer, its length in *LEN; NULL if it cannot be read. */
unsigned char *read_bytes(const char *path, size_t *len);

/* Check the line "COMMAND NAME: LEN bytes, checksum X, ..." in STDERR_TEXT:
 * it must be there, with LEN and X those of DATA. */
void check_report_line(const char *stderr_text, const char *command, const char *name,
                       const unsigned char *data, size_t len);

/* Check that PATH holds exactly the LEN bytes of DATA (seed SEED, for the message). */
void check_file_holds(const char *path, const unsigned char *data, size_t len, uint64_t seed,
                      const char *what);

/* How many lines of /proc/self/maps map a file whose path contains NEEDLE. */
int mappings_of(const char *needle);

/* The permissions ("rw-s") of the mapping holding ADDR, in PERMS (8 bytes),
 * and the bytes from ADDR to its end in *LENGTH; false if ADDR is in none. */
bool mapping_of(const void *addr, char perms[8], size_t *length);

/* This process's address space in KiB (VmSize of /proc/self/status), -1 if unknown. */
long long virtual_size_kib(void);

#endif /* SUPPORT_H */
