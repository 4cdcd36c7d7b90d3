// SPDX-License-Identifier: GPL-2.0
/* vmstat.c: the kernel's FOLL_PIN counters from /proc/vmstat, exact (vm.stat_refresh first). */
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>
#include "vmstat.h"

int pb_vmstat_foll_pins(uint64_t *acquired, uint64_t *released)
{
	FILE *f = fopen("/proc/sys/vm/stat_refresh", "w");
	char line[256];
	int found = 0;

	if (f) {
		fputs("1\n", f);
		fclose(f);
	}
	*acquired = *released = 0;
	f = fopen("/proc/vmstat", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long v;

		if (sscanf(line, "nr_foll_pin_acquired %llu", &v) == 1) {
			*acquired = v;
			found++;
		} else if (sscanf(line, "nr_foll_pin_released %llu", &v) == 1) {
			*released = v;
			found++;
		}
	}
	fclose(f);
	return found == 2 ? 0 : -1;
}

int pb_vmstat_read(const char *const *names, size_t n, uint64_t *out)
{
	FILE *f = fopen("/proc/sys/vm/stat_refresh", "w");
	char line[256], name[128];
	unsigned long long v;
	int found = 0;

	if (f) {
		fputs("1\n", f);
		fclose(f);
	}
	for (size_t i = 0; i < n; i++)
		out[i] = 0;
	f = fopen("/proc/vmstat", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%127s %llu", name, &v) != 2)
			continue;
		for (size_t i = 0; i < n; i++) {
			if (!strcmp(name, names[i])) {
				out[i] = v;
				found++;
			}
		}
	}
	fclose(f);
	return found;
}

struct json_object *pb_vmstat_delta_json(const char *const *names, size_t n, const uint64_t *before,
					 const uint64_t *after)
{
	struct json_object *o = json_object_new_object();

	for (size_t i = 0; i < n; i++)
		json_object_object_add(o, names[i], json_object_new_uint64(after[i] - before[i]));
	return o;
}
