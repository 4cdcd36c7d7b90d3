# expect: cells[0].raw.latency_ns is not a histogram
.cells[0].raw.latency_ns = {"n": 1, "sum": 1, "min": 1, "max": 1, "buckets": [[99999999, 1]]}
