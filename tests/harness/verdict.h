/*
 * verdict.h - deciding a test's verdict from what the runner saw. A pure
 * function of its arguments, so that tests/harness/test_verdict.c can check
 * every rule without running anything.
 */
#ifndef OSLAB_VERDICT_H
#define OSLAB_VERDICT_H

#include "runner.h"
#include "testdef.h"

/* Append printf-style text to BUF (size LEN), never overflowing. */
OSLAB_PRINTF(3, 4) void text_append(char *buf, size_t len, const char *fmt, ...);

/* Replace every control character of TEXT (C0, DEL, C1) and every byte of
 * invalid UTF-8 with '?', but newlines and tabs when NEWLINES: text that
 * came from a test must not reach an instructor's terminal as escapes or
 * fake report lines. UTF-8 text is kept. */
void text_scrub(char *text, bool newlines);

/* Append up to MAX_LINES lines of TEXT (TOTAL bytes written, KEPT kept) to
 * BUF under LABEL, indented, binary shown as '?'. */
void append_lines(char *buf, size_t len, const char *label, const char *text, size_t total,
                  size_t kept, int max_lines);

/* The verdict of TEST ("pass", "fail", "timeout", "crash", "leftovers",
 * "error") from OUT, LO, and what the result channel SAID (with SAID_TEXT);
 * the explanation goes to WHY (size LEN). */
const char *decide(const struct ot_test_spec *test, const struct outcome *out,
                   const struct leftovers *lo, enum ot_said said, const char *said_text,
                   char *why, size_t len);

#endif /* OSLAB_VERDICT_H */
