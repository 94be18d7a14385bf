import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

/**
 * stacks/ and policy-pack/ are outside the root tsconfig (the Pulumi CLI compiles them on its own), so
 * they are type-checked here, each with its own tsconfig (about 3 s and 2 s: submodule imports).
 */
const ROOT = path.resolve(__dirname, '../..');
const TSC = require.resolve('typescript/bin/tsc');

test.each(['stacks', 'policy-pack'])(
  '%s type-checks',
  (dir) => {
    const run = (): string =>
      execFileSync(process.execPath, [TSC, '-p', path.join(ROOT, dir, 'tsconfig.json'), '--noEmit'], {
        cwd: ROOT,
        encoding: 'utf8',
      });
    expect(run).not.toThrow();
  },
  120000,
);
