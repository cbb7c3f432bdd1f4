/*
 * records.c - storing, merging and reporting the grader's results.
 *
 * DIR/LAB.tsv holds one line per test, tab-separated: lab, name, score,
 * max score, verdict, seconds, output, task, number, visibility, finished
 * (UTC seconds); tabs, newlines and backslashes in the output are escaped.
 * Scripts read the columns by position, so new ones only ever go at the end.
 * DIR/LAB.note, written by scripts/grade, is text about the whole lab (a file
 * not submitted, the compiler's messages) shown once, above the tests.
 * Every file the grader writes is written whole and renamed into place.
 *
 * results.json follows Gradescope's autograder specification (the "Output
 * format" of its autograder documentation); the JUnit XML follows the format
 * Jenkins and GitLab read, as tests/harness/junit.xsd states it.
 */
#include "oslab.h"

#include <dirent.h>   /* scandir */
#include <fcntl.h>    /* open */
#include <libgen.h>   /* dirname */
#include <limits.h>   /* PATH_MAX */
#include <sys/stat.h> /* fchmod */

#include "records.h"

#define TSV_FIELDS 11 /* the columns of a record line (7 in older files) */

/* strdup or exit: the grader cannot go on without memory. */
static char *copy(const char *text)
{
    char *p = strdup(text ? text : "");
    if (p == NULL)
        exit_errno("strdup");
    return p;
}

void records_add(struct record_list *list, const struct test_info *info, int score,
                 const char *verdict, double seconds, const char *output)
{
    struct test_record *items = realloc(list->items, (list->count + 1) * sizeof *items);
    if (items == NULL)
        exit_errno("realloc");
    list->items = items;
    list->items[list->count++] = (struct test_record){
        .lab = copy(info->lab), .name = copy(info->name), .score = score,
        .max_score = info->max_score, .verdict = copy(verdict), .seconds = seconds,
        .output = copy(output), .task = info->task, .number = copy(info->number),
        .visibility = copy(info->visibility ? info->visibility : "visible"),
        .finished = time(NULL),
    };
}

/* Append LAB's note TEXT to LIST (copying both). */
static void notes_add(struct record_list *list, const char *lab, const char *text)
{
    struct lab_note *notes = realloc(list->notes, (list->note_count + 1) * sizeof *notes);
    if (notes == NULL)
        exit_errno("realloc");
    list->notes = notes;
    list->notes[list->note_count++] = (struct lab_note){.lab = copy(lab), .text = copy(text)};
}

void records_free(struct record_list *list)
{
    for (size_t i = 0; i < list->count; i++) {
        struct test_record *r = &list->items[i];
        free(r->lab);
        free(r->name);
        free(r->verdict);
        free(r->output);
        free(r->number);
        free(r->visibility);
    }
    for (size_t i = 0; i < list->note_count; i++) {
        free(list->notes[i].lab);
        free(list->notes[i].text);
    }
    free(list->items);
    free(list->notes);
    *list = (struct record_list){0};
}

int atomic_write_file(const char *path, const char *data, size_t len)
{
    char dir_buf[PATH_MAX], temp[PATH_MAX];
    snprintf(dir_buf, sizeof dir_buf, "%s", path);
    int n = snprintf(temp, sizeof temp, "%s/.oslab-tmp-XXXXXX", dirname(dir_buf));
    if (n < 0 || (size_t)n >= sizeof temp) {
        errno = ENAMETOOLONG;
        return -1;
    }
    /* mkstemp creates a new file (O_EXCL): it cannot be a planted link. */
    int fd = mkstemp(temp);
    if (fd == -1)
        return -1;
    if (write_all(fd, data, len) == -1 || fchmod(fd, 0644) == -1 || fsync(fd) == -1) {
        int saved = errno;
        close(fd);
        unlink(temp);
        errno = saved;
        return -1;
    }
    if (close(fd) == -1 || rename(temp, path) == -1) {
        int saved = errno;
        unlink(temp);
        errno = saved;
        return -1;
    }
    return 0;
}

