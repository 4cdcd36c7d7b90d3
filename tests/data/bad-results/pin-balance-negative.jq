# expect: cells[0].pin_balance.acquired is not a whole number >= 0 or null
.cells[0].pin_balance.acquired = -5
