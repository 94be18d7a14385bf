import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Keeps a live collection's heap near what it really holds. A collection allocates fast (every answer's
 * text, its parse, the SDK's request and response objects) and much of it lives just long enough, while the
 * request is on the wire, to be promoted to V8's old generation. V8 then lets the old generation grow to 3-4×
 * the live heap before it collects it (its growing factor rises with the allocation rate,
 * https://v8.dev/blog/trash-talk): at 10,000 vaults ~160 MB live became a 550 MB heap and a 700 MB process
 * (issue 15's budget is 512 MiB). Measured: the same collection run with a 384 MB heap limit peaks at 404 MB
 * RSS and is no slower. A CLI cannot set V8's heap flags for its own process, so the collection asks for a
 * full collection itself whenever the heap has grown past `factor` × what the last one left alive (and past
 * `minBytes`, so small audits never pay): a few collections of ~100 ms in a 10,000-vault run.
 */
export interface HeapProbe {
  /** Bytes in use on the heap now (live and not yet collected). */
  used(): number;
  /** A full garbage collection. */
  collect(): void;
}

export interface HeapGovernorSettings {
  /** Never collect below this heap size. */
  minBytes: number;
  /** Collect when the heap is this many times what the last collection left alive. */
  factor: number;
}

export const DEFAULT_HEAP_GOVERNOR: HeapGovernorSettings = { minBytes: 192 * 2 ** 20, factor: 2 };

export class HeapGovernor {
  /** What the last full collection left alive (before the first: the heap when the governor started). */
  private floor: number;
  collections = 0;

  constructor(
    private readonly probe: HeapProbe,
    private readonly settings: HeapGovernorSettings = DEFAULT_HEAP_GOVERNOR,
  ) {
    this.floor = probe.used();
  }

  /** A full collection now (the collection's end: its garbage goes before the estate and rules allocate). */
  collectNow(): void {
    this.probe.collect();
    this.collections += 1;
    this.floor = this.probe.used();
  }

  /** Cheap enough to call after every read: one heap statistics call, and a collection when due. */
  check(): void {
    if (this.probe.used() <= Math.max(this.settings.minBytes, this.floor * this.settings.factor)) return;
    this.probe.collect();
    this.collections += 1;
    this.floor = this.probe.used();
  }
}

/**
 * The process's own heap, or undefined when no full collection can be asked for. `gc` is exposed to a new
 * context only (the `--expose-gc` flag set at run time, as the `expose-gc` package does), never as a global
 * of the process.
 */
export function processHeap(): HeapProbe | undefined {
  let gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== 'function') {
    try {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as (() => void) | undefined;
    } catch {
      return undefined;
    }
  }
  if (typeof gc !== 'function') return undefined;
  const collect = gc;
  return { used: () => getHeapStatistics().used_heap_size, collect: () => collect() };
}
