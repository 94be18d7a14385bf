import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { RULES } from '../../rules/index';
import type { Finding, Outcome, RunResult } from '../../src/engine/types';
import { REPORT_FORMATS, streamingReporterFor } from '../../src/report/index';
import type { ReportOptions } from '../../src/report/types';
import { launchChromium, type LaunchedBrowser } from '../support/browser';

/**
 * Reports at scale: 10,000 vaults × 25 findings = 250,000 findings, every format rendered without error
 * (no spread of an unbounded array into push or Math.max: those overflow the stack near 100,000 items),
 * within their size limits, and the HTML opened in headless Chromium: it loads, filters, searches and opens
 * a vault with no console error. The findings are synthetic (the catalogue's real rules, messages shaped
 * like theirs): this tests the reporters, not the rules.
 */
const VAULTS = 10_000;
const PER_VAULT = 25;
const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts');

function scaleResult(): RunResult {
  const findings: Finding[] = [];
  const metas = RULES.map((r) => r.meta);
  const counts = { pass: 0, fail: 0, error: 0, skipped: 0, suppressed: 0 };
  for (let v = 0; v < VAULTS; v++) {
    const sub = `0000000${v % 50}`.slice(-8);
    const name = `kv-${String(v).padStart(5, '0')}`;
    const vaultId = `/subscriptions/${sub}-0000-0000-0000-000000000000/resourceGroups/rg-spoke-${v % 50}/providers/Microsoft.KeyVault/vaults/${name}`;
    const endpointId = `/subscriptions/${sub}-0000-0000-0000-000000000000/resourceGroups/rg-spoke-${v % 50}/providers/Microsoft.Network/privateEndpoints/pe-${name}`;
    for (let i = 0; i < PER_VAULT; i++) {
      const meta = metas[(v + i) % metas.length]!;
      const draw = (v * 31 + i * 7) % 100;
      const outcome: Outcome = draw < 5 ? 'fail' : draw < 7 ? 'error' : draw < 17 ? 'skipped' : 'pass';
      const finding: Finding = {
        ruleId: meta.id,
        rule: meta.name,
        severity: meta.severity,
        outcome,
        vaultId,
        resourceId: i % 3 === 0 ? vaultId : endpointId,
        message: `${meta.title} (${outcome}) for ${name} via pe-${name} at 10.${v % 250}.${i}.4`,
        remediation: meta.remediation,
        link: meta.link,
      };
      if (outcome === 'fail' && draw === 0) {
        finding.suppressed = { kind: 'suppression', reason: `accepted for ${name}`, expires: '2027-01-01' };
        counts.suppressed += 1;
      }
      counts[outcome] += 1;
      findings.push(finding);
    }
  }
  return {
    findings,
    notices: [{ level: 'warning', message: 'synthetic estate' }],
    summary: { vaults: VAULTS, ...counts, complete: counts.error === 0 },
  };
}

const OPTIONS: ReportOptions = {
  rules: RULES.map((r) => r.meta),
  tool: { name: 'kvguard', version: 'scale-test' },
  generatedAt: new Date('2026-03-01T00:00:00Z'),
};

/** Renders a format through its stream: bytes, pieces, and the first and last pieces (never the whole text). */
function render(format: (typeof REPORT_FORMATS)[number], result: RunResult, options: ReportOptions = OPTIONS) {
  let bytes = 0;
  let pieces = 0;
  const head: string[] = [];
  let tail = '';
  let count = (_chunk: string): void => undefined;
  const counted: Record<string, number> = {};
  count = (chunk) => {
    for (const needle of ['"ruleId":', '<testcase ']) {
      let at = chunk.indexOf(needle);
      while (at >= 0) {
        counted[needle] = (counted[needle] ?? 0) + 1;
        at = chunk.indexOf(needle, at + 1);
      }
    }
  };
  streamingReporterFor(format)(result, options, (chunk) => {
    bytes += Buffer.byteLength(chunk);
    pieces += 1;
    if (head.join('').length < 4096) head.push(chunk);
    tail = (tail + chunk).slice(-4096);
    count(chunk);
  });
  return { bytes, pieces, head: head.join(''), tail, counted };
}

