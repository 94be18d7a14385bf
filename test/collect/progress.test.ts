import { progressEnabled, createProgress } from '../../src/collect/progress';

const tty = { isTTY: true } as NodeJS.WriteStream;
const pipe = { isTTY: false } as NodeJS.WriteStream;

describe('progress', () => {
  it.each([
    [{ stream: tty, env: {} }, true],
    [{ stream: pipe, env: {} }, false],
    [{ stream: tty, env: { CI: 'true' } }, false],
    [{ stream: tty, env: { CI: '1' } }, false],
    [{ stream: tty, env: { CI: 'false' } }, true],
    [{ stream: tty, env: {}, quiet: true }, false],
  ])('%j → %s', (context, expected) => {
    expect(progressEnabled(context)).toBe(expected);
  });

  it('gives the collector no callback when silent', () => {
    expect(createProgress({ stream: pipe, env: {} }).onProgress).toBeUndefined();
  });
});
