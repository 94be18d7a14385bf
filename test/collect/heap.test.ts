import { HeapGovernor, processHeap } from '../../src/collect/heap';

/** The heap governor on a fake heap: it collects when the heap outgrows twice what the last collection kept. */
function fakeHeap(start: number, liveAfterCollect: () => number) {
  let used = start;
  const collections: number[] = [];
  return {
    probe: {
      used: () => used,
      collect: () => {
        collections.push(used);
        used = liveAfterCollect();
      },
    },
    grow: (bytes: number) => (used += bytes),
    collections,
  };
}

const MB = 2 ** 20;

describe('HeapGovernor', () => {
  it('leaves a heap under its floor alone, however it grows relative to the start', () => {
    const heap = fakeHeap(10 * MB, () => 10 * MB);
    const governor = new HeapGovernor(heap.probe, { minBytes: 192 * MB, factor: 2 });
    heap.grow(150 * MB);
    governor.check();
    expect(heap.collections).toEqual([]);
  });

  it('collects past twice what the last collection left alive, then measures from the new floor', () => {
    const heap = fakeHeap(150 * MB, () => 180 * MB);
    const governor = new HeapGovernor(heap.probe, { minBytes: 192 * MB, factor: 2 });
    heap.grow(150 * MB); // 300 MB: 2 × the 150 MB it started from, not past it
    governor.check();
    expect(heap.collections).toEqual([]);
    heap.grow(1);
    governor.check();
    expect(heap.collections).toEqual([300 * MB + 1]);
    // The collection kept 180 MB: the next is due past 360 MB.
    heap.grow(180 * MB);
    governor.check();
    expect(heap.collections).toHaveLength(1);
    heap.grow(1);
    governor.check();
    expect(heap.collections).toEqual([300 * MB + 1, 360 * MB + 1]);
    expect(governor.collections).toBe(2);
  });

  it("asks this process's V8 for a full collection without adding a global gc", () => {
    const heap = processHeap();
    expect(heap).toBeDefined();
    const holder: { items?: unknown[] } = { items: Array.from({ length: 200_000 }, (_, i) => ({ i: `item ${i}` })) };
    delete holder.items; // garbage now
    const before = heap?.used() ?? 0;
    heap?.collect();
    // Synchronous, nothing else runs in between: a full collection leaves at most what was there.
    expect(heap?.used()).toBeLessThanOrEqual(before);
    expect(before).toBeGreaterThan(0);
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
  });
});
