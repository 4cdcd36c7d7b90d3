# expect: cells[0].pin_balance.released is missing
del(.cells[0].pin_balance.released)
