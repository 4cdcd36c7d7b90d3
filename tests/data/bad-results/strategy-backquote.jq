# expect: cells[1].strategy is not an identifier (letters, digits and _.,:=/+- only)
.cells[1].strategy = "y`touch /tmp/pinbench-pwned`"
