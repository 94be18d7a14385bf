/**
 * The offset of the first syntax error in a JSON text. V8 names a position for some errors only
 * ("Unexpected token 'x', "..." is not valid JSON" has none), so kvguard finds it itself to report a line
 * and column. Called only after JSON.parse failed; returns the text's length when the input ends early.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const fail = (): never => {
    throw new SyntaxAt(i);
  };
  const space = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text.charAt(i))) i++;
  };
  const literal = (word: string): void => {
    for (const ch of word) {
      if (text.charAt(i) !== ch) fail();
      i++;
    }
  };
  const string = (): void => {
    i++; // opening quote
    while (i < text.length) {
      const ch = text.charAt(i);
      if (ch === '"') {
        i++;
        return;
      }
      if (ch < ' ') fail();
      if (ch === '\\') {
        i++;
        const escape = text.charAt(i);
        if (escape === 'u') {
          for (let k = 1; k <= 4; k++) if (!/[0-9a-fA-F]/.test(text.charAt(i + k))) fail();
          i += 4;
        } else if (!'"\\/bfnrt'.includes(escape) || escape === '') fail();
      }
      i++;
    }
    fail();
  };
  const number = (): void => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!match || match[0] === '' || match[0] === '-') fail();
    i += match ? match[0].length : 0;
  };
  const value = (): void => {
    space();
    const ch = text.charAt(i);
    if (ch === '{') return container('}', true);
    if (ch === '[') return container(']', false);
    if (ch === '"') return string();
    if (ch === 't') return literal('true');
    if (ch === 'f') return literal('false');
    if (ch === 'n') return literal('null');
    number();
  };
  const container = (close: string, keyed: boolean): void => {
    i++;
    space();
    if (text.charAt(i) === close) {
      i++;
      return;
    }
    for (;;) {
      if (keyed) {
        space();
        if (text.charAt(i) !== '"') fail();
        string();
        space();
        if (text.charAt(i) !== ':') fail();
        i++;
      }
      value();
      space();
      if (text.charAt(i) === ',') {
        i++;
        continue;
      }
      if (text.charAt(i) === close) {
        i++;
        return;
      }
      fail();
    }
  };
  try {
    value();
    space();
    if (i < text.length) fail();
  } catch (thrown) {
    if (thrown instanceof SyntaxAt) return Math.min(thrown.offset, text.length);
    throw thrown;
  }
  return text.length;
}

class SyntaxAt {
  constructor(readonly offset: number) {}
}
