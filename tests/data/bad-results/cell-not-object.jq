# expect: cells[1] is not an object
.cells[1] = 7
