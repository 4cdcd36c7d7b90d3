# expect: cells[0].metrics is not an object
.cells[0].metrics = ["p50"]
