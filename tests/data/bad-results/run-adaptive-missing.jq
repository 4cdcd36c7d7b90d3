# expect: run.adaptive.cells_met is missing
.run.adaptive = {"ci_target_pct": 2, "repeat_min": 5, "repeat_max": 15, "rounds": 1, "cells_not_met": 0}
