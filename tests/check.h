/* check.h: a minimal test harness. Each test binary defines test functions,
 * lists them in main with RUN(fn), and ends with `return check_report();`,
 * which prints "NAME: N passed, N failed" and returns non-zero on failure.
 * A test fails when any CHECK in it fails; it stops at the first failure. */
#ifndef FS_CHECK_H
#define FS_CHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int check_passed, check_failed, check_current_failed;
static const char *check_current;

#define CHECK(cond) do { \
    if (!(cond)) { \
        fprintf(stderr, "  FAIL %s (%s:%d): %s\n", check_current, __FILE__, __LINE__, #cond); \
        check_current_failed = 1; return; \
    } } while (0)

#define CHECKF(cond, ...) do { \
    if (!(cond)) { \
        fprintf(stderr, "  FAIL %s (%s:%d): %s: ", check_current, __FILE__, __LINE__, #cond); \
        fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); \
        check_current_failed = 1; return; \
    } } while (0)

/* |a - b| <= tol, with both values printed on failure. */
#define CHECK_NEAR(a, b, tol) do { \
    double check_a_ = (a), check_b_ = (b), check_t_ = (tol); \
    if (!(fabs(check_a_ - check_b_) <= check_t_)) { \
        fprintf(stderr, "  FAIL %s (%s:%d): %s = %.17g, %s = %.17g, tolerance %.6g\n", \
                check_current, __FILE__, __LINE__, #a, check_a_, #b, check_b_, check_t_); \
        check_current_failed = 1; return; \
    } } while (0)

#define CHECK_STR_CONTAINS(hay, needle) do { \
    const char *check_h_ = (hay), *check_n_ = (needle); \
    if (check_h_ == NULL || strstr(check_h_, check_n_) == NULL) { \
        fprintf(stderr, "  FAIL %s (%s:%d): \"%s\" does not contain \"%s\"\n", \
                check_current, __FILE__, __LINE__, check_h_ ? check_h_ : "(null)", check_n_); \
        check_current_failed = 1; return; \
    } } while (0)

#define RUN(fn) do { \
    check_current = #fn; check_current_failed = 0; fn(); \
    if (check_current_failed) check_failed++; else check_passed++; \
    } while (0)

static int check_report_named(const char *name)
{
    printf("%s: %d passed, %d failed\n", name, check_passed, check_failed);
    return check_failed ? 1 : 0;
}

#define check_report() check_report_named(__FILE__)

#endif