size_t utf8_char_length(const unsigned char *p)
{
    if (p[0] < 0x80)
        return 1;
    size_t len;
    uint32_t code, smallest;
    if ((p[0] & 0xe0) == 0xc0) {
        len = 2, code = p[0] & 0x1f, smallest = 0x80;
    } else if ((p[0] & 0xf0) == 0xe0) {
        len = 3, code = p[0] & 0x0f, smallest = 0x800;
    } else if ((p[0] & 0xf8) == 0xf0) {
        len = 4, code = p[0] & 0x07, smallest = 0x10000;
    } else {
        return 0; /* a continuation byte, or 0xf8..0xff */
    }
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80) /* also stops at the terminating NUL */
            return 0;
        code = code << 6 | (p[i] & 0x3f);
    }
    /* An overlong form could smuggle a '<' or a quote past a check. */
    if (code < smallest || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
        return 0;
    return len;
}

size_t text_char_length(const unsigned char *p)
{
    if (*p == '\t')
        return 1;
    if (*p < 0x20 || *p == 0x7f)
        return 0;
    size_t len = utf8_char_length(p);
    if (len == 2 && p[0] == 0xc2 && p[1] < 0xa0)
        return 0; /* U+0080..U+009F: C1 controls, which some terminals obey */
    if (len == 3 && p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9))
        return 0; /* U+2028, U+2029: line breaks to some readers */
    return len;
}

/* Write TEXT to F with tabs, newlines, returns and backslashes escaped. */
static void put_escaped_tsv(FILE *f, const char *text)
{
    for (const char *p = text; *p != '\0'; p++) {
        switch (*p) {
        case '\\': fputs("\\\\", f); break;
        case '\t': fputs("\\t", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        default: fputc(*p, f);
        }
    }
}

/* Undo put_escaped_tsv in place. */
static void unescape_tsv(char *text)
{
    char *out = text;
    for (char *p = text; *p != '\0'; p++) {
        if (*p == '\\' && p[1] != '\0') {
            p++;
            *out++ = *p == 't' ? '\t' : *p == 'n' ? '\n' : *p == 'r' ? '\r' : *p;
        } else {
            *out++ = *p;
        }
    }
    *out = '\0';
}

int records_save(const char *dir, const char *lab, const struct record_list *list)
{
    char *data = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&data, &len);
    if (f == NULL)
        return -1;
    for (size_t i = 0; i < list->count; i++) {
        const struct test_record *r = &list->items[i];
        fprintf(f, "%s\t%s\t%d\t%d\t%s\t%.3f\t", r->lab, r->name, r->score, r->max_score,
                r->verdict, r->seconds);
        put_escaped_tsv(f, r->output);
        fprintf(f, "\t%d\t%s\t%s\t%lld\n", r->task, r->number, r->visibility,
                (long long)r->finished);
    }
    if (fclose(f) != 0)
        return -1;
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s.tsv", dir, lab);
    int result = atomic_write_file(path, data, len);
    free(data);
    return result;
}

/* TEXT as a number in [0, MAX]; records are written by the grader, so junk reads as 0. */
static long number_field(const char *text, long max)
{
    long value = 0;
    char err[128];
    if (parse_long(text, 0, max, "field", &value, err, sizeof err) == -1)
        return 0;
    return value;
}

/* Parse one TSV line into LIST; lines with fewer than 7 fields are skipped. */
static void parse_line(char *line, struct record_list *list)
{
    char *field[TSV_FIELDS] = {0};
    line[strcspn(line, "\n")] = '\0';
    int n = 0;
    while (n < TSV_FIELDS && line != NULL)
        field[n++] = strsep(&line, "\t");
    if (n < 7)
        return;
    unescape_tsv(field[6]);
    struct test_info info = {
        .lab = field[0], .name = field[1], .max_score = (int)number_field(field[3], 1000000),
        .task = n > 7 ? (int)number_field(field[7], 1000) : 0,
        .number = n > 8 ? field[8] : "", .visibility = n > 9 ? field[9] : "visible",
    };
    records_add(list, &info, (int)number_field(field[2], 1000000), field[4],
                strtod(field[5], NULL), field[6]);
    if (n > 10)
        list->items[list->count - 1].finished = (time_t)number_field(field[10], LONG_MAX);
}

