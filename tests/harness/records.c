/*
 * records.c - storing, merging and reporting the grader's results.
 *
 * DIR/LAB.tsv holds one line per test: lab, name, score, max score, verdict,
 * seconds, output; tabs, newlines and backslashes in the output are escaped.
 * Every file the grader writes is written whole and renamed into place.
 */
#include "oslab.h"

#include <dirent.h> /* scandir */
#include <fcntl.h>  /* open */
#include <libgen.h> /* dirname */
#include <limits.h> /* PATH_MAX */
#include <sys/stat.h> /* fchmod */

#include "records.h"

/* strdup or exit: the grader cannot go on without memory. */
static char *copy(const char *text)
{
    char *p = strdup(text ? text : "");
    if (p == NULL)
        exit_errno("strdup");
    return p;
}

void records_add(struct record_list *list, const char *lab, const char *name, int score,
                 int max_score, const char *verdict, double seconds, const char *output)
{
    struct test_record *items = realloc(list->items, (list->count + 1) * sizeof *items);
    if (items == NULL)
        exit_errno("realloc");
    list->items = items;
    list->items[list->count++] = (struct test_record){
        .lab = copy(lab), .name = copy(name), .score = score, .max_score = max_score,
        .verdict = copy(verdict), .seconds = seconds, .output = copy(output),
    };
}

void records_free(struct record_list *list)
{
    for (size_t i = 0; i < list->count; i++) {
        struct test_record *r = &list->items[i];
        free(r->lab);
        free(r->name);
        free(r->verdict);
        free(r->output);
    }
    free(list->items);
    *list = (struct record_list){NULL, 0};
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
        fputc('\n', f);
    }
    if (fclose(f) != 0)
        return -1;
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s.tsv", dir, lab);
    int result = atomic_write_file(path, data, len);
    free(data);
    return result;
}

/* TEXT as a score; records are written by the grader, so junk reads as 0. */
static int score_field(const char *text)
{
    long value = 0;
    char err[128];
    if (parse_long(text, 0, 1000000, "score", &value, err, sizeof err) == -1)
        return 0;
    return (int)value;
}

/* Parse one TSV line into LIST; lines that do not have 7 fields are skipped. */
static void parse_line(char *line, struct record_list *list)
{
    char *field[7];
    for (int i = 0; i < 7; i++) {
        field[i] = strsep(&line, i < 6 ? "\t" : "\n");
        if (field[i] == NULL)
            return;
    }
    unescape_tsv(field[6]);
    records_add(list, field[0], field[1], score_field(field[2]), score_field(field[3]),
                field[4], strtod(field[5], NULL), field[6]);
}

/* scandir filter: the per-lab record files. */
static int is_record_file(const struct dirent *entry)
{
    size_t len = strlen(entry->d_name);
    return entry->d_name[0] != '.' && len > 4 && strcmp(entry->d_name + len - 4, ".tsv") == 0;
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
    return 0;
}

/* Write TEXT to F as the body of a JSON string (quotes not included). */
static void put_json_string(FILE *f, const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p != '\0'; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", f);
        else if (*p == '\t')
            fputs("\\t", f);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(f, "\\u%04x", *p);
        else if (*p >= 0x80)
            fputs("?", f); /* student output may not be UTF-8: keep the JSON valid */
        else
            fputc(*p, f);
    }
}

/* Gradescope's status of one record. */
static const char *json_status(const struct test_record *r)
{
    return strcmp(r->verdict, "pass") == 0 ? "passed" : "failed";
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
    fprintf(f, "{\n  \"score\": %d,\n  \"max_score\": %d,\n  \"execution_time\": %.0f,\n"
               "  \"tests\": [", score, max_score, seconds);
    for (size_t i = 0; i < list->count; i++) {
        const struct test_record *r = &list->items[i];
        fprintf(f, "%s\n    {\"name\": \"", i == 0 ? "" : ",");
        put_json_string(f, r->lab);
        fputs(": ", f);
        put_json_string(f, r->name);
        fprintf(f, "\", \"score\": %d, \"max_score\": %d, \"status\": \"%s\", \"output\": \"",
                r->score, r->max_score, json_status(r));
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

/* Write TEXT to F with the five XML special characters escaped. */
static void put_xml(FILE *f, const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p != '\0'; p++) {
        switch (*p) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&apos;", f); break;
        default:
            /* XML 1.0 allows no control characters but tab and newline. */
            fputc((*p < 0x20 && *p != '\n' && *p != '\t') || *p >= 0x80 ? '?' : *p, f);
        }
    }
}

int records_write_junit(const char *path, const struct record_list *list)
{
    char *data = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&data, &len);
    if (f == NULL)
        return -1;
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"oslab\">\n", f);
    for (size_t i = 0; i < list->count;) {
        const char *lab = list->items[i].lab;
        size_t end = i, failures = 0;
        double seconds = 0;
        for (; end < list->count && strcmp(list->items[end].lab, lab) == 0; end++) {
            failures += strcmp(list->items[end].verdict, "pass") != 0;
            seconds += list->items[end].seconds;
        }
        fputs("  <testsuite name=\"", f);
        put_xml(f, lab);
        fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" time=\"%.3f\">\n", end - i, failures,
                seconds);
        for (; i < end; i++) {
            const struct test_record *r = &list->items[i];
            fputs("    <testcase classname=\"", f);
            put_xml(f, r->lab);
            fputs("\" name=\"", f);
            put_xml(f, r->name);
            fprintf(f, "\" time=\"%.3f\">", r->seconds);
            if (strcmp(r->verdict, "pass") != 0) {
                fprintf(f, "\n      <failure type=\"%s\" message=\"%s: %d/%d points\">",
                        r->verdict, r->verdict, r->score, r->max_score);
                put_xml(f, r->output);
                fputs("</failure>\n    ", f);
            }
            fputs("</testcase>\n", f);
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
