/*
 * The per-job execution budget (budget.h, docs/event-loop.md "Execution budget"). Jobs are timed
 * on the event loop's clock. QuickJS polls its interrupt handler every 10,000 interpreter polls
 * (calls, backward jumps) and, with engine/patches/0007, every 10,000 regexp backtracks; only
 * then is the clock read. An overrunning job gets an uncatchable InternalError naming the budget,
 * thrown at the poll point, so its stack says where the job was stopped; a handler that returns
 * -1 after throwing is asked again at the next poll point (0007), and from then on throws the
 * same error again at once, so nothing more runs until the loop reports it and exits.
 */
#include <stdint.h>
#include "quickjs.h"
#include "tsmetal.h"
#include "tsmetal-hooks.h"
#include "report.h"
#include "budget.h"

int tsm_budget_on;
static uint64_t budget_ticks;
int tsm_budget_exceeded;
static uint32_t budget_ms;
static const char *budget_source;
static int in_job;
static uint64_t job_start;
/* The error thrown at the overrun; its "stack" is where the job was stopped. */
static JSValue overrun;
static int have_overrun;

static int interrupt_handler(JSRuntime *rt, void *opaque)
{
    JSContext *ctx = opaque;
    (void)rt;
    if (!tsm_budget_exceeded) {
        if (!in_job || tsm_clock_now() - job_start <= budget_ticks)
            return 0;
        tsm_budget_exceeded = 1;
        JS_ThrowInternalError(ctx, "job exceeded its execution budget of %u ms (%s)",
                              (unsigned)budget_ms, budget_source);
        overrun = JS_GetException(ctx);
        have_overrun = 1;
    }
    /* The stack is added where the interpreter unwinds (from the poll point's pc). */
    JS_Throw(ctx, JS_DupValue(ctx, overrun));
    return -1;
}

void tsm_budget_start_job(void)
{
    in_job = 1;
    job_start = tsm_clock_now();
}

void tsm_budget_end_job(void)
{
    in_job = 0;
}

int tsm_budget_set(JSContext *ctx, uint32_t ms, const char *source)
{
    JSRuntime *rt = JS_GetRuntime(ctx);
    if (ms == 0) {
        tsm_budget_on = 0;
        in_job = 0;
        JS_SetInterruptHandler(rt, NULL, NULL);
        return 0;
    }
    if (tsm_engine_start_loop(ctx) < 0)
        return -1;
    if (!tsm_clock_attached()) {
        JS_ThrowTypeError(ctx, "%s: no clock to time jobs with (the board has no event loop)",
                          source);
        return -1;
    }
    budget_ms = ms;
    budget_source = source;
    budget_ticks = tsm_clock_ticks_from_ms(ms);
    tsm_budget_on = 1;
    /* Set from a running job (hal.cpu.setJobBudget): the rest of it is timed from here. */
    in_job = 1;
    job_start = tsm_clock_now();
    JS_SetInterruptHandler(rt, interrupt_handler, ctx);
    return 0;
}

/* In .rodata: tsmetal-hooks.h tsm_link_setting. */
static uint8_t *const max_job_ms_ref = tsm_max_job_ms;

int tsm_budget_boot(JSContext *ctx)
{
    uintptr_t ms = tsm_link_setting(&max_job_ms_ref);
    if (ms == 0)
        return -1;
    if (tsm_budget_set(ctx, (uint32_t)ms, "--max-job-ms") < 0)
        return tsm_report_pending_exception(ctx);
    in_job = 0;
    return -1;
}

static void print_string_property(JSContext *ctx, JSValueConst obj, const char *name)
{
    JSValue v = JS_GetPropertyStr(ctx, obj, name);
    const char *s = JS_IsString(v) ? JS_ToCString(ctx, v) : NULL;
    if (s) {
        tsm_console_puts(s);
        JS_FreeCString(ctx, s);
    }
    JS_FreeValue(ctx, v);
}

int tsm_budget_report(JSContext *ctx)
{
    if (!tsm_budget_exceeded)
        return -1;
    /* Nothing is stopped any more: the report itself reads properties. */
    JS_SetInterruptHandler(JS_GetRuntime(ctx), NULL, NULL);
    JS_FreeValue(ctx, JS_GetException(ctx));
    tsm_console_puts("tsmetal: a job ran longer than its execution budget of ");
    tsm_console_put_dec(budget_ms);
    tsm_console_puts(" ms (");
    tsm_console_puts(budget_source);
    tsm_console_puts(") and was stopped\n");
    if (have_overrun)
        print_string_property(ctx, overrun, "stack");
    return TSM_EXIT_JOB_BUDGET;
}

int tsm_budget_report_pending(JSContext *ctx)
{
    int code = tsm_budget_report(ctx);
    return code >= 0 ? code : tsm_report_pending_exception(ctx);
}
