/*
 * records.h - the grader's results: one record per test, kept per lab in a
 * results folder that only the grader writes, and turned into the human
 * report, Gradescope's results.json and JUnit XML.
 */
#ifndef RECORDS_H
#define RECORDS_H

#include "oslab.h"

/* One graded test's outcome. Strings are owned by the record. */
struct test_record {
    char *lab;      /* "01-fork-exec" */
    char *name;     /* the test function's name */
    int score;      /* points earned */
    int max_score;  /* points the test is worth */
    char *verdict;  /* pass, fail, timeout, crash, leftovers, error */
    double seconds; /* wall time the test took */
    char *output;   /* feedback, what happened, first lines of output */
};

/* A list of records. */
struct record_list {
    struct test_record *items;
    size_t count;
};

/* Append a record (copying the strings); exits on out of memory. */
void records_add(struct record_list *list, const char *lab, const char *name, int score,
                 int max_score, const char *verdict, double seconds, const char *output);

/* Free every record of LIST. */
void records_free(struct record_list *list);

/* Replace DIR/LAB.tsv with LIST's records, atomically. 0, or -1 with errno. */
int records_save(const char *dir, const char *lab, const struct record_list *list);

/* Load every DIR/LAB.tsv, labs in name order, into LIST. 0, or -1 with errno. */
int records_load_dir(const char *dir, struct record_list *list);

/* Write LIST as Gradescope's results.json to PATH, atomically. 0 or -1. */
int records_write_json(const char *path, const struct record_list *list);

/* Write LIST as JUnit XML to PATH, atomically. 0 or -1. */
int records_write_junit(const char *path, const struct record_list *list);

/* Print the per-lab scores and the total of LIST to stdout. */
void records_print_summary(const struct record_list *list);

/* Write LEN bytes of DATA to PATH through a temporary file and rename(2),
 * so that a reader sees the old or the new file, never a half-written one,
 * and a symbolic link planted at PATH is replaced, not followed. */
int atomic_write_file(const char *path, const char *data, size_t len);

#endif /* RECORDS_H */
