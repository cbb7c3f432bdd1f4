/*
 * define_cunit_assert - replaces CUnit's assertion function with one that
 * always succeeds.
 * Class: faked results
 * Unprivileged: yes
 */
#include <CUnit/CUnit.h> /* CU_assertImplementation's declaration */

CU_BOOL CU_assertImplementation(CU_BOOL bValue, unsigned int uiLine, const char *strCondition,
                                const char *strFile, const char *strFunction, CU_BOOL bFatal)
{
    (void)bValue, (void)uiLine, (void)strCondition, (void)strFile, (void)strFunction,
        (void)bFatal;
    return CU_TRUE;
}
