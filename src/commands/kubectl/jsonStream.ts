/**
 * A stream of JSON values as Go's encoding/json Decoder reads it (kubectl's YAMLOrJSONDecoder
 * takes this path when the input starts with `{`): values one after the other, separated by
 * whitespace or nothing, each ended by its own syntax. A syntax error is worded as Go's scanner
 * words it (scanner.go), so `kubectl apply` prints the same `error parsing STDIN: …`.
 */

export class JsonSyntaxError extends Error {}

/** quoteChar(): how Go's scanner shows the offending character. */
function quoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return `'"'`;
  const esc: Record<string, string> = { '\n': '\\n', '\t': '\\t', '\r': '\\r', '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\v': '\\v', '\\': '\\\\' };
  if (esc[c] !== undefined) return `'${esc[c]}'`;
  const code = c.charCodeAt(0);
  if (code < 0x20 || code === 0x7f) return `'\\x${code.toString(16).padStart(2, '0')}'`;
  return `'${c}'`;
}

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';
const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isHex = (c: string): boolean => isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');

class Scanner {
  i = 0;
  constructor(readonly s: string) {}

  /** the character at the cursor; running out in the middle of a value is Decode's io.ErrUnexpectedEOF */
  peek(): string {
    if (this.i >= this.s.length) throw new JsonSyntaxError('unexpected EOF');
    return this.s[this.i];
  }

  fail(context: string): never {
    throw new JsonSyntaxError(`invalid character ${quoteChar(this.s[this.i])} ${context}`);
  }

  space(): void {
    while (this.i < this.s.length && isSpace(this.s[this.i])) this.i++;
  }

  value(): void {
    this.space();
    const c = this.peek();
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    if (c === '-' || isDigit(c)) return this.number();
    if (c === 't') return this.literal('true');
    if (c === 'f') return this.literal('false');
    if (c === 'n') return this.literal('null');
    this.fail('looking for beginning of value');
  }

  object(): void {
    this.i++;
    this.space();
    if (this.peek() === '}') {
      this.i++;
      return;
    }
    for (;;) {
      this.space();
      if (this.peek() !== '"') this.fail('looking for beginning of object key string');
      this.string();
      this.space();
      if (this.peek() !== ':') this.fail('after object key');
      this.i++;
      this.value();
      this.space();
      const c = this.peek();
      this.i++;
      if (c === '}') return;
      if (c !== ',') {
        this.i--;
        this.fail('after object key:value pair');
      }
    }
  }

  array(): void {
    this.i++;
    this.space();
    if (this.peek() === ']') {
      this.i++;
      return;
    }
    for (;;) {
      this.value();
      this.space();
      const c = this.peek();
      this.i++;
      if (c === ']') return;
      if (c !== ',') {
        this.i--;
        this.fail('after array element');
      }
    }
  }

  string(): void {
    this.i++;
    for (;;) {
      const c = this.peek();
      if (c === '"') {
        this.i++;
        return;
      }
      if (c === '\\') {
        this.i++;
        const e = this.peek();
        if (e === 'u') {
          for (let k = 0; k < 4; k++) {
            this.i++;
            if (!isHex(this.peek())) this.fail('in \\u hexadecimal character escape');
          }
        } else if (!'bfnrt\\/"'.includes(e)) this.fail('in string escape code');
      } else if (c.charCodeAt(0) < 0x20) this.fail('in string literal');
      this.i++;
    }
  }

  /** A number ends at the first character that cannot continue it (or at the end of the input). */
  number(): void {
    const more = () => this.i < this.s.length;
    if (this.s[this.i] === '-') {
      this.i++;
      if (!isDigit(this.peek())) this.fail('in numeric literal');
    }
    if (this.s[this.i] === '0') this.i++;
    else while (more() && isDigit(this.s[this.i])) this.i++;
    if (more() && this.s[this.i] === '.') {
      this.i++;
      if (!isDigit(this.peek())) this.fail('after decimal point in numeric literal');
      while (more() && isDigit(this.s[this.i])) this.i++;
    }
    if (more() && (this.s[this.i] === 'e' || this.s[this.i] === 'E')) {
      this.i++;
      if (this.peek() === '+' || this.peek() === '-') this.i++;
      if (!isDigit(this.peek())) this.fail('in exponent of numeric literal');
      while (more() && isDigit(this.s[this.i])) this.i++;
    }
  }

  literal(word: string): void {
    for (let k = 0; k < word.length; k++) {
      if (this.peek() !== word[k]) this.fail(`in literal ${word} (expecting ${quoteChar(word[k])})`);
      this.i++;
    }
  }
}

/**
 * Every value of the stream, parsed, in order. Values already read are returned with the error
 * that stopped the stream, as the decoder hands out each value before it reads the next.
 */
export function decodeJsonStream(text: string): { values: unknown[]; error: JsonSyntaxError | undefined } {
  const sc = new Scanner(text);
  const values: unknown[] = [];
  for (;;) {
    sc.space();
    if (sc.i >= text.length) return { values, error: undefined };
    const start = sc.i;
    try {
      sc.value();
    } catch (e) {
      if (e instanceof JsonSyntaxError) return { values, error: e };
      throw e;
    }
    values.push(JSON.parse(text.slice(start, sc.i)));
  }
}
