import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Compares a report with its committed golden file under test/report/golden/. `UPDATE_GOLDEN=1 npx jest
 * test/report` rewrites the files; review the diff before committing it.
 */
export const GOLDEN_DIR = path.join(__dirname, 'golden');

export function expectGolden(name: string, actual: string): void {
  const file = path.join(GOLDEN_DIR, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    fs.mkdirSync(GOLDEN_DIR, { recursive: true });
    fs.writeFileSync(file, actual);
    return;
  }
  if (!fs.existsSync(file)) throw new Error(`golden file ${file} is missing: run UPDATE_GOLDEN=1 npx jest test/report`);
  expect(actual).toBe(fs.readFileSync(file, 'utf8'));
}
