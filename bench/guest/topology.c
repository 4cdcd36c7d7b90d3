// SPDX-License-Identifier: GPL-2.0
/* topology.c: the guest's CPU topology as hwloc sees it, for every result, and placing threads on it. */
#include <errno.h>
#include <hwloc.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include "guest.h"

/*
 * {"packages": N, "numa_nodes": N, "cores": N, "pus": N,
 *  "pu_os_index": [...], "hwloc_api": "2.x"}: what a reader needs to
 * know where the figures were taken (one socket or two, SMT or not).
 */
struct json_object *pb_topology_json(void)
{
	struct json_object *o = json_object_new_object(), *pus;
	hwloc_topology_t topo;
	char api[32];

	if (hwloc_topology_init(&topo) < 0 || hwloc_topology_load(topo) < 0) {
		json_object_object_add(o, "error", json_object_new_string("hwloc could not load the topology"));
		return o;
	}
	json_object_object_add(o, "packages",
			       json_object_new_int(hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PACKAGE)));
	json_object_object_add(o, "numa_nodes",
			       json_object_new_int(hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_NUMANODE)));
	json_object_object_add(o, "cores", json_object_new_int(hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE)));
	json_object_object_add(o, "pus", json_object_new_int(hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU)));
	pus = json_object_new_array();
	for (int i = 0; i < hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU); i++)
		json_object_array_add(pus, json_object_new_int(
			(int)hwloc_get_obj_by_type(topo, HWLOC_OBJ_PU, (unsigned int)i)->os_index));
	json_object_object_add(o, "pu_os_index", pus);
	snprintf(api, sizeof(api), "%u.%u", HWLOC_API_VERSION >> 16, (HWLOC_API_VERSION >> 8) & 0xff);
	json_object_object_add(o, "hwloc_api", json_object_new_string(api));
	hwloc_topology_destroy(topo);
	return o;
}

/* Loaded once, for placement. */
static hwloc_topology_t place_topo;

static int place_load(char *err, size_t errlen)
{
	if (place_topo)
		return 0;
	if (hwloc_topology_init(&place_topo) < 0 || hwloc_topology_load(place_topo) < 0) {
		snprintf(err, errlen, "hwloc could not load the topology");
		place_topo = NULL;
		return -1;
	}
	return 0;
}

/*
 * n threads on n distinct PUs, spread as hwloc_distrib() spreads them
 * (across packages, then cores, then PUs), so that two threads get two
 * cores where there are two. os_index[] receives the PUs' OS numbers.
 */
int pb_place(unsigned int n, int *os_index, char *err, size_t errlen)
{
	hwloc_bitmap_t sets[PB_MAX_PLACED];
	hwloc_obj_t root;
	int pus;

	if (n == 0 || n > PB_MAX_PLACED) {
		snprintf(err, errlen, "%u threads to place, at most %d", n, PB_MAX_PLACED);
		return -1;
	}
	if (place_load(err, errlen) < 0)
		return -1;
	pus = hwloc_get_nbobjs_by_type(place_topo, HWLOC_OBJ_PU);
	if (pus < (int)n) {
		snprintf(err, errlen, "%u threads need as many CPUs, the guest has %d", n, pus);
		return -1;
	}
	root = hwloc_get_root_obj(place_topo);
	if (hwloc_distrib(place_topo, &root, 1, sets, n, INT_MAX, 0) < 0) {
		snprintf(err, errlen, "hwloc_distrib failed");
		return -1;
	}
	for (unsigned int i = 0; i < n; i++) {
		hwloc_bitmap_singlify(sets[i]);
		os_index[i] = hwloc_bitmap_first(sets[i]);
		hwloc_bitmap_free(sets[i]);
	}
	return 0;
}

/* Bind the calling thread to PU os_index (pb_unbind_self() undoes it). */
int pb_bind_self(int os_index, char *err, size_t errlen)
{
	hwloc_bitmap_t set;
	int ret;

	if (place_load(err, errlen) < 0)
		return -1;
	set = hwloc_bitmap_alloc();
	hwloc_bitmap_only(set, (unsigned int)os_index);
	ret = hwloc_set_cpubind(place_topo, set, HWLOC_CPUBIND_THREAD | HWLOC_CPUBIND_STRICT);
	hwloc_bitmap_free(set);
	if (ret < 0) {
		snprintf(err, errlen, "cannot bind to CPU %d: %s", os_index, strerror(errno));
		return -1;
	}
	return 0;
}

void pb_unbind_self(void)
{
	if (place_topo)
		hwloc_set_cpubind(place_topo, hwloc_topology_get_complete_cpuset(place_topo),
				  HWLOC_CPUBIND_THREAD);
}
