# expect: cells[0].metrics.a|b: the name is not an identifier
.cells[0].metrics["a|b"] = 1
