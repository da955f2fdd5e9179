/*
 * tsmc: the host bytecode compiler. Built with the host cc from the same patched engine source
 * as the target, it compiles the esbuild bundle (an ES module that imports only "hal") to
 * QuickJS bytecode and wraps it in the tsmetal image header (engine/src/blob.h).
 *
 *   tsmc <bundle.js> <out.bin> <script-name>     compile; script-name is what stack traces show
 *   tsmc --fingerprint                           print this engine's fingerprint and id
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

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--fingerprint") == 0) {
        printf("%08x %s\n", tsm_engine_fingerprint(), tsm_engine_id());
        return 0;
    }
    if (argc != 4) {
        fprintf(stderr, "usage: tsmc <bundle.js> <out.bin> <script-name> | tsmc --fingerprint\n");
        return 2;
    }
    size_t src_len;
    char *src = read_file(argv[1], &src_len);
    if (!src) {
        fprintf(stderr, "tsmc: cannot read %s\n", argv[1]);
        return 1;
    }
    JSRuntime *rt = JS_NewRuntime();
    JSContext *ctx = JS_NewContext(rt);
    JS_SetModuleLoaderFunc(rt, NULL, load_module, NULL);
    JSValue module = JS_Eval(ctx, src, src_len, argv[3],
                             JS_EVAL_TYPE_MODULE | JS_EVAL_FLAG_COMPILE_ONLY);
    if (JS_IsException(module)) {
        print_exception(ctx);
        return 1;
    }
    size_t len;
    uint8_t *bytecode = JS_WriteObject(ctx, &len, module, JS_WRITE_OBJ_BYTECODE);
    JS_FreeValue(ctx, module);
    if (!bytecode) {
        print_exception(ctx);
        return 1;
    }
    uint8_t header[TSM_BLOB_HEADER_SIZE];
    tsm_blob_write_header(header, bytecode, (uint32_t)len);
    FILE *out = fopen(argv[2], "wb");
    if (!out || fwrite(header, 1, sizeof header, out) != sizeof header ||
        fwrite(bytecode, 1, len, out) != len || fclose(out) != 0) {
        fprintf(stderr, "tsmc: cannot write %s\n", argv[2]);
        return 1;
    }
    js_free(ctx, bytecode);
    JS_FreeContext(ctx);
    JS_FreeRuntime(rt);
    free(src);
    return 0;
}
