import * as fs from 'node:fs';
import * as path from 'node:path';
import { example, runCli } from '../support/run-cli';
import { tempDir } from '../support/temp-dir';

interface Report {
  summary: { pass: number; fail: number };
  findings: { outcome: string }[];
}

describe('kvguard audit: --findings and --markdown-limit', () => {
  const stale = example('stale-a-record');
  const dir = tempDir('kvguard-scale-flags');

  test('--findings failing leaves passes and skips out of the reports; the totals still count them', async () => {
    const all = await runCli(['audit', '--snapshot', stale, '--format', 'json']);
    const failing = await runCli(['audit', '--snapshot', stale, '--format', 'json', '--findings', 'failing']);
    expect(failing.code).toBe(all.code);
    const full = JSON.parse(all.stdout) as Report;
    const short = JSON.parse(failing.stdout) as Report;
    expect(short.summary).toEqual(full.summary);
    expect(short.summary.pass).toBeGreaterThan(0);
    expect(short.findings.map((f) => f.outcome)).toEqual(
      full.findings.filter((f) => f.outcome === 'fail' || f.outcome === 'error').map((f) => f.outcome),
    );
    expect(short.findings.length).toBeGreaterThan(0);
  });

  test('--findings failing leaves JUnit whole: every case, passing ones included', async () => {
    const a = path.join(dir.dir, 'all.xml');
    const b = path.join(dir.dir, 'failing.xml');
    await runCli(['audit', '--snapshot', stale, '--report', `junit=${a}`]);
    await runCli(['audit', '--snapshot', stale, '--report', `junit=${b}`, '--findings', 'failing']);
    expect(fs.readFileSync(b, 'utf8')).toBe(fs.readFileSync(a, 'utf8'));
  });

  test('--markdown-limit below 1024 bytes is a usage error (exit 2, one line)', async () => {
    const run = await runCli(['audit', '--snapshot', stale, '--format', 'markdown', '--markdown-limit', '12']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('kvguard: --markdown-limit: expected a number of bytes, at least 1024, found "12"\n');
  });

  test('the Markdown report names the full report written beside it', async () => {
    {
      const html = path.join(dir.dir, 'report.html');
      const run = await runCli([
        'audit',
        '--snapshot',
        stale,
        '--format',
        'markdown',
        '--markdown-limit',
        '1024',
        '--report',
        `html=${html}`,
      ]);
      expect(run.stdout).toContain(`the full report is ${html.replace(/_/g, '\\_')}.`);
      expect(Buffer.byteLength(run.stdout)).toBeLessThanOrEqual(1024);
      expect(fs.existsSync(html)).toBe(true);
    }
  });
});
