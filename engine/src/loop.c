/*
 * The event loop (docs/event-loop.md). Each turn: run every queued promise job (microtasks),
 * then one interrupt handler if a line was taken, else one due timer, so that jobs run between
 * any two callbacks and interrupts are never starved by timers. Due timers are run in batches:
 * a batch holds the timers due when it started, so a timer that keeps re-arming itself with
 * setTimeout(0) cannot keep the loop from checking for interrupts. With nothing due, the loop
 * arms the clock's deadline interrupt and sleeps (tsm_arch_wait) until an interrupt; with
 * nothing that could ever wake it (no timers, no keep-alive interrupt handlers, no jobs) it ends.
 */
#include <stdint.h>
#include "quickjs.h"
#include "tsmetal.h"
#include "tsmetal-hooks.h"
#include "loop.h"
#include "timers.h"
#include "report.h"
#include "rejections.h"
#include "budget.h"

/* Runs queued promise jobs until none is left; returns an exit code, or -1 to go on. Each job is
   timed on its own (budget.h); a job stopped by its budget may have ended as a rejection. */
static int drain_jobs(JSRuntime *rt, JSContext *ctx)
{
    if (tsm_budget_exceeded)
        return tsm_budget_report(ctx);
    for (;;) {
        JSContext *job_ctx;
        tsm_budget_job_start();
        int r = JS_ExecutePendingJob(rt, &job_ctx);
        tsm_budget_job_end();
        if (r == 0)
            break;
        if (r < 0)
            return tsm_budget_report_pending(job_ctx);
        if (tsm_budget_exceeded)
            return tsm_budget_report(ctx);
    }
    return tsm_rejections_report(ctx);
}

/* Sleeps until an interrupt, unless one is already queued or `deadline` (if any) has passed.
   Interrupts are masked around the check so that one arriving just before the wait is not
   missed: the wait instruction still wakes for a pending interrupt while they are masked. */
static void sleep_until(int has_deadline, uint64_t deadline)
{
    tsm_arch_irq_disable();
    if (!tsm_irq_queued() && !(has_deadline && tsm_clock_now() >= deadline))
        tsm_arch_wait();
    tsm_arch_irq_enable();
}

int tsm_loop_run(JSRuntime *rt, JSContext *ctx)
{
    int in_batch = 0;
    uint64_t batch_now = 0;
    uint32_t batch_limit = 0;
    for (;;) {
        int code = drain_jobs(rt, ctx);
        if (code >= 0)
            return code;
        /* An interrupt handler or a timer callback is one job (budget.h). */
        tsm_budget_job_start();
        int r = tsm_irq_dispatch_one(ctx);
        if (r == 0 && in_batch) {
            r = tsm_timers_run_due(ctx, batch_now, batch_limit);
            in_batch = r != 0;
        }
        tsm_budget_job_end();
        if (r < 0)
            return tsm_budget_report_pending(ctx);
        /* A job that ran and overran its budget as a rejection is reported by drain_jobs. */
        if (r > 0)
            continue;
        if (!tsm_timers_pending()) {
            if (!tsm_irq_keeps_alive())
                return TSM_EXIT_OK;
            sleep_until(0, 0);
            continue;
        }
        uint64_t next = tsm_timers_next_deadline();
        uint64_t now = tsm_clock_now();
        if (next <= now) {
            in_batch = 1;
            batch_now = now;
            batch_limit = tsm_timers_sequence();
            continue;
        }
        if (tsm_clock_arm(ctx, next) < 0)
            return tsm_budget_report_pending(ctx);
        sleep_until(1, next);
    }
}
