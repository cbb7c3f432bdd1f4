/*
 * hang_deadlock - two threads take two mutexes in opposite orders: each holds
 * one and waits for the other for ever (the classic ABBA deadlock).
 * Class: hangs
 * Unprivileged: yes
 */
#include <pthread.h> /* pthread_create, mutexes, barriers */

static pthread_mutex_t hostile_first = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t hostile_second = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t hostile_both_hold;

/* The other thread: second, then first. */
static void *hostile_other(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&hostile_second);
    pthread_barrier_wait(&hostile_both_hold);
    pthread_mutex_lock(&hostile_first);
    return NULL;
}

static void hostile(void)
{
    pthread_t other;
    pthread_barrier_init(&hostile_both_hold, NULL, 2);
    pthread_mutex_lock(&hostile_first);
    if (pthread_create(&other, NULL, hostile_other, NULL) != 0)
        abort();
    pthread_barrier_wait(&hostile_both_hold);
    pthread_mutex_lock(&hostile_second);
    pthread_join(other, NULL);
}
