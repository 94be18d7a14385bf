import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

/**
 * The layer rules of eslint.config.mjs (ARCHITECTURE.md's table), run as `npm run lint` runs them: each case is
 * source text linted as if it were the named file. One Node process lints them all through ESLint's API.
 */
const ROOT = path.resolve(__dirname, '../..');

const CASES: { file: string; source: string; restricted: boolean }[] = [
  // The emulator is the other side of the wire: not even the shared UsageError leaf.
  { file: 'src/emulator/probe.ts', source: "import { UsageError } from '../errors';", restricted: true },
  { file: 'src/emulator/probe.ts', source: "import { parseId } from '../model/arm';", restricted: true },
  // A layer's own errors module is not the leaf.
  { file: 'src/emulator/probe.ts', source: "import { ArmError } from './errors';", restricted: false },
  { file: 'src/collect/probe.ts', source: "import { x } from './errors';", restricted: false },
  // Every other layer may use the leaf.
  { file: 'src/collect/probe.ts', source: "import { UsageError } from '../errors';", restricted: false },
  { file: 'src/cli/commands/probe.ts', source: "import { UsageError } from '../../errors';", restricted: false },
  // Imports run downward only.
  { file: 'src/model/probe.ts', source: "import { reach } from '../checks/reach';", restricted: true },
  { file: 'src/checks/probe.ts', source: "import { runRules } from '../engine/run';", restricted: true },
  { file: 'src/checks/probe.ts', source: "import { parseId } from '../model/arm';", restricted: false },
];

const SCRIPT = `
const { ESLint } = require('eslint');
const cases = JSON.parse(process.argv[1]);
(async () => {
  const eslint = new ESLint({ cwd: process.cwd() });
  const out = [];
  for (const c of cases) {
    const [result] = await eslint.lintText(c.source + '\\nexport {};\\n', { filePath: c.file });
    out.push(result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message));
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
`;

describe('layer boundaries (eslint.config.mjs)', () => {
  const messages = JSON.parse(
    execFileSync(process.execPath, ['-e', SCRIPT, JSON.stringify(CASES)], { cwd: ROOT, encoding: 'utf8' }),
  ) as string[][];

  test.each(CASES.map((c, i) => [c.file, c.source, c.restricted, i] as const))(
    '%s: %s → restricted %s',
    (_file, source, restricted, index) => {
      const specifier = /from '([^']+)'/.exec(source)?.[1];
      expect(messages[index]).toEqual(
        restricted
          ? [`'${specifier}' import is restricted from being used by a pattern. layer boundary: see ARCHITECTURE.md`]
          : [],
      );
    },
  );
});
