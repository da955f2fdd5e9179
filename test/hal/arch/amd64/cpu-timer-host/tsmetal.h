/* engine/include/tsmetal.h for the host harness of hal/arch/amd64/cpu-timer.c: nothing it uses. */
#ifndef TSMETAL_H
#define TSMETAL_H
#endif
