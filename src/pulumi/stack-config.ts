import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '../errors';

/**
 * Reads `Pulumi.<stack>.yaml` as the Pulumi CLI would hand it to the program: `config:` keys mapped to
 * strings, structured values (flow lists and maps, written as JSON) JSON-encoded. Only the subset the
 * stacks use is accepted (one `key: value` per line, `#` comments); anything else is refused with its line.
 */
export type StackConfig = Record<string, string>;

export function stackConfigFile(stacksDir: string, stack: string): string {
  return path.join(stacksDir, `Pulumi.${stack}.yaml`);
}

export function listStacks(stacksDir: string): string[] {
  return fs
    .readdirSync(stacksDir)
    .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
    .filter((name): name is string => name !== undefined)
    .sort();
}

export function readStackConfig(file: string): StackConfig {
  if (!fs.existsSync(file)) throw new UsageError(`${file}: no such stack file`);
  const config: StackConfig = {};
  let inConfig = false;
  fs.readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .forEach((raw, index) => {
      const line = raw.replace(/\s+#.*$/, '').replace(/^\s*#.*$/, '');
      if (line.trim() === '') return;
      const where = `${file}:${index + 1}`;
      if (!/^\s/.test(line)) {
        if (line.trim() !== 'config:')
          throw new UsageError(
            `${where}: only a top-level config: map is supported, found ${JSON.stringify(line.trim())}`,
          );
        inConfig = true;
        return;
      }
      const match = /^\s+([\w.-]+:[\w.-]+):\s*(.*)$/.exec(line);
      if (!inConfig || !match?.[1])
        throw new UsageError(`${where}: expected "  namespace:key: value", found ${JSON.stringify(line.trim())}`);
      config[match[1]] = scalar(match[2] ?? '', where);
    });
  return config;
}

function scalar(text: string, where: string): string {
  const value = text.trim();
  if (/^[[{]/.test(value) || /^"/.test(value)) {
    try {
      const parsed: unknown = JSON.parse(value);
      return typeof parsed === 'string' ? parsed : JSON.stringify(parsed);
    } catch {
      throw new UsageError(`${where}: ${value} is not valid JSON (structured values are written as JSON)`);
    }
  }
  return value.replace(/^'(.*)'$/, '$1');
}
