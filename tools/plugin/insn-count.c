/*
 * insn-count: deterministic guest instruction counter for `npm run bench`.
 *
 *   qemu-system-* ... -plugin insn-count.so,out=/tmp/x.json,store=0x20201000,pc=0x8000
 *
 * (QEMU 7.2 also accepts the deprecated `arg=out=...` spelling; both arrive
 * here as "key=value" strings.)
 *
 * Counting: one inline 64-bit add of the TB's instruction count at the start
 * of every translation block; no helper call per instruction, so it is cheap.
 * Because the add happens at TB entry, inside a callback attached to the i-th
 * instruction of an n-instruction TB the counter already includes the n - i
 * instructions from i onwards; subtracting that gives the exact number of
 * instructions retired before instruction i. Caveat: an exception raised in
 * the middle of a TB (data abort, undefined instruction) leaves the rest of
 * that TB counted although it never ran; with the MMU off this does not
 * happen on the normal path.
 *
 * Markers (each recorded once, the first time it happens):
 *   store=ADDR  first store whose virtual address equals ADDR. A write-only
 *               memory callback is attached to every instruction translated
 *               while the marker is pending; QEMU only calls it for stores.
 *               TBs translated after the hit carry no memory callback.
 *   pc=ADDR     first execution of the instruction at ADDR (an exec callback
 *               on that instruction only).
 *   hits=ADDR   (up to MAX_HIT_ADDRS of them) every execution of the instruction
 *               at ADDR, up to MAX_HITS: for figures between two events, such as
 *               an interrupt vector and the native function a handler calls first.
 *
 * JS attribution (bench --profile; docs/debugging.md):
 *   interp=START-END    the interpreter's code (JS_CallInternal): its loads get a memory callback
 *   bytecode=START-END  the bytecode image in guest memory (tsm_bytecode_start..end); the engine
 *                       runs function bytecode in place there (engine/patches/0004)
 *   jsprofile=PATH      at exit, "ADDR INSNS" per bytecode address: every instruction retired is
 *                       charged to the bytecode byte the interpreter loaded last (the opcode or
 *                       operand being executed), native code it calls included; those before
 *                       the first such load to address 0.
 *
 * At exit (QEMU's atexit, reached e.g. through semihosting SYS_EXIT) writes
 *   {"total": N, "store_mark": N|null, "pc_mark": N|null, "hits": {"ADDR": [N, ...]}}
 * to out=PATH, or prints it with qemu_plugin_outs() without out=.
 *
 * With several vCPUs under MTTCG the inline add is not atomic (7.2 has no
 * per-vCPU scoreboard), so totals are approximate there but nothing crashes.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu-plugin-api.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

struct mark {
    bool wanted;
    uint64_t addr;
    int hit;        /* 0/1, claimed with an atomic exchange so only one vCPU records */
    uint64_t count; /* instructions retired before the marked instruction */
};

static uint64_t total; /* target of the inline add */
static struct mark store_mark, pc_mark;

#define MAX_HIT_ADDRS 4
#define MAX_HITS 64
struct hits {
    uint64_t addr;
    int n;
    uint64_t counts[MAX_HITS];
};
static struct hits hits[MAX_HIT_ADDRS];
static int n_hit_addrs;
static const char *out_path; /* argv outlives the plugin, per the API */
static const char *profile_path;

/* profile=PATH: executions per translated block, for attributing instructions to functions. */
struct tb_profile {
    uint64_t vaddr;
    uint64_t n_insns;
    uint64_t execs; /* target of an inline add of 1 */
    struct tb_profile *next;
};
static struct tb_profile *profiles;

/* interp=, bytecode=, jsprofile=: instructions per bytecode address, see the header comment. */
static uint64_t interp_start, interp_end, bc_start, bc_end;
static const char *jsprofile_path;
static uint64_t *bc_insns;   /* bc_end - bc_start counters, one per bytecode byte */
static uint64_t before_js;   /* instructions before the first bytecode load */
static uint64_t bc_current;  /* the bytecode address loaded last, 0 before the first */
static uint64_t bc_since;    /* instructions retired when it was loaded */

static void charge_current(uint64_t now)
{
    uint64_t n = now - bc_since;
    if (bc_current) {
        bc_insns[bc_current - bc_start] += n;
    } else {
        before_js += n;
    }
    bc_since = now;
}

static void on_interp_load(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr, void *udata)
{
    (void)vcpu;
    if (qemu_plugin_mem_is_store(info) || vaddr < bc_start || vaddr >= bc_end) {
        return;
    }
    charge_current(__atomic_load_n(&total, __ATOMIC_RELAXED) - (uintptr_t)udata);
    bc_current = vaddr;
}

