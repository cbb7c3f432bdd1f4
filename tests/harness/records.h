/*
 * records.h - the grader's results: one record per test, kept per lab in a
 * results folder that only the grader writes, and turned into the human
 * report, Gradescope's results.json and JUnit XML.
 */
#ifndef RECORDS_H
#define RECORDS_H

#include "oslab.h"

#include <time.h> /* time_t */

/* What the lab's table says about one test: copied into each of its records. */
struct test_info {
    const char *lab;        /* "01-fork-exec" */
    const char *name;       /* the test function's name */
    int task;               /* the handout's task; 0 for none */
    const char *number;     /* Gradescope's number: "TASK.K", the K-th test of the task */
    const char *visibility; /* Gradescope's: visible, after_due_date, after_published, hidden */
    int max_score;          /* points the test is worth */
};

/* One graded test's outcome. Strings are owned by the record. */
struct test_record {
    char *lab;      /* "01-fork-exec" */
    char *name;     /* the test function's name */
    int score;      /* points earned */
    int max_score;  /* points the test is worth */
    char *verdict;  /* pass, fail, timeout, crash, leftovers, error */
    double seconds; /* wall time the test took */
    char *output;   /* feedback, what happened, first lines of output */
    int task;       /* the handout's task; 0 for none */
    char *number;   /* Gradescope's "TASK.K" */
    char *visibility;
    time_t finished; /* when the test ended (UTC seconds) */
};

/* A note about a whole lab (a file not submitted, the compiler's messages),
 * shown once, above its tests. */
struct lab_note {
    char *lab;
    char *text;
};

/* A list of records, and the notes of their labs. */
struct record_list {
    struct test_record *items;
    size_t count;
    struct lab_note *notes;
    size_t note_count;
};

/* Append a record of the test INFO describes (copying the strings); exits
 * on out of memory. */
void records_add(struct record_list *list, const struct test_info *info, int score,
                 const char *verdict, double seconds, const char *output);

/* Free every record and note of LIST. */
void records_free(struct record_list *list);

/* Replace DIR/LAB.tsv with LIST's records, atomically. 0, or -1 with errno. */
int records_save(const char *dir, const char *lab, const struct record_list *list);

/* Load every DIR/LAB.tsv, labs in name order, into LIST, and the notes
 * DIR/LAB.note beside them. 0, or -1 with errno. */
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

/* The length of the valid UTF-8 character at P (1 to 4), or 0 if the bytes
 * there are not one (a stray byte, an overlong form, a surrogate). */
size_t utf8_char_length(const unsigned char *p);

/* The length of the character at P if a report may show it as text: a tab,
 * or valid UTF-8 that is not a control character (C0, DEL, C1) nor a line
 * or paragraph separator; 0 otherwise. */
size_t text_char_length(const unsigned char *p);

#endif /* RECORDS_H */
