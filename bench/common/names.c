// SPDX-License-Identifier: GPL-2.0
/* names.c: strategy names and ids, derived from the uapi header's table. */
#include <string.h>
#include "names.h"
#include "pinbench_uapi.h"

static const struct { uint32_t id; const char *name; } strategies[] = {
#define PB_X_NAME(sym, id, name) { id, name },
	PINBENCH_STRATEGIES(PB_X_NAME)
#undef PB_X_NAME
};

uint32_t pb_strategy_id(const char *name)
{
	for (size_t i = 0; i < sizeof(strategies) / sizeof(strategies[0]); i++)
		if (!strcmp(strategies[i].name, name))
			return strategies[i].id;
	return 0;
}

const char *pb_strategy_name(uint32_t id)
{
	for (size_t i = 0; i < sizeof(strategies) / sizeof(strategies[0]); i++)
		if (strategies[i].id == id)
			return strategies[i].name;
	return "unknown";
}

const char *pb_strategy_list(void)
{
	static char buf[256];

	if (!buf[0]) {
		for (size_t i = 0; i < sizeof(strategies) / sizeof(strategies[0]); i++) {
			if (i)
				strcat(buf, ", ");
			strcat(buf, strategies[i].name);
		}
	}
	return buf;
}

int pb_strategy_revokes(const char *name)
{
	uint32_t id = pb_strategy_id(name);

	return id && id < 32 && (PINBENCH_REVOKING_STRATEGIES & (1u << id));
}

const char *pb_revoking_list(void)
{
	static char buf[256];

	if (!buf[0]) {
		for (size_t i = 0; i < sizeof(strategies) / sizeof(strategies[0]); i++) {
			if (!pb_strategy_revokes(strategies[i].name))
				continue;
			if (buf[0])
				strcat(buf, ", ");
			strcat(buf, strategies[i].name);
		}
	}
	return buf;
}
