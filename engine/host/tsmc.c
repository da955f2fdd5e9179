/*
 * tsmc: the host bytecode compiler. Built with the host cc from the same patched engine source
 * as the target, it compiles the esbuild bundle (an ES module that imports only "hal") to
 * QuickJS bytecode and writes the tsmetal image (engine/src/blob.h: header, unit table, units,
 * every byte under a check).
 *
 *   tsmc <out.bin> <unit> <script-name> <bundle.js> [<unit> <script-name> <bundle.js>]...
 *       compile each bundle as a module named <script-name> (what stack traces show) into an
 *       image whose units are named <unit>; the first unit is the firmware itself
 *   tsmc --script <out.bin> <unit> <script-name> <input.js>
 *       the same, compiled as a global script (a REPL input: tools/lib/repl-compile.ts)
 *   tsmc --fingerprint
 *       print this engine's fingerprint and id
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "quickjs.h"
#include "blob.h"

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf) {
        buf[n] = 0;
        *len = (size_t)n;
    }
    return buf;
}

static int dummy_module_init(JSContext *ctx, JSModuleDef *m)
{
    (void)ctx; (void)m;
    return 0;
}

/* Compiling a module makes QuickJS look up what it imports. The only import a firmware bundle
   has is the target's native module "hal", which the host stands in for with an empty module
   (it is never run here); anything else is a bundling mistake. */
static JSModuleDef *load_module(JSContext *ctx, const char *name, void *opaque)
{
    (void)opaque;
    if (strcmp(name, "hal") == 0)
        return JS_NewCModule(ctx, name, dummy_module_init);
    JS_ThrowReferenceError(ctx, "import of '%s': firmware bundles may import only \"hal\"", name);
    return NULL;
}

static void print_exception(JSContext *ctx)
{
    JSValue exc = JS_GetException(ctx);
    const char *s = JS_ToCString(ctx, exc);
    fprintf(stderr, "tsmc: %s\n", s ? s : "unknown error");
    if (s)
        JS_FreeCString(ctx, s);
    JSValue stack = JS_GetPropertyStr(ctx, exc, "stack");
    if (JS_IsString(stack)) {
        const char *st = JS_ToCString(ctx, stack);
        fprintf(stderr, "%s", st);
        JS_FreeCString(ctx, st);
    }
    JS_FreeValue(ctx, stack);
    JS_FreeValue(ctx, exc);
}

/* Compiles one bundle to bytecode; returns NULL (after printing why) on failure. */
/* JS_EVAL_TYPE_MODULE, or JS_EVAL_TYPE_GLOBAL with --script. */
static int eval_type = JS_EVAL_TYPE_MODULE;

static uint8_t *compile(JSContext *ctx, const char *path, const char *script_name, size_t *len)
{
    size_t src_len;
    char *src = read_file(path, &src_len);
    if (!src) {
        fprintf(stderr, "tsmc: cannot read %s\n", path);
        return NULL;
    }
    JSValue module = JS_Eval(ctx, src, src_len, script_name,
                             eval_type | JS_EVAL_FLAG_COMPILE_ONLY);
    free(src);
    if (JS_IsException(module)) {
        print_exception(ctx);
        return NULL;
    }
    uint8_t *bytecode = JS_WriteObject(ctx, len, module, JS_WRITE_OBJ_BYTECODE);
    JS_FreeValue(ctx, module);
    if (!bytecode)
        print_exception(ctx);
    return bytecode;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--fingerprint") == 0) {
        printf("%08x %s\n", tsm_engine_fingerprint(), tsm_engine_id());
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "--script") == 0) {
        eval_type = JS_EVAL_TYPE_GLOBAL;
        argv++;
        argc--;
    }
    int n_units = (argc - 2) / 3;
    if (argc < 5 || (argc - 2) % 3 != 0) {
        fprintf(stderr, "usage: tsmc <out.bin> <unit> <script-name> <bundle.js> [...] | tsmc --fingerprint\n");
        return 2;
    }
    if (n_units > TSM_MAX_UNITS) {
        fprintf(stderr, "tsmc: %d units given, an image holds at most %d (TSM_MAX_UNITS, engine/src/blob.h)\n", n_units, TSM_MAX_UNITS);
        return 2;
    }
    JSRuntime *rt = JS_NewRuntime();
    JSContext *ctx = JS_NewContext(rt);
    JS_SetModuleLoaderFunc(rt, NULL, load_module, NULL);

    const char *names[TSM_MAX_UNITS];
    const uint8_t *bytecode[TSM_MAX_UNITS];
    uint32_t lengths[TSM_MAX_UNITS];
    for (int i = 0; i < n_units; i++) {
        const char *unit = argv[2 + 3 * i], *script = argv[3 + 3 * i], *path = argv[4 + 3 * i];
        if (strlen(unit) == 0 || strlen(unit) >= TSM_UNIT_NAME_MAX) {
            fprintf(stderr, "tsmc: unit name '%s' must have 1 to %d characters\n", unit, TSM_UNIT_NAME_MAX - 1);
            return 2;
        }
        for (int k = 0; k < i; k++) {
            if (strcmp(names[k], unit) == 0) {
                fprintf(stderr, "tsmc: unit name '%s' given twice\n", unit);
                return 2;
            }
        }
        size_t len;
        uint8_t *bc = compile(ctx, path, script, &len);
        if (!bc)
            return 1;
        if (len > 0x7fffffff) {
            fprintf(stderr, "tsmc: %s: bytecode too large\n", path);
            return 1;
        }
        names[i] = unit;
        bytecode[i] = bc;
        lengths[i] = (uint32_t)len;
    }
    size_t size = tsm_blob_size(n_units, lengths);
    uint8_t *image = malloc(size);
    if (!image) {
        fprintf(stderr, "tsmc: out of memory\n");
        return 1;
    }
    tsm_blob_write(image, n_units, names, bytecode, lengths);
    FILE *out = fopen(argv[1], "wb");
    if (!out || fwrite(image, 1, size, out) != size || fclose(out) != 0) {
        fprintf(stderr, "tsmc: cannot write %s\n", argv[1]);
        return 1;
    }
    free(image);
    for (int i = 0; i < n_units; i++)
        js_free(ctx, (void *)bytecode[i]);
    JS_FreeContext(ctx);
    JS_FreeRuntime(rt);
    return 0;
}
