# foresight: build, test and benchmark.
#   make run     install missing Debian packages, build, run the baseline
#   make check   install, build and run every test
#   make check SANITIZE=address,undefined    the suite under ASan and UBSan
#   make valgrind  the CLI tests under memcheck
#   make fuzz    build the libFuzzer harnesses (clang) and run each for
#                FUZZ_SECONDS (default 60); FUZZ_JOBS parallel jobs each
#   make bench   performance figures (not a test)
#   make install [PREFIX=/usr/local] [DESTDIR=]   the binary, foresight(1),
#                the bash completion and (INSTALL_DOCS=0 to skip) the docs
#                and example scenarios; make uninstall removes them

CC       ?= cc
PKGS     := gsl libconfig cairo pangocairo libcmark
SANITIZE ?=
OPT      ?= -O3

# pkg-config is asked lazily (recursive variables), so that `make deps`
# can install the packages before anything is compiled.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS))

# MPI (Open MPI from Debian) when mpicc is there, unless MPI=0. The same
# binary runs without mpirun; built without MPI it is always one process.
MPI      ?= $(shell command -v mpicc >/dev/null 2>&1 && echo 1 || echo 0)
ifeq ($(MPI),1)
CC       := mpicc
MPIFLAGS := -DFS_MPI
MPISUFFIX :=
else
MPIFLAGS :=
MPISUFFIX := -nompi
endif

# VG=1 (make valgrind): a build of its own at -O1, so that it never
# replaces the optimised objects and binary.
VG       ?=
ifneq ($(VG),)
OPT      := -O1
endif

ifeq ($(SANITIZE),)
BUILD    := build/$(if $(VG),vg,plain)$(MPISUFFIX)
SANFLAGS :=
else
BUILD    := build/san$(MPISUFFIX)
SANFLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

VERSION  := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
# V=1 shows the full compiler command lines.
ifeq ($(V),1)
Q :=
else
Q := @
endif
CFLAGS   += -std=c11 $(OPT) -g -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
            -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -DFS_VERSION='"$(VERSION)"' \
            -fopenmp -Iinclude $(SANFLAGS) $(MPIFLAGS)
LDFLAGS  += -fopenmp $(SANFLAGS)
LDLIBS   += -lm

