/*
 * protocol.h - what the runner and a lab's test binary (child.c) say to each
 * other while one test runs. Both sides include this file; nothing else
 * knows the format.
 *
 *   fd 3  runner -> test:  "KEY NONCE\n" (32 and 32 hex digits), then closed
 *   fd 4  test -> runner:  "SEAL VERDICT\n" then the failed assertions, where
 *         VERDICT is PASS, FAIL or ERROR and SEAL (16 hex digits) is a keyed
 *         hash (SipHash-2-4) of the lab, the test's name, the nonce, the
 *         channel's inode, the verdict and the text.
 *
 * The key is never written to fd 4, so a program that reads the messages
 * (a fork of the test that hands the harness a pipe of its own and relays
 * what it reads) learns no key: it cannot turn a FAIL into a PASS, move a
 * verdict to another test, or pass on a message sealed for another channel.
 * To forge a seal it must dig the key out of the harness's memory, where it
 * is kept masked: README.md ("Why a grade can be trusted") says what remains.
 */
#ifndef OSLAB_PROTOCOL_H
#define OSLAB_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OT_KEY_FD 3            /* the runner writes the key message here */
#define OT_RESULT_FD 4         /* the test writes its sealed verdict here */
#define OT_KEY_BYTES 16        /* SipHash's key */
#define OT_NONCE_BYTES 16      /* a fresh value per run of a test */
#define OT_KEY_MESSAGE_LEN (2 * OT_KEY_BYTES + 1 + 2 * OT_NONCE_BYTES + 1)
#define OT_SEAL_HEX 16         /* hex digits of a seal */

/* The secrets of one run of one test. */
struct ot_run_key {
    unsigned char key[OT_KEY_BYTES];
    char nonce[2 * OT_NONCE_BYTES + 1]; /* hex text */
};

/* What the runner makes of the result channel. */
enum ot_said {
    OT_SAID_NOTHING, /* no message: the test ended before reporting */
    OT_SAID_PASS,
    OT_SAID_FAIL,
    OT_SAID_ERROR,   /* the harness's own set-up failed (a grader error) */
    OT_SAID_FORGED,  /* a message whose seal is wrong: not the harness's */
};

/* SipHash-2-4 of LEN bytes at DATA under KEY. */
uint64_t ot_siphash(const unsigned char key[OT_KEY_BYTES], const void *data, size_t len);

/* The seal of VERDICT ("PASS", "FAIL", "ERROR") and TEXT (LEN bytes) for TEST
 * of LAB, sent on the channel whose inode is CHANNEL. */
uint64_t ot_seal(const struct ot_run_key *run, const char *lab, const char *test,
                 unsigned long long channel, const char *verdict, const char *text, size_t len);

/* Fill RUN with a fresh random key and nonce; -1 if the kernel gives none. */
int ot_new_run_key(struct ot_run_key *run);

/* RUN as the key message ("KEY NONCE\n", OT_KEY_MESSAGE_LEN bytes and a NUL). */
void ot_format_key_message(const struct ot_run_key *run, char out[OT_KEY_MESSAGE_LEN + 1]);

/* Parse a key message into RUN; false if it is not one. */
bool ot_parse_key_message(const char *text, size_t len, struct ot_run_key *run);

/* Write the sealed message for VERDICT and TEXT into OUT (size CAP); its length. */
size_t ot_format_result(const struct ot_run_key *run, const char *lab, const char *test,
                        unsigned long long channel, const char *verdict, const char *text,
                        char *out, size_t cap);

/* Read the message MSG (LEN bytes) that came on channel CHANNEL for TEST of
 * LAB: what it said, and in *TEXT (inside MSG) the text after the first line. */
enum ot_said ot_open_result(const struct ot_run_key *run, const char *lab, const char *test,
                            unsigned long long channel, const char *msg, size_t len,
                            const char **text);

#endif /* OSLAB_PROTOCOL_H */
