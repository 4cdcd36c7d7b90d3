// SPDX-License-Identifier: GPL-2.0
/* util.c: small helpers shared by the host CLI and the guest driver. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "util.h"

static void pb_vwarn(const char *fmt, va_list ap)
{
	fputs("pinbench: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void pb_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pb_vwarn(fmt, ap);
	va_end(ap);
	exit(2);
}

void pb_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pb_vwarn(fmt, ap);
	va_end(ap);
}

char *pb_asprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		pb_die("out of memory");
	va_end(ap);
	return s;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **pb_dir_names(const char *dir, const char *suffix, size_t *n)
{
	size_t sl = strlen(suffix);
	char **names = NULL;
	DIR *d = opendir(dir);
	struct dirent *e;

	*n = 0;
	while (d && (e = readdir(d))) {
		size_t l = strlen(e->d_name);

		if (e->d_name[0] == '.' || l <= sl || strcmp(e->d_name + l - sl, suffix))
			continue;
		names = pb_xrealloc(names, (*n + 1) * sizeof(*names));
		names[(*n)++] = pb_xstrdup(e->d_name);
	}
	if (d)
		closedir(d);
	if (*n)
		qsort(names, *n, sizeof(*names), cmp_name);
	return names;
}

void pb_text_put(struct pb_text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!t->s) {	/* a new text: NULL + 0 is undefined, so it gets a buffer first */
		t->cap = 256;
		t->len = 0;
		t->s = pb_xmalloc(t->cap);
	}
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < t->cap - t->len) {
			t->len += (size_t)n;
			return;
		}
		if (n < 0)
			pb_die("pb_text_put: %s", fmt);
		t->cap = t->cap * 2 + (size_t)n + 64;
		t->s = pb_xrealloc(t->s, t->cap);
	}
}

void *pb_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		pb_die("out of memory");
	return p;
}

void *pb_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		pb_die("out of memory");
	return p;
}

void *pb_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		pb_die("out of memory");
	return p;
}

char *pb_xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		pb_die("out of memory");
	return p;
}

/*
 * The rename is durable only once the directory is synced: a result
 * written per cell must survive the host going down right after. Best
 * effort (some file systems refuse fsync on a directory): the data
 * itself was synced before the rename.
 */
static void fsync_parent(const char *path)
{
	char *dir = pb_xstrdup(path), *slash = strrchr(dir, '/');
	int fd;

	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		strcpy(dir, ".");
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

int pb_write_file_atomic(const char *path, const char *data, size_t len)
{
	char *tmp = pb_asprintf("%s.tmp.%d", path, (int)getpid());
	int fd, saved;
	size_t off = 0;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		goto fail_free;
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto fail_close;
		}
		off += (size_t)n;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		fd = -1;
		goto fail_unlink;
	}
	if (rename(tmp, path) < 0)
		goto fail_unlink;
	free(tmp);
	fsync_parent(path);
	return 0;
fail_close:
	saved = errno;
	close(fd);
	errno = saved;
fail_unlink:
	saved = errno;
	unlink(tmp);
	errno = saved;
fail_free:
	free(tmp);
	return -1;
}

char *pb_read_file(const char *path, size_t *lenp)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 8192, len = 0, n;
	char *buf;

	if (!f)
		return NULL;
	buf = pb_xmalloc(cap + 1);
	while ((n = fread(buf + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap) {
			cap *= 2;
			buf = realloc(buf, cap + 1);
			if (!buf)
				pb_die("out of memory");
		}
	}
	if (ferror(f)) {
		int saved = errno;

		fclose(f);
		free(buf);
		errno = saved;
		return NULL;
	}
	fclose(f);
	buf[len] = '\0';
	if (lenp)
		*lenp = len;
	return buf;
}

char *pb_read_first_line(const char *path)
{
	char *s = pb_read_file(path, NULL);

	if (s)
		s[strcspn(s, "\n")] = '\0';
	return s;
}

int pb_mkdir_p(const char *path, unsigned int mode)
{
	char *p = pb_xstrdup(path), *s;

	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST)
			goto fail;
		*s = '/';
	}
	if (mkdir(p, mode) < 0 && errno != EEXIST)
		goto fail;
	free(p);
	return 0;
fail:
	free(p);
	return -1;
}

bool pb_file_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

double pb_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

uint64_t pb_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int pb_write_str(const char *path, const char *v)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), e = 0;

	if (fd < 0)
		return errno;
	if (write(fd, v, strlen(v)) < 0)
		e = errno;
	close(fd);
	return e;
}

struct json_object *pb_json_load(const char *path, char *err, size_t errlen)
{
	struct json_tokener *tok;
	struct json_object *o;
	enum json_tokener_error e;
	size_t len, off, line = 1, col = 1;
	char *s = pb_read_file(path, &len);

	if (!s) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	tok = json_tokener_new();
	o = json_tokener_parse_ex(tok, s, (int)len);
	e = json_tokener_get_error(tok);
	if (e == json_tokener_continue)	/* the text ended inside a value */
		off = len;
	else
		off = json_tokener_get_parse_end(tok);
	if (!o || e != json_tokener_success || off < len) {
		/* Trailing whitespace after a complete value is fine. */
		size_t rest = off;

		while (o && e == json_tokener_success && rest < len &&
		       (s[rest] == ' ' || s[rest] == '\n' || s[rest] == '\t' || s[rest] == '\r'))
			rest++;
		if (!o || e != json_tokener_success || rest < len) {
			for (size_t i = 0; i < off && i < len; i++) {
				if (s[i] == '\n') {
					line++;
					col = 1;
				} else {
					col++;
				}
			}
			snprintf(err, errlen, "%s:%zu:%zu: %s", path, line, col,
				 e == json_tokener_continue ? "unexpected end of file (truncated?)" :
				 e != json_tokener_success ? json_tokener_error_desc(e) :
				 "trailing data after the JSON value");
			json_object_put(o);
			o = NULL;
		}
	}
	json_tokener_free(tok);
	free(s);
	return o;
}

struct json_object *pb_json_get(struct json_object *o, const char *key)
{
	struct json_object *v;

	return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

struct json_object *pb_json_path(struct json_object *o, const char *path)
{
	const char *dot = strchr(path, '.');
	char name[128];

	if (!dot)
		return pb_json_get(o, path);
	snprintf(name, sizeof(name), "%.*s", (int)(dot - path), path);
	return pb_json_path(pb_json_get(o, name), dot + 1);
}

const char *pb_json_str(struct json_object *o, const char *path, const char *def)
{
	struct json_object *v = pb_json_path(o, path);

	if (!v || json_object_is_type(v, json_type_object) ||
	    json_object_is_type(v, json_type_array))
		return def;
	return json_object_get_string(v);
}

double pb_json_num(struct json_object *o, const char *path)
{
	struct json_object *v = pb_json_path(o, path);

	if (!json_object_is_type(v, json_type_double) && !json_object_is_type(v, json_type_int))
		return NAN;
	return json_object_get_double(v);
}

int pb_capture(char *const argv[], char *buf, size_t len, bool with_stderr)
{
	int fd[2], status;
	size_t got = 0;
	ssize_t r;
	pid_t pid;

	buf[0] = '\0';
	if (pipe(fd) < 0)
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(fd[0]);
		close(fd[1]);
		return -1;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(fd[1], 1);
		if (with_stderr)
			dup2(fd[1], 2);
		else if (null >= 0)
			dup2(null, 2);
		close(fd[0]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fd[1]);
	while (got + 1 < len && (r = read(fd[0], buf + got, len - 1 - got)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		got += (size_t)r;
	}
	buf[got] = '\0';
	close(fd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
