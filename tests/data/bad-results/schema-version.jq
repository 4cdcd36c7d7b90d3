# expect: schema_version 2, this pinbench reads 1
.schema_version = 2
