/*
 * verdict.c - turning what the runner saw of one test into its verdict and
 * the explanation a student reads. Nothing here runs or reads anything.
 */
#include "verdict.h"

#include "records.h" /* text_char_length */

#include <signal.h>   /* SIGXCPU, SIGXFSZ */
#include <sys/wait.h> /* WIFSIGNALED */

void text_append(char *buf, size_t len, const char *fmt, ...)
{
    size_t used = strlen(buf);
    if (used + 1 >= len)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + used, len - used, fmt, ap);
    va_end(ap);
}

void text_scrub(char *text, bool newlines)
{
    for (unsigned char *p = (unsigned char *)text; *p != '\0';) {
        size_t len = newlines && *p == '\n' ? 1 : text_char_length(p);
        if (len == 0 || (!newlines && *p == '\t')) {
            *p++ = '?'; /* a control character, C1 or invalid UTF-8 */
            continue;
        }
        p += len;
    }
}

void append_lines(char *buf, size_t len, const char *label, const char *text, size_t total,
                  size_t kept, int max_lines)
{
    if (total == 0)
        return;
    text_append(buf, len, "%s (%zu bytes%s):\n", label, total, total > kept ? ", first ones" : "");
    const char *p = text;
    for (int line = 0; line < max_lines && *p != '\0'; line++) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char shown[201];
        size_t take = n < 200 ? n : 200, out = 0;
        /* Binary junk and control characters must not reach the report raw;
         * UTF-8 text (a compiler's quotes, a student's name) is kept. */
        for (size_t i = 0; i < take;) {
            size_t char_len = text_char_length((const unsigned char *)p + i);
            if (char_len == 0 || i + char_len > take) {
                shown[out++] = '?';
                i++;
            } else {
                memcpy(shown + out, p + i, char_len);
                out += char_len;
                i += char_len;
            }
        }
        shown[out] = '\0';
        text_append(buf, len, "  | %s%s\n", shown, n > take ? " ..." : "");
        p = nl ? nl + 1 : p + n;
        if (line + 1 == max_lines && *p != '\0')
            text_append(buf, len, "  | ...\n");
    }
}

/* The verdict of how the test's process ended, before leftovers count. */
static const char *ending(const struct ot_test_spec *test, const struct outcome *out,
                          enum ot_said said, const char *said_text, char *why, size_t len)
{
    if (out->setup_error[0] != '\0') {
        text_append(why, len, "Grader error, not the submission's: %s\n", out->setup_error);
        return "error";
    }
    if (out->timed_out) {
        text_append(why, len, "Timed out: the test did not finish within %d ms and was killed.\n",
                    test->timeout_ms);
        if (out->hang[0] != '\0')
            text_append(why, len, "  %s", out->hang);
        return "timeout";
    }
    if (said == OT_SAID_ERROR) {
        text_append(why, len, "Grader error, not the submission's: %s", said_text);
        return "error";
    }
    if (said == OT_SAID_FORGED) {
        text_append(why, len, "The result message was not made by the harness for this test "
                    "(forged, relayed or sent on another channel): no pass without it.\n");
        return "fail";
    }
    if (!out->status_known) {
        text_append(why, len, "Grader error, not the submission's: the sandbox did not report "
                    "how the test ended.\n");
        return "error";
    }
    if (WIFSIGNALED(out->status)) {
        int sig = WTERMSIG(out->status);
        text_append(why, len, "Crashed: the test process was killed by %s%s.\n", signal_name(sig),
                    sig == SIGXCPU   ? " (CPU time limit)"
                    : sig == SIGXFSZ ? " (file size limit)"
                    : sig == SIGKILL && out->memory_limit ? " (the test's memory limit)"
                                                          : "");
        return "crash";
    }
    if (said == OT_SAID_NOTHING) {
        text_append(why, len, "The test process exited with status %d before the test finished: "
                    "did the code under test call exit() or _exit()?\n",
                    WEXITSTATUS(out->status));
        return "fail";
    }
    if (said == OT_SAID_FAIL) {
        text_append(why, len, "Failed:\n%s", said_text);
        return "fail";
    }
    if (WEXITSTATUS(out->status) != 0) {
        text_append(why, len, "The test passed but its process then exited with status %d.\n",
                    WEXITSTATUS(out->status));
        return "fail";
    }
    return "pass";
}

/* Explain the leftovers LO in WHY; true if there are any. */
static bool explain_leftovers(const struct leftovers *lo, char *why, size_t len)
{
    if (lo->running + lo->zombies + lo->shm + lo->ipc + lo->files == 0)
        return false;
    if (lo->running > 0)
        text_append(why, len, "Left %d process(es) running after the test: kill and wait for "
                    "every child you start.\n", lo->running);
    if (lo->zombies > 0)
        text_append(why, len, "Left %d zombie(s): a child that ended was never waited for "
                    "(waitpid).\n", lo->zombies);
    if (lo->processes[0])
        text_append(why, len, "  processes: %s\n", lo->processes);
    if (lo->shm > 0)
        text_append(why, len, "Left %d entr%s in /dev/shm: shm_unlink/sem_unlink what you "
                    "create.\n", lo->shm, lo->shm == 1 ? "y" : "ies");
    if (lo->ipc > 0)
        text_append(why, len, "Left %d System V IPC object(s): remove them with IPC_RMID.\n",
                    lo->ipc);
    if (lo->files > 0)
        text_append(why, len, "Left %d file(s) in the shared temporary folders or message "
                    "queues.\n", lo->files);
    if (lo->objects[0])
        text_append(why, len, "  %s: %s\n", lo->left_in_place ? "left in place (the grader runs "
                    "as you and cannot tell them from your own)" : "removed", lo->objects);
    return true;
}

const char *decide(const struct ot_test_spec *test, const struct outcome *out,
                   const struct leftovers *lo, enum ot_said said, const char *said_text,
                   char *why, size_t len)
{
    why[0] = '\0';
    const char *verdict = ending(test, out, said, said_text, why, len);
    if (explain_leftovers(lo, why, len) && strcmp(verdict, "pass") == 0)
        verdict = "leftovers";
    if (strcmp(verdict, "pass") != 0) {
        text_append(why, len, "Hint: %s\n", test->feedback);
        append_lines(why, len, "stdout", out->out, out->out_total, out->out_len, 10);
        append_lines(why, len, "stderr", out->err, out->err_total, out->err_len, 10);
    }
    /* The failure text and leftover names come from the test: no terminal
     * control characters (escapes, carriage returns) may reach the report. */
    text_scrub(why, true);
    return verdict;
}