/* scandir filters: the per-lab record files, and the notes beside them. */
static bool has_suffix(const char *name, const char *suffix)
{
    size_t len = strlen(name), suffix_len = strlen(suffix);
    return name[0] != '.' && len > suffix_len && strcmp(name + len - suffix_len, suffix) == 0;
}
static int is_record_file(const struct dirent *entry)
{
    return has_suffix(entry->d_name, ".tsv");
}
static int is_note_file(const struct dirent *entry)
{
    return has_suffix(entry->d_name, ".note");
}

/* Read the whole file PATH (at most 64 KiB of it) into a malloc'd string; NULL if it cannot. */
static char *read_small_file(const char *path)
{
    FILE *f = fopen(path, "re");
    if (f == NULL)
        return NULL;
    char *text = malloc(65536);
    if (text == NULL)
        exit_errno("malloc");
    size_t n = fread(text, 1, 65535, f);
    text[n] = '\0';
    fclose(f);
    return text;
}

int records_load_dir(const char *dir, struct record_list *list)
{
    struct dirent **entries;
    int n = scandir(dir, &entries, is_record_file, alphasort);
    if (n == -1)
        return -1;
    for (int i = 0; i < n; i++) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", dir, entries[i]->d_name);
        free(entries[i]);
        FILE *f = fopen(path, "re");
        if (f == NULL)
            continue;
        char *line = NULL;
        size_t cap = 0;
        while (getline(&line, &cap, f) != -1)
            parse_line(line, list);
        free(line);
        fclose(f);
    }
    free(entries);

    n = scandir(dir, &entries, is_note_file, alphasort);
    if (n == -1)
        return -1;
    for (int i = 0; i < n; i++) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", dir, entries[i]->d_name);
        entries[i]->d_name[strlen(entries[i]->d_name) - strlen(".note")] = '\0';
        char *text = read_small_file(path);
        if (text != NULL && text[0] != '\0')
            notes_add(list, entries[i]->d_name, text);
        free(text);
        free(entries[i]);
    }
    free(entries);
    return 0;
}

/* ---- results.json (Gradescope) --------------------------------------------- */

/* Write TEXT to F as the body of a JSON string (quotes not included). UTF-8
 * is kept; a byte that is not part of valid UTF-8 becomes U+FFFD, so the
 * file is valid JSON whatever a submission printed. */
static void put_json_string(FILE *f, const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p != '\0';) {
        size_t len = utf8_char_length(p);
        if (len == 0) {
            fputs("\\ufffd", f);
            p++;
            continue;
        }
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", f);
        else if (*p == '\t')
            fputs("\\t", f);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(f, "\\u%04x", *p);
        else
            fwrite(p, 1, len, f);
        p += len;
    }
}

/* The lab's number from its name ("01-fork-exec" gives 1); 0 if none. */
static int lab_number(const char *lab)
{
    return atoi(lab);
}

/* Does LIST hold the records of more than one lab? */
static bool several_labs(const struct record_list *list)
{
    for (size_t i = 1; i < list->count; i++)
        if (strcmp(list->items[i].lab, list->items[0].lab) != 0)
            return true;
    return false;
}

