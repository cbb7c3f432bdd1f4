/* tests.h - prototypes of the graded tests listed in tests.def. */
#ifndef TESTS_H
#define TESTS_H

#define OSLAB_TEST(fn, ...) void fn(void);
#include "tests.def"
#undef OSLAB_TEST

#endif /* TESTS_H */
