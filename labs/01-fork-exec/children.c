/*
 * children.c - the table of procman's children, its wake-up pipe, and the
 * event log of their lives (given code; the rules are in children.h).
 */
#include "oslab.h"

#include <fcntl.h>    /* pipe2 flags */
#include <poll.h>     /* poll */
#include <signal.h>   /* sigprocmask */
#include <sys/wait.h> /* WIFEXITED and friends */

#include "children.h"
#include "lifecycle.h" /* describe_status */

volatile sig_atomic_t shutdown_signal = 0;

/* Block SIGCHLD, saving the old mask in *SAVED: the main program's way in. */
void block_sigchld(sigset_t *saved)
{
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGCHLD);
    if (sigprocmask(SIG_BLOCK, &block, saved) == -1)
        exit_errno("sigprocmask");
}

/* Put back the signal mask saved by block_sigchld. */
void restore_mask(const sigset_t *saved)
{
    if (sigprocmask(SIG_SETMASK, saved, NULL) == -1)
        exit_errno("sigprocmask");
}

int table_init(struct child_table *table, size_t capacity)
{
    memset(table, 0, sizeof *table);
    table->wake_fds[0] = table->wake_fds[1] = -1;
    table->slots = calloc(capacity, sizeof *table->slots);
    if (table->slots == NULL)
        return -1;
    table->capacity = capacity;
    /* Non-blocking: a handler must never block on a full pipe, and draining
     * stops at "empty" instead of waiting. Close-on-exec: no program procman
     * runs has any business with it. */
    if (pipe2(table->wake_fds, O_NONBLOCK | O_CLOEXEC) == -1) {
        int saved_errno = errno;
        free(table->slots);
        table->slots = NULL;
        errno = saved_errno;
        return -1;
    }
    return 0;
}

void table_destroy(struct child_table *table)
{
    free(table->slots);
    table->slots = NULL;
    table->capacity = 0;
    for (int i = 0; i < 2; i++) {
        if (table->wake_fds[i] >= 0 && close(table->wake_fds[i]) == -1)
            warn_errno("close the wake-up pipe");
        table->wake_fds[i] = -1;
    }
}

/* Can SLOT take a new child? Free, or ended with its end already logged. */
static bool slot_reusable(const struct child *slot)
{
    return slot->state == CHILD_FREE || (slot->state == CHILD_ENDED && slot->end_logged);
}

size_t table_room(const struct child_table *table)
{
    size_t room = 0;
    for (size_t i = 0; i < table->capacity; i++)
        if (slot_reusable(&table->slots[i]))
            room++;
    return room;
}

size_t table_live_count(const struct child_table *table)
{
    size_t live = 0;
    for (size_t i = 0; i < table->capacity; i++) {
        sig_atomic_t state = table->slots[i].state;
        if (state == CHILD_RUNNING || state == CHILD_STOPPED)
            live++;
    }
    return live;
}

void format_command(char *const argv[], char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; argv[i] != NULL; i++) {
        int n = snprintf(buf + used, len - used, "%s%s", i > 0 ? " " : "", argv[i]);
        if (n < 0 || (size_t)n >= len - used) {
            /* Cut: end with "..." so that nobody mistakes it for the whole command. */
            if (len > 4)
                memcpy(buf + len - 4, "...", 4);
            return;
        }
        used += (size_t)n;
    }
}

struct child *table_add(struct child_table *table, pid_t pid, enum child_kind kind,
                        char *const argv[], bool background)
{
    /* A free slot, else the one of the child that ended longest ago: `list`
     * keeps showing ended children for as long as there is room. */
    struct child *slot = NULL;
    for (size_t i = 0; i < table->capacity; i++) {
        struct child *candidate = &table->slots[i];
        if (candidate->state == CHILD_FREE) {
            slot = candidate;
            break;
        }
        if (slot_reusable(candidate) && (slot == NULL || candidate->ended_ms < slot->ended_ms))
            slot = candidate;
    }
    if (slot == NULL)
        return NULL;

    slot->pid = pid;
    slot->kind = kind;
    slot->background = background;
    slot->started_ms = now_ms();
    if (kind == CHILD_WORKER || argv == NULL)
        snprintf(slot->command, sizeof slot->command, "[worker]");
    else
        format_command(argv, slot->command, sizeof slot->command);
    slot->status = 0;
    slot->ended_ms = 0;
    slot->end_logged = false;
    /* Last: from here on table_find (and so the handler) sees this child. */
    slot->state = CHILD_RUNNING;
    table->started++;
    return slot;
}

struct child *table_find(struct child_table *table, pid_t pid)
{
    for (size_t i = 0; i < table->capacity; i++) {
        struct child *slot = &table->slots[i];
        if (slot->pid == pid && (slot->state == CHILD_RUNNING || slot->state == CHILD_STOPPED))
            return slot;
    }
    return NULL;
}

struct child *table_find_any(struct child_table *table, pid_t pid)
{
    struct child *live = table_find(table, pid);
    if (live != NULL)
        return live;
    struct child *newest = NULL;
    for (size_t i = 0; i < table->capacity; i++) {
        struct child *slot = &table->slots[i];
        if (slot->pid == pid && slot->state == CHILD_ENDED &&
            (newest == NULL || slot->started_ms > newest->started_ms))
            newest = slot;
    }
    return newest;
}