int records_write_json(const char *path, const struct record_list *list)
{
    char *data = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&data, &len);
    if (f == NULL)
        return -1;
    int score = 0, max_score = 0;
    double seconds = 0;
    for (size_t i = 0; i < list->count; i++) {
        score += list->items[i].score;
        max_score += list->items[i].max_score;
        seconds += list->items[i].seconds;
    }
    fprintf(f, "{\n  \"score\": %d,\n  \"max_score\": %d,\n  \"execution_time\": %.0f,\n",
            score, max_score, seconds);
    /* The notes (a file not submitted, a compile failure) once, for the whole
     * submission, not repeated in every test. */
    fputs("  \"output\": \"", f);
    for (size_t i = 0; i < list->note_count; i++)
        put_json_string(f, list->notes[i].text);
    /* The run's own stdout is the instructor's: it names every test, hidden
     * ones included. What students see is in "output" and the tests. */
    fputs("\",\n  \"visibility\": \"visible\",\n  \"stdout_visibility\": \"hidden\",\n"
          "  \"tests\": [", f);
    /* Numbers are "TASK.K"; with several labs in one file, "LAB.TASK.K". */
    bool prefix_lab = several_labs(list);
    for (size_t i = 0; i < list->count; i++) {
        const struct test_record *r = &list->items[i];
        fputs(i == 0 ? "\n" : ",\n", f);
        fputs("    {\"name\": \"", f);
        put_json_string(f, r->lab);
        fputs(": ", f);
        put_json_string(f, r->name);
        fputs("\", \"number\": \"", f);
        if (prefix_lab)
            fprintf(f, "%d.", lab_number(r->lab));
        put_json_string(f, r->number[0] ? r->number : "0");
        fprintf(f, "\", \"score\": %d, \"max_score\": %d, \"status\": \"%s\",\n", r->score,
                r->max_score, strcmp(r->verdict, "pass") == 0 ? "passed" : "failed");
        fputs("     \"visibility\": \"", f);
        put_json_string(f, r->visibility);
        fputs("\", \"tags\": [\"", f);
        put_json_string(f, r->lab);
        fprintf(f, "\", \"task %d\"], \"output\": \"", r->task);
        put_json_string(f, r->output);
        fputs("\"}", f);
    }
    fputs("\n  ]\n}\n", f);
    if (fclose(f) != 0)
        return -1;
    int result = atomic_write_file(path, data, len);
    free(data);
    return result;
}

/* ---- JUnit XML ----------------------------------------------------------------- */

/* Write TEXT to F as XML character data or an attribute value: the five
 * special characters escaped, UTF-8 kept, what XML 1.0 cannot hold (control
 * characters but tab and newline, U+FFFE, U+FFFF, invalid bytes) replaced. */
static void put_xml(FILE *f, const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p != '\0';) {
        size_t len = utf8_char_length(p);
        if (len == 0 || (len == 3 && p[0] == 0xef && p[1] == 0xbf && p[2] >= 0xbe)) {
            fputs("\xef\xbf\xbd", f); /* U+FFFD */
            p += len ? len : 1;
            continue;
        }
        switch (*p) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&apos;", f); break;
        default:
            if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f)
                fputc('?', f);
            else
                fwrite(p, 1, len, f);
        }
        p += len;
    }
}

/* Counts of one group of records. */
struct tally {
    size_t tests, failures, errors;
    double seconds;
    time_t started; /* the earliest start; 0 if unknown */
};

/* Add the records [FROM, TO) of LIST to T. A grader error is an "error";
 * every other verdict but pass is a "failure" of the submission. */
static void count_records(const struct record_list *list, size_t from, size_t to, struct tally *t)
{
    for (size_t i = from; i < to; i++) {
        const struct test_record *r = &list->items[i];
        bool error = strcmp(r->verdict, "error") == 0;
        t->tests++;
        t->errors += error;
        t->failures += !error && strcmp(r->verdict, "pass") != 0;
        t->seconds += r->seconds;
        time_t started = r->finished - (time_t)r->seconds;
        if (r->finished != 0 && (t->started == 0 || started < t->started))
            t->started = started;
    }
}

