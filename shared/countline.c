/*
 * countline.c - the result line of a counting run, written and read back.
 *
 * Lab 03 (counter: threads) and lab 04 (shmipc counter: processes) both have
 * several workers add to one shared counter and report the run in one line:
 *
 *   mode mutex: 4 threads x 1000000 = expected 4000000, got 4000000, lost 0 (0.0%), 0.104 s, 26.0
 * ns per increment
 *
 * The tests of both labs read the line back with parse_count_line, so the
 * two functions are kept side by side and must agree.
 */
#include "oslab.h"

#include <inttypes.h> /* PRIu64, PRId64, SCNu64 */

int format_count_line(char *buf, size_t len, const char *mode, long workers,
                      const char *workers_noun, uint64_t per_worker, uint64_t got,
                      int64_t elapsed_ns)
{
    uint64_t expected = (uint64_t)workers * per_worker;
    /* Signed: a broken counter can also count more than it should. */
    int64_t lost = (int64_t)(expected - got);
    double percent = expected > 0 ? 100.0 * (double)lost / (double)expected : 0.0;
    double seconds = (double)elapsed_ns / 1e9;
    double ns_each = expected > 0 ? (double)elapsed_ns / (double)expected : 0.0;
    /* Below one nanosecond a second decimal keeps ratios readable (0.16 vs 26.0). */
    int decimals = ns_each < 0.95 ? 2 : 1;
    return snprintf(buf, len,
                    "mode %s: %ld %s x %" PRIu64 " = expected %" PRIu64 ", got %" PRIu64
                    ", lost %" PRId64 " (%.1f%%), %.3f s, %.*f ns per increment",
                    mode, workers, workers_noun, per_worker, expected, got, lost, percent, seconds,
                    decimals, ns_each);
}

int parse_count_line(const char *line, struct count_line *out)
{
    struct count_line parsed = {0};
    int used = 0;
    /* %31[^:] and %31s stop at the buffers' size; %n proves the whole line matched. */
    int fields = sscanf(line,
                        "mode %31[^:]: %ld %31s x %" SCNu64 " = expected %" SCNu64 ", got %" SCNu64
                        ", lost %" SCNd64 " (%lf%%), %lf s, %lf ns per "
                        "increment%n",
                        parsed.mode, &parsed.workers, parsed.workers_noun, &parsed.per_worker,
                        &parsed.expected, &parsed.got, &parsed.lost, &parsed.lost_percent,
                        &parsed.seconds, &parsed.ns_per_increment, &used);
    if (fields != 10 || used == 0 || (line[used] != '\0' && line[used] != '\n'))
        return -1;
    *out = parsed;
    return 0;
}
