import * as fs from 'node:fs';

/** Reads a whole small input (an error body, a token) from a file or, for `-`, from stdin. */
export async function readTextInput(file: string, label: string): Promise<string> {
  if (file === '-') {
    if (process.stdin.isTTY)
      throw new ReadTextError(`${label} -: stdin is a terminal; pipe the input in or give a file`);
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin)
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    if (fs.statSync(file).isDirectory()) throw new ReadTextError(`${label} ${file}: is a folder`);
    return fs.readFileSync(file, 'utf8');
  } catch (thrown) {
    if (thrown instanceof ReadTextError) throw thrown;
    const code = (thrown as NodeJS.ErrnoException).code;
    throw new ReadTextError(
      `${label} ${file}: ${code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? (thrown as Error).message})`}`,
    );
  }
}

export class ReadTextError extends Error {
  override readonly name = 'ReadTextError';
}
