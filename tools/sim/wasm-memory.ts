/**
 * The simulated QuickJS's WebAssembly instance, with its memory capped at the firmware's limit.
 *
 * rt.setMemoryLimit alone does not hold: QuickJS counts each allocation as its usable size, which
 * an emscripten build reports as 0 (quickjs.c js_def_malloc_usable_size), so the runtime's
 * malloc_size grows by the per-block overhead only and just a single allocation larger than the
 * whole limit is refused; 2 GiB of 1 MiB typed arrays got through under a 64 MiB limit, until
 * the module's default maximum memory (2 GiB) stopped them. Here the instance's memory may grow
 * only by the limit beyond its initial 16 MiB, whose free part is taken once the runtime and
 * context are made, so the allocator's sbrk fails past it and QuickJS throws its own catchable
 * "InternalError: out of memory" at the allocation, as the targets' engine does (exit 3 when
 * uncaught). The host-side copies the simulator makes for the guest (DMA buffers, strings) are
 * in the same memory and count too.
 */
import { newQuickJSWASMModuleFromVariant, newVariant, RELEASE_SYNC, type QuickJSWASMModule } from "quickjs-emscripten";

/** The WebAssembly global's memory (the project's Node typings do not declare WebAssembly). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
const { Memory } = (globalThis as unknown as { WebAssembly: { Memory: new (d: { initial: number; maximum: number }) => WasmMemory } }).WebAssembly;
type VariantOptions = NonNullable<Parameters<typeof newVariant>[1]>;

const PAGE = 64 * 1024;
/** The variant's INITIAL_MEMORY (its emscripten-module.cjs): an imported memory may not start smaller. */
const INITIAL_PAGES = (16 * 1024 * 1024) / PAGE;
/** wasm32 with the variant's own default maximum (2 GiB). */
const MAX_PAGES = 32768;

/** What the module exports besides the FFI: its allocator (quickjs-emscripten's own strings use it). */
interface EmscriptenAllocator {
  _malloc(size: number): number;
  _free(ptr: number): void;
}

export interface CappedModule {
  module: QuickJSWASMModule;
  /** Once the runtime and context exist: takes what is left of the initial 16 MiB (below). */
  takeFreeMemory(): void;
}

export async function newCappedQuickJSModule(memoryLimit: number): Promise<CappedModule> {
  const maximum = Math.min(MAX_PAGES, INITIAL_PAGES + Math.ceil(memoryLimit / PAGE));
  const wasmMemory = new Memory({ initial: INITIAL_PAGES, maximum });
  const module = await newQuickJSWASMModuleFromVariant(newVariant(RELEASE_SYNC, { wasmMemory: wasmMemory as VariantOptions["wasmMemory"] }));
  return { module, takeFreeMemory: () => fillInitialMemory((module as unknown as { module: EmscriptenAllocator }).module, wasmMemory) };
}

/**
 * Takes what is free of the initial 16 MiB for good, once the runtime and its context are made
 * (the engine's part, as on a target the limit is the JS heap's), so that the growth the maximum
 * allows, the limit, is all the firmware gets: otherwise it would have up to 16 MiB more. Taken in 64 KiB blocks (a few hundred), so less than one is left;
 * the block that makes the memory grow is given back.
 */
function fillInitialMemory(allocator: EmscriptenAllocator, memory: WasmMemory): void {
  const initial = memory.buffer.byteLength;
  for (;;) {
    const p = allocator._malloc(PAGE);
    if (p === 0) return;
    if (memory.buffer.byteLength > initial) return allocator._free(p);
  }
}
