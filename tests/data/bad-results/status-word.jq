# expect: cells[0].status is "great", not ok, unsupported, failed or skipped
.cells[0].status = "great"
