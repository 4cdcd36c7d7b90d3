/* SPDX-License-Identifier: GPL-2.0 */
/* names.h: strategy names and ids, derived from the uapi header's table. */
#ifndef PINBENCH_NAMES_H
#define PINBENCH_NAMES_H

#include <stdint.h>

/* 0 when the name is not a strategy. */
uint32_t pb_strategy_id(const char *name);
const char *pb_strategy_name(uint32_t id);
/* "gup_ref, pin_counter": for error messages and --help. */
const char *pb_strategy_list(void);
/* Does the strategy revoke its pins on invalidation (PINBENCH_REVOKING_STRATEGIES)? */
int pb_strategy_revokes(const char *name);
/* "notifier_revoke": the revoking strategies, for error messages. */
const char *pb_revoking_list(void);

#endif
