# lab.mk - the one set of build rules every lab uses.
#
# A lab's Makefile declares its program in a few lines and includes this file:
#
#   PROGRAM   := procman            # the program, and PROGRAM.ggo its options
#   MAIN      := main.c             # given: main(), left out of the test binary
#   GIVEN     := commands.c         # given code, linked into program and tests
#   STUDENT   := lifecycle.c        # the files students edit and submit
#   INTERFACE := start_command ...  # the global symbols STUDENT files may define
#   TESTS     := tests/test_x.c     # graded tests; their table is tests/tests.def
#   LDLIBS    := -pthread           # optional extra libraries
#   RACE_TESTS := yes               # optional: it has race tests (see tsan-probe)
#   include ../../shared/lab.mk
#
# Variables a caller may set:
#   STUDENT_DIR=DIR  take the STUDENT files from DIR (solutions/, a submission)
#   B=DIR            build tree (default build/VARIANT/labs/LAB under the kit)
#   CC, SAN, V       see flags.mk
#
# Targets: all (the program; ./PROGRAM in the lab folder), grade-build (program,
# test binary and extras), runner (the grading parent: kit files only),
# student-objects (the submission's objects alone), harness-test (the
# runner's unit tests), grade-kit (the runner and every object made from kit
# files: what grading builds once and reuses; no student file is read), test,
# grade, mutate (scripts/mutate: MUTATE_ARGS=...), bench, clean, print-student,
# print-race-tests.

# The lab folder, by a path make can use (one without a space: here.mk).
include $(dir $(lastword $(MAKEFILE_LIST)))here.mk
LAB_DIR := $(HERE)
KIT_DIR := $(abspath $(LAB_DIR)/../..)
LAB     := $(notdir $(LAB_DIR))

# Objects are rebuilt when the compiler settings change.
FLAGS_MK := $(KIT_DIR)/shared/flags.mk
include $(FLAGS_MK)

STUDENT_DIR ?= $(LAB_DIR)
override STUDENT_DIR := $(abspath $(STUDENT_DIR))
ifeq ($(STUDENT_DIR),$(LAB_DIR))
SOURCE_KIND := labs
else ifeq ($(STUDENT_DIR),$(KIT_DIR)/solutions/$(LAB))
SOURCE_KIND := solutions
else
SOURCE_KIND := other
endif
B_ORIGIN := $(origin B)
B ?= $(KIT_DIR)/build/$(BUILD_VARIANT)/$(SOURCE_KIND)/$(LAB)
override B := $(abspath $(B))

