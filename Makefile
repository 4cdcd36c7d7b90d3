# SPDX-License-Identifier: GPL-2.0
# Makefile: hands off to the parts. `make bench` runs the default suite, `make check` the tests.
#   V=1         show full commands
#   SANITIZE=1  build host and guest userspace with ASan + UBSan
#   JOB=FILE    job file for `make bench` (default workloads/gup_fast.job)
#   PINBENCH_ARGS="..."  extra arguments for `pinbench run` (e.g. --mode deterministic)
# `make reference` compares gup_fast with the kernel's own mm/gup_test.c (same work, deterministic).
JOB ?= workloads/gup_fast.job
export V SANITIZE

all: build

# Installs what is missing (as root); a no-op when everything is there.
deps:
	@scripts/deps.sh
	@scripts/libperf.sh build/libperf

deps-check:
	@scripts/deps.sh --check 2>/dev/null || scripts/deps.sh

# libperf is built from Debian's linux-source-6.1 (no libperf-dev in Debian 12).
libperf: deps-check
	@scripts/libperf.sh build/libperf

build: deps-check libperf
	$(MAKE) -C bench

bench: build
	bench/pinbench run --job $(JOB) $(PINBENCH_ARGS)

reference: build
	scripts/reference.sh

check: build
	$(MAKE) -C tests check

clean:
	$(MAKE) -C bench clean
	$(MAKE) -C tests clean
	rm -rf build

.PHONY: all deps deps-check libperf build bench check clean reference
