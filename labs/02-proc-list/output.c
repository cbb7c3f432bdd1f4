/*
 * output.c - the listing, the thread listing and the tree (given code).
 *
 * Everything goes to stdout through stdio, fully buffered when stdout is a
 * pipe or a file: a listing of thousands of rows costs a few write(2) calls.
 * main() checks for write errors once, at the end.
 */
#include "oslab.h"

#include "output.h"

/* Write TEXT to stdout with the escapes of output.h: one field, never a tab or a newline. */
static void print_escaped(const char *text)
{
    for (const unsigned char *c = (const unsigned char *)text; *c != '\0'; c++) {
        switch (*c) {
        case '\\':
            fputs("\\\\", stdout);
            break;
        case '\t':
            fputs("\\t", stdout);
            break;
        case '\n':
            fputs("\\n", stdout);
            break;
        case '\r':
            fputs("\\r", stdout);
            break;
        default:
            if (*c < 0x20 || *c == 0x7f)
                printf("\\x%02x", *c);
            else
                putchar(*c); /* printable ASCII and UTF-8 bytes as they are */
        }
    }
}

/* What the COMMAND column shows: the command line, or "[name]" when there is none. */
static void print_command(const struct proc_info *proc)
{
    if (proc->cmdline[0] != '\0') {
        print_escaped(proc->cmdline);
        return;
    }
    /* Kernel threads never had a command line; a zombie has lost its memory. */
    putchar('[');
    print_escaped(proc->stat.comm);
    putchar(']');
    if (proc->stat.state == 'Z')
        fputs(" <defunct>", stdout);
}

/* Resident set size in KiB: /proc counts pages. */
static long rss_kib(const struct proc_stat *stat)
{
    static long page_kib = 0;

    if (page_kib == 0)
        page_kib = sysconf(_SC_PAGESIZE) / 1024;
    return stat->rss_pages * page_kib;
}

/* PID PPID USER STATE THREADS RSS COMMAND, one row per process, in LIST's order. */
void print_processes(const struct proc_list *list, const struct output_style *style)
{
    if (style->header) {
        if (style->tsv)
            puts("PID\tPPID\tUSER\tSTATE\tTHREADS\tRSS_KIB\tCOMMAND");
        else
            printf("%7s %7s %-8s %-5s %7s %9s %s\n", "PID", "PPID", "USER", "STATE", "THREADS",
                   "RSS", "COMMAND");
    }
    for (size_t i = 0; i < list->count; i++) {
        const struct proc_info *proc = &list->items[i];
        const struct proc_stat *stat = &proc->stat;
        if (style->tsv) {
            printf("%d\t%d\t", (int)stat->pid, (int)stat->ppid);
            print_escaped(cached_user_name(proc->uid));
            printf("\t%c\t%ld\t%ld\t", stat->state, stat->num_threads, rss_kib(stat));
        } else {
            printf("%7d %7d %-8s %-5c %7ld %9ld ", (int)stat->pid, (int)stat->ppid,
                   cached_user_name(proc->uid), stat->state, stat->num_threads, rss_kib(stat));
        }
        print_command(proc);
        putchar('\n');
    }
}

/* PID TID STATE NAME, one row per thread, in LIST's order. */
void print_threads(const struct thread_list *list, const struct output_style *style)
{
    if (style->header) {
        if (style->tsv)
            puts("PID\tTID\tSTATE\tNAME");
        else
            printf("%7s %7s %-5s %s\n", "PID", "TID", "STATE", "NAME");
    }
    for (size_t i = 0; i < list->count; i++) {
        const struct thread_info *thread = &list->items[i];
        if (style->tsv)
            printf("%d\t%d\t%c\t", (int)thread->pid, (int)thread->stat.pid, thread->stat.state);
        else
            printf("%7d %7d %-5c ", (int)thread->pid, (int)thread->stat.pid, thread->stat.state);
        print_escaped(thread->stat.comm);
        putchar('\n');
    }
}

/*
 * The tree, as arrays indexed like LIST: first_child[i] and next_sibling[i]
 * link each process to its children in PID order; -1 ends a chain.
 * printed[i] guards against cycles, which a scan can in theory see when a
 * PID is reused between reading two processes.
 */
struct tree {
    const struct proc_list *list;
    long *first_child;
    long *next_sibling;
    bool *printed;
    char *prefix; /* "|  " or "   " per level above the current one */
    const struct output_style *style;
};

