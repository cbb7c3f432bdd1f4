/*
 * tests.h - prototypes of Lab 04's graded tests, made from tests.def.
 */
#ifndef LAB04_TESTS_H
#define LAB04_TESTS_H

#define OSLAB_TEST(fn, ...) void fn(void);
#include "tests.def"
#undef OSLAB_TEST

#endif /* LAB04_TESTS_H */
