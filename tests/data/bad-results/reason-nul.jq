# expect: cells[0].reason has a NUL character
.cells[0].reason = "ok\u0000BUG: hidden"
