/*
 * thread_bomb - creates threads until the process limit (which counts
 * threads) or the address-space limit refuses one more, then waits for the
 * first of them, which never ends.
 * Class: process abuse
 * Unprivileged: yes
 */
#include <pthread.h> /* pthread_create */

/* Each thread sleeps for ever. */
static void *hostile_sleep(void *arg)
{
    (void)arg;
    for (;;)
        pause();
    return NULL;
}

static void hostile(void)
{
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 64 * 1024);
    pthread_t first, thread;
    memset(&first, 0, sizeof first);
    int created = 0;
    while (created < 1000000 && pthread_create(&thread, &attr, hostile_sleep, NULL) == 0)
        if (created++ == 0)
            first = thread;
    fprintf(stderr, "hostile: %d threads\n", created);
    if (created > 0)
        pthread_join(first, NULL);
}
