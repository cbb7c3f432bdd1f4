/* selftest.h - the interface of the self-test lab's "student" file. */
#ifndef SELFTEST_H
#define SELFTEST_H

/* Return A + B. */
int add_numbers(int a, int b);

#endif
