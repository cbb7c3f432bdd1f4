/*
 * inject.h - failures on demand in the test binary (tests/inject.c).
 */
#ifndef INJECT_H
#define INJECT_H

/* Make the NTH call from now of CALL ("sem_init", "sem_trywait", "sem_wait",
 * "sem_post", "pthread_mutex_init", "pthread_mutex_lock", "pthread_cond_init")
 * fail with ERROR: -1 and errno for sem_*, the error returned for pthread_*. */
void inject_failure(const char *call, int nth, int error);

/* Cancel a failure not yet injected. */
void inject_none(void);

/* End the calling thread's turn, if it has one (the woken thread's turn,
 * inject.c): a buffer call that returns without another wrapped call ends
 * its turn here. */
void inject_turn_end(void);

/* Semaphores, mutexes and condition variables initialised and not yet destroyed. */
int inject_live_sems(void);
int inject_live_mutexes(void);
int inject_live_conds(void);

#endif /* INJECT_H */
