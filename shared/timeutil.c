/*
 * timeutil.c - monotonic time and sleeping.
 *
 * CLOCK_MONOTONIC never jumps when the wall clock is set (NTP, an admin, a
 * laptop resuming), so durations and deadlines measured with it stay right.
 */
#include "oslab.h"

#include <time.h> /* clock_gettime, clock_nanosleep */

/* Read CLOCK_MONOTONIC; exits if the clock is missing, which never happens on Linux. */
static struct timespec monotonic_now(void)
{
    struct timespec now;

    if (clock_gettime(CLOCK_MONOTONIC, &now) == -1)
        exit_errno("clock_gettime(CLOCK_MONOTONIC)");
    return now;
}

/* Monotonic clock in milliseconds. */
int64_t now_ms(void)
{
    struct timespec now = monotonic_now();
    return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* Monotonic clock in nanoseconds. */
int64_t now_ns(void)
{
    struct timespec now = monotonic_now();
    return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

/* Sleep MS milliseconds in total, even when signal handlers interrupt; MS <= 0 returns at once. */
void sleep_ms(int64_t ms)
{
    if (ms <= 0)
        return;

    /* Sleep until an absolute deadline: after an interruption the same
     * deadline still holds, so the total never drifts, however many
     * signals arrive. */
    struct timespec deadline = monotonic_now();
    deadline.tv_sec += ms / 1000;
    deadline.tv_nsec += (ms % 1000) * 1000000;
    if (deadline.tv_nsec >= 1000000000) {
        deadline.tv_sec += 1;
        deadline.tv_nsec -= 1000000000;
    }

    /* clock_nanosleep returns the error number instead of setting errno. */
    int err;
    while ((err = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL)) == EINTR)
        continue;
    if (err != 0)
        exit_en(err, "clock_nanosleep");
}
