# SPDX-License-Identifier: GPL-2.0
# Makefile: hands off to the parts. `make bench` runs the default suite, `make check` the tests.
#   V=1         show full commands
#   SANITIZE=1  build host and guest userspace with ASan + UBSan
#   JOB=FILE    run only this job file in `make bench` (default: every job in JOBS)
#   PINBENCH_ARGS="..."  extra arguments for `pinbench run` (e.g. --mode deterministic, --repeat 1)
# `make nightly` runs workloads/nightly.job deterministically and compares it with results/baseline.json.
# `make publish` rewrites results/README.md from a deterministic run of every job in JOBS
#   and a wall-mode run of workloads/contended.job (the cells that need two CPUs).
# `make reference [KERNEL=K]` compares gup_fast with the kernel's own mm/gup_test.c (same work, deterministic).
# `make publish-kernels [KERNELS="A B"]` adds the section of a kernel pair to results/README.md (A/B run, reference).
# `make check-loaded` runs make check with every host CPU kept busy by stress-ng.
# `make fuzz-host [FUZZ_SECONDS=N]` runs the host's job and results.json readers under libFuzzer.
# `make kernel [KSRC=SRC] [KOUT=DIR] [KPATCH=FILE]` builds a kernel pinbench can boot (scripts/build-kernel.sh).
JOBS ?= workloads/gup_fast.job workloads/small_dio.job workloads/irq_completion.job workloads/truncate_under_dma.job
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

# Every job runs (one guest boot each) even if an earlier one had failed cells.
bench: build
	@st=0; for j in $(if $(JOB),$(JOB),$(JOBS)); do \
		bench/pinbench run --job $$j $(PINBENCH_ARGS) || st=1; \
	done; exit $$st

# The deterministic suite against results/baseline.json; JUnit in the run directory.
# NIGHTLY_ARGS="--update-baseline" makes the run the new baseline (after review).
nightly: build
	bench/pinbench nightly $(NIGHTLY_ARGS)

# The whole default suite in deterministic mode, one guest, then the cells that need two
# CPUs (workloads/contended.job) in wall mode with 5 repetitions, then results/README.md and
# results/plots/ from both (commit them). A failed cell fails the target after publishing.
comma := ,
empty :=
space := $(empty) $(empty)
PUBLISH_RUN = results/runs/$(shell date -u +%Y%m%d-%H%M%S)-publish
publish: build
	@run=$(PUBLISH_RUN); st=0; \
	bench/pinbench run --mode deterministic --job $(subst $(space),$(comma),$(strip $(JOBS))) \
		--out $$run > /dev/null || st=1; \
	bench/pinbench run --mode wall --job workloads/contended.job --out $$run-contended \
		> /dev/null || st=1; \
	bench/pinbench publish $$run --contended $$run-contended > /dev/null && exit $$st

reference: build
	scripts/reference.sh $(if $(KERNEL),--kernel $(KERNEL))

publish-kernels: build
	scripts/publish-kernels.sh $(KERNELS)

# A guest kernel from a source tree or a linux-source tarball, with scripts/pinbench.config;
# then: bench/pinbench run --kernel $(KOUT)/build/arch/x86/boot/bzImage ...
KSRC ?= /usr/src/linux-source-6.12.tar.xz
KOUT ?= build/kernel
kernel:
	scripts/build-kernel.sh $(if $(KPATCH),-p $(KPATCH)) $(KSRC) $(KOUT)

check: build
	$(MAKE) -C tests check

# make check with both (every) host CPU kept busy by stress-ng beside it.
check-loaded: build
	scripts/check-loaded.sh

# The host's readers of job files and results.json under libFuzzer, FUZZ_SECONDS each
# (make check runs them for 60 s; a finding is saved in build/fuzz-host/artifacts).
FUZZ_SECONDS ?= 1800
fuzz-host: deps-check
	scripts/fuzz-host.sh $(FUZZ_SECONDS)

clean:
	$(MAKE) -C bench clean
	$(MAKE) -C tests clean
	rm -rf build

.PHONY: all deps deps-check libperf build bench check check-loaded fuzz-host clean reference nightly publish publish-kernels kernel
