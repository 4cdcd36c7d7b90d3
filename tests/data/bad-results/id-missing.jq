# expect: cells[3].id is missing
del(.cells[3].id)
