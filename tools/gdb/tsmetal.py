# gdb helper for tsmetal firmware: the engine's JS stack, mapped to TypeScript lines.
#
#   gdb-multiarch build/out/<board>-<app>-<hash>/firmware.elf \
#       -ex 'source tools/gdb/tsmetal.py' -ex 'target remote :1234'
#
# (npm run qemu -- --gdb prints that line.) Commands:
#   tsmetal-bt               the JS frames, innermost first: function, bundle line, .ts file:line
#   tsmetal-break-uncaught   stop where the engine reports an uncaught exception or an unhandled
#                            rejection (tsm_report_exception, engine/src/report.c)
#
# The frames are QuickJS 2021-03-27's: JSRuntime.current_stack_frame is a list of JSStackFrame
# (innermost first, linked by prev_frame); a bytecode function's frame has cur_func, a function
# object whose JSFunctionBytecode carries its file (an atom), and cur_pc, the bytecode position
# after the current call; the line is decoded from the function's pc2line table the way
# find_line_num() does it (quickjs.c). Bundle lines become .ts lines through lines.json, which the
# build writes next to firmware.elf (tools/lib/line-table.ts).
#
# When the engine reports an uncaught exception, the JS frames have already unwound (the report
# runs in C after the exception left the last frame). So tsmetal-break-uncaught also sets a silent
# breakpoint on build_backtrace(), which QuickJS calls while the frames are still live (when an
# Error is made, or when a thrown error without a stack leaves the frame that threw), and records
# the JS stack there; at the report, tsmetal-bt shows the stack recorded for the reported error.
import json
import os

import gdb

# quickjs.c: PC2LINE_BASE, PC2LINE_RANGE, PC2LINE_OP_FIRST
PC2LINE_BASE = -1
PC2LINE_RANGE = 5
PC2LINE_OP_FIRST = 1
JS_ATOM_TAG_INT = 1 << 31
BYTECODE_CLASSES = ("JS_CLASS_BYTECODE_FUNCTION", "JS_CLASS_GENERATOR_FUNCTION",
                    "JS_CLASS_ASYNC_FUNCTION", "JS_CLASS_ASYNC_GENERATOR_FUNCTION")
RECORDS_KEPT = 64

_line_tables = {}
# (error object address or None, frames), newest last
_recorded = []


def _line_table():
    """lines.json beside the ELF gdb was started with, or None."""
    elf = gdb.current_progspace().filename
    if not elf:
        return None
    path = os.path.join(os.path.dirname(os.path.abspath(elf)), "lines.json")
    if path not in _line_tables:
        try:
            with open(path, encoding="utf-8") as f:
                table = json.load(f)
            _line_tables[path] = table.get("scripts") if table.get("format") == 1 else None
        except (OSError, ValueError):
            _line_tables[path] = None
    return _line_tables[path]


def _runtime():
    """The engine's JSRuntime: engine.c's `rt`, else the `ctx` of the selected C frame."""
    for expr in ("'engine.c'::rt", "ctx->rt"):
        try:
            rt = gdb.parse_and_eval(expr)
            if int(rt) != 0:
                return rt
        except gdb.error:
            pass
    raise gdb.GdbError("tsmetal: no JSRuntime found (is this a tsmetal firmware.elf, and has the engine started?)")


def _object_address(value):
    """The object pointer of a JSValue, or None when it is not an object."""
    if value.type.strip_typedefs().code == gdb.TYPE_CODE_STRUCT:  # 64-bit: { u, tag }
        if int(value["tag"]) != int(gdb.parse_and_eval("JS_TAG_OBJECT")):
            return None
        return int(value["u"]["ptr"])
    bits = int(value) & 0xFFFFFFFFFFFFFFFF  # 32-bit targets: NaN boxing, tag in the upper word
    tag = bits >> 32
    if tag >= 1 << 31:
        tag -= 1 << 32
    if tag != int(gdb.parse_and_eval("JS_TAG_OBJECT")):
        return None
    return bits & 0xFFFFFFFF


def _atom_string(rt, atom):
    atom = int(atom) & 0xFFFFFFFF
    if atom == 0:
        return None
    if atom & JS_ATOM_TAG_INT:
        return str(atom & ~JS_ATOM_TAG_INT)
    s = rt["atom_array"][atom]
    if int(s) == 0:
        return None
    n = int(s["len"])
    if int(s["is_wide_char"]):
        data = bytes(gdb.selected_inferior().read_memory(s["u"]["str16"].address, 2 * n))
        return data.decode("utf-16-le", "replace")
    data = bytes(gdb.selected_inferior().read_memory(s["u"]["str8"].address, n))
    return data.decode("latin-1")


def _leb128(buf, i):
    value = shift = 0
    while i < len(buf):
        b = buf[i]
        i += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return value, i
    raise ValueError("truncated leb128")


