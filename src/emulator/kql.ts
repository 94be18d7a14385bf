import type { JsonObject, JsonValue } from './json';
import { badRequest } from './errors';

/**
 * The subset of Kusto (KQL) that Azure Resource Graph answers and kvguard's collector sends, parsed and
 * evaluated over rows, never matched on the query text
 * (https://learn.microsoft.com/azure/governance/resource-graph/concepts/query-language):
 *
 *     query     := TABLE ( "|" operator )*
 *     TABLE     := "resources" | "dnsresources"                      (case-insensitive)
 *     operator  := "where" expr
 *                | "project" column ("," column)*                      column := NAME | NAME "=" path
 *                | "extend" NAME "=" path ("," NAME "=" path)*
 *                | "order" "by" path ["asc" | "desc"] ("," path ["asc" | "desc"])*   (also "sort by")
 *                | "limit" INTEGER | "take" INTEGER
 *     expr      := conj ("or" conj)*
 *     conj      := unary ("and" unary)*
 *     unary     := "not" "(" expr ")" | "(" expr ")" | comparison
 *     comparison:= path OP literal | path ("in" | "in~" | "!in" | "!in~") "(" literal ("," literal)* ")"
 *     OP        := "==" | "!=" | "=~" | "!~" | "has" | "!has" | "contains" | "!contains"
 *                | "startswith" | "!startswith" | "endswith" | "!endswith"
 *     path      := NAME ("." NAME | "[" INTEGER "]" | "['" NAME "']")*
 *     literal   := 'text' | "text" | number | true | false
 *
 * Semantics as in Kusto: `==`, `!=` and `in` compare case-sensitively; `=~`, `!~`, `in~` and the string
 * operators (`has`, `contains`, `startswith`, `endswith`) ignore case; `has` matches a whole term (runs of
 * letters and digits). A missing property compares as null (false for every operator but the negated ones).
 * `order by` without a direction sorts descending, as Kusto does. Anything else is a 400 `InvalidQuery`,
 * as ARG answers a query it cannot parse.
 */
export type Table = 'resources' | 'dnsresources';

export interface Query {
  table: Table;
  operators: Operator[];
}

type Path = (string | number)[];
type Literal = string | number | boolean;

export type Expr =
  | { kind: 'or' | 'and'; left: Expr; right: Expr }
  | { kind: 'not'; inner: Expr }
  | { kind: 'compare'; path: Path; op: string; value: Literal }
  | { kind: 'in'; path: Path; negated: boolean; caseless: boolean; values: Literal[] };

export type Operator =
  | { kind: 'where'; expr: Expr }
  | { kind: 'project'; columns: { name: string; path: Path }[] }
  | { kind: 'extend'; columns: { name: string; path: Path }[] }
  | { kind: 'order'; keys: { path: Path; descending: boolean }[] }
  | { kind: 'limit'; count: number };

type Token = { type: 'word' | 'string' | 'number' | 'symbol'; text: string; at: number };

const COMPARE_OPS = [
  '==',
  '!=',
  '=~',
  '!~',
  'has',
  '!has',
  'contains',
  '!contains',
  'startswith',
  '!startswith',
  'endswith',
  '!endswith',
];

export class KqlError extends Error {
  override readonly name = 'KqlError';
}

function invalid(message: string): never {
  throw new KqlError(message);
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? '';
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const at = i;
    if (c === "'" || c === '"') {
      let value = '';
      i++;
      while (i < text.length && text[i] !== c) {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        value += text[i];
        i++;
      }
      if (i >= text.length) invalid(`unterminated string literal at position ${at}`);
      i++;
      tokens.push({ type: 'string', text: value, at });
      continue;
    }
    const two = text.slice(i, i + 2);
    if (['==', '!=', '=~', '!~'].includes(two)) {
      tokens.push({ type: 'symbol', text: two, at });
      i += 2;
      continue;
    }
    if ('|(),.[]='.includes(c)) {
      tokens.push({ type: 'symbol', text: c, at });
      i++;
      continue;
    }
    const number = /^-?\d+(\.\d+)?/.exec(text.slice(i));
    if (number && (c === '-' || /\d/.test(c))) {
      tokens.push({ type: 'number', text: number[0], at });
      i += number[0].length;
      continue;
    }
    // Words: identifiers and word operators, with Kusto's `!` and `~` affixes (`!in~`, `!has`).
    const word = /^!?[A-Za-z_][A-Za-z0-9_]*~?/.exec(text.slice(i));
    if (!word) invalid(`unexpected character '${c}' at position ${at}`);
    tokens.push({ type: 'word', text: word[0], at });
    i += word[0].length;
  }
  return tokens;
}

