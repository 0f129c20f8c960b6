# foresight: build, test and benchmark.
#   make run     install missing Debian packages, build, run the baseline
#   make check   install, build and run every test
#   make check SANITIZE=address,undefined    the suite under ASan and UBSan
#   make valgrind  the CLI tests under memcheck
#   make bench   performance figures (not a test)

CC       ?= cc
PKGS     := gsl libconfig cairo pangocairo
SANITIZE ?=
OPT      ?= -O3

# pkg-config is asked lazily (recursive variables), so that `make deps`
# can install the packages before anything is compiled.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS))

ifeq ($(SANITIZE),)
BUILD    := build/plain
SANFLAGS :=
else
BUILD    := build/san
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
            -fopenmp -Iinclude $(SANFLAGS)
LDFLAGS  += -fopenmp $(SANFLAGS)
LDLIBS   += -lm

LIB_SRC  := $(filter-out sim/main.c,$(wildcard sim/*.c))
LIB_OBJ  := $(patsubst sim/%.c,$(BUILD)/obj/%.o,$(LIB_SRC))
LIB      := $(BUILD)/libforesight.a
BIN      := bin/foresight
ifneq ($(SANITIZE),)
BIN      := $(BUILD)/foresight
endif
TEST_SRC := $(wildcard tests/test_*.c)
TEST_BIN := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRC))

.PHONY: all run check deps tests valgrind bench clean gallery

all: $(BIN)

$(BUILD)/obj/%.o: sim/%.c $(wildcard include/*.h) Makefile
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) $(PKG_CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(BIN): sim/main.c $(LIB)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(CC) $(CFLAGS) $(PKG_CFLAGS) $< -o $@ $(LDFLAGS) $(LIB) $(PKG_LIBS) $(LDLIBS)

$(BUILD)/tests/%: tests/%.c tests/check.h $(LIB)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(CC) $(CFLAGS) $(PKG_CFLAGS) -Itests $< -o $@ $(LDFLAGS) $(LIB) $(PKG_LIBS) $(LDLIBS)

tests: $(BIN) $(TEST_BIN)

# deps installs whatever Debian packages are missing (sudo when not root).
deps:
	@sh tests/../.ci/deps.sh

run: deps
	@$(MAKE) --no-print-directory all
	$(BIN) run scenarios/sco_baseline.cfg -o plots/sco_baseline

check: deps
	@$(MAKE) --no-print-directory tests
	@sh tests/run.sh $(BUILD) $(BIN)

valgrind: deps
	@$(MAKE) --no-print-directory tests OPT=-O1
	@FS_VALGRIND=1 sh tests/run.sh $(BUILD) $(BIN) cli

$(BUILD)/bench: tests/bench.c $(LIB)
	$(Q)$(CC) $(CFLAGS) $(PKG_CFLAGS) $< -o $@ $(LDFLAGS) $(LIB) $(PKG_LIBS) $(LDLIBS)

bench: deps
	@$(MAKE) --no-print-directory all $(BUILD)/bench
	@sh tests/bench.sh $(BIN)

# The README's charts: the baseline and one comparison, a few runs each.
gallery: deps
	@$(MAKE) --no-print-directory all
	@rm -rf build/gallery && mkdir -p plots/gallery
	$(BIN) run scenarios/sco_baseline.cfg -n 1000 -q -o build/gallery/run --size 1200x750
	$(BIN) compare scenarios/sco_baseline.cfg scenarios/enhanced_sharing.cfg \
	    scenarios/solidarity_2024.cfg -n 1000 -q -o build/gallery/compare --size 1200x750
	@cp build/gallery/run/*.png build/gallery/compare/compare_*.png plots/gallery/
	@ls plots/gallery

clean:
	rm -rf build bin
