# ipcbox: one multicall binary of IPC applets. GNU make.
#   make                      build ./ipcbox
#   make check                run the test suite, then again under ASan+UBSan
#   make install [LINKS=all]  install (see "Installing" in README.md)
#   make bench                compare speed with the peer tools
#   make faults               the fault-injection sweep (strace; see README.md)

VERSION   := 0.1.0

PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
DATADIR   ?= $(PREFIX)/share
MANDIR    ?= $(DATADIR)/man
# Where each shell looks for completions by itself. Debian's zsh has
# /usr/local/share/zsh/site-functions on its fpath but, under /usr, only
# /usr/share/zsh/vendor-completions.
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
ZSHCOMPDIR  ?= $(if $(filter /usr,$(PREFIX)),$(DATADIR)/zsh/vendor-completions,$(DATADIR)/zsh/site-functions)
FISHCOMPDIR ?= $(DATADIR)/fish/vendor_completions.d

CC        ?= cc
CFLAGS    ?= -O2 -g
LDLIBS    ?= -lrt -pthread
# Build directory and output binary; the sanitizer and static builds use their own.
BUILD     ?= build
PROG      ?= ipcbox

WARNINGS  := -Wall -Wextra -Wshadow -Wconversion -Wno-sign-conversion \
             -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith \
             -Wundef -Wvla -Wcast-qual -Wno-format-nonliteral
# Warnings are errors only when asked (CI does): a distribution's newer compiler
# may warn about new things, and that must not break its build.
ifeq ($(WERROR),1)
WARNINGS  += -Werror
endif
# Build-time probes (src/ipc/compat.h): -DNAME=1 when a tiny program calling what the
# C library may lack compiles and links with $(CC). $(call probe,NAME,HEADERS,BODY)
probe = $(shell echo 'int main(void) { $(3); return 0; }' | $(CC) -D_GNU_SOURCE \
	$(addprefix -include ,$(2)) -Werror=implicit-function-declaration $(CPPFLAGS) \
	$(CFLAGS) $(LDFLAGS) -x c -o /dev/null - -pthread >/dev/null 2>&1 && echo -D$(1)=1)
HAVE_FLAGS := $(call probe,HAVE_SEM_CLOCKWAIT,semaphore.h time.h,sem_t s; struct timespec t = {0}; \
	sem_clockwait(&s, CLOCK_MONOTONIC, &t)) \
	$(call probe,HAVE_PIDFD_OPEN,sys/pidfd.h,return pidfd_open(1, 0))
ALL_CPPFLAGS := -D_GNU_SOURCE -DIPCBOX_VERSION='"$(VERSION)"' $(HAVE_FLAGS) -Isrc $(CPPFLAGS)
ALL_CFLAGS   := -std=c11 $(WARNINGS) $(CFLAGS)
ALL_LDFLAGS  := $(LDFLAGS)
ifeq ($(STATIC),1)
ALL_LDFLAGS  += -static
endif

