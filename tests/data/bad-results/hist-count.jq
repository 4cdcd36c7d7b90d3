# expect: cells[0].raw.latency_ns is not a histogram
.cells[0].raw.latency_ns = {"n": 5, "sum": 1, "min": 1, "max": 1, "buckets": [[3, 1]]}
