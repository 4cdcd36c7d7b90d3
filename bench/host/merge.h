/* SPDX-License-Identifier: GPL-2.0 */
/* merge.h: pinbench merge: shards of one suite joined into one result. */
#ifndef PINBENCH_MERGE_H
#define PINBENCH_MERGE_H

#include <stddef.h>
#include <json-c/json.h>

/*
 * One results structure from the n results of pinbench run --shard K/N,
 * every K once, in any order: cells in the plan's order, the runs' facts
 * from the first shard, every shard's host and command kept. NULL, with
 * the reason in err, when they are not the shards of one run (another
 * job, mode, accelerator, kernel, pinbench or repetition count; a shard
 * missing or given twice).
 */
struct json_object *pb_merge(struct json_object **shards, size_t n, char *err, size_t errlen);

#endif
