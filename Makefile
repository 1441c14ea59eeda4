# SPDX-License-Identifier: GPL-2.0
#
# Top-level build.  `make` builds the module against KDIR and the host-side
# pieces (the engine as a static library, the test programs); `make check`
# runs every test tier; `make demo` boots two hosts in a VM and compares
# AF_AMOEBA with TCP.  See README.md.

KDIR ?= $(firstword $(wildcard /usr/src/linux-headers-6.1.*-amd64))
BUILD ?= build
CC ?= cc
CFLAGS_HOST := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Iinclude/uapi -Iflip

FLIP_SRCS := $(wildcard flip/*.c)
FLIP_OBJS := $(FLIP_SRCS:flip/%.c=$(BUILD)/host/flip/%.o)

export AMOEBA_BUILD := $(abspath $(BUILD))

.PHONY: all module lib progs userland ail bullet soap dpdk host-tests check demo \
	deps clean checkpatch fuzz fuzz-build bench install

# The DPDK host is built where DPDK is installed, and skipped elsewhere.
HAVE_DPDK := $(shell pkg-config --exists libdpdk 2>/dev/null && echo yes)

all: module lib progs userland ail bullet soap $(if $(HAVE_DPDK),dpdk)

deps:
	@sh scripts/install-deps.sh

module:
	@test -n "$(KDIR)" || { echo "no kernel headers: run 'make deps' or set KDIR" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

lib: $(BUILD)/host/libflip.a

$(BUILD)/host/flip/%.o: flip/%.c flip/*.h include/uapi/linux/amoeba.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_HOST) -c $< -o $@

$(BUILD)/host/libflip.a: $(FLIP_OBJS)
	$(AR) rcs $@ $^

$(BUILD)/host/flip_engine_test: flip/tests/host_main.c flip/tests/engine_test.c \
		flip/tests/engine_test.h $(BUILD)/host/libflip.a
	$(CC) $(CFLAGS_HOST) -Wno-unused-parameter $< -o $@ \
		$(BUILD)/host/libflip.a -lcmocka

# The test programs link libamoeba for ports and the F-box.
progs:
	$(MAKE) -C userland BUILD=$(abspath $(BUILD)) lib
	$(MAKE) -C tests/progs

# libamoeba, its commands, the example service and their tests.
userland:
	$(MAKE) -C userland BUILD=$(abspath $(BUILD))

# libamoeba_dpdk.a (the dpdk transport) and the programs linked with it.
dpdk: $(if $(HAVE_DPDK),userland)
ifeq ($(HAVE_DPDK),yes)
	$(MAKE) -C dpdk BUILD=$(abspath $(BUILD))
else
	@echo "dpdk: skipped: libdpdk is not installed (pkg-config libdpdk; Debian: libdpdk-dev)"
endif

# The AIL compiler.
ail:
	$(MAKE) -C ail BUILD=$(abspath $(BUILD))

# The Bullet file server, bfsck and the put/get/del/bstat commands.
bullet: userland ail
	$(MAKE) -C bullet BUILD=$(abspath $(BUILD))

# The SOAP directory server, its commands dir/mkd/chm, and sload (the load
# of its concurrency and crash tests).
soap: userland ail bullet
	$(MAKE) -C soap BUILD=$(abspath $(BUILD))

# The library, headers, pkg-config file, commands and man pages, under
# DESTDIR and PREFIX (default /usr/local).
install: userland bullet soap
	$(MAKE) -C userland BUILD=$(abspath $(BUILD)) install
	$(MAKE) -C bullet BUILD=$(abspath $(BUILD)) install
	$(MAKE) -C soap BUILD=$(abspath $(BUILD)) install

# The parser fuzzer (libFuzzer + ASan + UBSan); `make fuzz` runs it for
# FUZZ_SECONDS (default 600) on a corpus kept in $(BUILD)/fuzz/corpus.
FUZZ_SECONDS ?= 600
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -Iinclude/uapi -Iflip

$(BUILD)/fuzz/fuzz_parse: flip/fuzz/fuzz_parse.c $(FLIP_SRCS) flip/*.h
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) $< $(FLIP_SRCS) -o $@

$(BUILD)/fuzz/mkseeds: flip/fuzz/mkseeds.c $(BUILD)/host/libflip.a
	$(CC) $(CFLAGS_HOST) $< $(BUILD)/host/libflip.a -o $@

fuzz-build: $(BUILD)/fuzz/fuzz_parse $(BUILD)/fuzz/mkseeds userland ail
	$(MAKE) -C userland BUILD=$(abspath $(BUILD)) fuzz
	$(MAKE) -C ail BUILD=$(abspath $(BUILD)) fuzz
	$(MAKE) -C bullet BUILD=$(abspath $(BUILD)) fuzz
	$(MAKE) -C soap BUILD=$(abspath $(BUILD)) fuzz

fuzz: fuzz-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz.t

host-tests: $(BUILD)/host/flip_engine_test progs userland ail bullet soap \
	fuzz-build $(if $(HAVE_DPDK),dpdk)

# Every tier, aggregated by prove; the last line is "N passed, N failed".
check: deps host-tests
	@prove -v tests/*.t 2>&1 | sh scripts/tap-summary.sh

# One virtual CPU by default: under TCG a wake-up across virtual CPUs waits
# for the guest's next tick (~4 ms), which would swamp both paths alike.
DEMO_SMP ?= 1
demo: deps progs
	@scripts/stock-vm.sh 6.1 tests/vm/demo.sh --smp $(DEMO_SMP)

# A program, not a test: latency and throughput of AF_AMOEBA, TCP and UDP
# between two hosts in one VM; table on stdout, CSV and PNG in build/bench.
# Then, where DPDK is installed, the DPDK fast path on the host next to a
# raw memif ping-pong and TCP over loopback (scripts/bench-dpdk.sh).
# DPDK is checked when the recipe runs, after deps may have installed it;
# the build and the run are separate lines so that "make -n bench", which
# runs lines that call $(MAKE), does not start the benchmark.
bench: deps progs
	@sh scripts/bench.sh
	@if pkg-config --exists libdpdk; then $(MAKE) dpdk HAVE_DPDK=yes; fi
	@if pkg-config --exists libdpdk; then \
		sh scripts/bench-dpdk.sh; \
	else \
		echo "make bench: DPDK part skipped: libdpdk is not installed (make deps)"; \
	fi

checkpatch:
	@sh tests/checkpatch.t

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null
	-$(MAKE) -C tests/progs clean
	-$(MAKE) -C userland BUILD=$(abspath $(BUILD)) clean
	-$(MAKE) -C dpdk BUILD=$(abspath $(BUILD)) clean
	-$(MAKE) -C bullet BUILD=$(abspath $(BUILD)) clean
	-$(MAKE) -C soap BUILD=$(abspath $(BUILD)) clean
	rm -rf $(BUILD)
