# expect: cells[0].kernel_log[0] is not a string
.cells[0].kernel_log = [42]