def pc_to_line(line_num, pc2line, pc_value):
    """find_line_num() of quickjs.c over a pc2line table (with tsmetal's 0015: no table, first line)."""
    pc = 0
    try:
        i = 0
        while i < len(pc2line):
            op = pc2line[i]
            i += 1
            if op == 0:
                delta_pc, i = _leb128(pc2line, i)
                pc += delta_pc
                raw, i = _leb128(pc2line, i)
                new_line = line_num + ((raw >> 1) ^ -(raw & 1))  # sleb128: zigzag
            else:
                op -= PC2LINE_OP_FIRST
                pc += op // PC2LINE_RANGE
                new_line = line_num + op % PC2LINE_RANGE + PC2LINE_BASE
            if pc_value < pc:
                return line_num
            line_num = new_line
    except ValueError:
        pass
    return line_num


def js_frames(rt=None):
    """The live JS frames, innermost first: dicts with name, script, line (None for native ones)."""
    rt = rt if rt is not None else _runtime()
    classes = {int(gdb.parse_and_eval(c)) for c in BYTECODE_CLASSES}
    frames = []
    sf = rt["current_stack_frame"]
    while int(sf) != 0 and len(frames) < 10000:
        addr = _object_address(sf["cur_func"])
        frame = {"name": None, "script": None, "line": None}
        if addr is not None:
            obj = gdb.Value(addr).cast(gdb.lookup_type("JSObject").pointer())
            if int(obj["class_id"]) in classes:
                b = obj["u"]["func"]["function_bytecode"]
                frame["name"] = _atom_string(rt, b["func_name"])
                if int(b["has_debug"]):
                    frame["script"] = _atom_string(rt, b["debug"]["filename"])
                    pc = int(sf["cur_pc"]) - int(b["byte_code_buf"]) - 1
                    n = int(b["debug"]["pc2line_len"])
                    table = b""
                    if n > 0 and int(b["debug"]["pc2line_buf"]) != 0:
                        table = bytes(gdb.selected_inferior().read_memory(b["debug"]["pc2line_buf"], n))
                    frame["line"] = pc_to_line(int(b["debug"]["line_num"]), table, pc)
        frames.append(frame)
        sf = sf["prev_frame"]
    return frames


def describe(frame, table):
    if frame["script"] is None:
        return "(native)"
    name = frame["name"] or "<anonymous>"
    where = "%s:%s" % (frame["script"], frame["line"])
    ts = table.get(frame["script"], {}).get(str(frame["line"])) if table else None
    return "%s (%s)%s" % (name, where, " at " + ts if ts else "")


def _reported_error():
    """The error tsm_report_exception is reporting, when it is on the C stack and readable."""
    f = gdb.selected_frame()
    while f is not None:
        if f.name() == "tsm_report_exception":
            try:
                return _object_address(f.read_var("exc"))
            except (gdb.error, ValueError):
                return None
        f = f.older()
    return None


class BacktraceCommand(gdb.Command):
    """Print the engine's JS stack, innermost first, each frame mapped to its .ts file:line.

When no JS frame is live (e.g. stopped by tsmetal-break-uncaught, where the engine reports an
uncaught exception after the frames unwound) it prints the stack recorded where that error was
made."""

    def __init__(self):
        super().__init__("tsmetal-bt", gdb.COMMAND_STACK)

    def invoke(self, arg, from_tty):
        table = _line_table()
        if table is None:
            print("tsmetal: no lines.json beside the ELF: frames show bundle lines only")
        frames = js_frames()
        if not frames:
            err = _reported_error()
            rec = next((r for r in reversed(_recorded) if err is not None and r[0] == err), None)
            if rec is None and _recorded:
                rec = _recorded[-1]
            if rec is None:
                print("tsmetal: no JS frame is running%s" % (
                    "" if _catcher else " (tsmetal-break-uncaught records the stack where an error is made)"))
                return
            print("no JS frame is running; the JS stack where the error was made:")
            frames = rec[1]
        for i, frame in enumerate(frames):
            print("#%-3d %s" % (i, describe(frame, table)))


class _RecordBacktrace(gdb.Breakpoint):
    """Silent: records the JS stack each time QuickJS builds an error's backtrace."""

    def stop(self):
        try:
            err = None
            try:
                err = _object_address(gdb.selected_frame().read_var("error_obj"))
            except (gdb.error, ValueError):
                pass
            _recorded.append((err, js_frames()))
            del _recorded[:-RECORDS_KEPT]
        except gdb.error as e:
            print("tsmetal: could not record the JS stack: %s" % e)
        return False


_catcher = None


class BreakUncaughtCommand(gdb.Command):
    """Stop where the engine reports an uncaught exception or unhandled rejection (tsm_report_exception).

Also records the JS stack wherever an error is made, for tsmetal-bt at that stop."""

    def __init__(self):
        super().__init__("tsmetal-break-uncaught", gdb.COMMAND_BREAKPOINTS)

    def invoke(self, arg, from_tty):
        global _catcher
        if _catcher is None:
            _catcher = _RecordBacktrace("build_backtrace", internal=True)
        gdb.Breakpoint("tsm_report_exception")


BacktraceCommand()
BreakUncaughtCommand()
