# expect: cells[0].strategy is not an identifier (letters, digits and _.,:=/+- only)
.cells[0].strategy = "x\"; system(\"touch /tmp/pinbench-pwned\") #"
