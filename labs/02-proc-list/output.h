/*
 * output.h - how pslist prints processes, threads and the tree (given code).
 *
 * Two forms of each listing:
 *   table  aligned columns for people, one header line;
 *   tsv    tab-separated values for scripts: one header line, then one row
 *          per item, fields in the header's order, text escaped as below.
 * Names and command lines may hold any byte but NUL, so in both forms
 * a backslash is written "\\", a tab "\t", a newline "\n", a carriage
 * return "\r" and any other control byte "\xHH": one row is always one line
 * and one field never holds a tab.
 */
#ifndef OUTPUT_H
#define OUTPUT_H

#include "oslab.h"

#include "procfs.h"

/* The options that shape the output. A plain value. */
struct output_style {
    bool header; /* print the header line */
    bool tsv;    /* tab-separated values instead of aligned columns */
};

/* PID PPID USER STATE THREADS RSS COMMAND, one row per process, in LIST's order. */
void print_processes(const struct proc_list *list, const struct output_style *style);

/* PID TID STATE NAME, one row per thread, in LIST's order. */
void print_threads(const struct thread_list *list, const struct output_style *style);

/*
 * The parent/child tree of the processes in LIST (sorted by PID), children
 * indented under their parent, with each process's thread count. With
 * NROOTS > 0 only the subtrees of ROOTS are printed; otherwise every process
 * whose parent is not in LIST starts a tree.
 */
void print_tree(const struct proc_list *list, const pid_t *roots, size_t nroots,
                const struct output_style *style);

/* The login name of UID (user_name() with a cache: a scan sees few distinct users). */
const char *cached_user_name(uid_t uid);

#endif /* OUTPUT_H */
