#include <string.h>
#include "tsmetal.h"

void tsm_console_puts(const char *s)
{
    tsm_console_write(s, strlen(s));
}
