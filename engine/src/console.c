/* The early console's formatting for reports in C (faults, boot checks), on every arch. */
#include <string.h>
#include "tsmetal.h"
#include "tsmetal-hooks.h"

void tsm_console_puts(const char *s)
{
    tsm_console_write(s, strlen(s));
}

void tsm_console_put_hex(const char *label, uint64_t v, int digits)
{
    char buf[2 + 16 + 1];
    if (digits < 1 || digits > 16)
        digits = 16;
    buf[0] = '0';
    buf[1] = 'x';
    for (int i = 0; i < digits; i++)
        buf[2 + i] = "0123456789abcdef"[(v >> (4 * (digits - 1 - i))) & 0xf];
    buf[2 + digits] = 0;
    tsm_console_puts(label);
    tsm_console_puts(buf);
}

void tsm_console_put_dec(int64_t v)
{
    char buf[21];
    int i = sizeof buf - 1;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    buf[i] = 0;
    do
        buf[--i] = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0)
        buf[--i] = '-';
    tsm_console_puts(buf + i);
}
