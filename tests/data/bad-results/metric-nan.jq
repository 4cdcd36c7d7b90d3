# expect: cells[0].metrics.revokes is not a finite number
.cells[0].metrics.revokes = "NAN_HERE"
