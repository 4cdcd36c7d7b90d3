# expect: run is not an object
.run = null
