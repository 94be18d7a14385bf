import { QUOTAS, type QuotaKey, Scheduler, type Slot, quotasOf, retryAfterMs } from '../../src/collect/scheduler';

/**
 * The scheduler on a fake clock. Header names and limits from
 * https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling
 * (x-ms-ratelimit-remaining-subscription-reads; bucket 250 refilled 25/s) and
 * https://learn.microsoft.com/azure/dns/private-dns-privatednszone#limits (500 GETs per 5 minutes).
 */
class FakeClock {
  time = 0;
  private timers: { at: number; callback: () => void }[] = [];
  now = (): number => this.time;
  setTimer = (callback: () => void, ms: number): object => {
    const timer = { at: this.time + ms, callback };
    this.timers.push(timer);
    return timer;
  };
  clearTimer = (timer: unknown): void => {
    this.timers = this.timers.filter((t) => t !== timer);
  };
  /** Moves time on, firing due timers in order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = due.at;
      due.callback();
    }
    this.time = end;
  }
}

const SUB_A = '11111111-1111-1111-1111-111111111111';
const SUB_B = '22222222-2222-2222-2222-222222222222';
const reads = (scope: string): QuotaKey[] => [{ quota: 'subscription-reads', scope }];
const answer = (status: number, headers: Record<string, string> = {}) => ({
  status,
  header: (name: string) => headers[name],
});

function setup(settings: { globalCap?: number; initialPerLane?: number; maxPerLane?: number } = {}) {
  const clock = new FakeClock();
  const scheduler = new Scheduler({
    globalCap: 64,
    initialPerLane: 2,
    maxPerLane: 8,
    ...settings,
    now: clock.now,
    setTimer: clock.setTimer,
    clearTimer: clock.clearTimer,
  });
  const granted: Slot[] = [];
  const ask = (keys: QuotaKey[], count: number): void => {
    for (let i = 0; i < count; i++) void scheduler.acquire(keys).then((slot) => granted.push(slot));
  };
  return { clock, scheduler, granted, ask };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('quotasOf', () => {
  it.each([
    [
      'GET',
      `https://management.azure.com/subscriptions/${SUB_A}/providers/Microsoft.KeyVault/vaults?api-version=1`,
      [{ quota: 'subscription-reads', scope: SUB_A }],
    ],
    [
      'GET',
      `https://management.azure.com/subscriptions/${SUB_A.toUpperCase()}/resourceGroups/rg/providers/Microsoft.Network/privateDnsZones/z/A?api-version=1`,
      [
        { quota: 'subscription-reads', scope: SUB_A },
        { quota: 'private-dns', scope: SUB_A },
      ],
    ],
    [
      'POST',
      'https://management.azure.com/providers/Microsoft.ResourceGraph/resources?api-version=2022-10-01',
      [{ quota: 'resource-graph', scope: 'user' }],
    ],
    [
      'GET',
      'https://management.azure.com/providers/Microsoft.Management/managementGroups?api-version=1',
      [{ quota: 'tenant-reads', scope: 'tenant' }],
    ],
  ])('%s %s', (method, url, expected) => {
    expect(quotasOf(method, url)).toEqual(expected);
  });
});

describe('Scheduler', () => {
  it('starts a lane at its initial concurrency and raises it while ARM reports plenty left', async () => {
    const { scheduler, granted, ask } = setup();
    ask(reads(SUB_A), 20);
    await settle();
    expect(granted).toHaveLength(2);
    granted.shift()?.release(answer(200, { [QUOTAS['subscription-reads'].header]: '240' }));
    await settle();
    // One freed, and the lane's limit rose from 2 to 3: two more go.
    expect(granted).toHaveLength(3);
    expect(scheduler.stats().lanes[0]).toMatchObject({ finalLimit: 3, peakInFlight: 3 });
  });

  it('never lets one subscription hold up another: each lane has its own slots', async () => {
    const { granted, ask } = setup({ initialPerLane: 1 });
    ask(reads(SUB_A), 5);
    ask(reads(SUB_B), 5);
    await settle();
    expect(granted).toHaveLength(2);
  });

  it('keeps within the global cap, whatever the lanes allow', async () => {
    const { scheduler, granted, ask } = setup({ globalCap: 3, initialPerLane: 8 });
    ask(reads(SUB_A), 5);
    ask(reads(SUB_B), 5);
    await settle();
    expect(granted).toHaveLength(3);
    expect(scheduler.stats().peakInFlight).toBe(3);
  });

  it('past the burst, paces at the refill rate instead of running into 429s', async () => {
    const { clock, granted, ask } = setup({ initialPerLane: 8, maxPerLane: 8 });
    ask(reads(SUB_A), 40);
    await settle();
    expect(granted).toHaveLength(8);
    // ARM says 10 are left (reserve: 5 = 2 % of 250): after the 7 others in flight, the estimate is 3. Little
    // left also lowers the lane's limit (8 → 7); one more attempt ends without an answer, freeing a slot.
    granted.shift()?.release(answer(200, { [QUOTAS['subscription-reads'].header]: '10' }));
    granted.shift()?.release(undefined);
    await settle();
    expect(granted).toHaveLength(6);
    // 25 per second: 3 tokens more after 120 ms bring the estimate to 6 = reserve + 1, then one goes.
    clock.advance(119);
    await settle();
    expect(granted).toHaveLength(6);
    clock.advance(1);
    await settle();
    expect(granted).toHaveLength(7);
    // and the next one 40 ms later (one token at 25/s).
    clock.advance(39);
    await settle();
    expect(granted).toHaveLength(7);
  });

  it('on a 429 waits out Retry-After and halves the lane', async () => {
    const { clock, scheduler, granted, ask } = setup({ initialPerLane: 4 });
    ask(reads(SUB_A), 10);
    await settle();
    expect(granted).toHaveLength(4);
    granted.shift()?.release(answer(429, { 'retry-after': '2', [QUOTAS['subscription-reads'].header]: '0' }));
    await settle();
    expect(granted).toHaveLength(3);
    clock.advance(1999);
    await settle();
    expect(granted).toHaveLength(3);
    granted.splice(0).forEach((slot) => slot.release(undefined));
    clock.advance(1);
    await settle();
    // Limit 4 → 2; the bucket's estimate is 0 + refill since the wait ended, so only a probe goes... after refill.
    expect(scheduler.stats().lanes[0]).toMatchObject({ throttled: 1, finalLimit: 2 });
    clock.advance(1000);
    await settle();
    expect(granted.length).toBeGreaterThanOrEqual(1);
    expect(granted.length).toBeLessThanOrEqual(2);
  });

  it('a private DNS GET needs both its subscription bucket and the DNS quota', async () => {
    const { granted, ask, scheduler } = setup({ initialPerLane: 1 });
    const dns = quotasOf(
      'GET',
      `https://x/subscriptions/${SUB_A}/resourceGroups/r/providers/Microsoft.Network/privateDnsZones/z`,
    );
    ask(dns, 2);
    ask(reads(SUB_A), 2);
    await settle();
    expect(granted).toHaveLength(1);
    granted.shift()?.release(answer(200));
    await settle();
    // An answer without a remaining count raises both lanes to 2: one DNS GET and one other read go.
    expect(scheduler.stats().lanes.map((l) => [l.quota, l.requests])).toEqual([
      ['subscription-reads', 3],
      ['private-dns', 2],
    ]);
  });
});

describe('retryAfterMs', () => {
  it.each([
    [{ 'retry-after': '3' }, 3000],
    [{ 'retry-after-ms': '250' }, 250],
    [{ 'x-ms-retry-after-ms': '40' }, 40],
    [{}, undefined],
  ])('%j → %s', (headers, expected) => {
    expect(retryAfterMs({ header: (n: string) => (headers as Record<string, string>)[n] })).toBe(expected);
  });
});
