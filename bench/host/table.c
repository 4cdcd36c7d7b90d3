// SPDX-License-Identifier: GPL-2.0
/* table.c: a Markdown table built cell by cell, its best values marked from the numbers. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "table.h"

struct pb_tcell {
	char *text;
	bool has;	/* a number stands behind the text */
	double v;
};

struct pb_tcol {
	char *head;
	bool right, key;
	enum pb_better better;
};

struct pb_trow {
	bool ok;
	size_t n;	/* cells so far */
	struct pb_tcell *c;
};

struct pb_table {
	struct pb_tcol *cols;
	size_t ncols;
	struct pb_trow *rows;
	size_t nrows;
};

struct pb_table *pb_table_new(void)
{
	return pb_xcalloc(1, sizeof(struct pb_table));
}

void pb_table_col(struct pb_table *t, const char *head, bool right, enum pb_better better, bool key)
{
	struct pb_tcol *c;

	if (t->nrows)
		pb_die("pb_table_col: column '%s' after the first row", head);
	if (key && t->ncols && !t->cols[t->ncols - 1].key)
		pb_die("pb_table_col: key column '%s' after a column that is not", head);
	t->cols = realloc(t->cols, (t->ncols + 1) * sizeof(*t->cols));
	if (!t->cols)
		pb_die("out of memory");
	c = &t->cols[t->ncols++];
	c->head = pb_xstrdup(head);
	c->right = right;
	c->better = better;
	c->key = key;
}

void pb_table_col_metric(struct pb_table *t, const char *head, const char *workload, const char *metric)
{
	const struct pb_metric_def *d = pb_metric_find(workload, metric);

	if (!d)		/* a column of an undeclared metric: a bug in the caller */
		pb_die("pb_table_col_metric: %s has no metric %s", workload, metric);
	pb_table_col(t, head, true, d->better, false);
}

void pb_table_row(struct pb_table *t, bool ok)
{
	struct pb_trow *r;

	t->rows = realloc(t->rows, (t->nrows + 1) * sizeof(*t->rows));
	if (!t->rows)
		pb_die("out of memory");
	r = &t->rows[t->nrows++];
	r->ok = ok;
	r->n = 0;
	r->c = pb_xcalloc(t->ncols + 1, sizeof(*r->c));
}

static struct pb_tcell *next_cell(struct pb_table *t)
{
	struct pb_trow *r = t->nrows ? &t->rows[t->nrows - 1] : NULL;

	if (!r || r->n == t->ncols)
		pb_die("pb_table: a cell beyond the %zu columns (or before any row)", t->ncols);
	return &r->c[r->n++];
}

void pb_table_text(struct pb_table *t, const char *fmt, ...)
{
	struct pb_tcell *c = next_cell(t);
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&c->text, fmt, ap) < 0)
		pb_die("out of memory");
	va_end(ap);
}

void pb_table_num(struct pb_table *t, double v, const char *text)
{
	struct pb_tcell *c = next_cell(t);

	c->text = pb_xstrdup(text);
	c->has = true;
	c->v = v;
}

/* Do rows a and b compare like with like? */
static bool same_keys(const struct pb_table *t, const struct pb_trow *a, const struct pb_trow *b)
{
	for (size_t k = 0; k < t->ncols && t->cols[k].key; k++)
		if (strcmp(a->c[k].text, b->c[k].text))
			return false;
	return true;
}

/* Is cell col of row r the best among the rows it competes with? */
static bool is_best(const struct pb_table *t, size_t r, size_t col)
{
	const struct pb_trow *row = &t->rows[r];
	const struct pb_tcell *best = NULL;
	size_t like = 0;

	if (!row->ok || !row->c[col].has)
		return false;
	for (size_t q = 0; q < t->nrows; q++) {
		const struct pb_tcell *c = &t->rows[q].c[col];

		if (!t->rows[q].ok || !c->has || !same_keys(t, row, &t->rows[q]))
			continue;
		like++;
		if (!best || (t->cols[col].better == PB_LOWER ? c->v < best->v : c->v > best->v))
			best = c;
	}
	return like >= 2 && !strcmp(row->c[col].text, best->text);
}

void pb_table_render(struct pb_table *t, struct pb_text *b)
{
	pb_text_put(b, "|");
	for (size_t k = 0; k < t->ncols; k++)
		pb_text_put(b, " %s |", t->cols[k].head);
	pb_text_put(b, "\n|");
	for (size_t k = 0; k < t->ncols; k++)
		pb_text_put(b, "%s|", t->cols[k].right ? "---:" : "---");
	pb_text_put(b, "\n");
	for (size_t r = 0; r < t->nrows; r++) {
		struct pb_trow *row = &t->rows[r];

		if (row->n != t->ncols)
			pb_die("pb_table: a row of %zu cells in a table of %zu columns", row->n, t->ncols);
		pb_text_put(b, "|");
		for (size_t k = 0; k < t->ncols; k++) {
			bool bold = t->cols[k].better != PB_NEITHER && is_best(t, r, k);

			pb_text_put(b, bold ? " **%s** |" : " %s |", row->c[k].text);
		}
		pb_text_put(b, "\n");
	}
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t k = 0; k < t->rows[r].n; k++)
			free(t->rows[r].c[k].text);
		free(t->rows[r].c);
	}
	for (size_t k = 0; k < t->ncols; k++)
		free(t->cols[k].head);
	free(t->rows);
	free(t->cols);
	free(t);
}
