# expect: cells[0].kernel_log is not an array
.cells[0].kernel_log = "BUG: nothing"