/* Write the notes of LAB in LIST to F as XML character data. */
static void put_lab_notes(FILE *f, const struct record_list *list, const char *lab)
{
    for (size_t i = 0; i < list->note_count; i++)
        if (strcmp(list->notes[i].lab, lab) == 0)
            put_xml(f, list->notes[i].text);
}

/* Does LIST have a note for LAB? */
static bool has_note(const struct record_list *list, const char *lab)
{
    for (size_t i = 0; i < list->note_count; i++)
        if (strcmp(list->notes[i].lab, lab) == 0)
            return true;
    return false;
}

int records_write_junit(const char *path, const struct record_list *list)
{
    char *data = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&data, &len);
    if (f == NULL)
        return -1;
    char host[256] = "localhost";
    if (gethostname(host, sizeof host) == -1 || host[0] == '\0')
        snprintf(host, sizeof host, "localhost");
    host[sizeof host - 1] = '\0';

    struct tally all = {0};
    count_records(list, 0, list->count, &all);
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<testsuites name=\"oslab\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
               "skipped=\"0\" time=\"%.3f\">\n", all.tests, all.failures, all.errors,
            all.seconds);
    for (size_t i = 0, suite = 0; i < list->count; suite++) {
        const char *lab = list->items[i].lab;
        size_t end = i;
        while (end < list->count && strcmp(list->items[end].lab, lab) == 0)
            end++;
        struct tally t = {0};
        count_records(list, i, end, &t);
        /* The common schema's timestamp: ISO 8601, no time zone (it is UTC). */
        char stamp[32] = "1970-01-01T00:00:00";
        struct tm tm;
        if (t.started != 0 && gmtime_r(&t.started, &tm) != NULL)
            strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
        fputs("  <testsuite name=\"", f);
        put_xml(f, lab);
        fprintf(f, "\" id=\"%zu\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"0\" "
                   "time=\"%.3f\" timestamp=\"%s\" hostname=\"", suite, t.tests, t.failures,
                t.errors, t.seconds, stamp);
        put_xml(f, host);
        fputs("\">\n", f);
        for (; i < end; i++) {
            const struct test_record *r = &list->items[i];
            fputs("    <testcase classname=\"", f);
            put_xml(f, r->lab);
            fputs("\" name=\"", f);
            put_xml(f, r->name);
            fprintf(f, "\" time=\"%.3f\">", r->seconds);
            if (strcmp(r->verdict, "pass") != 0) {
                /* <error>: the kit failed, not the submission (a grader error). */
                const char *element = strcmp(r->verdict, "error") == 0 ? "error" : "failure";
                fprintf(f, "\n      <%s type=\"%s\" message=\"%s: %d/%d points\">", element,
                        r->verdict, r->verdict, r->score, r->max_score);
                put_xml(f, r->output);
                fprintf(f, "</%s>\n    ", element);
            }
            fputs("</testcase>\n", f);
        }
        if (has_note(list, lab)) {
            fputs("    <system-out>", f);
            put_lab_notes(f, list, lab);
            fputs("</system-out>\n", f);
        }
        fputs("  </testsuite>\n", f);
    }
    fputs("</testsuites>\n", f);
    if (fclose(f) != 0)
        return -1;
    int result = atomic_write_file(path, data, len);
    free(data);
    return result;
}

void records_print_summary(const struct record_list *list)
{
    int total = 0, total_max = 0;
    printf("\nScore by lab\n");
    for (size_t i = 0; i < list->count;) {
        const char *lab = list->items[i].lab;
        int score = 0, max_score = 0, passed = 0, tests = 0;
        for (; i < list->count && strcmp(list->items[i].lab, lab) == 0; i++) {
            score += list->items[i].score;
            max_score += list->items[i].max_score;
            passed += strcmp(list->items[i].verdict, "pass") == 0;
            tests++;
        }
        printf("  %-16s %3d/%-3d  (%d of %d tests passed)\n", lab, score, max_score, passed, tests);
        total += score;
        total_max += max_score;
    }
    printf("  %-16s %3d/%-3d\n", "TOTAL", total, total_max);
}