/* userdata carries n - i, see the header comment. */
static void record(struct mark *m, void *udata)
{
    uint64_t now = __atomic_load_n(&total, __ATOMIC_RELAXED);
    if (__atomic_exchange_n(&m->hit, 1, __ATOMIC_ACQ_REL) == 0) {
        m->count = now - (uintptr_t)udata;
    }
}

static void on_store(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr, void *udata)
{
    (void)vcpu;
    if (vaddr == store_mark.addr && qemu_plugin_mem_is_store(info) &&
        !__atomic_load_n(&store_mark.hit, __ATOMIC_ACQUIRE)) {
        record(&store_mark, udata);
    }
}

static void on_pc(unsigned int vcpu, void *udata)
{
    (void)vcpu;
    if (!__atomic_load_n(&pc_mark.hit, __ATOMIC_ACQUIRE)) {
        record(&pc_mark, udata);
    }
}

static void on_hit(unsigned int vcpu, void *udata)
{
    (void)vcpu;
    /* udata: (hits index << 24) | (n - i), n - i being at most a TB length. */
    uintptr_t u = (uintptr_t)udata;
    struct hits *h = &hits[u >> 24];
    uint64_t now = __atomic_load_n(&total, __ATOMIC_RELAXED);
    if (h->n < MAX_HITS) {
        h->counts[h->n++] = now - (u & 0xffffff);
    }
}

static void on_tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    (void)id;
    size_t n = qemu_plugin_tb_n_insns(tb);
    qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &total, n);
    if (profile_path) {
        struct tb_profile *p = calloc(1, sizeof *p);
        if (p) {
            p->vaddr = qemu_plugin_tb_vaddr(tb);
            p->n_insns = n;
            p->next = profiles;
            profiles = p;
            qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &p->execs, 1);
        }
    }

    if (jsprofile_path) {
        for (size_t i = 0; i < n; i++) {
            struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
            uint64_t pc = qemu_plugin_insn_vaddr(insn);
            /* QEMU 7.2 calls a QEMU_PLUGIN_MEM_R callback for no access at all (its filter
               tests the flags the wrong way round), so the callback takes both and skips stores. */
            if (pc >= interp_start && pc < interp_end) {
                qemu_plugin_register_vcpu_mem_cb(insn, on_interp_load, QEMU_PLUGIN_CB_NO_REGS,
                                                 QEMU_PLUGIN_MEM_RW, (void *)(uintptr_t)(n - i));
            }
        }
    }

    bool want_store = store_mark.wanted && !__atomic_load_n(&store_mark.hit, __ATOMIC_ACQUIRE);
    bool want_pc = pc_mark.wanted && !__atomic_load_n(&pc_mark.hit, __ATOMIC_ACQUIRE);
    if (!want_store && !want_pc && n_hit_addrs == 0) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        void *back = (void *)(uintptr_t)(n - i);
        for (int h = 0; h < n_hit_addrs; h++) {
            if (qemu_plugin_insn_vaddr(insn) == hits[h].addr) {
                void *tag = (void *)(((uintptr_t)h << 24) | (n - i));
                qemu_plugin_register_vcpu_insn_exec_cb(insn, on_hit, QEMU_PLUGIN_CB_NO_REGS, tag);
            }
        }
        if (want_pc && qemu_plugin_insn_vaddr(insn) == pc_mark.addr) {
            qemu_plugin_register_vcpu_insn_exec_cb(insn, on_pc, QEMU_PLUGIN_CB_NO_REGS, back);
        }
        if (want_store) {
            qemu_plugin_register_vcpu_mem_cb(insn, on_store, QEMU_PLUGIN_CB_NO_REGS,
                                             QEMU_PLUGIN_MEM_W, back);
        }
    }
}

static void format_mark(char *buf, size_t len, const struct mark *m)
{
    if (__atomic_load_n(&m->hit, __ATOMIC_ACQUIRE)) {
        snprintf(buf, len, "%" PRIu64, m->count);
    } else {
        snprintf(buf, len, "null");
    }
}

static void write_profile(void)
{
    FILE *f = fopen(profile_path, "w");
    if (!f) {
        fprintf(stderr, "insn-count: cannot write %s\n", profile_path);
        return;
    }
    for (struct tb_profile *p = profiles; p; p = p->next) {
        if (p->execs) {
            fprintf(f, "%" PRIx64 " %" PRIu64 " %" PRIu64 "\n", p->vaddr, p->n_insns, p->execs);
        }
    }
    fclose(f);
}

