/*
 * lists.c - growable arrays of processes and threads, and their sorting.
 *
 * Given code. A scan appends in the order readdir(3) returns the entries,
 * which is not numeric order: the listing sorts afterwards.
 */
#include "oslab.h"

#include "procfs.h"

/* Make room for one more SIZE-byte item in *ITEMS (COUNT used of *CAPACITY). 0, or -1 (ENOMEM). */
static int grow(void **items, size_t count, size_t *capacity, size_t size)
{
    if (count < *capacity)
        return 0;
    size_t new_capacity = *capacity == 0 ? 256 : *capacity * 2;
    void *bigger = reallocarray(*items, new_capacity, size);
    if (bigger == NULL)
        return -1; /* reallocarray sets errno to ENOMEM */
    *items = bigger;
    *capacity = new_capacity;
    return 0;
}

/* Append a copy of *INFO to LIST, which takes over INFO->cmdline. 0, or -1 with ENOMEM. */
int proc_list_add(struct proc_list *list, const struct proc_info *info)
{
    void *items = list->items;
    if (grow(&items, list->count, &list->capacity, sizeof *list->items) == -1)
        return -1;
    list->items = items;
    list->items[list->count++] = *info;
    return 0;
}

/* Append a copy of *INFO to LIST. 0, or -1 with ENOMEM. */
int thread_list_add(struct thread_list *list, const struct thread_info *info)
{
    void *items = list->items;
    if (grow(&items, list->count, &list->capacity, sizeof *list->items) == -1)
        return -1;
    list->items = items;
    list->items[list->count++] = *info;
    return 0;
}

/* Free everything LIST owns and make it empty. */
void proc_list_free(struct proc_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->items[i].cmdline);
    free(list->items);
    *list = (struct proc_list){0};
}

/* Free everything LIST owns and make it empty. */
void thread_list_free(struct thread_list *list)
{
    free(list->items);
    *list = (struct thread_list){0};
}

/* qsort order of two PIDs (no subtraction: it could overflow in general). */
static int compare_pids(pid_t a, pid_t b)
{
    return (a > b) - (a < b);
}

/* qsort comparator: processes by PID. */
static int compare_procs(const void *a, const void *b)
{
    const struct proc_info *pa = a, *pb = b;
    return compare_pids(pa->stat.pid, pb->stat.pid);
}

/* qsort comparator: threads by process, then by thread ID. */
static int compare_threads(const void *a, const void *b)
{
    const struct thread_info *ta = a, *tb = b;
    int by_process = compare_pids(ta->pid, tb->pid);
    return by_process != 0 ? by_process : compare_pids(ta->stat.pid, tb->stat.pid);
}

/* Sort LIST by PID. */
void proc_list_sort(struct proc_list *list)
{
    if (list->count > 1)
        qsort(list->items, list->count, sizeof *list->items, compare_procs);
}

/* Sort LIST by PID, then TID. */
void thread_list_sort(struct thread_list *list)
{
    if (list->count > 1)
        qsort(list->items, list->count, sizeof *list->items, compare_threads);
}
