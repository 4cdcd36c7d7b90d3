// SPDX-License-Identifier: GPL-2.0
/*
 * boot_profiles.c: the guest memory layouts a cell may ask for, by name.
 * Apart from vm.c, which turns them into QEMU and kernel arguments, so
 * that the job parser (and its fuzzer, which links no QEMU code) knows
 * them.
 */
#include <string.h>
#include "vm.h"

/*
 * The memory layouts a cell may ask for: each boots a guest of its own
 * (the runner groups a plan's cells by layout), half the guest's memory
 * going to what the layout is about.
 *  - numa2: two NUMA nodes from QEMU's -numa (ACPI SRAT), every vCPU on
 *    node 0 and node 1 memory only: a task runs on node 0, so NUMA
 *    balancing has node 1's pages to bring home, and move_pages() a node
 *    to move them to.
 *  - movable: movablecore= makes the top half of memory ZONE_MOVABLE,
 *    where user pages go first and the kernel's never do; a FOLL_LONGTERM
 *    pin migrates its pages out first.
 *  - cma: cma= reserves a CMA area of half the memory. Movable allocations
 *    use it once it holds more than half the free memory, which it then
 *    does. Kernels without CONFIG_CMA (Debian's 6.1 and 6.12) ignore the
 *    argument: the guest sees no CmaTotal and its cells say unsupported.
 */
const struct pb_boot_profile pb_boot_profiles[] = {
	{ "numa2", "two NUMA nodes (QEMU -numa): half the memory on each, every vCPU on node 0" },
	{ "movable", "movablecore= half the memory: a ZONE_MOVABLE that user pages fill first" },
	{ "cma", "cma= half the memory: a CMA area that movable allocations use" },
	{ NULL, NULL },
};

const struct pb_boot_profile *pb_boot_profile_find(const char *name)
{
	for (size_t i = 0; name && pb_boot_profiles[i].name; i++)
		if (!strcmp(pb_boot_profiles[i].name, name))
			return &pb_boot_profiles[i];
	return NULL;
}
