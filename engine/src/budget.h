/*
 * The per-job execution budget (docs/event-loop.md, "Execution budget"): a job — the module's
 * top-level evaluation, a promise job, a timer callback, an interrupt handler — that runs longer
 * than the budget is stopped with an uncatchable error and the firmware exits with
 * TSM_EXIT_JOB_BUDGET. Set at link time (--max-job-ms, board.json maxJobMs) or by
 * hal.cpu.setJobBudget(). With no budget, no interrupt handler is installed: nothing is polled.
 */
#ifndef TSM_BUDGET_H
#define TSM_BUDGET_H

#include <stdint.h>
#include "quickjs.h"

/* Applies the image's link-time budget (before unit "main" runs): -1 to go on, else an exit
   code after a message (the board has no clock to measure it with). */
int tsm_budget_boot(JSContext *ctx);
/* tsm_budget_set, which the HAL calls too (hal.cpu.setJobBudget), is in the contract: tsmetal.h. */

/* Nonzero while a budget is set: jobs are then timed. An int, not the 64-bit tick count, so
   that the test costs one load on 32-bit CPUs too: it sits on the interrupt-to-handler path. */
extern int tsm_budget_on;
void tsm_budget_start_job(void);
void tsm_budget_end_job(void);
/* Brackets one job. Without a budget, a test of one variable. */
static inline void tsm_budget_job_start(void)
{
    if (tsm_budget_on)
        tsm_budget_start_job();
}
static inline void tsm_budget_job_end(void)
{
    if (tsm_budget_on)
        tsm_budget_end_job();
}

/* Whether a job overran its budget: its error may have turned into a promise rejection. */
extern int tsm_budget_exceeded;
/* Reports the overrun (the budget, where the job was stopped) and returns TSM_EXIT_JOB_BUDGET,
   dropping ctx's pending exception; -1 if no job overran. */
int tsm_budget_report(JSContext *ctx);
/* For a pending exception: the overrun's report if it is one, else tsm_report_pending_exception. */
int tsm_budget_report_pending(JSContext *ctx);

#endif
