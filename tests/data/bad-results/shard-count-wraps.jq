# expect: run.shard "1/4294967295" is not K/N with 1 <= K <= N <= 10000
.cells |= .[0:1] | .cells[0].plan_index = 0 | .run.shard = "1/4294967295" | .run.plan_cells = 1
