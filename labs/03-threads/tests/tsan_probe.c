/*
 * tsan_probe.c - can ThreadSanitizer run here? Test support: built with
 * -fsanitize=thread, it starts one thread and joins it. It exits 0 where
 * TSan works; where it cannot (a kernel whose address-space layout TSan
 * does not expect, a sandbox that refuses what it needs) it dies at start.
 */
#include "oslab.h"

#include <pthread.h> /* pthread_create, pthread_join */

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
    if (error != 0)
        exit_en(error, "pthread_create");
    pthread_join(thread, NULL);
    return shared_value == 42 ? 0 : 1;
}
