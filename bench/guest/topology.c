// SPDX-License-Identifier: GPL-2.0
/* topology.c: the guest's CPU topology as hwloc sees it, for every result (and, later, for placing submitters). */
#include <hwloc.h>
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
