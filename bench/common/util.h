/* SPDX-License-Identifier: GPL-2.0 */
/* util.h: small helpers shared by the host CLI and the guest driver. */
#ifndef PINBENCH_UTIL_H
#define PINBENCH_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

void pb_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void pb_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *pb_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *pb_xmalloc(size_t n);
void *pb_xcalloc(size_t n, size_t size);
void *pb_xrealloc(void *p, size_t n);
char *pb_xstrdup(const char *s);

/*
 * Write a whole file so that readers see either the old content or the new,
 * never a partial one: write a temporary next to it, fsync, rename.
 */
int pb_write_file_atomic(const char *path, const char *data, size_t len);
/* Read a whole file; NULL (errno set) on failure. */
char *pb_read_file(const char *path, size_t *len);
/*
 * Run argv (no shell); its standard output (and standard error, with
 * with_stderr; else that goes to /dev/null) into buf, up to len - 1 bytes,
 * NUL-terminated. Its exit status, or -1 if it could not run or was killed.
 */
int pb_capture(char *const argv[], char *buf, size_t len, bool with_stderr);
/* A file's first line without its newline; NULL (errno set) on failure. */
char *pb_read_first_line(const char *path);
int pb_mkdir_p(const char *path, unsigned int mode);
/*
 * The names in dir that end in suffix (dot files left out), sorted; *n of
 * them, each and the array to free. NULL with *n = 0 when there are none
 * or dir cannot be read.
 */
char **pb_dir_names(const char *dir, const char *suffix, size_t *n);
bool pb_file_exists(const char *path);
double pb_now_s(void);	/* CLOCK_MONOTONIC in seconds */
uint64_t pb_now_ns(void);	/* CLOCK_MONOTONIC in nanoseconds */
/* Write v to an existing file (a sysfs, procfs or cgroup knob) in one write(): 0 or the errno. */
int pb_write_str(const char *path, const char *v);
/* A growing string: pb_text_put() appends, printf-style; s is NUL-terminated once anything is put. */
struct pb_text {
	char *s;
	size_t len, cap;
};
void pb_text_put(struct pb_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));



#include <json-c/json.h>
/*
 * Parse a JSON file; on failure NULL and err holds "FILE:LINE:COL: what"
 * (a truncated file reports where it ends).
 */
struct json_object *pb_json_load(const char *path, char *err, size_t errlen);
/* o[key], or NULL when o is NULL or has no such key. */
struct json_object *pb_json_get(struct json_object *o, const char *key);
/* o[a][b]... for "a.b...", o[a] for "a"; NULL when absent (the metric.field of results). */
struct json_object *pb_json_path(struct json_object *o, const char *path);
/*
 * The one getter for values the host reads from a results file, which may
 * be hostile: the text at o.path (a string, or a number's or boolean's JSON
 * text), or def when the value is absent, null, an object or an array; the
 * number at o.path, or NaN when it is absent or not a number (a string that
 * reads as one is not).
 */
const char *pb_json_str(struct json_object *o, const char *path, const char *def);
double pb_json_num(struct json_object *o, const char *path);
#endif
