/*
 * tests.h - prototypes of Lab 01's graded tests, made from tests.def.
 */
#ifndef LAB01_TESTS_H
#define LAB01_TESTS_H

#define OSLAB_TEST(fn, ...) void fn(void);
#include "tests.def"
#undef OSLAB_TEST

#endif /* LAB01_TESTS_H */