LIB_SRC  := $(filter-out sim/main.c,$(wildcard sim/*.c))
LIB_OBJ  := $(patsubst sim/%.c,$(BUILD)/obj/%.o,$(LIB_SRC))
LIB      := $(BUILD)/libforesight.a
BIN      := bin/foresight
ifneq ($(SANITIZE)$(VG),)
BIN      := $(BUILD)/foresight
endif
TEST_SRC := $(wildcard tests/test_*.c)
TEST_BIN := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRC))

.PHONY: all run check deps tests valgrind bench clean gallery fuzz fuzz-build run-baseline check-run valgrind-run bench-run gallery-run install install-strip uninstall

all: $(BIN)

$(BUILD)/obj/%.o: sim/%.c $(wildcard include/*.h) Makefile
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) $(PKG_CFLAGS) -c $< -o $@

# lanes.h's kernels: one source (include/lanes_kernel.h) compiled once per
# instruction set, never contracting a * b + c into an FMA (SSE2 has none),
# so that every set gives the same bits; -fno-math-errno and
# -fno-trapping-math let square roots and masked code vectorise without
# changing a value. The scalar reference is kept from vectorising. Off
# x86-64 all four are plain C and only scalar is chosen.
LANES_FLAGS := -ffp-contract=off -fno-math-errno -fno-trapping-math
# A loop over a known sixteen lanes is otherwise unrolled into sixteen
# scalar statements before the vectoriser sees it, and some of them stay
# scalar; peeled no further, each loop vectorises whole (the draws'
# chunks of eight say so loop by loop: #pragma GCC unroll 1).
NO_PEEL := --param max-completely-peel-times=1
LANES_scalar := -fno-tree-vectorize -fno-tree-slp-vectorize
ifeq ($(shell uname -m),x86_64)
LANES_avx2   := -mavx2
LANES_avx512 := -mavx512f -mavx512dq -mavx512vl -mprefer-vector-width=512
endif
$(BUILD)/obj/lanes_scalar.o: CFLAGS += $(LANES_FLAGS) $(LANES_scalar)
# lanes.c sums the negative binomial's probabilities as the kernels do.
$(BUILD)/obj/lanes.o: CFLAGS += -ffp-contract=off
$(BUILD)/obj/lanes_sse2.o: CFLAGS += $(LANES_FLAGS)
$(BUILD)/obj/lanes_avx2.o: CFLAGS += $(LANES_FLAGS) $(LANES_avx2)
$(BUILD)/obj/lanes_avx512.o: CFLAGS += $(LANES_FLAGS) $(LANES_avx512)
# The lockstep model's step (include/lockstep_kernel.h), likewise once per
# instruction set: no contraction, so that a lane computes the bits
# model.c computes; without trapping math, selects between computed values
# vectorise (the values are the same: no code reads the FP flags).
LOCKSTEP_FLAGS := -ffp-contract=off -fno-trapping-math -fno-math-errno
$(BUILD)/obj/lockstep_scalar.o: CFLAGS += $(LOCKSTEP_FLAGS) $(LANES_scalar)
$(BUILD)/obj/lockstep_sse2.o: CFLAGS += $(LOCKSTEP_FLAGS)
$(BUILD)/obj/lockstep_avx2.o: CFLAGS += $(LOCKSTEP_FLAGS) $(LANES_avx2)
$(BUILD)/obj/lockstep_avx512.o: CFLAGS += $(LOCKSTEP_FLAGS) $(LANES_avx512)
# The sixteen-lane twins (NO_PEEL above).
LOCKSTEP16 := $(LOCKSTEP_FLAGS) $(NO_PEEL)
$(BUILD)/obj/lockstep16_sse2.o: CFLAGS += $(LOCKSTEP16)
$(BUILD)/obj/lockstep16_avx2.o: CFLAGS += $(LOCKSTEP16) $(LANES_avx2)
$(BUILD)/obj/lockstep16_avx512.o: CFLAGS += $(LOCKSTEP16) $(LANES_avx512)
# stats.c's columns pass for AVX-512 (include/stats_columns.h): no
# contraction, so that its sums are the SSE2 pass's to the bit.
$(BUILD)/obj/stats_avx512.o: CFLAGS += -ffp-contract=off $(LANES_avx512)

$(LIB): $(LIB_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(BIN): sim/main.c $(LIB)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(CC) $(CFLAGS) $(PKG_CFLAGS) $< -o $@ $(LDFLAGS) $(LIB) $(PKG_LIBS) $(LDLIBS)

$(BUILD)/tests/%: tests/%.c tests/check.h tests/pngcheck.h tests/scen.h $(LIB)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(CC) $(CFLAGS) $(PKG_CFLAGS) -Itests $< -o $@ $(LDFLAGS) $(LIB) $(PKG_LIBS) $(LDLIBS)

# test_oom fails the Nth allocation: our code's malloc, calloc, realloc,
# strdup, fopen and gsl_rng_alloc calls go through its counting wrappers;
# fs_plot_data_draw's marks where report.html's charts are drawn.
OOM_WRAP := -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free,--wrap=strdup \
            -Wl,--wrap=fopen,--wrap=gsl_rng_alloc,--wrap=fs_plot_data_draw
$(BUILD)/tests/test_oom: LDFLAGS += $(OOM_WRAP)
# test_fuzz replays the corpus and regression files through the harnesses.
$(BUILD)/tests/test_fuzz: tests/fuzz/fuzz_scenario.c tests/fuzz/fuzz_set.c tests/fuzz/fuzz_sweep.c

tests: $(BIN) $(TEST_BIN)

# deps installs whatever Debian packages are missing (sudo when not root).
deps:
	@sh tests/../.ci/deps.sh

# Each target that needs the packages runs its body in a second make, so
# that the build settings (MPI or not: mpicc may have just been installed)
# are read after deps, not before.
run: deps
	@$(MAKE) --no-print-directory run-baseline
run-baseline: all
	$(BIN) run scenarios/sco_baseline.cfg -o plots/sco_baseline

# Sanitizer runs: leaks in libraries that are not ours are suppressed
# (tests/lsan.supp says which), and any report fails the test.
SAN_ENV := LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
           ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1

check: deps
	@$(MAKE) --no-print-directory check-run
check-run: tests
	@$(SAN_ENV) sh tests/run.sh $(BUILD) $(BIN)

# The CLI tests under memcheck (tests/valgrind.supp: font-cache
# allocations of fontconfig and pango, and libconfig's parser leak).
valgrind: deps
	@$(MAKE) --no-print-directory valgrind-run VG=1
valgrind-run: tests
	@FS_VALGRIND=1 sh tests/run.sh $(BUILD) $(BIN) cli

$(BUILD)/bench: tests/bench.c $(LIB)
	$(Q)$(CC) $(CFLAGS) $(PKG_CFLAGS) $< -o $@ $(LDFLAGS) $(LIB) $(PKG_LIBS) $(LDLIBS)

bench: deps
	@$(MAKE) --no-print-directory bench-run
bench-run: all $(BUILD)/bench
	@sh tests/bench.sh $(BIN)

# The README's charts: the baseline and one comparison, a few runs each,
# and a screenshot of the baseline's report.html (headless Chromium).
gallery: deps
	@$(MAKE) --no-print-directory gallery-run
gallery-run: all
	@rm -rf build/gallery && mkdir -p plots/gallery build/gallery
	$(BIN) run scenarios/sco_baseline.cfg -n 1000 -q -o plots/sco_baseline --size 1200x750
	$(BIN) compare scenarios/sco_baseline.cfg scenarios/enhanced_sharing.cfg \
	    scenarios/solidarity_2024.cfg -n 1000 -q -o plots/compare --size 1200x750
	$(BIN) run scenarios/crocus_attack.cfg -n 1000 -q -o plots/crocus_attack --size 1200x750
	$(BIN) sweep scenarios/sweeps/levers.cfg -q -o plots/levers --size 1200x750
	$(BIN) sweep scenarios/sweeps/when_escalation.cfg -q -o plots/when_escalation --size 1200x750
	$(BIN) optimize scenarios/searches/cheapest_mix.cfg -q -o plots/cheapest_mix --size 1200x750
	$(BIN) calibrate scenarios/calibrations/rats_2011_2015.cfg -q -o plots/rats_2011_2015 --size 1200x750
	@cp plots/sco_baseline/*.png plots/compare/compare_*.png plots/gallery/
	@cp plots/crocus_attack/trust_pairs.png plots/gallery/crocus_trust_pairs.png
	@cp plots/levers/tornado_escalation.png plots/gallery/sweep_tornado_escalation.png
	chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1100,1400 \
	    --user-data-dir=build/gallery/chromium --screenshot=plots/gallery/report.png \
	    file://$(CURDIR)/plots/sco_baseline/report.html 2>/dev/null
	@cp plots/levers/sobol_escalation.png plots/gallery/sweep_sobol_escalation.png
	@cp plots/when_escalation/discovery_tradeoff.png plots/when_escalation/discovery_limits.png \
	    plots/when_escalation/discovery_scatter.png plots/gallery/
	@cp plots/cheapest_mix/optimize_*.png plots/gallery/
	@cp plots/rats_2011_2015/calibrate_marginals.png plots/rats_2011_2015/calibrate_predictive.png \
	    plots/gallery/
	@ls plots/gallery

# ---- fuzzing (tests/fuzz/): the loader and its dependencies, built with
# clang and libFuzzer under ASan and UBSan. Crashes go to build/fuzz/ as
# crash-*, leak-* or timeout-*; a finding is kept as a regression file in
# tests/fuzz/regress/, which test_regress loads in make check. ----
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_JOBS    ?= 1
FUZZ_DIR     := build/fuzz
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS  := -std=c11 -O1 -g -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L \
                -D_DEFAULT_SOURCE -DFS_VERSION='"$(VERSION)"' -Iinclude $(FUZZ_SAN)
FUZZ_LIB_SRC := $(LIB_SRC)
FUZZ_OBJ     := $(patsubst sim/%.c,$(FUZZ_DIR)/obj/%.o,$(FUZZ_LIB_SRC))
FUZZ_NAMES   := fuzz_scenario fuzz_set fuzz_sweep
FUZZ_BIN     := $(patsubst %,$(FUZZ_DIR)/%,$(FUZZ_NAMES))
# More than one job: libFuzzer runs them in parallel, each logging to
# fuzz-N.log in the current directory (ignored by git).
FUZZ_PAR     := $(if $(filter-out 1,$(FUZZ_JOBS)),-jobs=$(FUZZ_JOBS) -workers=$(FUZZ_JOBS))
FUZZ_OPTS    := -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1

$(FUZZ_DIR)/obj/%.o: sim/%.c $(wildcard include/*.h) Makefile
	@mkdir -p $(dir $@)
	@echo "  CC      $< (fuzz)"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(PKG_CFLAGS) -c $< -o $@

$(FUZZ_DIR)/obj/lanes_scalar.o: FUZZ_CFLAGS += $(LANES_FLAGS) $(LANES_scalar)
$(FUZZ_DIR)/obj/lanes_sse2.o: FUZZ_CFLAGS += $(LANES_FLAGS)
$(FUZZ_DIR)/obj/lanes_avx2.o: FUZZ_CFLAGS += $(LANES_FLAGS) $(LANES_avx2)
$(FUZZ_DIR)/obj/lanes_avx512.o: FUZZ_CFLAGS += $(LANES_FLAGS) $(LANES_avx512)
$(FUZZ_DIR)/obj/lanes.o: FUZZ_CFLAGS += -ffp-contract=off
$(FUZZ_DIR)/obj/lockstep_scalar.o: FUZZ_CFLAGS += $(LOCKSTEP_FLAGS) $(LANES_scalar)
$(FUZZ_DIR)/obj/lockstep_sse2.o: FUZZ_CFLAGS += $(LOCKSTEP_FLAGS)
$(FUZZ_DIR)/obj/lockstep_avx2.o: FUZZ_CFLAGS += $(LOCKSTEP_FLAGS) $(LANES_avx2)
$(FUZZ_DIR)/obj/lockstep_avx512.o: FUZZ_CFLAGS += $(LOCKSTEP_FLAGS) $(LANES_avx512)
$(FUZZ_DIR)/obj/lockstep16_sse2.o: FUZZ_CFLAGS += $(LOCKSTEP16)
$(FUZZ_DIR)/obj/lockstep16_avx2.o: FUZZ_CFLAGS += $(LOCKSTEP16) $(LANES_avx2)
$(FUZZ_DIR)/obj/lockstep16_avx512.o: FUZZ_CFLAGS += $(LOCKSTEP16) $(LANES_avx512)
$(FUZZ_DIR)/obj/stats_avx512.o: FUZZ_CFLAGS += -ffp-contract=off $(LANES_avx512)

# clang builds without -fopenmp (libomp is not installed): the pragmas are
# ignored and omp_* calls resolve to GCC's libgomp.
$(FUZZ_DIR)/%: tests/fuzz/%.c $(FUZZ_OBJ)
	@echo "  LINK    $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(PKG_CFLAGS) $< $(FUZZ_OBJ) -o $@ \
	    $(PKG_LIBS) -lgomp -lm

.SECONDARY: $(FUZZ_OBJ)

fuzz-build:
	@sh .ci/deps.sh fuzz
	@$(MAKE) --no-print-directory $(FUZZ_BIN)

# Each harness starts from its seed corpus (tests/fuzz/corpus/NAME) and the
# regression files, and adds what it finds to build/fuzz/corpus-NAME.
fuzz: fuzz-build
	@for f in $(FUZZ_NAMES); do \
	    c=$${f#fuzz_}; mkdir -p $(FUZZ_DIR)/corpus-$$c; \
	    echo "fuzz: $$f for $(FUZZ_SECONDS) s"; \
	    LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	    $(FUZZ_DIR)/$$f $(FUZZ_OPTS) -max_total_time=$(FUZZ_SECONDS) \
	        $(FUZZ_PAR) \
	        -artifact_prefix=$(FUZZ_DIR)/ $(FUZZ_DIR)/corpus-$$c \
	        tests/fuzz/corpus/$$c tests/fuzz/regress/$$c || exit 1; \
	done

# ---- install (GNU conventions: prefix and the directories under it can
# each be set; DESTDIR stages the whole tree for a package). ----
PREFIX       ?= /usr/local
prefix       ?= $(PREFIX)
exec_prefix  ?= $(prefix)
bindir       ?= $(exec_prefix)/bin
datarootdir  ?= $(prefix)/share
mandir       ?= $(datarootdir)/man
man1dir      ?= $(mandir)/man1
docdir       ?= $(datarootdir)/doc/foresight
bashcompdir  ?= $(datarootdir)/bash-completion/completions
INSTALL      ?= install
INSTALL_PROGRAM ?= $(INSTALL)
INSTALL_DATA ?= $(INSTALL) -m 644
INSTALL_DOCS ?= 1
# The program installed: the one this build makes (tests/cli_install.sh
# names the binary under test).
INSTALL_BIN  ?= $(BIN)
DOCS         := README.md $(wildcard docs/*.md)
EXAMPLES     := $(shell find scenarios -name '*.cfg' 2>/dev/null)

install: $(INSTALL_BIN)
	$(INSTALL) -d "$(DESTDIR)$(bindir)" "$(DESTDIR)$(man1dir)" "$(DESTDIR)$(bashcompdir)"
	$(INSTALL_PROGRAM) "$(INSTALL_BIN)" "$(DESTDIR)$(bindir)/foresight"
	sed -e 's|@VERSION@|$(VERSION)|g' -e 's|@DOCDIR@|$(docdir)|g' docs/foresight.1 \
	    > "$(DESTDIR)$(man1dir)/foresight.1.tmp"
	chmod 644 "$(DESTDIR)$(man1dir)/foresight.1.tmp"
	mv "$(DESTDIR)$(man1dir)/foresight.1.tmp" "$(DESTDIR)$(man1dir)/foresight.1"
	$(INSTALL_DATA) completion/foresight.bash "$(DESTDIR)$(bashcompdir)/foresight"
ifeq ($(INSTALL_DOCS),1)
	$(INSTALL) -d "$(DESTDIR)$(docdir)"
	$(INSTALL_DATA) $(DOCS) "$(DESTDIR)$(docdir)"
	@for f in $(EXAMPLES); do \
	    d="$(DESTDIR)$(docdir)/examples/$$(dirname $$f)"; \
	    $(INSTALL) -d "$$d" && $(INSTALL_DATA) "$$f" "$$d" || exit 1; \
	done
endif

install-strip:
	$(MAKE) --no-print-directory install INSTALL_PROGRAM='$(INSTALL_PROGRAM) -s'

# Removes what install put there, and the directories of foresight's own
# (docdir); the shared directories (bin, man1, ...) stay.
uninstall:
	rm -f "$(DESTDIR)$(bindir)/foresight" "$(DESTDIR)$(man1dir)/foresight.1" \
	    "$(DESTDIR)$(bashcompdir)/foresight"
	rm -rf "$(DESTDIR)$(docdir)"

clean:
	rm -rf build bin
