# expect: cells[0].params is not an object
.cells[0].params = [1, 2]
