/**
 * A streaming splitter for the JSON shapes log exports come in, holding one record at a time: JSON lines
 * (one object per line, as Azure Monitor writes AuditEvent blobs), a top-level array (a Log Analytics
 * export), or a wrapper object whose `records` / `value` / `data` array holds them (`{"records": [...]}`).
 * Feed it text chunks; it returns the complete records of each chunk, parsed.
 */
const WRAPPER_KEYS = new Set(['records', 'value', 'data']);

export class JsonRecordSplitter {
  private carry = '';
  /** Open containers, innermost last: `{` or `[`. */
  private readonly stack: string[] = [];
  private inString = false;
  private escaped = false;
  /** Where the record being captured starts in `carry + chunk`, or -1. */
  private captureStart = -1;
  private captureDepth = 0;
  private wrapper = false;
  private keyStart = -1;
  private lastKey = '';
  private offset = 0;
  /** 1-based line of the character being read, and of the record being captured. */
  private line = 1;
  private captureLine = 1;
  private lastSkippedLine = 0;
  /** Lines holding text that is no record (not JSON, a scalar, a nested array): counted, never silently dropped. */
  skippedLines = 0;

  push(chunk: string): unknown[] {
    const text = this.carry + chunk;
    const records: unknown[] = [];
    for (let i = this.carry.length; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 /* \n */) this.line += 1;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 92 /* \ */) this.escaped = true;
        else if (c === 34 /* " */) {
          this.inString = false;
          if (this.keyStart >= 0) {
            this.lastKey = text.slice(this.keyStart, i);
            this.keyStart = -1;
          }
        }
        continue;
      }
      if (this.captureStart < 0 && this.isRecordStart() && !isBlank(c) && c !== 123 && !this.isSeparator(c))
        this.skip();
      switch (c) {
        case 34:
          this.inString = true;
          // Keys of the top-level object tell a wrapper (`{"records": [`) from a record.
          if (this.stack.length === 1 && this.stack[0] === '{' && this.captureStart >= 0) this.keyStart = i + 1;
          break;
        case 123 /* { */:
        case 91 /* [ */: {
          const opener = c === 123 ? '{' : '[';
          if (
            opener === '[' &&
            this.stack.length === 1 &&
            this.stack[0] === '{' &&
            !this.wrapper &&
            WRAPPER_KEYS.has(this.lastKey.toLowerCase())
          ) {
            this.wrapper = true;
            this.captureStart = -1;
          }
          if (opener === '{' && this.captureStart < 0 && this.isRecordStart()) {
            this.captureStart = i;
            this.captureDepth = this.stack.length;
            this.captureLine = this.line;
          }
          this.stack.push(opener);
          break;
        }
        case 125 /* } */:
        case 93 /* ] */:
          if (this.stack.length === 0) throw new SyntaxError(`line ${this.line}: unexpected ${String.fromCharCode(c)}`);
          this.stack.pop();
          if (c === 125 && this.captureStart >= 0 && this.stack.length === this.captureDepth) {
            records.push(parseRecord(text.slice(this.captureStart, i + 1), this.captureLine));
            this.captureStart = -1;
          }
          if (this.stack.length === 0) this.wrapper = false;
          break;
        default:
          break;
      }
    }
    const keep = this.captureStart >= 0 ? this.captureStart : this.keyStart >= 0 ? this.keyStart : text.length;
    this.offset += keep;
    this.carry = text.slice(keep);
    if (this.captureStart >= 0) this.captureStart = 0;
    if (this.keyStart >= 0) this.keyStart -= keep;
    return records;
  }

  /** Throws when the input stopped inside a record. */
  end(): void {
    if (this.captureStart >= 0 || this.stack.length > 0)
      throw new SyntaxError('the file ends inside a record (truncated?)');
  }

  /** `[` opening the top-level array or a wrapper's array, `,` and `]` between records: structure, not content. */
  private isSeparator(c: number): boolean {
    if (this.stack.length === 0) return c === 91;
    return c === 44 || c === 93;
  }

  private skip(): void {
    if (this.lastSkippedLine === this.line) return;
    this.lastSkippedLine = this.line;
    this.skippedLines += 1;
  }

  private isRecordStart(): boolean {
    if (this.stack.length === 0) return true;
    if (this.stack.length === 1 && this.stack[0] === '[') return true;
    return this.wrapper && this.stack.length === 2 && this.stack[1] === '[';
  }
}

function parseRecord(text: string, line: number): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new SyntaxError(`line ${line}: invalid JSON in the record that starts there`);
  }
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}
