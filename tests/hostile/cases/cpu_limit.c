/*
 * cpu_limit - lowers its own CPU time limit to one second, keeping the hard
 * limit the grader set, and spins in 16 threads (so that even a loaded
 * machine gives it a second of CPU before the deadline): the kernel sends
 * SIGXCPU at the soft limit, and the report must say "CPU time limit", not
 * a bare SIGKILL.
 * Class: resource abuse
 * Unprivileged: yes
 */
#include <pthread.h>      /* pthread_create */
#include <sys/resource.h> /* setrlimit */

/* Spin for ever. */
static void *hostile_spin(void *unused)
{
    (void)unused;
    for (volatile unsigned long spin = 0;; spin++)
        continue;
    return NULL;
}

static void hostile(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_CPU, &rl) == 0 && rl.rlim_cur > 1) {
        rl.rlim_cur = 1;
        setrlimit(RLIMIT_CPU, &rl);
    }
    for (int i = 0; i < 16; i++) {
        pthread_t thread;
        pthread_create(&thread, NULL, hostile_spin, NULL);
    }
    hostile_spin(NULL);
}
