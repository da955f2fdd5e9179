/*
 * hal.cpu.random32(): 32 random bits from the CPU's own random number instruction, for
 * crypto.getRandomValues() on boards whose only hardware RNG is in the CPU (x86 RDRAND, Intel SDM
 * vol. 1, 7.3.17; vol. 2B, RDRAND). Linked only by targets whose arch.h has
 * tsm_arch_random32 (tools/lib/targets.ts); elsewhere hal.cpu has no random32. A CPU without
 * the instruction (CPUID.01H:ECX.RDRAND[bit 30] = 0) gets a TypeError; one whose generator keeps
 * failing (CF = 0 ten times in a row, Intel's DRNG guide 5.2.1) an Error, never a weak number.
 */
#include <stdint.h>
#include "quickjs.h"
#include "cutils.h"
#include "arch.h"

#define RDRAND_RETRIES 10

static JSValue cpu_random32(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    if (!tsm_arch_has_random())
        return JS_ThrowTypeError(ctx, "cpu.random32: this CPU has no random number instruction");
    for (int i = 0; i < RDRAND_RETRIES; i++) {
        uint32_t v;
        if (tsm_arch_random32(&v))
            return JS_NewUint32(ctx, v);
    }
    return JS_ThrowInternalError(ctx, "cpu.random32: the CPU's random number generator failed %d times", RDRAND_RETRIES);
}

/* hal.cpu.reset(): the machine's reset (tsm_arch_reset in arch.h; amd64: UEFI ResetSystem under
   BOOTX64.EFI, else the PC's reset register, the i8042, a triple fault). Beside random32, as the
   x86 bare-metal boards' other CPU function. */
static JSValue cpu_reset(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    tsm_arch_reset();
}

const JSCFunctionListEntry tsm_cpu_extra_funcs[] = {
    JS_CFUNC_DEF("random32", 0, cpu_random32),
    JS_CFUNC_DEF("reset", 0, cpu_reset),
};
const int tsm_cpu_extra_funcs_count = countof(tsm_cpu_extra_funcs);