describe('every report format at 250,000 findings', () => {
  const result = scaleResult();
  const failing = result.findings.filter((f) => f.outcome === 'fail' || f.outcome === 'error').length;

  test.each(REPORT_FORMATS.map((f) => [f]))('%s renders without error', (format) => {
    const out = render(format, result);
    expect(out.bytes).toBeGreaterThan(1000);
    if (format === 'json') {
      expect(out.counted['"ruleId":']).toBe(250_000);
      expect(out.tail.trimEnd().endsWith('}')).toBe(true);
      // Streamed: many pieces, never one 200 MB string.
      expect(out.pieces).toBeGreaterThan(250_000);
    }
    if (format === 'sarif') expect(out.counted['"ruleId":']).toBe(failing);
    if (format === 'junit') {
      expect(out.counted['<testcase ']).toBeGreaterThan(VAULTS);
      expect(out.tail.trimEnd().endsWith('</testsuites>')).toBe(true);
      // Streamed a suite (a vault) at a time: the 835 MB peak of issue 15's benchmark came from one string.
      expect(out.pieces).toBeGreaterThan(VAULTS);
    }
    if (format === 'markdown') {
      expect(out.bytes).toBeLessThanOrEqual(1024 * 1024);
      expect(out.tail).toContain('Not listed to stay within 1048576 bytes');
    }
    if (format === 'html') expect(out.bytes).toBeLessThanOrEqual(25 * 1024 * 1024);
  });

  test('--markdown-limit 65536 keeps headline, counts per rule and the worst failures, and says what it left out', () => {
    const out = render('markdown', result, { ...OPTIONS, markdownLimit: 65536, fullReport: 'report.html' });
    expect(out.bytes).toBeLessThanOrEqual(65536);
    expect(out.head.split('\n')[0]).toBe(
      `## kvguard: ${result.summary.fail} failing, ${result.summary.error} not evaluated, ${result.summary.suppressed} suppressed (incomplete run)`,
    );
    expect(out.head).toContain('### Counts per rule');
    expect(out.tail).toMatch(
      new RegExp(
        `Not listed to stay within 65536 bytes:\\*\\* \\d+ of ${failing - result.summary.suppressed} failures; .*the full report is report\\.html\\.`,
      ),
    );
  });

  describe('the 10,000-vault HTML in headless Chromium', () => {
    let launched: LaunchedBrowser | undefined;
    let browser: Browser;
    const file = path.join(ARTIFACTS, 'html-report-10000.html');

    beforeAll(async () => {
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      const fd = fs.openSync(file, 'w');
      streamingReporterFor('html')(result, OPTIONS, (chunk) => fs.writeSync(fd, chunk));
      fs.closeSync(fd);
      launched = await launchChromium();
      browser = launched.browser;
    }, 120_000);

    afterAll(async () => {
      await launched?.close();
    });

    test('opens, filters by outcome and rule, searches and opens a vault, with no console error', async () => {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(error.message));
      const started = Date.now();
      await page.goto(`file://${file}`, { waitUntil: 'load', timeout: 90_000 });
      // The load time docs/benchmarks.md quotes (navigation to the load event, list drawn), kept as an artifact.
      fs.writeFileSync(
        path.join(ARTIFACTS, 'html-report-10000.timing.json'),
        `${JSON.stringify({ bytes: fs.statSync(file).size, loadMs: Date.now() - started }, null, 2)}\n`,
      );
      const count = page.locator('#match-count');
      expect(await count.innerText()).toBe('10000 of 10000 vaults, first 200 shown');
      expect(await page.locator('#vault-rows tr').count()).toBe(200);

      await page.locator('input[data-filter="pass"]').uncheck();
      await page.locator('input[data-filter="skipped"]').uncheck();
      const notPassing = new Set(
        result.findings.filter((f) => f.outcome !== 'pass' && f.outcome !== 'skipped').map((f) => f.vaultId),
      ).size;
      expect(await count.innerText()).toBe(`${notPassing} of 10000 vaults, first 200 shown`);

      await page.locator('#rule-filter').selectOption('KV205');
      const failingKv205 = new Set(
        result.findings
          .filter((f) => f.ruleId === 'KV205' && (f.outcome === 'fail' || f.outcome === 'error') && !f.suppressed)
          .map((f) => f.vaultId),
      ).size;
      expect(await count.innerText()).toMatch(new RegExp(`^${failingKv205} of 10000 vaults`));

      await page.locator('#rule-filter').selectOption('');
      for (const o of ['pass', 'skipped']) await page.locator(`input[data-filter="${o}"]`).check();
      await page.locator('#search').fill('KV-09999');
      expect(await count.innerText()).toBe('1 of 10000 vaults');
      await page.locator('#vault-rows tr[data-vault="kv-09999"]').click();
      expect(await page.locator('section[data-vault="kv-09999"] table.findings tbody tr').count()).toBe(PER_VAULT);
      expect(await page.locator('section[data-vault="kv-09999"] li.hop').count()).toBe(8);
      expect(errors).toEqual([]);
      await page.close();
    }, 180_000);
  });
});
