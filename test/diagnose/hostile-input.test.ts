import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseErrorResponse } from '../../src/diagnose/error-response';
import { toLogRecord } from '../../src/diagnose/log-record';
import { runCli } from '../support/run-cli';
import { tempDir } from '../support/temp-dir';

/** Issue 16: keys a user controls never find Object's own members, and what is skipped is counted. */
const { dir } = tempDir('kvguard-hostile');

function file(name: string, text: string): string {
  const target = path.join(dir, name);
  fs.writeFileSync(target, text);
  return target;
}

describe('user-given keys are looked up in Maps', () => {
  test.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('error code %s', (code) => {
    const response = parseErrorResponse(JSON.stringify({ error: { code, message: 'x' } }));
    expect(response.status).toBeUndefined();
    expect(response.code).toBe(code);
  });

  test.each(['constructor', '__proto__', 'valueOf'])('log result signature %s has no status', (signature) => {
    expect(toLogRecord({ operationName: 'SecretGet', resultSignature: signature })?.status).toBeUndefined();
  });

  test('a header named __proto__ is a header, not a prototype', () => {
    const response = parseErrorResponse('HTTP/1.1 429 Too Many Requests\n__proto__: polluted\nRetry-After: 5\n\n{}');
    expect(Object.getPrototypeOf(response.headers)).toBeNull();
    expect(response.headers['retry-after']).toBe('5');
  });

  test('kvguard diagnose --error with code constructor: no Object internals in the output', async () => {
    const run = await runCli(['diagnose', '--error', '-'], {
      stdin: JSON.stringify({ error: { code: 'constructor', message: 'x' } }),
    });
    expect(run.stdout.split('\n')[0]).toBe('unknown status constructor: not an error kvguard recognizes');
    expect(run.stdout).not.toMatch(/native code|\[object Object\]/);
  });
});

describe('kvguard diagnose --logs counts what it skips', () => {
  const record = '{"time": "2026-11-21T12:00:00Z", "operationName": "SecretGet", "resultSignature": "Forbidden"}';

  test('non-JSON lines and scalars are counted and said', async () => {
    const logs = file('mixed.jsonl', `${record}\nnot json at all\n42\n"text"\n${record}\n[1, 2]\n`);
    const run = await runCli(['diagnose', '--logs', logs, '--format', 'json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ records: 2, skipped: 0, skippedLines: 4 });
    const text = await runCli(['diagnose', '--logs', logs]);
    expect(text.stdout.split('\n')[0]).toBe(
      `${logs}: 2 AuditEvent records from 2026-11-21T12:00:00Z to 2026-11-21T12:00:00Z, 1 vault (4 lines that hold no JSON record skipped)`,
    );
  });

  test('garbage only: exit 2, one line, no exit 0', async () => {
    const logs = file('garbage.txt', '{garbage\n');
    const run = await runCli(['diagnose', '--logs', logs]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('a broken record names its line', async () => {
    const logs = file('broken.jsonl', `${record}\n\n${record.replace('"SecretGet"', 'SecretGet')}\n`);
    const run = await runCli(['diagnose', '--logs', logs]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`kvguard: --logs ${logs}: line 3: invalid JSON in the record that starts there\n`);
  });

  test('control characters in a log field never reach the terminal', async () => {
    const logs = file('ansi.jsonl', record.replace('SecretGet', 'Secret\\u001b[2JGet\\n::error::x'));
    const run = await runCli(['diagnose', '--logs', logs]);
    expect(run.stdout).not.toMatch(/[\u0000-\u0009\u000B-\u001F]/);
    expect(run.stdout).toContain('Secret\\u001b[2JGet\\n::error::x');
  });
});
