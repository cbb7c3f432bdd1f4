/*
 * test_verdict.c - unit tests of the runner's pure parts: decide() (every
 * verdict rule) and the sealed messages of protocol.c. Built and run by
 * `make -C tests/selftest harness-test` (scripts/selfcheck, stage 2).
 */
#include "oslab.h"

#include <signal.h>   /* SIGSEGV */
#include <sys/wait.h> /* W_EXITCODE */

#include <CUnit/Basic.h>

#include "protocol.h"
#include "verdict.h"

static const struct ot_test_spec spec = {.name = "test_x", .points = 5, .timeout_ms = 1000,
                                         .feedback = "check Task 1"};
static struct outcome out;
static struct leftovers lo;
static char why[8192];

/* A fresh outcome: the process exited with STATUS. */
static void ended(int raw_status)
{
    out = (struct outcome){.status = raw_status, .status_known = true};
    lo = (struct leftovers){0};
}

/* decide() for what the channel SAID with TEXT. */
static const char *verdict_for(enum ot_said said, const char *text)
{
    return decide(&spec, &out, &lo, said, text, why, sizeof why);
}

static void test_pass_needs_a_sealed_pass(void)
{
    ended(W_EXITCODE(0, 0));
    CU_ASSERT_STRING_EQUAL(verdict_for(OT_SAID_PASS, ""), "pass");
    CU_ASSERT_STRING_EQUAL(why, "");
    CU_ASSERT_STRING_EQUAL(verdict_for(OT_SAID_NOTHING, ""), "fail");
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "exited with status 0 before the test finished"));
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "Hint: check Task 1"));
    CU_ASSERT_STRING_EQUAL(verdict_for(OT_SAID_FORGED, ""), "fail");
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "not made by the harness"));
}

static void test_fail_quotes_the_assertion(void)
{
    ended(W_EXITCODE(0, 0));
    CU_ASSERT_STRING_EQUAL(verdict_for(OT_SAID_FAIL, "t.c:3: expected 1\x1b[2J\n"), "fail");
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "t.c:3: expected 1?[2J"));
    CU_ASSERT_PTR_NULL(strchr(why, '\x1b'));
}

static void test_crashes_name_the_signal_and_limit(void)
{
    ended(W_EXITCODE(0, SIGSEGV));
    CU_ASSERT_STRING_EQUAL(verdict_for(OT_SAID_NOTHING, ""), "crash");
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "SIGSEGV"));
    ended(W_EXITCODE(0, SIGXCPU));
    verdict_for(OT_SAID_NOTHING, "");
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "SIGXCPU (CPU time limit)"));
    ended(W_EXITCODE(0, SIGKILL));
    out.memory_limit = true;
    verdict_for(OT_SAID_NOTHING, "");
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "SIGKILL (the test's memory limit)"));
}

static void test_timeout_wins_over_a_pass(void)
{
    ended(W_EXITCODE(0, SIGKILL));
    out.timed_out = true;
    CU_ASSERT_STRING_EQUAL(verdict_for(OT_SAID_PASS, ""), "timeout");
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "within 1000 ms"));
    snprintf(out.hang, sizeof out.hang, "At the deadline: 1 thread in 1 process: running\n");
    verdict_for(OT_SAID_NOTHING, "");
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "killed.\n  At the deadline: 1 thread"));
}

static void test_grader_errors(void)
{
    ended(W_EXITCODE(125, 0));
    CU_ASSERT_STRING_EQUAL(verdict_for(OT_SAID_ERROR, "runner: cannot exec x\n"), "error");
    ended(W_EXITCODE(0, 0));
    snprintf(out.setup_error, sizeof out.setup_error, "mount failed");
    CU_ASSERT_STRING_EQUAL(verdict_for(OT_SAID_PASS, ""), "error");
    ended(0);
    out.status_known = false;
    CU_ASSERT_STRING_EQUAL(verdict_for(OT_SAID_PASS, ""), "error");
}

static void test_exit_status_after_a_pass(void)
{
    ended(W_EXITCODE(3, 0));
    CU_ASSERT_STRING_EQUAL(verdict_for(OT_SAID_PASS, ""), "fail");
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "exited with status 3"));
}

static void test_leftovers_turn_a_pass(void)
{
    ended(W_EXITCODE(0, 0));
    lo.zombies = 1;
    snprintf(lo.processes, sizeof lo.processes, "evil\r\x1b]0;x (pid 3, zombie)");
    CU_ASSERT_STRING_EQUAL(verdict_for(OT_SAID_PASS, ""), "leftovers");
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "1 zombie(s)"));
    CU_ASSERT_PTR_NULL(strchr(why, '\r'));
    CU_ASSERT_PTR_NULL(strchr(why, '\x1b'));
    /* A failure stays a failure, with the leftovers said too. */
    lo = (struct leftovers){.shm = 2, .objects = "/dev/shm/a, /dev/shm/b"};
    CU_ASSERT_STRING_EQUAL(verdict_for(OT_SAID_FAIL, "x\n"), "fail");
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "2 entries in /dev/shm"));
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "removed: /dev/shm/a"));
    lo.left_in_place = true;
    verdict_for(OT_SAID_PASS, "");
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "left in place"));
}

