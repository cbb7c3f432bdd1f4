# oslab - the kit's top-level Makefile.
#
#   make                build every lab's program (labs/) and reference (solutions/)
#   make grade          grade the student code in labs/ and print the report
#   make test           the kit's self-check (library, harness, every lab)
#   make bench          each lab's measurement exercise (REFERENCE=1: of the solutions)
#   make clean          remove every build product
#   make mutate LAB=NN-name   mutation testing of the lab's tests (maintainers;
#                       MUTATE_ARGS="--max 40" for a sample; see scripts/mutate)
#
#   LAB=01-fork-exec    limit any of them to one lab
#   CC=clang            build with clang
#   SAN=address,undefined or SAN=thread   sanitizer builds
#   V=1                 show the commands
#
# `make grade` and `make test` first install missing packages (scripts/install-deps).

# make cannot quote a space in a path: HERE is this folder by a path without
# one (shared/here.mk).
include shared/here.mk

LABS := $(patsubst labs/%/Makefile,%,$(sort $(wildcard labs/*/Makefile)))
LAB ?=
ifneq ($(LAB),)
ifeq ($(filter $(LAB),$(LABS)),)
$(error LAB=$(LAB) is not a lab; the labs are: $(LABS))
endif
endif
SELECTED := $(or $(LAB),$(LABS))
WITH_SOLUTIONS := $(foreach lab,$(SELECTED),$(if $(wildcard solutions/$(lab)),$(lab)))

.PHONY: all grade test bench clean deps deps-full mutate
.DEFAULT_GOAL := all

all: $(addprefix program-,$(SELECTED)) $(addprefix solution-,$(WITH_SOLUTIONS))

# Each lab builds in its own tree, so these run side by side under make -j.
program-%: deps
	+$(MAKE) --no-print-directory -C labs/$*
solution-%: deps
	+$(MAKE) --no-print-directory -C labs/$* STUDENT_DIR=$(HERE)/solutions/$*

grade: deps
	scripts/grade $(addprefix --lab ,$(LAB))

# The self-check's extra tools (clang, valgrind, shellcheck) only where there is
# a self-check: a student release (no solutions/) just grades.
test: $(if $(wildcard solutions),deps-full,deps)
	scripts/selfcheck $(addprefix --lab ,$(LAB))

# Every lab's bench runs, even after one fails; REFERENCE=1 measures the solutions.
bench: deps
	@if [ -n "$(REFERENCE)" ] && [ ! -d solutions ]; then \
	    echo "make bench REFERENCE=1 needs the reference solutions (solutions/), which a" \
	         "student release does not have: run 'make bench' to measure your own programs." >&2; \
	    exit 2; fi
	@status=0; for lab in $(SELECTED); do \
	    if $(MAKE) --no-print-directory -C labs/$$lab -n bench >/dev/null 2>&1; then \
	        $(MAKE) --no-print-directory -C labs/$$lab bench \
	            $(if $(REFERENCE),STUDENT_DIR=$(HERE)/solutions/$$lab) || status=1; \
	    fi; done; exit $$status

# Not part of `make test`: it grades hundreds of mutants (minutes per lab).
mutate: deps-full
	@[ -n "$(LAB)" ] || { echo "make mutate needs LAB=NN-name, one of: $(LABS)" >&2; exit 2; }
	scripts/mutate $(MUTATE_ARGS) $(LAB)

deps:
	@scripts/install-deps --check >/dev/null || scripts/install-deps
deps-full:
	@scripts/install-deps --check --full >/dev/null || scripts/install-deps --full

clean:
	rm -rf build
	@for lab in $(LABS); do $(MAKE) --no-print-directory -s -C labs/$$lab clean; done