static void write_jsprofile(void)
{
    charge_current(__atomic_load_n(&total, __ATOMIC_RELAXED));
    FILE *f = fopen(jsprofile_path, "w");
    if (!f) {
        fprintf(stderr, "insn-count: cannot write %s\n", jsprofile_path);
        return;
    }
    fprintf(f, "0 %" PRIu64 "\n", before_js);
    for (uint64_t a = bc_start; a < bc_end; a++) {
        if (bc_insns[a - bc_start]) {
            fprintf(f, "%" PRIx64 " %" PRIu64 "\n", a, bc_insns[a - bc_start]);
        }
    }
    fclose(f);
}

static void on_atexit(qemu_plugin_id_t id, void *udata)
{
    (void)id;
    (void)udata;
    if (profile_path) {
        write_profile();
    }
    if (jsprofile_path) {
        write_jsprofile();
    }
    char s[32], p[32];
    static char json[MAX_HIT_ADDRS * MAX_HITS * 24 + 256];
    format_mark(s, sizeof s, &store_mark);
    format_mark(p, sizeof p, &pc_mark);
    int len = snprintf(json, sizeof json, "{\"total\": %" PRIu64 ", \"store_mark\": %s, \"pc_mark\": %s, \"hits\": {",
                       __atomic_load_n(&total, __ATOMIC_RELAXED), s, p);
    for (int h = 0; h < n_hit_addrs; h++) {
        len += snprintf(json + len, sizeof json - len, "%s\"%" PRIx64 "\": [", h ? ", " : "", hits[h].addr);
        for (int i = 0; i < hits[h].n; i++) {
            len += snprintf(json + len, sizeof json - len, "%s%" PRIu64, i ? ", " : "", hits[h].counts[i]);
        }
        len += snprintf(json + len, sizeof json - len, "]");
    }
    snprintf(json + len, sizeof json - len, "}}\n");
    if (out_path) {
        FILE *f = fopen(out_path, "w");
        if (f && fputs(json, f) >= 0 && fclose(f) == 0) {
            return;
        }
        fprintf(stderr, "insn-count: cannot write %s\n", out_path);
    }
    qemu_plugin_outs(json);
}

static bool parse_hex(const char *s, uint64_t *out)
{
    char *end;
    if (!*s) {
        return false;
    }
    *out = strtoull(s, &end, 16); /* accepts an optional 0x prefix */
    return *end == '\0';
}

/* START-END, hexadecimal, START below END */
static bool parse_range(const char *s, uint64_t *start, uint64_t *end)
{
    char *dash;
    *start = strtoull(s, &dash, 16);
    if (dash == s || *dash != '-') {
        return false;
    }
    return parse_hex(dash + 1, end) && *start < *end;
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
                                           int argc, char **argv)
{
    (void)info;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "out=", 4) == 0 && a[4]) {
            out_path = a + 4;
        } else if (strncmp(a, "store=", 6) == 0 && parse_hex(a + 6, &store_mark.addr)) {
            store_mark.wanted = true;
        } else if (strncmp(a, "pc=", 3) == 0 && parse_hex(a + 3, &pc_mark.addr)) {
            pc_mark.wanted = true;
        } else if (strncmp(a, "hits=", 5) == 0 && n_hit_addrs < MAX_HIT_ADDRS &&
                   parse_hex(a + 5, &hits[n_hit_addrs].addr)) {
            n_hit_addrs++;
        } else if (strncmp(a, "profile=", 8) == 0 && a[8]) {
            profile_path = a + 8;
        } else if (strncmp(a, "interp=", 7) == 0 && parse_range(a + 7, &interp_start, &interp_end)) {
        } else if (strncmp(a, "bytecode=", 9) == 0 && parse_range(a + 9, &bc_start, &bc_end)) {
        } else if (strncmp(a, "jsprofile=", 10) == 0 && a[10]) {
            jsprofile_path = a + 10;
        } else {
            fprintf(stderr, "insn-count: bad argument '%s' (want out=PATH, store=HEX, pc=HEX, hits=HEX (up to 4), profile=PATH, "
                            "interp=HEX-HEX, bytecode=HEX-HEX, jsprofile=PATH)\n", a);
            return -1;
        }
    }
    if (jsprofile_path) {
        if (!interp_end || !bc_end || bc_end - bc_start > (64u << 20)) {
            fprintf(stderr, "insn-count: jsprofile= needs interp=START-END and bytecode=START-END (at most 64 MiB)\n");
            return -1;
        }
        bc_insns = calloc(bc_end - bc_start, sizeof *bc_insns);
        if (!bc_insns) {
            fprintf(stderr, "insn-count: no memory for the JS profile\n");
            return -1;
        }
    }
    if (out_path) {
        remove(out_path); /* so a killed QEMU leaves no stale result behind */
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_tb_trans);
    qemu_plugin_register_atexit_cb(id, on_atexit, NULL);
    return 0;
}
