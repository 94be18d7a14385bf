import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkOutputTarget, track, writeFileAtomic } from '../../src/cli/output-file';
import { UsageError } from '../../src/errors';
import { example, runCli } from '../support/run-cli';
import { tempDir } from '../support/temp-dir';

const { dir, writeJson } = tempDir('kvguard-output');

function leftovers(): string[] {
  return fs.readdirSync(dir).filter((name) => name.endsWith('.tmp'));
}

describe('writeFileAtomic (issue 16: --output safety)', () => {
  test('keeps the permission bits of the file it replaces', () => {
    const file = path.join(dir, 'private.json');
    fs.writeFileSync(file, 'old');
    fs.chmodSync(file, 0o600);
    writeFileAtomic(file, 'new');
    expect(fs.readFileSync(file, 'utf8')).toBe('new');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(leftovers()).toEqual([]);
  });

  test('refuses to overwrite an input, by path or through a hard link', () => {
    const input = writeJson('input.json', []);
    const link = path.join(dir, 'link.json');
    fs.linkSync(input, link);
    expect(() => writeFileAtomic(input, 'x', '--output input.json', { inputs: [input] })).toThrow(
      new UsageError(`--output input.json: is also an input of this run (${input}); choose another file`),
    );
    expect(() => writeFileAtomic(link, 'x', '--output link.json', { inputs: [input] })).toThrow(
      /is also an input of this run/,
    );
    expect(fs.readFileSync(input, 'utf8')).toBe('[]');
  });

  test('a path under a regular file (ENOTDIR) is one clear line, and leaves no temporary file', () => {
    const file = writeJson('plain.json', {});
    expect(() => writeFileAtomic(path.join(file, 'report.json'), 'x', '--output plain.json/report.json')).toThrow(
      new UsageError(`--output plain.json/report.json: cannot write (${file} is not a folder)`),
    );
    expect(() => checkOutputTarget(path.join(file, 'r.json'), '--output r')).toThrow(/is not a folder/);
    expect(leftovers()).toEqual([]);
  });

  test('an unwritable folder is one clear line', () => {
    if (process.getuid?.() === 0) {
      // root writes anywhere: exercise the same branch through a read-only path instead.
      expect(() => writeFileAtomic('/proc/kvguard-report.json', 'x', '--output /proc/x')).toThrow(
        /^--output \/proc\/x: cannot write \((permission denied in \/proc|ENOENT|folder \/proc does not exist|read-only file system)/,
      );
      return;
    }
    const locked = path.join(dir, 'locked');
    fs.mkdirSync(locked, { mode: 0o500 });
    expect(() => writeFileAtomic(path.join(locked, 'r.json'), 'x', '--output r')).toThrow(
      new UsageError(`--output r: cannot write (permission denied in ${locked})`),
    );
  });

  test('a temporary file being written is removed when the process is stopped by a signal', () => {
    const temporary = path.join(dir, '.report.json.1.2.tmp');
    fs.writeFileSync(temporary, 'half a report');
    track(temporary);
    const exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    try {
      process.emit('SIGTERM', 'SIGTERM');
      expect(fs.existsSync(temporary)).toBe(false);
      expect(exit).toHaveBeenCalledWith(143);
    } finally {
      exit.mockRestore();
    }
  });
});

describe('kvguard audit --output', () => {
  test('equal to --snapshot: refused before the run, the input intact', async () => {
    const snapshot = path.join(dir, 'healthy.json');
    fs.copyFileSync(example('healthy'), snapshot);
    const before = fs.readFileSync(snapshot, 'utf8');
    const run = await runCli(['audit', '--snapshot', snapshot, '--output', snapshot]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `kvguard: --output ${snapshot}: is also an input of this run (${snapshot}); choose another file\n`,
    );
    expect(fs.readFileSync(snapshot, 'utf8')).toBe(before);
  });

  test('--report under a regular file: exit 2, one line, before the run', async () => {
    const file = writeJson('not-a-folder', {});
    const run = await runCli(['audit', '--snapshot', example('healthy'), '--report', `json=${file}/r.json`]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`kvguard: --report json=${file}/r.json: cannot write (${file} is not a folder)\n`);
    expect(run.stdout).toBe('');
  });
});
