# expect: cells[0].adaptive.met is not
.cells[0].adaptive = {"target_pct": 2, "repetitions": 5, "widest_figure": "x", "widest_ci95_pct": 3, "met": "yes"}
