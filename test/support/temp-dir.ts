import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A temporary folder for one test file, removed after its tests; `writeJson` puts a JSON file in it. */
export interface TempDir {
  dir: string;
  writeJson(name: string, data: unknown): string;
}

export function tempDir(prefix: string): TempDir {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    writeJson(name, data) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, JSON.stringify(data));
      return file;
    },
  };
}