SHARED_SRCS  := $(wildcard $(KIT_DIR)/shared/*.c)
HARNESS_DIR  := $(KIT_DIR)/tests/harness
TESTS_DEF    := $(LAB_DIR)/tests/tests.def

INCLUDES := -ffile-prefix-map=$(KIT_DIR)/= -I$(B)/gen -I$(KIT_DIR)/shared -iquote $(LAB_DIR)
CFLAGS_HAND := $(CFLAGS_COMMON) $(WARN_FLAGS) $(INCLUDES) $(EXTRA_CFLAGS)
CFLAGS_GEN  := $(CFLAGS_COMMON) $(GEN_FLAGS) $(INCLUDES)

# Object files, each tree kept apart by where its source comes from.
GEN_C        := $(B)/gen/$(PROGRAM)_cmdline.c
GEN_H        := $(B)/gen/$(PROGRAM)_cmdline.h
GEN_OBJ      := $(B)/gen/$(PROGRAM)_cmdline.o
SHARED_OBJS  := $(patsubst $(KIT_DIR)/shared/%.c,$(B)/shared/%.o,$(SHARED_SRCS))
MAIN_OBJ     := $(B)/lab/$(MAIN:.c=.o)
GIVEN_OBJS   := $(addprefix $(B)/lab/,$(GIVEN:.c=.o))
STUDENT_OBJS := $(patsubst %.c,$(B)/student/%.o,$(filter %.c,$(STUDENT)))
# Instructor-only tests, which scripts/make-release leaves out of the student
# release: a second table, tests/instructor.def (tests.def's format; its test
# files declare their prototypes from it), and their code, tests/instructor/*.c.
# The points of both tables add up to 100; in a release (a RELEASE file at the
# top) without them, tests.def's may add up to less.
INSTRUCTOR_DEF   := $(wildcard $(LAB_DIR)/tests/instructor.def)
INSTRUCTOR_TESTS := $(patsubst $(LAB_DIR)/%,%,$(wildcard $(LAB_DIR)/tests/instructor/*.c))
TEST_OBJS    := $(addprefix $(B)/lab/,$(TESTS:.c=.o) $(INSTRUCTOR_TESTS:.c=.o))
HARNESS_OBJS := $(B)/harness/child.o $(B)/harness/testlib.o $(B)/harness/protocol.o
# The runner: kit files only (runner.h lists what each part does).
RUNNER_OBJS  := $(addprefix $(B)/harness/,runner.o sandbox.o isolate.o supervise.o sweep.o \
                hangs.o verdict.o protocol.o records.o)

# Everything the program is made of but main(): the test binary links it too.
CORE_OBJS := $(GIVEN_OBJS) $(STUDENT_OBJS) $(GEN_OBJ) $(SHARED_OBJS)

# The kit's part of a grading build: every object made from kit files (the
# lab's code and tests, the generated parser, the shared library, the harness).
KIT_OBJS := $(sort $(MAIN_OBJ) $(GIVEN_OBJS) $(TEST_OBJS) $(GEN_OBJ) $(SHARED_OBJS) \
              $(HARNESS_OBJS) $(patsubst $(LAB_DIR)/%.c,$(B)/lab/%.o,$(wildcard $(LAB_DIR)/tests/*.c)))

# The symbol check runs on normal builds; sanitizers add their own constructors.
SYMBOLS_OK := $(if $(SAN),,$(B)/student/.symbols-ok)

.PHONY: all grade-build grade-kit runner harness-test student-objects test grade mutate bench \
        clean print-student print-program print-race-tests
.DEFAULT_GOAL := all

ifeq ($(SOURCE_KIND)$(B_ORIGIN),labsundefined)
all: $(LAB_DIR)/$(PROGRAM)
else
all: $(B)/$(PROGRAM)
endif

grade-build: $(B)/$(PROGRAM) $(B)/run-tests $(GRADE_EXTRA)
runner: $(B)/runner
grade-kit: $(B)/runner $(KIT_OBJS)

# ./PROGRAM in the lab folder is a copy of the default build's program.
$(LAB_DIR)/$(PROGRAM): $(B)/$(PROGRAM)
	$(Q)cp -f $< $@

$(B)/$(PROGRAM): $(MAIN_OBJ) $(CORE_OBJS) | $(SYMBOLS_OK)
	$(call say,LINK,$(@F))
	$(Q)$(CC) $(LDFLAGS_COMMON) -o $@ $^ $(LDLIBS)

$(B)/run-tests: $(TEST_OBJS) $(CORE_OBJS) $(HARNESS_OBJS) | $(SYMBOLS_OK)
	$(call say,LINK,$(@F))
	$(Q)$(CC) $(LDFLAGS_COMMON) -o $@ $^ $(LDLIBS) $(CUNIT_LIBS)

$(B)/runner: $(RUNNER_OBJS) $(SHARED_OBJS)
	$(call say,LINK,$(@F))
	$(Q)$(CC) $(LDFLAGS_COMMON) -o $@ $^

# The runner's pure parts (verdicts, sealed messages), unit-tested: run by
# scripts/selfcheck as `make -C tests/selftest harness-test`.
$(B)/test-verdict: $(B)/harness/test_verdict.o $(B)/harness/verdict.o $(B)/harness/protocol.o \
                   $(B)/harness/records.o $(SHARED_OBJS)
	$(call say,LINK,$(@F))
	$(Q)$(CC) $(LDFLAGS_COMMON) -o $@ $^ $(CUNIT_LIBS)
harness-test: $(B)/test-verdict
	$(Q)$<

# tsan-probe: a trivial ThreadSanitizer program (harness/tsan_probe.c) that
# says whether TSan can run here. A lab with race tests (RACE_TESTS := yes)
# lists it in GRADE_EXTRA when the compiler has TSan; scripts/grade runs it
# for the report's "race checker:" line. Kit files only, no other sanitizer.
$(B)/tsan-probe: $(HARNESS_DIR)/tsan_probe.c $(FLAGS_MK)
	$(call say,CC,tsan_probe.c)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -std=c17 $(OPT_FLAGS) $(WARN_FLAGS) -fsanitize=thread -o $@ $< -pthread

# gengetopt: generator flags live in the .ggo's "args"; the header is made
# by the same run as the C file, so it only waits for it (safe under make -j).
$(GEN_C): $(LAB_DIR)/$(PROGRAM).ggo
	$(call say,GGO,$(<F))
	$(Q)mkdir -p $(@D)
	$(Q)gengetopt --input=$< --output-dir=$(@D) --file-name=$(PROGRAM)_cmdline
$(GEN_H): $(GEN_C) ;

$(GEN_OBJ): $(GEN_C) $(FLAGS_MK)
	$(call say,CC,$(@F))
	$(Q)$(CC) $(CFLAGS_GEN) $(DEP_FLAGS) -c -o $@ $<

# Hand-written objects all wait for the generated header they may include.
$(B)/lab/%.o: $(LAB_DIR)/%.c $(FLAGS_MK) | $(GEN_H)
	$(call say,CC,$*.c)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_HAND) $(CUNIT_CFLAGS) -iquote $(HARNESS_DIR) $(DEP_FLAGS) -c -o $@ $<

# Grading compiles a submission as untrusted code (scripts/grade: runner
# --compile, target student-objects, as the sandbox's UID, with limits and a
# deadline) and links as the grader with STUDENT_PREBUILT=1: then a missing
# student object is an error, never compiled here.
ifeq ($(STUDENT_PREBUILT),1)
$(B)/student/%.o:
	@echo "lab.mk: $@ must come from the sandboxed compile (runner --compile)" >&2; exit 1
else
$(B)/student/%.o: $(STUDENT_DIR)/%.c $(FLAGS_MK) | $(GEN_H)
	$(call say,CC,$*.c)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_HAND) $(DEP_FLAGS) -c -o $@ $<
endif
student-objects: $(STUDENT_OBJS)

$(B)/shared/%.o: $(KIT_DIR)/shared/%.c $(FLAGS_MK)
	$(call say,CC,shared/$*.c)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_HAND) $(DEP_FLAGS) -c -o $@ $<

$(B)/harness/%.o: $(HARNESS_DIR)/%.c $(TESTS_DEF) $(INSTRUCTOR_DEF) $(FLAGS_MK)
	$(call say,CC,harness/$*.c)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_HAND) $(CUNIT_CFLAGS) -iquote $(HARNESS_DIR) \
	    -DOSLAB_TESTS_DEF='"$(TESTS_DEF)"' -DOSLAB_LAB='"$(LAB)"' \
	    $(if $(INSTRUCTOR_DEF),-DOSLAB_INSTRUCTOR_DEF='"$(INSTRUCTOR_DEF)"') \
	    $(if $(wildcard $(KIT_DIR)/RELEASE),-DOSLAB_RELEASE) \
	    -DOSLAB_PROGRAM_NAME='"$(PROGRAM)"' $(DEP_FLAGS) -c -o $@ $<

# A submission may define only the lab's interface and no constructors.
$(B)/student/.symbols-ok: $(STUDENT_OBJS) $(KIT_DIR)/scripts/check-symbols
	$(Q)$(KIT_DIR)/scripts/check-symbols --interface "$(INTERFACE)" $(STUDENT_OBJS)
	$(Q)touch $@

test:
	$(Q)$(KIT_DIR)/scripts/selfcheck --lab $(LAB)
grade:
	$(Q)$(KIT_DIR)/scripts/grade --lab $(LAB)
mutate:
	$(Q)$(KIT_DIR)/scripts/mutate $(MUTATE_ARGS) $(LAB)

print-student:
	@echo $(STUDENT)
print-program:
	@echo $(PROGRAM)
print-race-tests:
	@echo $(RACE_TESTS)

clean:
	rm -rf $(B) $(LAB_DIR)/$(PROGRAM) $(CLEAN_EXTRA)

-include $(wildcard $(patsubst %.o,%.d,$(KIT_OBJS) $(CORE_OBJS) \
                      $(HARNESS_OBJS) $(RUNNER_OBJS)))
