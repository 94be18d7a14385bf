import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Microsoft's REST examples, copied byte for byte from Azure/azure-rest-api-specs (MIT) into the repository:
 * see test/fixtures/arm-examples/README.md for each file's source path, commit and api-version. Tests read
 * them from here, never from outside the repository, so a fresh clone passes on its own.
 */
export const ARM_EXAMPLES = join(__dirname, '..', 'fixtures', 'arm-examples');

/** One example file, parsed (`file` relative to ARM_EXAMPLES, e.g. `Microsoft.KeyVault/2026-02-01/updateVault.json`). */
export function readArmExample<T = unknown>(file: string): T {
  return JSON.parse(readFileSync(join(ARM_EXAMPLES, file), 'utf8')) as T;
}