# Applets come from src/applets.h; each has applets/NAME.c and man/NAME.1, and may
# have parts of its own beside it (applets/NAME-PART.c) that no other applet uses.
APPLETS   := $(shell sed -n "s/^APPLET[[:punct:]]\([a-z0-9_]*\),.*/\1/p" src/applets.h)
SRCS      := src/main.c $(wildcard src/ipc/*.c) $(APPLETS:%=applets/%.c) \
             $(foreach a,$(APPLETS),$(wildcard applets/$(a)-*.c))
OBJS      := $(SRCS:%.c=$(BUILD)/%.o)
# Small adversaries the suite races the applets with, programs it runs and
# LD_PRELOAD shims it runs the applets under (not part of ipcbox; no test compiles).
RACERS    := $(patsubst tests/race/%.c,$(BUILD)/tests/race/%,$(wildcard tests/race/*.c)) \
             $(patsubst tests/prog/%.c,$(BUILD)/tests/prog/%,$(wildcard tests/prog/*.c)) \
             $(patsubst tests/preload/%.c,$(BUILD)/tests/preload/%.so,$(wildcard tests/preload/*.c))

# Names a system ships its own command and man page for: a default install leaves
# them alone (use "ipcbox NAME" or install LINKS=all).
SYSTEM_NAMES := mkfifo ipcs ipcrm
ifeq ($(LINKS),all)
LINKED    := $(APPLETS)
else
LINKED    := $(filter-out $(SYSTEM_NAMES),$(APPLETS))
endif
UNLINKED  := $(filter-out $(LINKED),$(APPLETS))
# The pages of the names left unlinked install as ipcbox-NAME.1 and, like every
# installed page, call them "ipcbox NAME": in headers, synopses, quoted command
# lines, examples and SEE ALSO. Pages that cite the system's own tool (coreutils
# mkfifo(1), util-linux ipcs(1)) outside SEE ALSO keep citing it.
MAN_SED   := -e '' \
	$(foreach n,$(UNLINKED),\
	-e 's/^\.TH $(shell echo $(n) | tr a-z A-Z) 1/.TH IPCBOX\\-$(shell echo $(n) | tr a-z A-Z) 1/' \
	-e 's/^$(n) \\- /ipcbox\\-$(n) \\- /' \
	-e 's/^\.B $(n)\( \|$$\)/.B "ipcbox $(n)"\1/' \
	-e 's/^\.BR $(n) \([,.;:]\)/.BR "ipcbox $(n)" \1/' \
	-e 's/"$(n) /"ipcbox $(n) /g' \
	-e 's/^\(\$$ \|.*&& \|.*| \)$(n) /\1ipcbox $(n) /' \
	-e '/^\.SH "\{0,1\}SEE ALSO/,/^\.SH/s/^\.BR $(n) (1)/.BR ipcbox\\-$(n) (1)/')

SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
             -fno-sanitize-recover=all

.PHONY: all racers check test asan static musl-static install uninstall clean bench fuzz lint valgrind faults
all: $(PROG) $(RACERS)

# The objects are rebuilt when the compiler or a flag changes (make CC=musl-gcc
# STATIC=1 after make): $(BUILD)/flags holds what they were built with.
BUILD_FLAGS := $(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(ALL_LDFLAGS) $(LDLIBS)
ifneq ($(MAKECMDGOALS),clean)
ifneq ($(BUILD_FLAGS),$(file <$(BUILD)/flags))
$(shell mkdir -p $(BUILD))
$(file >$(BUILD)/flags,$(BUILD_FLAGS))
endif
endif
$(BUILD)/flags:
	@$(shell mkdir -p $(@D))$(file >$@,$(BUILD_FLAGS))

$(PROG): $(OBJS) $(BUILD)/flags
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(OBJS) $(LDLIBS)

# The core's test driver (tests/core.bats), linked with the same core objects.
CORE_OBJS := $(filter $(BUILD)/src/ipc/%,$(OBJS))
$(BUILD)/coretest: $(BUILD)/tests/unit/coretest.o $(CORE_OBJS) $(BUILD)/flags
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(LDLIBS)
-include $(BUILD)/tests/unit/coretest.d

$(BUILD)/%.o: %.c $(BUILD)/flags
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

-include $(OBJS:.o=.d)

$(BUILD)/tests/race/%: tests/race/%.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 $(WARNINGS) $(CFLAGS) $(ALL_LDFLAGS) -o $@ $<

$(BUILD)/tests/prog/%: tests/prog/%.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 $(WARNINGS) $(CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LDLIBS)

# Never static: a shim is loaded into a dynamically linked ipcbox.
$(BUILD)/tests/preload/%.so: tests/preload/%.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 $(WARNINGS) $(CFLAGS) -shared -fPIC -o $@ $< -ldl

# The sanitizer build, for the second run of the suite.
asan:
	$(MAKE) BUILD=build/asan PROG=build/asan/ipcbox CFLAGS='$(SAN_FLAGS)' \
		LDFLAGS='$(LDFLAGS) -fsanitize=address,undefined' build/asan/ipcbox build/asan/coretest

static:
	$(MAKE) BUILD=build/static PROG=build/static/ipcbox STATIC=1

# What the suite runs besides the binary (tests/race, tests/prog, tests/preload).
racers: $(RACERS)

test: all $(BUILD)/coretest $(RACERS)
	tests/run

check: all $(BUILD)/coretest $(RACERS)
	tests/run
	$(MAKE) asan
	IPCBOX=$(CURDIR)/build/asan/ipcbox CORETEST=$(CURDIR)/build/asan/coretest \
		IPCBOX_SANITIZED=1 tests/run

# The suite again with every ipcbox process under valgrind (slow; not part of check).
valgrind: all $(BUILD)/coretest $(RACERS)
	rm -rf build/vg && mkdir -p build/vg
	IPCBOX=$(CURDIR)/tests/valgrind-ipcbox IPCBOX_REAL=$(CURDIR)/$(PROG) \
		IPCBOX_VALGRIND="$$(command -v valgrind)" \
		IPCBOX_VG_LINKS=$(CURDIR)/build/vg IPCBOX_SANITIZED=1 tests/run $(VGTESTS)

# The static musl build (musl-gcc: Debian's musl-tools), the small one for containers.
MUSL_CC   ?= musl-gcc
musl-static:
	$(MAKE) CC=$(MUSL_CC) STATIC=1 BUILD=build/musl-static PROG=build/musl-static/ipcbox

# Rerun applet runs with a fault injected at every call of their byte and object
# paths (tests/faults/); prints "APPLET: N injection points, N hold" per applet.
faults: all $(RACERS)
	tests/faults/run

bench: all static
	if command -v $(MUSL_CC) >/dev/null; then $(MAKE) musl-static; fi
	tests/bench/run

# Fuzz the core parsers with libFuzzer (clang) for FUZZ_SECONDS.
FUZZ_SECONDS ?= 60
fuzz:
	$(MAKE) BUILD=build/fuzz CC=clang CFLAGS='-O1 -g -fsanitize=fuzzer-no-link,address,undefined' \
		$(patsubst $(BUILD)/%,build/fuzz/%,$(CORE_OBJS))
	clang $(ALL_CPPFLAGS) -std=c11 -O1 -g -fsanitize=fuzzer,address,undefined \
		-o build/fuzz/fuzz_parse tests/fuzz/fuzz_parse.c build/fuzz/src/ipc/*.o
	mkdir -p build/fuzz/corpus
	build/fuzz/fuzz_parse -max_total_time=$(FUZZ_SECONDS) build/fuzz/corpus

lint:
	mandoc -Tlint -W all man/*.1
	for f in man/*.1; do groff -ww -z -man "$$f" || exit 1; done

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	install -m 755 $(PROG) $(DESTDIR)$(BINDIR)/ipcbox
	sed $(MAN_SED) man/ipcbox.1 >$(DESTDIR)$(MANDIR)/man1/ipcbox.1
	for a in $(LINKED); do \
		ln -f $(DESTDIR)$(BINDIR)/ipcbox $(DESTDIR)$(BINDIR)/$$a || exit 1; \
		sed $(MAN_SED) man/$$a.1 >$(DESTDIR)$(MANDIR)/man1/$$a.1 || exit 1; \
	done
	for a in $(UNLINKED); do \
		sed $(MAN_SED) man/$$a.1 >$(DESTDIR)$(MANDIR)/man1/ipcbox-$$a.1 || exit 1; \
	done
	chmod 644 $(DESTDIR)$(MANDIR)/man1/ipcbox.1 $(LINKED:%=$(DESTDIR)$(MANDIR)/man1/%.1) \
		$(UNLINKED:%=$(DESTDIR)$(MANDIR)/man1/ipcbox-%.1)
	# Completions answer for ipcbox and the names linked above, no others: bash and
	# fish load a file by command name, zsh by the names on its #compdef line.
	sed 's/@NAMES@/ipcbox $(LINKED)/' completions/bash/ipcbox >$(DESTDIR)$(BASHCOMPDIR)/ipcbox
	sed 's/@NAMES@/ipcbox $(LINKED)/' completions/zsh/_ipcbox >$(DESTDIR)$(ZSHCOMPDIR)/_ipcbox
	for a in ipcbox $(LINKED); do \
		[ $$a = ipcbox ] || ln -sf ipcbox $(DESTDIR)$(BASHCOMPDIR)/$$a || exit 1; \
		sed "s/@NAME@/$$a/" completions/fish/ipcbox.fish >$(DESTDIR)$(FISHCOMPDIR)/$$a.fish || exit 1; \
	done

# Removes only what install put there: an applet name is removed only if it is a
# link to the installed ipcbox, a man page only if it is ours.
uninstall:
	for a in $(APPLETS); do \
		f=$(DESTDIR)$(BINDIR)/$$a; \
		if [ -e $(DESTDIR)$(BINDIR)/ipcbox ] && [ $$f -ef $(DESTDIR)$(BINDIR)/ipcbox ]; then rm -f $$f; fi; \
		m=$(DESTDIR)$(MANDIR)/man1/$$a.1; \
		if [ -f $$m ] && grep -q 'ipcbox' $$m; then rm -f $$m; fi; \
		rm -f $(DESTDIR)$(MANDIR)/man1/ipcbox-$$a.1; \
		c=$(DESTDIR)$(BASHCOMPDIR)/$$a; \
		if [ -L $$c ] && [ "$$(readlink $$c)" = ipcbox ]; then rm -f $$c; fi; \
		f=$(DESTDIR)$(FISHCOMPDIR)/$$a.fish; \
		if [ -f $$f ] && grep -q __ipcbox_complete $$f; then rm -f $$f; fi; \
	done
	rm -f $(DESTDIR)$(BINDIR)/ipcbox $(DESTDIR)$(MANDIR)/man1/ipcbox.1 \
		$(DESTDIR)$(BASHCOMPDIR)/ipcbox $(DESTDIR)$(ZSHCOMPDIR)/_ipcbox \
		$(DESTDIR)$(FISHCOMPDIR)/ipcbox.fish
	if [ -n "$(DESTDIR)" ]; then \
		for d in $(BINDIR) $(MANDIR)/man1 $(BASHCOMPDIR) $(ZSHCOMPDIR) $(FISHCOMPDIR); do \
			rmdir -p --ignore-fail-on-non-empty $(DESTDIR)$$d 2>/dev/null || :; \
		done; \
	fi

clean:
	rm -rf build $(PROG)
