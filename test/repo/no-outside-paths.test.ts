import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * A fresh clone with nothing beside it must pass `npm ci && npm test` (issue 10): no code, test, benchmark,
 * stack or policy may name a path outside the repository. What a test needs from elsewhere is copied in
 * (Microsoft's examples: test/fixtures/arm-examples). Temporary folders come from os.tmpdir(), never a literal.
 */
const ROOT = path.join(__dirname, '..', '..');
const FOLDERS = ['src', 'test', 'bench', 'stacks', 'policy-pack', 'rules', 'bin'];
const CODE = /\.(ts|js|mjs|cjs)$/;
const OUTSIDE: RegExp[] = [
  /\.\.\/shared\b/,
  /['"`(]\.\.\/\.\.\/\.\.\/(?!src|test|rules|bench|stacks|policy-pack)/,
  /['"`]\/work\//,
  /['"`]\/root\//,
  /['"`]\/home\//,
  /['"`]\/tmp\//,
  /['"`]\/usr\/bin\//,
  /join\([^)]*['"]shared['"][^)]*['"]arm-examples['"]/,
];

function files(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name === 'fixtures') return [];
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? files(full) : CODE.test(entry.name) ? [full] : [];
  });
}

test('no code, test, benchmark, stack or policy names a path outside the repository', () => {
  const self = path.relative(ROOT, __filename);
  const hits = FOLDERS.flatMap((folder) => files(path.join(ROOT, folder)))
    .filter((file) => path.relative(ROOT, file) !== self)
    .flatMap((file) =>
      fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, index) =>
          OUTSIDE.some((pattern) => pattern.test(line))
            ? [`${path.relative(ROOT, file)}:${index + 1}: ${line.trim()}`]
            : [],
        ),
    );
  expect(hits).toEqual([]);
});
