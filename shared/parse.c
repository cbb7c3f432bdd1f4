/*
 * parse.c - strict number parsing for command-line options.
 *
 * strtol alone accepts " 12", "12abc" and "" (as 0), and clamps overflow to
 * LONG_MAX: each of those must be an error here, with a message that names
 * the option and says what would have been accepted.
 */
#include "oslab.h"

#include <ctype.h> /* isspace */

/* Parse TEXT into *OUT; 0 on success, -1 with a message in ERRBUF on error. */
int parse_long(const char *text, long min, long max, const char *name,
               long *out, char *errbuf, size_t errlen)
{
    char *end;

    errno = 0; /* strtol reports overflow only through errno */
    long value = strtol(text, &end, 10);

    bool no_digits = end == text;         /* "", "abc", "-" */
    bool junk_after = *end != '\0';       /* "5x", "5 " */
    bool space_before = isspace((unsigned char)text[0]); /* strtol skips it */
    bool overflow = errno == ERANGE;      /* value was clamped to LONG_MIN/MAX */

    if (no_digits || junk_after || space_before || overflow || value < min || value > max) {
        snprintf(errbuf, errlen, "%s: '%s' is not an integer from %ld to %ld",
                 name, text, min, max);
        return -1;
    }
    *out = value;
    return 0;
}

/* Parse TEXT, the value of option NAME, or exit_usage() with the reason (status 2). */
long get_long(const char *text, long min, long max, const char *name)
{
    char message[512];
    long value;

    if (parse_long(text, min, max, name, &value, message, sizeof message) == -1)
        exit_usage("%s", message);
    return value;
}
