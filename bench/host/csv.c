// SPDX-License-Identifier: GPL-2.0
/* csv.c: results.json as one CSV per workload, for spreadsheets and plotting scripts. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "csv.h"
#include "escape.h"
#include "util.h"

/*
 * One row per cell; columns: id, strategy, status, then every parameter
 * and every metric any cell of the workload has, in sorted order, with
 * summaries flattened as metric.field (latency_ns.p99), and with
 * repetitions each figure's figure.ci95 and figure.cv. The header is
 * deterministic, so two renderings of one results.json are identical and
 * a script can address columns by name. Fields are quoted as RFC 4180
 * asks when they hold a comma, a quote or a line break; a missing value
 * is an empty field.
 */
struct cols {
	char **name;
	size_t n, cap;
};

static void col_add(struct cols *c, const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->name[i], name))
			return;
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 32;
		c->name = realloc(c->name, c->cap * sizeof(char *));
		if (!c->name)
			pb_die("out of memory");
	}
	c->name[c->n++] = pb_xstrdup(name);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void cols_free(struct cols *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->name[i]);
	free(c->name);
}

static void put_field(FILE *f, struct json_object *v)
{
	const char *s;

	if (!v || json_object_is_type(v, json_type_null))
		return;
	if (json_object_is_type(v, json_type_double)) {
		fprintf(f, "%.10g", json_object_get_double(v));
		return;
	}
	if (json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_boolean)) {
		fputs(json_object_get_string(v), f);
		return;
	}
	s = json_object_get_string(v);
	pb_csv_text(f, s);
}

static const char *workload_of(struct json_object *c)
{
	struct json_object *w = pb_json_get(c, "workload");

	return w ? json_object_get_string(w) : "";
}

/* The CSV of one workload's cells. */
static char *workload_csv(struct json_object *cells, const char *workload)
{
	struct cols params = { 0 }, metrics = { 0 }, stats = { 0 };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		pb_die("out of memory");
	for (size_t i = 0; i < json_object_array_length(cells); i++) {
		struct json_object *c = json_object_array_get_idx(cells, i);

		if (strcmp(workload_of(c), workload))
			continue;
		json_object_object_foreach(pb_json_get(c, "params"), pk, pv) {
			(void)pv;
			/* Already a column, or the file's name. */
			if (strcmp(pk, "strategy") && strcmp(pk, "workload"))
				col_add(&params, pk);
		}
		json_object_object_foreach(pb_json_get(c, "metrics"), mk, mv) {
			if (json_object_is_type(mv, json_type_object)) {
				json_object_object_foreach(mv, fk, fv) {
					char name[160];

					(void)fv;
					snprintf(name, sizeof(name), "%s.%s", mk, fk);
					col_add(&metrics, name);
				}
			} else {
				col_add(&metrics, mk);
			}
		}
		/* Over repetitions: each figure's CI95 half-width and CV, as <figure>.ci95, <figure>.cv. */
		if (!pb_json_get(c, "stats"))
			continue;
		json_object_object_foreach(pb_json_get(c, "stats"), sk, sv) {
			char name[192];

			(void)sv;
			snprintf(name, sizeof(name), "%s.ci95", sk);
			col_add(&stats, name);
			snprintf(name, sizeof(name), "%s.cv", sk);
			col_add(&stats, name);
		}
	}
	/* qsort() wants an array even for no elements (UBSan says so): an empty list stays NULL. */
	if (params.n)
		qsort(params.name, params.n, sizeof(char *), cmp_str);
	if (metrics.n)
		qsort(metrics.name, metrics.n, sizeof(char *), cmp_str);
	if (stats.n)
		qsort(stats.name, stats.n, sizeof(char *), cmp_str);
	fputs("id,strategy,status", f);
	for (size_t k = 0; k < params.n; k++) {
		fputc(',', f);
		pb_csv_text(f, params.name[k]);
	}
	for (size_t k = 0; k < metrics.n; k++) {
		fputc(',', f);
		pb_csv_text(f, metrics.name[k]);
	}
	for (size_t k = 0; k < stats.n; k++) {
		fputc(',', f);
		pb_csv_text(f, stats.name[k]);
	}
	fputc('\n', f);
	for (size_t i = 0; i < json_object_array_length(cells); i++) {
		struct json_object *c = json_object_array_get_idx(cells, i);

		if (strcmp(workload_of(c), workload))
			continue;
		put_field(f, pb_json_get(c, "id"));
		fputc(',', f);
		put_field(f, pb_json_get(c, "strategy"));
		fputc(',', f);
		put_field(f, pb_json_get(c, "status"));
		for (size_t k = 0; k < params.n; k++) {
			fputc(',', f);
			put_field(f, pb_json_get(pb_json_get(c, "params"), params.name[k]));
		}
		for (size_t k = 0; k < metrics.n; k++) {
			fputc(',', f);
			put_field(f, pb_json_path(pb_json_get(c, "metrics"), metrics.name[k]));
		}
		for (size_t k = 0; k < stats.n; k++) {
			char *figure = pb_xstrdup(stats.name[k]), *dot = strrchr(figure, '.');

			*dot = '\0';
			fputc(',', f);
			put_field(f, pb_json_get(pb_json_get(pb_json_get(c, "stats"), figure), dot + 1));
			free(figure);
		}
		fputc('\n', f);
	}
	fclose(f);
	cols_free(&params);
	cols_free(&metrics);
	cols_free(&stats);
	return text;
}

int pb_report_csv(struct json_object *root, const char *dir, char *err, size_t errlen)
{
	struct json_object *cells = pb_json_get(root, "cells");
	struct cols done = { 0 };
	int ret = 0;

	for (size_t i = 0; i < json_object_array_length(cells) && !ret; i++) {
		const char *w = workload_of(json_object_array_get_idx(cells, i));
		size_t before = done.n;
		char *csv, *path;

		col_add(&done, w);
		if (done.n == before)
			continue;
		csv = workload_csv(cells, w);
		path = pb_asprintf("%s/%s.csv", dir, w);
		/* Written whole, then renamed: an earlier file is never left half-replaced. */
		if (pb_write_file_atomic(path, csv, strlen(csv)) < 0) {
			snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
			ret = -1;
		}
		free(path);
		free(csv);
	}
	cols_free(&done);
	return ret;
}

char *pb_csv_workload(struct json_object *root, const char *workload)
{
	return workload_csv(pb_json_get(root, "cells"), workload);
}