void table_push_event(struct child_table *table, pid_t pid, int status, struct child *child)
{
    if (WIFEXITED(status) || WIFSIGNALED(status)) {
        if (child != NULL)
            table->reaped++;
        else
            table->strays++;
    }
    if (table->event_count >= EVENT_RING_SIZE) {
        /* The slot's state is still right; only the log line is lost, and
         * log_child_events still logs the end of a child from its slot. */
        table->events_lost++;
        return;
    }
    size_t at = (table->first_event + (size_t)table->event_count) % EVENT_RING_SIZE;
    table->events[at] = (struct child_event){.pid = pid, .status = status, .child = child};
    table->event_count++; /* last: the event is complete before the reader can count it */
}

void table_wake(struct child_table *table)
{
    int saved_errno = errno; /* a handler must leave errno as it found it */
    if (write(table->wake_fds[1], "!", 1) == -1) {
        /* EAGAIN: the pipe is full, so poll() will wake anyway. */
    }
    errno = saved_errno;
}

void table_drain_wake(struct child_table *table)
{
    char bytes[64];
    while (read(table->wake_fds[0], bytes, sizeof bytes) > 0)
        continue; /* until EAGAIN: the pipe is empty */
}

/* "cannot exec 'nosuch'" is how a command child that exited 127 ended: the
 * convention that procman (like the shell) keeps for a failed exec. */
static bool exec_failed(const struct child *child, int status)
{
    return child != NULL && child->kind == CHILD_COMMAND && WIFEXITED(status) &&
           WEXITSTATUS(status) == 127;
}

/* Log the end of CHILD (or of a stray PID when CHILD is NULL) with STATUS. */
static void log_end(pid_t pid, struct child *child, int status)
{
    char how[128];
    describe_status(status, how, sizeof how);
    if (child == NULL) {
        evlog("exit %d (unknown child): %s", (int)pid, how);
        return;
    }
    child->end_logged = true;
    if (exec_failed(child, status)) {
        /* The program's name is the command's first word. */
        int name_len = (int)strcspn(child->command, " ");
        evlog("exit %d %s: %s: cannot exec '%.*s'", (int)pid, child->command, how, name_len,
              child->command);
    } else {
        evlog("exit %d %s: %s", (int)pid, child->command, how);
    }
}

/* Log one queued event. */
static void log_event(const struct child_table *table, const struct child_event *event)
{
    char how[128];
    const char *command = event->child != NULL ? event->child->command : "(unknown child)";
    if (WIFSTOPPED(event->status)) {
        if (!table->quiet)
            evlog("stop %d %s: %s", (int)event->pid, command,
                  describe_status(event->status, how, sizeof how));
    } else if (WIFCONTINUED(event->status)) {
        if (!table->quiet)
            evlog("continue %d %s: %s", (int)event->pid, command,
                  describe_status(event->status, how, sizeof how));
    } else {
        log_end(event->pid, event->child, event->status);
    }
}

void log_child_events(struct child_table *table)
{
    sigset_t saved;
    block_sigchld(&saved);
    while (table->event_count > 0) {
        struct child_event event = table->events[table->first_event];
        table->first_event = (table->first_event + 1) % EVENT_RING_SIZE;
        table->event_count--;
        log_event(table, &event);
    }
    if (table->events_lost > 0) {
        evlog("%d events were lost: too many at once for the queue", (int)table->events_lost);
        table->events_lost = 0;
        /* The ends among them are still in the slots. */
        for (size_t i = 0; i < table->capacity; i++) {
            struct child *slot = &table->slots[i];
            if (slot->state == CHILD_ENDED && !slot->end_logged)
                log_end(slot->pid, slot, slot->status);
        }
    }
    restore_mask(&saved);
}

void log_child_start(const struct child_table *table, pid_t pid, const char *command)
{
    if (!table->quiet)
        evlog("start %d %s", (int)pid, command);
}

void log_signal_sent(const struct child_table *table, const struct child *child, int signo)
{
    if (!table->quiet)
        evlog("kill %d %s: %s", (int)child->pid, child->command, signal_name(signo));
}

/* Has PID ended (PID 0: has every child ended)? Reads the table with SIGCHLD
 * blocked, as the rule says: the handler may not change a slot under us. */
static bool children_ended(struct child_table *table, pid_t pid)
{
    sigset_t saved;
    block_sigchld(&saved);
    bool ended = pid == 0 ? table_live_count(table) == 0 : table_find(table, pid) == NULL;
    restore_mask(&saved);
    return ended;
}

enum wait_result wait_for_children(struct child_table *table, pid_t pid, int timeout_ms)
{
    int64_t deadline = now_ms() + timeout_ms;
    for (;;) {
        log_child_events(table);
        if (children_ended(table, pid))
            return WAIT_DONE;
        if (shutdown_signal != 0)
            return WAIT_SHUTDOWN;
        int wait_ms = -1;
        if (timeout_ms >= 0) {
            int64_t left = deadline - now_ms();
            if (left <= 0)
                return WAIT_TIMEOUT;
            wait_ms = (int)left;
        }
        /* If the handler runs between the check above and poll(), its byte
         * is already in the pipe and poll() returns at once: no lost wake-up. */
        struct pollfd wake = {.fd = table->wake_fds[0], .events = POLLIN};
        if (poll(&wake, 1, wait_ms) == -1 && errno != EINTR)
            exit_errno("poll");
        table_drain_wake(table);
    }
}
