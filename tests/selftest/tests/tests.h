/* tests.h - prototypes of the tests listed in tests.def. */
#ifndef TESTS_H
#define TESTS_H

#define OSLAB_TEST(fn, ...) void fn(void);
#include "tests.def"
#undef OSLAB_TEST

#endif
