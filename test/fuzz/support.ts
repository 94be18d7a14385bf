import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { runCli, type CliOptions } from '../support/run-cli';

/**
 * The fuzz suite's shared parts (issue 16). Every case runs the real CLI in-process and must end as a
 * user would want: exit 0, 1 or 2, never an internal error (a throw out of main), exit 2 always one line
 * `kvguard: …` that quotes no long excerpt of the input, and exit 2 for every input that must be rejected.
 * `npm test` runs a few dozen cases per parser with a fixed seed; `npm run fuzz` runs 10,000 per parser and
 * writes the counts docs/reliability.md quotes (KVGUARD_FUZZ_RUNS, KVGUARD_FUZZ_REPORT).
 */
export const RUNS = Number(process.env.KVGUARD_FUZZ_RUNS ?? 40);
export const SEED = Number(process.env.KVGUARD_FUZZ_SEED ?? 16);

export interface Tally {
  parser: string;
  cases: number;
  exit0: number;
  exit1: number;
  exit2: number;
  internal: number;
  multiLine: number;
  silentPass: number;
}

const tallies = new Map<string, Tally>();

export function tally(parser: string): Tally {
  let t = tallies.get(parser);
  if (!t) {
    t = { parser, cases: 0, exit0: 0, exit1: 0, exit2: 0, internal: 0, multiLine: 0, silentPass: 0 };
    tallies.set(parser, t);
  }
  return t;
}

afterAll(() => {
  const report = process.env.KVGUARD_FUZZ_REPORT;
  if (!report) return;
  const existing = fs.existsSync(report) ? (JSON.parse(fs.readFileSync(report, 'utf8')) as Tally[]) : [];
  const merged = new Map(existing.map((t) => [t.parser, t]));
  for (const t of tallies.values()) merged.set(t.parser, t);
  fs.writeFileSync(report, `${JSON.stringify([...merged.values()], null, 2)}\n`);
});

/** Longest stretch of input a rejection may echo (a field value, never the document). */
const MAX_ECHO = 200;

/**
 * Runs one case and checks it; returns the run so a property can assert more. `mustReject`: exit 0 (or 1)
 * would be a silent pass of input kvguard has to refuse.
 */
export async function checkCase(
  parser: string,
  args: string[],
  options: CliOptions & { mustReject?: boolean; input?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const t = tally(parser);
  t.cases += 1;
  let run;
  try {
    run = await runCli(args, options);
  } catch (thrown) {
    t.internal += 1;
    throw new Error(`internal error: ${(thrown as Error).message}`, { cause: thrown });
  }
  if (run.code === 0) t.exit0 += 1;
  else if (run.code === 1) t.exit1 += 1;
  else t.exit2 += 1;
  expect([0, 1, 2]).toContain(run.code);
  if (run.code === 2) {
    const lines = run.stderr.split('\n').filter((l) => l !== '');
    if (lines.length !== 1) t.multiLine += 1;
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^kvguard: /);
    expect(lines[0]).not.toMatch(/internal error/);
    if (options.input !== undefined && options.input.length > MAX_ECHO)
      expect(lines[0]).not.toContain(options.input.slice(0, MAX_ECHO));
  }
  if (options.mustReject && run.code !== 2) {
    t.silentPass += 1;
    expect(run.code).toBe(2);
  }
  return run;
}

/** Every path into a JSON value (objects and arrays), for mutations. */
export function pathsOf(value: unknown, limit = 400): (string | number)[][] {
  const out: (string | number)[][] = [];
  const walk = (v: unknown, at: (string | number)[]): void => {
    if (out.length >= limit) return;
    out.push(at);
    if (Array.isArray(v)) v.forEach((child, i) => walk(child, [...at, i]));
    else if (v !== null && typeof v === 'object')
      for (const [k, child] of Object.entries(v as Record<string, unknown>)) walk(child, [...at, k]);
  };
  walk(value, []);
  return out;
}

const DELETE = Symbol('delete');

/** A copy of `base` with the value at `at` replaced (or removed). */
export function mutate(base: unknown, at: readonly (string | number)[], value: unknown): unknown {
  if (at.length === 0) return value === DELETE ? null : value;
  const copy = structuredClone(base) as Record<string | number, unknown>;
  let parent: Record<string | number, unknown> = copy;
  for (const key of at.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = at[at.length - 1] as string | number;
  if (value === DELETE) {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else parent[last] = value;
  return copy;
}

/** A mutation of `base`: one value anywhere replaced by arbitrary JSON, removed, or a key with a hostile name added. */
export function mutationOf(base: unknown): fc.Arbitrary<unknown> {
  const paths = pathsOf(base);
  const objects = paths.filter((p) => {
    const v = p.reduce<unknown>((at, key) => (at as Record<string | number, unknown>)[key], base);
    return v !== null && typeof v === 'object' && !Array.isArray(v);
  });
  return fc.oneof(
    fc
      .tuple(fc.constantFrom(...paths), fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constant(DELETE)))
      .map(([at, value]) => mutate(base, at, value)),
    fc
      .tuple(
        fc.constantFrom(...objects),
        fc.constantFrom('__proto__', 'constructor', 'toString', 'properties', 'id', 'type', '\u001b[2J'),
        fc.jsonValue({ maxDepth: 2 }),
      )
      .map(([at, key, value]) => mutate(base, [...at, key], value)),
  );
}

/** Text inputs: a mutated valid document, arbitrary JSON, or arbitrary text (cut JSON included). */
export function textOf(base: unknown): fc.Arbitrary<string> {
  const valid = JSON.stringify(base, null, 2);
  return fc.oneof(
    { weight: 6, arbitrary: mutationOf(base).map((v) => JSON.stringify(v, null, 2) ?? 'null') },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
    { weight: 1, arbitrary: fc.nat({ max: valid.length }).map((n) => valid.slice(0, n)) },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 1, max: 20_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
    },
  );
}

let counter = 0;
export function writeCase(dir: string, name: string, text: string): string {
  const file = path.join(dir, `${counter++}-${name}`);
  fs.writeFileSync(file, text);
  return file;
}
