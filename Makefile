# sysvctl: make builds build/sysvctl and the man pages; make check runs the
# suite; make asan runs it under ASan+UBSan; make deps installs what a fresh
# Debian 12 lacks.
VERSION   := 0.1.0
PREFIX    ?= /usr/local
DESTDIR   ?=
BINDIR    := $(PREFIX)/bin
MANDIR    := $(PREFIX)/share/man
BASHCOMPDIR := $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  := $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR := $(PREFIX)/share/fish/vendor_completions.d

CC        ?= cc
PKG_CONFIG ?= pkg-config
BUILD     ?= build
CFLAGS    ?= -O2 -g
# -Werror is on by default (CI keeps it); a packager may say WERROR= .
WERROR    ?= -Werror
WARNINGS  := -Wall -Wextra $(WERROR) -Wshadow -Wformat=2 -Wstrict-prototypes
DEPS_CFLAGS := $(shell $(PKG_CONFIG) --cflags libbsd-overlay json-c)
# Scripts call sysvctl in loops, so every shared library loaded at start-up
# costs on each call (each one about 15% of /bin/true's run time here, see
# bench/run): libbsd, libmd under it, json-c (string literals of message
# bodies) and libresolv (b64_ntop) are linked statically; tables and JSON
# are rendered by src/out/ itself.  Only libc is loaded.
DEPS_LIBS := -Wl,-Bstatic -ljson-c -lbsd -lmd -lresolv -Wl,-Bdynamic
ALL_CFLAGS := -std=gnu11 $(WARNINGS) $(CPPFLAGS) $(CFLAGS) $(DEPS_CFLAGS) -Isrc \
	-DSYSVCTL_VERSION='"$(VERSION)"' -MMD -MP

# The objects on the way of the calls scripts make in loops (sem get,
# sem release, key) are linked first, so that their code shares the first
# pages of the program: each further page costs a page fault per call.
HOT_SRCS  := src/main.c src/cmd/common.c src/cmd/key.c src/cmd/sem.c \
	src/ipc/ref.c src/ipc/parse.c src/ipc/sem.c src/ipc/err.c \
	src/ipc/clock.c src/cmd/stop.c src/out/digits.c src/out/sink.c \
	src/cmd/sem_etcd.c
SRCS      := $(HOT_SRCS) $(filter-out $(HOT_SRCS),$(wildcard src/*.c src/out/*.c src/ipc/*.c src/cmd/*.c))
CORE_SRCS := $(wildcard src/ipc/*.c)
OBJS      := $(SRCS:%.c=$(BUILD)/obj/%.o)
CORE_OBJS := $(CORE_SRCS:%.c=$(BUILD)/obj/%.o)
MANS_SCD  := $(wildcard man/*.scd)
MANS      := $(MANS_SCD:man/%.scd=$(BUILD)/man/%)
UNIT_SRCS := $(wildcard tests/unit/*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/unit/%)

.PHONY: all check asan install uninstall deps bench fuzz valgrind clean

all: $(BUILD)/sysvctl $(MANS)

# VERSION is compiled into main.c: a stamp that changes only with it makes
# a new VERSION rebuild main.o (and nothing else).
VERSION_STAMP := $(BUILD)/version.stamp
$(shell mkdir -p $(BUILD) && [ "$$(cat $(VERSION_STAMP) 2>/dev/null)" = "$(VERSION)" ] || echo "$(VERSION)" > $(VERSION_STAMP))
$(BUILD)/obj/src/main.o: $(VERSION_STAMP)

$(BUILD)/sysvctl: $(OBJS)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(OBJS) $(DEPS_LIBS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/man/%: man/%.scd
	@mkdir -p $(dir $@)
	scdoc < $< > $@

$(BUILD)/unit/%: tests/unit/%.c $(CORE_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(CORE_OBJS) $(DEPS_LIBS)

check: all $(UNIT_BINS)
	SYSVCTL=$(CURDIR)/$(BUILD)/sysvctl UNIT_DIR=$(CURDIR)/$(BUILD)/unit tests/run

asan:
	$(MAKE) BUILD=build/asan CFLAGS='-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all' \
		LDFLAGS='-fsanitize=address,undefined' check

install: all
	install -Dm755 $(BUILD)/sysvctl $(DESTDIR)$(BINDIR)/sysvctl
	for page in $(MANS); do \
		install -Dm644 $$page $(DESTDIR)$(MANDIR)/man$${page##*.}/$${page##*/}; \
	done
	install -Dm644 completions/sysvctl.bash $(DESTDIR)$(BASHCOMPDIR)/sysvctl
	install -Dm644 completions/_sysvctl $(DESTDIR)$(ZSHCOMPDIR)/_sysvctl
	install -Dm644 completions/sysvctl.fish $(DESTDIR)$(FISHCOMPDIR)/sysvctl.fish

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/sysvctl $(DESTDIR)$(BASHCOMPDIR)/sysvctl \
		$(DESTDIR)$(ZSHCOMPDIR)/_sysvctl $(DESTDIR)$(FISHCOMPDIR)/sysvctl.fish
	for page in $(MANS); do \
		rm -f $(DESTDIR)$(MANDIR)/man$${page##*.}/$${page##*/}; \
	done

# The Debian 12 packages a fresh machine lacks to build, test and bench:
# the list (make, libbsd-dev, scdoc, bats, ...) lives in scripts/deps,
# which a machine without make can run.
deps:
	scripts/deps

bench: all
	bench/run

# Fuzzing (libFuzzer, clang): every fuzz/*.c is a target linked with the core
# objects compiled with the fuzzer's instrumentation; each runs for
# FUZZ_SECONDS from its seed corpus fuzz/corpus/NAME (new inputs go to
# build/fuzz/corpus/NAME, crashes to build/fuzz/NAME-crash-*).
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_BUILD   := $(BUILD)/fuzz
FUZZ_FLAGS   := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS  := -std=gnu11 $(WARNINGS) $(CPPFLAGS) $(DEPS_CFLAGS) -Isrc -MMD -MP
FUZZ_SRCS    := $(wildcard fuzz/*.c)
FUZZ_BINS    := $(FUZZ_SRCS:fuzz/%.c=$(FUZZ_BUILD)/%)
FUZZ_CORE    := $(CORE_SRCS:%.c=$(FUZZ_BUILD)/obj/%.o)
.SECONDARY: $(FUZZ_CORE)

fuzz: $(FUZZ_BINS)
	@for bin in $(FUZZ_BINS); do \
		name=$${bin##*/}; \
		mkdir -p $(FUZZ_BUILD)/corpus/$$name fuzz/corpus/$$name; \
		echo "fuzz: $$name for $(FUZZ_SECONDS) s"; \
		$$bin -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
			-artifact_prefix=$(FUZZ_BUILD)/$$name- \
			$(FUZZ_BUILD)/corpus/$$name fuzz/corpus/$$name || exit 1; \
	done

$(FUZZ_BUILD)/%: fuzz/%.c $(FUZZ_CORE)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_FLAGS) -o $@ $< $(FUZZ_CORE) $(DEPS_LIBS)

$(FUZZ_BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -c -o $@ $<

# Valgrind memcheck over representative commands: 0 errors, 0 definite leaks.
valgrind: all
	SYSVCTL=$(CURDIR)/$(BUILD)/sysvctl tests/valgrind.sh

clean:
	rm -rf build

-include $(OBJS:.o=.d) $(UNIT_BINS:=.d) $(FUZZ_BINS:=.d) $(FUZZ_CORE:.o=.d)
