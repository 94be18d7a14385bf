import { Admission, admissionFor, admissionKey } from '../../src/collect/admission';
import { QUOTAS, type QuotaKey, Scheduler } from '../../src/collect/scheduler';

/**
 * The collector's admission in front of the scheduler: bounded, fair by subscription, and never the reason the
 * scheduler cannot fill its global cap. No timers and no wall clock: tasks end when a test resolves them; the
 * scheduler runs on a fake clock that never moves (its answers say plenty is left, so nothing waits on time).
 */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A task the test ends by hand; `started` says whether admission ever called it. */
function manual(): { task: () => Promise<void>; started: () => boolean; end: () => void } {
  let started = false;
  let end: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (end = resolve));
  return {
    task: () => {
      started = true;
      return done;
    },
    started: () => started,
    end: () => end(),
  };
}

describe('Admission', () => {
  it('starts at most `total` reads, and at most `perKey` of one subscription; the rest stay closures', async () => {
    const admission = new Admission({ total: 4, perKey: 3 });
    const a = Array.from({ length: 10 }, manual);
    const b = Array.from({ length: 10 }, manual);
    a.forEach((t) => void admission.run('a', t.task));
    b.forEach((t) => void admission.run('b', t.task));
    await settle();
    expect(a.map((t) => t.started()).filter(Boolean)).toHaveLength(3);
    expect(b.map((t) => t.started()).filter(Boolean)).toHaveLength(1);
    expect(admission.stats()).toEqual({ peakAdmitted: 4, peakWaiting: 16, admitted: 4 });
  });

  it('gives freed places to the subscriptions in turn, so a long queue never holds up a short one', async () => {
    const admission = new Admission({ total: 2, perKey: 2 });
    const starts: string[] = [];
    const running: (() => void)[] = [];
    const read = (key: string) => () => {
      starts.push(key);
      return new Promise<void>((resolve) => running.push(resolve));
    };
    for (let i = 0; i < 50; i++) void admission.run('a', read('a'));
    for (let i = 0; i < 3; i++) void admission.run('b', read('b'));
    await settle();
    // a asked first and took both places; as they free, b's reads go every other time, not after a's 50.
    for (let i = 0; i < 6; i++) {
      running.shift()?.();
      await settle();
    }
    expect(starts).toEqual(['a', 'a', 'a', 'b', 'a', 'b', 'a', 'b']);
  });

  it('a subscription whose reads never end (its quota spent) holds at most `perKey` places', async () => {
    const admission = new Admission({ total: 8, perKey: 3 });
    const stuck = Array.from({ length: 100 }, manual);
    stuck.forEach((t) => void admission.run('hub', t.task));
    const others = Array.from({ length: 40 }, (_, i) => ({ key: `spoke-${i % 4}`, read: manual() }));
    const results = others.map(({ key, read }) => admission.run(key, read.task));
    // Every other read ends as soon as it starts.
    for (let i = 0; i < 20 && others.some(({ read }) => !read.started()); i++) {
      others.filter(({ read }) => read.started()).forEach(({ read }) => read.end());
      await settle();
    }
    others.forEach(({ read }) => read.end());
    await Promise.all(results);
    expect(others.every(({ read }) => read.started())).toBe(true);
    expect(stuck.filter((t) => t.started())).toHaveLength(3);
    expect(admission.stats().peakAdmitted).toBe(8);
  });

  it('keys a read by the subscription of its target, a Resource Graph query by the user, the rest by tenant', () => {
    expect(admissionKey('2222AAAA-0000-0000-0000-000000000000')).toBe('2222aaaa-0000-0000-0000-000000000000');
    expect(
      admissionKey(
        '/subscriptions/2222AAAA-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv',
      ),
    ).toBe('2222aaaa-0000-0000-0000-000000000000');
    expect(
      admissionKey('/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6'),
    ).toBe('tenant');
  });

  it('refuses a size that is not a positive integer', () => {
    expect(() => new Admission({ total: 0, perKey: 1 })).toThrow('admission total must be a positive integer, got 0');
  });
});

describe('Admission in front of the scheduler', () => {
  const plenty = {
    status: 200,
    header: (name: string) => (name === QUOTAS['subscription-reads'].header ? '240' : undefined),
  };
  const reads = (scope: string): QuotaKey[] => [{ quota: 'subscription-reads', scope }];

  /** `perSubscription` reads in each of `subscriptions`, each through admission, then a scheduler slot. */
  async function fill(subscriptions: number, perSubscription: number, globalCap: number) {
    const scheduler = new Scheduler({
      globalCap,
      now: () => 0,
      setTimer: () => ({}),
      clearTimer: () => undefined,
    });
    const admission = new Admission(admissionFor(scheduler.capacity));
    const onWire: (() => void)[] = [];
    let peakOnWire = 0;
    const all: Promise<void>[] = [];
    for (let s = 0; s < subscriptions; s++)
      for (let r = 0; r < perSubscription; r++)
        all.push(
          admission.run(`sub-${s}`, async () => {
            const slot = await scheduler.acquire(reads(`sub-${s}`));
            await new Promise<void>((resolve) => onWire.push(resolve));
            slot.release(plenty);
          }),
        );
    let finished = 0;
    all.forEach((read) => void read.then(() => (finished += 1)));
    // Answers come back a batch at a time: each answer says plenty is left, so the lanes open up.
    while (finished < all.length) {
      await settle();
      peakOnWire = Math.max(peakOnWire, onWire.length);
      onWire.splice(0).forEach((answer) => answer());
      await settle();
    }
    await Promise.all(all);
    return { peakOnWire, scheduler: scheduler.stats(), admission: admission.stats() };
  }

  it('50 subscriptions: the scheduler fills its global cap of 128, with 512 reads started at most', async () => {
    const run = await fill(50, 60, 128);
    expect(run.peakOnWire).toBe(128);
    expect(run.scheduler.peakInFlight).toBe(128);
    expect(run.admission).toMatchObject({ peakAdmitted: 512, admitted: 3000 });
  });

  it('2 subscriptions: each lane still rises to its maximum of 48 (the per-subscription bound is above it)', async () => {
    const run = await fill(2, 400, 128);
    expect(run.peakOnWire).toBe(96);
    expect(run.scheduler.lanes.map((lane) => lane.peakInFlight)).toEqual([48, 48]);
    expect(run.admission.peakAdmitted).toBe(192);
  });
});
