# expect: cells[0].status is not an identifier
.cells[0].status = null
