# expect: cells[2].params.pages_per_call is not an identifier or a finite number or a boolean
.cells[2].params.pages_per_call = {"a": 1}