/* Index of PID in LIST (sorted by PID), or -1. */
static long find_pid(const struct proc_list *list, pid_t pid)
{
    size_t low = 0, high = list->count;

    while (low < high) {
        size_t middle = low + (high - low) / 2;
        if (list->items[middle].stat.pid < pid)
            low = middle + 1;
        else
            high = middle;
    }
    return low < list->count && list->items[low].stat.pid == pid ? (long)low : -1;
}

/* Print process INDEX at DEPTH and, below it, its children; LAST: the last of its siblings. */
static void print_subtree(struct tree *tree, long index, size_t depth, bool last)
{
    const struct proc_info *proc = &tree->list->items[index];
    long threads = proc->stat.num_threads;

    tree->printed[index] = true;
    if (tree->style->tsv) {
        printf("%d\t%d\t%zu\t%ld\t", (int)proc->stat.pid, (int)proc->stat.ppid, depth, threads);
        print_escaped(proc->stat.comm);
    } else {
        /* pstree -A style: "|  " continues an ancestor's siblings, "|- " and "`- " branch. */
        if (depth > 0)
            printf("%.*s%s", (int)(3 * (depth - 1)), tree->prefix, last ? "`- " : "|- ");
        printf("%d ", (int)proc->stat.pid);
        print_escaped(proc->stat.comm);
        if (proc->stat.state == 'Z')
            fputs(" <defunct>", stdout);
        printf(" (%ld %s)", threads, threads == 1 ? "thread" : "threads");
    }
    putchar('\n');

    if (depth > 0)
        memcpy(tree->prefix + 3 * (depth - 1), last ? "   " : "|  ", 3);
    for (long child = tree->first_child[index]; child != -1; child = tree->next_sibling[child]) {
        long next = tree->next_sibling[child];
        while (next != -1 && tree->printed[next])
            next = tree->next_sibling[next];
        if (!tree->printed[child])
            print_subtree(tree, child, depth + 1, next == -1);
    }
}

/* The parent/child tree; see output.h. */
void print_tree(const struct proc_list *list, const pid_t *roots, size_t nroots,
                const struct output_style *style)
{
    size_t n = list->count;
    struct tree tree = {
        .list = list,
        .first_child = calloc(n + 1, sizeof(long)),
        .next_sibling = calloc(n + 1, sizeof(long)),
        .printed = calloc(n + 1, sizeof(bool)),
        .prefix = calloc(3 * n + 1, 1),
        .style = style,
    };
    if (tree.first_child == NULL || tree.next_sibling == NULL || tree.printed == NULL ||
        tree.prefix == NULL)
        exit_errno("print the tree");

    /* Link children from the highest PID down, so each chain is in PID order. */
    for (size_t i = 0; i < n; i++)
        tree.first_child[i] = tree.next_sibling[i] = -1;
    for (size_t i = n; i-- > 0;) {
        long parent = find_pid(list, list->items[i].stat.ppid);
        if (parent != -1 && parent != (long)i) {
            tree.next_sibling[i] = tree.first_child[parent];
            tree.first_child[parent] = (long)i;
        }
    }

    if (style->header && style->tsv)
        puts("PID\tPPID\tDEPTH\tTHREADS\tNAME");
    if (nroots > 0) {
        for (size_t r = 0; r < nroots; r++) {
            long index = find_pid(list, roots[r]);
            if (index != -1 && !tree.printed[index])
                print_subtree(&tree, index, 0, true);
        }
    } else {
        for (size_t i = 0; i < n; i++) {
            if (find_pid(list, list->items[i].stat.ppid) == -1)
                print_subtree(&tree, (long)i, 0, true);
        }
        /* Whatever a cycle kept from being reached starts a tree of its own. */
        for (size_t i = 0; i < n; i++) {
            if (!tree.printed[i])
                print_subtree(&tree, (long)i, 0, true);
        }
    }

    free(tree.first_child);
    free(tree.next_sibling);
    free(tree.printed);
    free(tree.prefix);
}

/* One remembered user. */
struct user_entry {
    uid_t uid;
    char name[64];
};

/* The login name of UID, from a small cache in front of user_name(). */
const char *cached_user_name(uid_t uid)
{
    /* Looking a user up may read all of /etc/passwd; a listing sees few users. */
    static struct user_entry cache[64];
    static size_t cached = 0;
    static char uncached[64];

    for (size_t i = 0; i < cached; i++) {
        if (cache[i].uid == uid)
            return cache[i].name;
    }
    if (cached == sizeof cache / sizeof cache[0]) {
        user_name(uid, uncached, sizeof uncached);
        return uncached;
    }
    cache[cached].uid = uid;
    user_name(uid, cache[cached].name, sizeof cache[cached].name);
    return cache[cached++].name;
}
