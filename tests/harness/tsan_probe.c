/*
 * tsan_probe.c - can ThreadSanitizer run here? Built with -fsanitize=thread
 * (lab.mk's tsan-probe), it starts one thread and joins it. It exits 0 where
 * TSan works; where it cannot (a kernel whose address-space layout TSan does
 * not expect, a sandbox that refuses what it needs) it dies at start. Lab 03's
 * race tests ask it, and scripts/grade's "race checker:" line for labs 03 and 05.
 */
#include <pthread.h> /* pthread_create, pthread_join */
#include <stdio.h>   /* fprintf */
#include <string.h>  /* strerror */

static int shared_value;

/* The thread: one write, ordered before main's read by pthread_join. */
static void *set_value(void *arg)
{
    (void)arg;
    shared_value = 42;
    return NULL;
}

/* Start a thread, join it, check what it wrote. */
int main(void)
{
    pthread_t thread;
    int error = pthread_create(&thread, NULL, set_value, NULL);
    if (error != 0) {
        fprintf(stderr, "tsan-probe: pthread_create: %s\n", strerror(error));
        return 1;
    }
    pthread_join(thread, NULL);
    return shared_value == 42 ? 0 : 1;
}
