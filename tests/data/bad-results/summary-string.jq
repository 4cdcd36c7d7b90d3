# expect: cells[0].metrics.acquire_ns_per_page.p50 is not a finite number or null
.cells[0].metrics.acquire_ns_per_page.p50 = "fast"
