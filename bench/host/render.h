/* SPDX-License-Identifier: GPL-2.0 */
/*
 * render.h: what a workload's report section and figures are made with:
 * reading a cell (md_*), formatting a figure for a table, and gnuplot
 * figures (fig_*). Report sections live with their workload
 * (bench/host/wl/<name>.c); report.c and plot.c run them.
 */
#ifndef PINBENCH_RENDER_H
#define PINBENCH_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>
#include "table.h"
#include "util.h"

/* A count as a table shows it; a member (NULL when absent). Fields: pb_json_str(), pb_json_num(). */
const char *md_count(struct json_object *o, const char *key);
struct json_object *md_obj(struct json_object *o, const char *key);
/* A params value as a number. */
unsigned long long md_param_ull(struct json_object *c, const char *key);
/* Formats of a figure, "-" when absent: one decimal below 1000; ns as us; percent; as results.json has it. */
void md_num(char *out, size_t len, struct json_object *v);
void md_us(char *out, size_t len, struct json_object *v);
void md_pct0(char *out, size_t len, struct json_object *v);
void md_pct1(char *out, size_t len, struct json_object *v);
void md_dec1(char *out, size_t len, struct json_object *v);
void md_as_is(char *out, size_t len, struct json_object *v);
/* A table cell of figure v in format fmt, with its number behind it; the status cell; is the cell ok? */
void md_tnum(struct pb_table *t, struct json_object *v, void (*fmt)(char *, size_t, struct json_object *));
void md_tstatus(struct pb_table *t, struct json_object *c);
bool md_row_ok(struct json_object *c);
/* Where v stands in order (n entries; n when absent); add key to the distinct groups[] seen. */
size_t md_rank(const char *v, const char *const *order, size_t n);
void md_add_group(char **groups, size_t *n, const char *key);
/* Stable insertion sort of cells by before(). */
void md_sort_cells(struct json_object **v, size_t n, bool (*before)(struct json_object *x, struct json_object *y));

/*
 * Each figure is a data file per series, a gnuplot script that draws it
 * twice (pngcairo, then svg), and the two images, all under DIR/plots/.
 * Series are cells grouped by what the figure's axes are not about; a
 * figure is drawn only where it has data.
 */
struct pb_series {
	char label[96];
	char *data;		/* "x y\n" lines */
	size_t len;
};

struct pb_figure {
	char name[96];		/* file stem */
	char title[256];
	const char *xlabel, *ylabel;
	bool logx, logy;
	int xbase;		/* log base of x: 2 for sizes, 10 for times */
	bool lines;		/* dense data (a CDF): lines, no point marks */
	struct pb_series s[32];
	size_t ns;
};

/* Add point (x, y) to the series labelled label. */
void fig_point(struct pb_figure *f, const char *label, double x, double y);
void fig_free(struct pb_figure *f);
/* Write the series and the script, run gnuplot; -1 (with err) when it fails. Frees the series. */
int fig_draw(const char *dir, struct pb_figure *f, char *err, size_t errlen);

/* Text from results.json as a gnuplot string may hold it (between double quotes). */
const char *fig_text(const char *in, char *out, size_t len);
/*
 * Draw name.png and name.svg in dir with a script whose outputs are named
 * 'name.png' and 'name.svg' (kept as name.gp); 0, or -1 with err.
 */
int fig_gnuplot(const char *dir, const char *name, const char *script, char *err, size_t errlen);

/* truncate_under_dma's, which writeback_under_dma shares. */
void pb_fate_pct(char *out, size_t len, struct json_object *m, const char *key, const char *key2);
const char *pb_revoke_causes(struct json_object *m);

#endif