static void test_siphash_reference_vectors(void)
{
    /* From the SipHash paper: key 00..0f, messages 00.. of length 0 and 15. */
    unsigned char key[16], message[15];
    for (int i = 0; i < 16; i++)
        key[i] = (unsigned char)i;
    for (int i = 0; i < 15; i++)
        message[i] = (unsigned char)i;
    CU_ASSERT_EQUAL(ot_siphash(key, message, 0), 0x726fdb47dd0e0e31ULL);
    CU_ASSERT_EQUAL(ot_siphash(key, message, 15), 0xa129ca6149be45e5ULL);
}

static void test_a_seal_binds_test_channel_and_verdict(void)
{
    struct ot_run_key run, parsed;
    CU_ASSERT_FATAL(ot_new_run_key(&run) == 0);
    char key_message[OT_KEY_MESSAGE_LEN + 1];
    ot_format_key_message(&run, key_message);
    CU_ASSERT_FATAL(ot_parse_key_message(key_message, strlen(key_message), &parsed));
    CU_ASSERT(memcmp(&run, &parsed, sizeof run) == 0);
    CU_ASSERT_FALSE(ot_parse_key_message(key_message, strlen(key_message) - 1, &parsed));

    char msg[256];
    const char *text;
    size_t n = ot_format_result(&run, "lab", "test_a", 77, "FAIL", "a.c:1: no\n", msg, sizeof msg);
    CU_ASSERT_EQUAL(ot_open_result(&run, "lab", "test_a", 77, msg, n, &text), OT_SAID_FAIL);
    CU_ASSERT_STRING_EQUAL(text, "a.c:1: no\n");
    /* Another test, another channel, another lab: refused. */
    CU_ASSERT_EQUAL(ot_open_result(&run, "lab", "test_b", 77, msg, n, &text), OT_SAID_FORGED);
    CU_ASSERT_EQUAL(ot_open_result(&run, "lab", "test_a", 78, msg, n, &text), OT_SAID_FORGED);
    CU_ASSERT_EQUAL(ot_open_result(&run, "lab2", "test_a", 77, msg, n, &text), OT_SAID_FORGED);
    /* FAIL turned into PASS by whoever relays it: refused. */
    char relayed[256];
    memcpy(relayed, msg, n + 1);
    memcpy(strstr(relayed, "FAIL"), "PASS", 4);
    CU_ASSERT_EQUAL(ot_open_result(&run, "lab", "test_a", 77, relayed, n, &text), OT_SAID_FORGED);
    /* The text changed, or cut: refused. */
    CU_ASSERT_EQUAL(ot_open_result(&run, "lab", "test_a", 77, msg, n - 1, &text), OT_SAID_FORGED);
    CU_ASSERT_EQUAL(ot_open_result(&run, "lab", "test_a", 77, "PASS\n", 5, &text), OT_SAID_FORGED);
    CU_ASSERT_EQUAL(ot_open_result(&run, "lab", "test_a", 77, "", 0, &text), OT_SAID_NOTHING);
    /* The key is never in a message. */
    key_message[2 * OT_KEY_BYTES] = '\0';
    CU_ASSERT_PTR_NULL(strstr(msg, key_message));
    n = ot_format_result(&run, "lab", "test_a", 77, "PASS", "", msg, sizeof msg);
    CU_ASSERT_EQUAL(ot_open_result(&run, "lab", "test_a", 77, msg, n, &text), OT_SAID_PASS);
}

int main(void)
{
    static const struct {
        const char *name;
        CU_TestFunc function;
    } tests[] = {
        {"pass needs a sealed pass", test_pass_needs_a_sealed_pass},
        {"fail quotes the assertion", test_fail_quotes_the_assertion},
        {"crashes name the signal and limit", test_crashes_name_the_signal_and_limit},
        {"timeout wins over a pass", test_timeout_wins_over_a_pass},
        {"grader errors", test_grader_errors},
        {"exit status after a pass", test_exit_status_after_a_pass},
        {"leftovers turn a pass", test_leftovers_turn_a_pass},
        {"siphash reference vectors", test_siphash_reference_vectors},
        {"a seal binds test, channel and verdict", test_a_seal_binds_test_channel_and_verdict},
    };
    if (CU_initialize_registry() != CUE_SUCCESS)
        exit_msg("CU_initialize_registry: %s", CU_get_error_msg());
    CU_pSuite suite = CU_add_suite("runner verdicts", NULL, NULL);
    if (suite == NULL)
        exit_msg("CU_add_suite: %s", CU_get_error_msg());
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++)
        if (CU_add_test(suite, tests[i].name, tests[i].function) == NULL)
            exit_msg("CU_add_test: %s", CU_get_error_msg());
    CU_basic_set_mode(CU_BRM_VERBOSE);
    if (CU_basic_run_tests() != CUE_SUCCESS)
        exit_msg("CU_basic_run_tests: %s", CU_get_error_msg());
    unsigned failed = CU_get_number_of_tests_failed() + CU_get_number_of_failures();
    CU_cleanup_registry();
    return failed == 0 ? 0 : 1;
}
