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

  push(chunk: string): unknown[] {
    const text = this.carry + chunk;
    const records: unknown[] = [];
    for (let i = this.carry.length; i < text.length; i++) {
      const c = text.charCodeAt(i);
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
          }
          this.stack.push(opener);
          break;
        }
        case 125 /* } */:
        case 93 /* ] */:
          if (this.stack.length === 0)
            throw new SyntaxError(`unexpected ${String.fromCharCode(c)} at character ${this.offset + i}`);
          this.stack.pop();
          if (c === 125 && this.captureStart >= 0 && this.stack.length === this.captureDepth) {
            records.push(parseRecord(text.slice(this.captureStart, i + 1), this.offset + this.captureStart));
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

  private isRecordStart(): boolean {
    if (this.stack.length === 0) return true;
    if (this.stack.length === 1 && this.stack[0] === '[') return true;
    return this.wrapper && this.stack.length === 2 && this.stack[1] === '[';
  }
}

function parseRecord(text: string, at: number): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new SyntaxError(`invalid JSON in the record that starts at character ${at}`);
  }
}
