# expect: run.repeat is not a whole number >= 0
.run.repeat = "5"
