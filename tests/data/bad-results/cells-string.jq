# expect: cells is not an array
.cells = "all of them"
