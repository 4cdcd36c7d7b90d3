/* SPDX-License-Identifier: GPL-2.0 */
/* table.h: a Markdown table built cell by cell, its best values marked from the numbers. */
#ifndef PINBENCH_TABLE_H
#define PINBENCH_TABLE_H

#include <stdbool.h>
#include "metrics.h"
#include "util.h"

/*
 * A table remembers the number behind each cell it shows, so that the
 * best value of a column is found among the numbers, by the direction the
 * column declares (from the metric table), never by reading the rendered
 * text back. Rows compare like with like: only rows whose key columns are
 * equal and that are marked ok compete, and a best is marked (in bold)
 * only where at least two such rows have a number. Every cell whose text
 * equals the best one's is marked: a tie, as the reader sees it.
 */
struct pb_table;

struct pb_table *pb_table_new(void);
/*
 * A column: its header, right-aligned (numbers) or not, where its best
 * lies (PB_NEITHER: nowhere), and whether it is a key. Key columns come
 * first.
 */
void pb_table_col(struct pb_table *t, const char *head, bool right, enum pb_better better, bool key);
/* The same, its direction that of workload's metric (PB_NEITHER when it has none). */
void pb_table_col_metric(struct pb_table *t, const char *head, const char *workload, const char *metric);
/* A new row; only ok rows compete for the best. */
void pb_table_row(struct pb_table *t, bool ok);
/* A cell with no number behind it ("-", a word, a label). */
void pb_table_text(struct pb_table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A cell showing number v as text. */
void pb_table_num(struct pb_table *t, double v, const char *text);
/* Append the table to b (header, alignment, rows) and free it. */
void pb_table_render(struct pb_table *t, struct pb_text *b);

#endif
