# expect: is the id of cells[0] too: a cell id is unique
.cells[1].id = .cells[0].id
