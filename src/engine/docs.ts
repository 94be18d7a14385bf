import * as fs from 'node:fs';
import * as path from 'node:path';

/** Where the project's files live, whether running from `src/` (tests) or `dist/src/` (built). */
export function packageRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('kvguard: cannot find package.json above ' + __dirname);
    dir = parent;
  }
  return dir;
}

export const REPOSITORY_URL = 'https://github.com/kvguard/kvguard';

/** The doc of a rule, derived from its name (typescript-eslint's createRule habit): never typed by hand. */
export function ruleDocUrl(name: string): string {
  return `${REPOSITORY_URL}/blob/main/rules/${name}.md`;
}

export function ruleDocPath(name: string): string {
  return path.join(packageRoot(), 'rules', `${name}.md`);
}
