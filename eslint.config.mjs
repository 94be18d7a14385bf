// @ts-check
/**
 * Lint: typescript-eslint's recommended rules plus the layer boundaries of ARCHITECTURE.md.
 * Imports run downward only: sources → model → checks → rules → engine → reports/gate → cli.
 * The emulator is the other side of the wire and imports no product module.
 */
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Patterns a layer may not import, relative to any file inside it (a `!pattern` re-allows one module). */
const forbid = (...groups) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: groups.map((group) => ({
        ...(group instanceof RegExp ? { regex: group.source } : { group: Array.isArray(group) ? group : [group] }),
        message: `layer boundary: see ARCHITECTURE.md`,
      })),
    },
  ],
});

/** Every folder of ours a layer rule can name (`src/<folder>`, and `rules/`). */
const LAYERS = [
  'errors',
  'model',
  'checks',
  'token',
  'engine',
  'rules',
  'report',
  'gate',
  'config',
  'input',
  'collect',
  'terraform',
  'pulumi',
  'pipeline',
  'probe',
  'diagnose',
  'fixtures',
  'cli',
  'emulator',
];

/** The folders a layer may import, as ARCHITECTURE.md's layer table says; every other folder of ours is forbidden. */
const mayImportOnly = (...allowed) => forbid(...LAYERS.filter((layer) => !allowed.includes(layer)).map(layerPattern));

/**
 * A folder layer is any path through `<layer>/`; `errors` is the leaf file src/errors.ts, reached as `../errors`
 * (or `../../errors` from a subfolder) — a folder glob would never match it, and a glob ending in `errors` would also
 * catch a layer's own `./errors` (src/emulator/errors.ts, src/collect/errors.ts).
 */
function layerPattern(layer) {
  return layer === 'errors' ? /^(\.\.\/)+errors$/ : `**/${layer}/**`;
}

export default tseslint.config(
  {
    ignores: ['node_modules/', 'dist/', 'coverage/', 'test-artifacts/', '**/*.d.ts', 'stacks/bin/', 'policy-pack/bin/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // A spread passes every element as an argument: past ~100,000 elements it overflows the stack
      // (`--format markdown` crashed so at 10,000 vaults). Loop, or use reduce.
      'no-restricted-syntax': [
        'error',
        {
          selector: 'CallExpression[callee.property.name=/^(push|unshift|splice)$/] > SpreadElement',
          message: 'no spread into push/unshift/splice: it overflows the stack on large arrays; loop instead',
        },
        {
          selector: "CallExpression[callee.object.name='Math'][callee.property.name=/^(max|min)$/] > SpreadElement",
          message: 'no spread into Math.max/Math.min: it overflows the stack on large arrays; use reduce',
        },
        {
          selector: 'CallExpression[callee.property.name=/^(fromCharCode|fromCodePoint)$/] > SpreadElement',
          message: 'no spread into String.fromCharCode: it overflows the stack on large arrays',
        },
      ],
    },
  },
  {
    // Tests spread small, fixed arrays; the product code never does (the rule above).
    files: ['test/**/*.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // The leaf every layer may use (UsageError): it imports nothing of ours.
    files: ['src/errors.ts'],
    rules: forbid('./*', '../*'),
  },
  {
    // ARM resources (role assignments and definitions included) → the normalized estate.
    files: ['src/model/**/*.ts'],
    rules: mayImportOnly('errors', 'model'),
  },
  {
    // Facts about the estate and the caller (reachability, DNS, firewall, RBAC, token claims): below the rule contract.
    files: ['src/checks/**/*.ts', 'src/token/**/*.ts'],
    rules: mayImportOnly('errors', 'model', 'checks', 'token'),
  },
  {
    files: ['rules/**/*.ts'],
    rules: mayImportOnly('errors', 'model', 'checks', 'token', 'engine', 'rules'),
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: mayImportOnly('errors', 'model', 'checks', 'token', 'engine', 'rules'),
  },
  {
    // The config file configures a run: it knows the rules and the engine, nothing that reads or writes.
    files: ['src/config/**/*.ts'],
    rules: mayImportOnly(
      'errors',
      'model',
      'checks',
      'token',
      'engine',
      'rules',
      'config',
      'input',
      'diagnose',
      'fixtures',
    ),
  },
  {
    // The one audit pipeline (estate → rules → suppressions, baseline → gate): sources and front ends call it.
    files: ['src/pipeline/**/*.ts'],
    rules: mayImportOnly(
      'errors',
      'model',
      'checks',
      'token',
      'engine',
      'rules',
      'gate',
      'config',
      'pipeline',
      'diagnose',
      'fixtures',
    ),
  },
  {
    // The Pulumi front end: resources → estate through its adapter, then the pipeline.
    files: ['src/pulumi/**/*.ts'],
    rules: mayImportOnly(
      'errors',
      'model',
      'checks',
      'token',
      'engine',
      'rules',
      'report',
      'gate',
      'config',
      'input',
      'pulumi',
      'pipeline',
      'diagnose',
      'fixtures',
    ),
  },
  {
    files: ['src/report/**/*.ts', 'src/gate/**/*.ts'],
    rules: mayImportOnly(
      'errors',
      'model',
      'checks',
      'token',
      'engine',
      'rules',
      'report',
      'gate',
      'config',
      'diagnose',
      'fixtures',
    ),
  },
  {
    files: ['src/collect/**/*.ts', 'src/input/**/*.ts', 'src/terraform/**/*.ts'],
    rules: mayImportOnly('errors', 'model', 'token', 'config', 'input', 'collect', 'diagnose', 'fixtures'),
  },
  {
    // Error and log diagnosis reads ARM's words, not our estate's verdicts.
    files: ['src/diagnose/**/*.ts'],
    rules: forbid(
      '**/engine/**',
      ['**/report/**', '!**/report/escape'], // terminal output is escaped like every report
      '**/gate/**',
      '**/cli/**',
      '**/collect/**',
      '**/pulumi/**',
      '**/emulator/**',
      '**/rules/**',
      '**/probe/**',
      '**/pipeline/**',
      '**/terraform/**',
    ),
  },
  {
    // `kvguard probe` runs from the caller's side: checks and diagnosis, no rules engine, no collector.
    files: ['src/probe/**/*.ts'],
    rules: forbid(
      '**/engine/**',
      ['**/report/**', '!**/report/escape'], // terminal output is escaped like every report
      '**/gate/**',
      '**/cli/**',
      '**/collect/**',
      '**/pulumi/**',
      '**/emulator/**',
      '**/rules/**',
      '**/pipeline/**',
      '**/terraform/**',
    ),
  },
  {
    // Scenario builders for the demo, examples and tests: ARM shapes from the model, nothing above.
    files: ['src/fixtures/**/*.ts'],
    rules: mayImportOnly('errors', 'model', 'token', 'engine', 'config', 'input', 'diagnose', 'fixtures'),
  },
  {
    files: ['src/emulator/**/*.ts'],
    rules: mayImportOnly('emulator'),
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-require-imports': 'off',
      'no-control-regex': 'off',
    },
  },
  { files: ['**/*.js', '**/*.cjs'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
);