class Parser {
  private position = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }
  private next(): Token {
    const token = this.tokens[this.position++];
    if (!token) invalid('the query ends too early');
    return token;
  }
  private isWord(text: string): boolean {
    return this.peek()?.type === 'word' && this.peek()?.text.toLowerCase() === text;
  }
  private isSymbol(text: string): boolean {
    return this.peek()?.type === 'symbol' && this.peek()?.text === text;
  }
  private expectSymbol(text: string): void {
    const token = this.next();
    if (token.type !== 'symbol' || token.text !== text)
      invalid(`expected '${text}' at position ${token.at}, found '${token.text}'`);
  }
  private expectWord(text: string): void {
    const token = this.next();
    if (token.type !== 'word' || token.text.toLowerCase() !== text)
      invalid(`expected '${text}' at position ${token.at}, found '${token.text}'`);
  }

  query(): Query {
    const table = this.next();
    const name = table.text.toLowerCase();
    if (table.type !== 'word' || (name !== 'resources' && name !== 'dnsresources'))
      invalid(`unknown table '${table.text}' (this emulator serves resources and dnsresources)`);
    const operators: Operator[] = [];
    while (this.peek()) {
      this.expectSymbol('|');
      operators.push(this.operator());
    }
    return { table: name, operators };
  }

  private operator(): Operator {
    const token = this.next();
    switch (token.text.toLowerCase()) {
      case 'where':
        return { kind: 'where', expr: this.expr() };
      case 'project':
        return { kind: 'project', columns: this.columns(false) };
      case 'extend':
        return { kind: 'extend', columns: this.columns(true) };
      case 'order':
      case 'sort':
        this.expectWord('by');
        return { kind: 'order', keys: this.orderKeys() };
      case 'limit':
      case 'take': {
        const count = this.next();
        if (count.type !== 'number' || !/^\d+$/.test(count.text))
          invalid(`'${token.text}' needs a whole number at position ${count.at}`);
        return { kind: 'limit', count: Number(count.text) };
      }
      default:
        return invalid(`unsupported operator '${token.text}' at position ${token.at}`);
    }
  }

  private columns(assignmentRequired: boolean): { name: string; path: Path }[] {
    const columns: { name: string; path: Path }[] = [];
    do {
      if (columns.length > 0) this.expectSymbol(',');
      const first = this.path();
      if (this.isSymbol('=')) {
        this.next();
        if (first.length !== 1 || typeof first[0] !== 'string') invalid('a column name must be a plain name');
        columns.push({ name: first[0], path: this.path() });
      } else {
        if (assignmentRequired) invalid("extend needs 'name = expression'");
        columns.push({ name: pathName(first), path: first });
      }
    } while (this.isSymbol(','));
    return columns;
  }

  private orderKeys(): { path: Path; descending: boolean }[] {
    const keys: { path: Path; descending: boolean }[] = [];
    do {
      if (keys.length > 0) this.expectSymbol(',');
      const path = this.path();
      let descending = true;
      if (this.isWord('asc') || this.isWord('desc')) descending = this.next().text.toLowerCase() === 'desc';
      keys.push({ path, descending });
    } while (this.isSymbol(','));
    return keys;
  }

  private path(): Path {
    const head = this.next();
    if (head.type !== 'word' || head.text.startsWith('!'))
      invalid(`expected a column name at position ${head.at}, found '${head.text}'`);
    const path: Path = [head.text];
    for (;;) {
      if (this.isSymbol('.')) {
        this.next();
        const part = this.next();
        if (part.type !== 'word') invalid(`expected a property name at position ${part.at}`);
        path.push(part.text);
      } else if (this.isSymbol('[')) {
        this.next();
        const index = this.next();
        if (index.type === 'number') path.push(Number(index.text));
        else if (index.type === 'string') path.push(index.text);
        else invalid(`expected an index at position ${index.at}`);
        this.expectSymbol(']');
      } else return path;
    }
  }

  expr(): Expr {
    let left = this.conj();
    while (this.isWord('or')) {
      this.next();
      left = { kind: 'or', left, right: this.conj() };
    }
    return left;
  }

  private conj(): Expr {
    let left = this.unary();
    while (this.isWord('and')) {
      this.next();
      left = { kind: 'and', left, right: this.unary() };
    }
    return left;
  }

  private unary(): Expr {
    if (this.isWord('not')) {
      this.next();
      this.expectSymbol('(');
      const inner = this.expr();
      this.expectSymbol(')');
      return { kind: 'not', inner };
    }
    if (this.isSymbol('(')) {
      this.next();
      const inner = this.expr();
      this.expectSymbol(')');
      return inner;
    }
    const path = this.path();
    const op = this.next();
    const opText = op.text.toLowerCase();
    if (['in', 'in~', '!in', '!in~'].includes(opText)) {
      this.expectSymbol('(');
      const values: Literal[] = [];
      do {
        if (values.length > 0) this.expectSymbol(',');
        values.push(this.literal());
      } while (this.isSymbol(','));
      this.expectSymbol(')');
      return { kind: 'in', path, negated: opText.startsWith('!'), caseless: opText.endsWith('~'), values };
    }
    if (!COMPARE_OPS.includes(opText)) invalid(`unsupported operator '${op.text}' at position ${op.at}`);
    return { kind: 'compare', path, op: opText, value: this.literal() };
  }

  private literal(): Literal {
    const token = this.next();
    if (token.type === 'string') return token.text;
    if (token.type === 'number') return Number(token.text);
    if (token.type === 'word' && (token.text === 'true' || token.text === 'false')) return token.text === 'true';
    return invalid(`expected a literal at position ${token.at}, found '${token.text}'`);
  }
}

