/* The `dma` namespace of the native module: uncached buffers for devices (hal/native/dma.c). */
#ifndef TSM_DMA_H
#define TSM_DMA_H

#include "quickjs.h"

extern const JSCFunctionListEntry tsm_dma_funcs[];
extern const int tsm_dma_funcs_count;

#endif
