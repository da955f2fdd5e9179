#ifndef TSM_HEAP_H
#define TSM_HEAP_H
#include "quickjs.h"
extern const JSMallocFunctions tsm_heap_functions;
void tsm_heap_set_limit(size_t limit);
#endif