function pathName(path: Path): string {
  return path.map(String).join('_');
}

export function parseQuery(text: string): Query {
  const tokens = tokenize(text);
  if (tokens.length === 0) invalid('the query is empty');
  return new Parser(tokens).query();
}

function valueAt(row: JsonObject, path: Path): JsonValue | undefined {
  let current: JsonValue | undefined = row;
  for (const [index, part] of path.entries()) {
    if (current === null || current === undefined || typeof current !== 'object') return undefined;
    if (typeof part === 'number') current = Array.isArray(current) ? current[part] : undefined;
    else if (Array.isArray(current)) return undefined;
    // Column names are case-insensitive in ARG's tables; property names inside a column are not.
    else
      current =
        index === 0
          ? current[Object.keys(current).find((k) => k.toLowerCase() === part.toLowerCase()) ?? part]
          : current[part];
  }
  return current;
}

function text(value: JsonValue | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** Kusto's `has`: the value holds the term as a whole token (tokens are runs of letters and digits). */
function hasTerm(haystack: string, term: string): boolean {
  const h = haystack.toLowerCase();
  const t = term.toLowerCase();
  for (let at = h.indexOf(t); at >= 0; at = h.indexOf(t, at + 1)) {
    const before = at === 0 ? '' : (h[at - 1] ?? '');
    const after = h[at + t.length] ?? '';
    if (!/[a-z0-9]/.test(before) && !/[a-z0-9]/.test(after)) return true;
  }
  return false;
}

function compare(value: JsonValue | undefined, op: string, literal: Literal): boolean {
  const negated = op.startsWith('!') && op !== '!=' && op !== '!~';
  const base = negated ? op.slice(1) : op;
  const left = text(value);
  const right = String(literal);
  let result: boolean;
  if (left === undefined) result = false;
  else if (base === '==' || base === '!=') result = typeof literal === 'string' ? left === right : value === literal;
  else if (base === '=~' || base === '!~') result = left.toLowerCase() === right.toLowerCase();
  else if (base === 'has') result = hasTerm(left, right);
  else if (base === 'contains') result = left.toLowerCase().includes(right.toLowerCase());
  else if (base === 'startswith') result = left.toLowerCase().startsWith(right.toLowerCase());
  else result = left.toLowerCase().endsWith(right.toLowerCase());
  if (base === '!=' || base === '!~') return left === undefined ? true : !result;
  return negated ? !result : result;
}

export function matches(expr: Expr, row: JsonObject): boolean {
  switch (expr.kind) {
    case 'or':
      return matches(expr.left, row) || matches(expr.right, row);
    case 'and':
      return matches(expr.left, row) && matches(expr.right, row);
    case 'not':
      return !matches(expr.inner, row);
    case 'compare':
      return compare(valueAt(row, expr.path), expr.op, expr.value);
    case 'in': {
      const left = text(valueAt(row, expr.path));
      const found =
        left !== undefined &&
        expr.values.some((v) => (expr.caseless ? left.toLowerCase() === String(v).toLowerCase() : left === String(v)));
      return expr.negated ? !found : found;
    }
  }
}

function orderValue(value: JsonValue | undefined): string | number {
  return typeof value === 'number' ? value : (text(value) ?? '').toLowerCase();
}

/** Runs the operators over the table's rows, in order, as Kusto pipes them. */
export function evaluate(query: Query, rows: readonly JsonObject[]): JsonObject[] {
  let current: JsonObject[] = [...rows];
  for (const operator of query.operators) {
    switch (operator.kind) {
      case 'where':
        current = current.filter((row) => matches(operator.expr, row));
        break;
      case 'project':
        current = current.map((row) =>
          Object.fromEntries(operator.columns.map((c) => [c.name, valueAt(row, c.path) ?? null])),
        );
        break;
      case 'extend':
        current = current.map((row) => ({
          ...row,
          ...Object.fromEntries(operator.columns.map((c) => [c.name, valueAt(row, c.path) ?? null])),
        }));
        break;
      case 'order':
        current = [...current].sort((a, b) => {
          for (const key of operator.keys) {
            const x = orderValue(valueAt(a, key.path));
            const y = orderValue(valueAt(b, key.path));
            if (x !== y) return (x < y ? -1 : 1) * (key.descending ? -1 : 1);
          }
          return 0;
        });
        break;
      case 'limit':
        current = current.slice(0, operator.count);
        break;
    }
  }
  return current;
}

/** A parse failure as ARG answers it: 400 with code BadRequest and an InvalidQuery detail. */
export function invalidQuery(error: KqlError): Error {
  return badRequest(
    'BadRequest',
    `Please provide below info when asking for support: timestamp, correlationId. Details: InvalidQuery: ${error.message}`,
  );
}
