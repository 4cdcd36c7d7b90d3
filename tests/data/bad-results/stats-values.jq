# expect: cells[0].stats.x.values[1] is not a finite number
.cells[0].stats = {"x": {"n": 2, "mean": 1, "values": [1, "two"]}}
