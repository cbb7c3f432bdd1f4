/*
 * testdef.h - one graded test as a lab's tests/tests.def declares it.
 *
 * tests.def is a table with one entry per test, its fields named:
 *
 *     OSLAB_TEST(test_describe_exited, .task = 1, .points = 3, .timeout_ms = 2000,
 *                .feedback = "describe_status must say \"exited N\" ... Task 1.")
 *
 * The first argument is the test function; the others initialise the fields
 * of struct ot_test_spec below by name, so a field a test does not need is
 * simply left out (it is 0 or NULL, which means "the default"). Keep the
 * test's name on the line that starts with OSLAB_TEST( : scripts read it there.
 *
 * The runner (which decides verdicts) and the test binary (which runs the
 * tests) both include tests.def, each with its own OSLAB_TEST macro.
 */
#ifndef OSLAB_TESTDEF_H
#define OSLAB_TESTDEF_H

/* .address_space_mib = OT_UNLIMITED: no address-space limit (a TSan build
 * reserves terabytes of shadow memory it never touches). */
#define OT_UNLIMITED (-1L)

/* The fields of one test. Required: points, timeout_ms, feedback. */
struct ot_test_spec {
    const char *name;       /* the test function (set by OSLAB_TEST itself) */
    int task;               /* the handout's task number; 0 for none */
    int points;             /* awarded only when the test passes */
    int timeout_ms;         /* wall-clock deadline of one run */
    const char *feedback;   /* shown when it fails: what was expected, where to look */
    const char *visibility; /* Gradescope's: NULL or "visible", "after_due_date",
                               "after_published", "hidden" */
    long address_space_mib; /* each process's RLIMIT_AS; 0 the default, or OT_UNLIMITED */
    int max_tasks;          /* processes and threads at once; 0 the default */
    int runs;               /* how many times it runs, the worst verdict kept; 0 once */
};

#endif /* OSLAB_TESTDEF_H */
