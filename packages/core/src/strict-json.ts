import { finding, type Finding } from './errors.js';

/** Structural limits for a JSON document (H6). */
export interface JsonLimits {
  /** Largest accepted body in bytes (default 5120, the draft's recommended 5 KB; R73). */
  readonly maxBytes: number;
  /** Deepest accepted nesting of objects and arrays (default 16). */
  readonly maxDepth: number;
  /** Most object members plus array elements in the whole document (default 1024). */
  readonly maxMembers: number;
}

export const DEFAULT_JSON_LIMITS: JsonLimits = { maxBytes: 5120, maxDepth: 16, maxMembers: 1024 };

export type StrictJsonResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: Finding };

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Decode and parse a JSON body strictly (RFC 8259 with the I-JSON restrictions that matter here):
 * valid UTF-8 only (a leading byte-order mark is tolerated), no duplicate member names, bounded
 * depth and member count. Returns the parsed value or one finding; never throws.
 */
export function parseStrictJson(body: Uint8Array | string, limits?: Partial<JsonLimits>): StrictJsonResult {
  const l: JsonLimits = limits === undefined ? DEFAULT_JSON_LIMITS : { ...DEFAULT_JSON_LIMITS, ...limits };
  let text: string;
  if (typeof body === 'string') {
    text = body;
    const bytes = utf8Length(text);
    if (bytes > l.maxBytes)
      return fail('document-too-large', `The document is ${bytes} bytes; at most ${l.maxBytes} are accepted`);
    if (hasLoneSurrogate(text)) return fail('document-not-utf8', 'The document text cannot be encoded as UTF-8 (lone surrogate)');
  } else {
    if (body.byteLength > l.maxBytes) {
      return fail('document-too-large', `The document is ${body.byteLength} bytes; at most ${l.maxBytes} are accepted`);
    }
    try {
      text = decoder.decode(body);
    } catch {
      return fail('document-not-utf8', 'The document is not valid UTF-8');
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);

  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const detail = e instanceof SyntaxError ? `: ${e.message}` : '';
    return fail('document-not-json', `The document is not valid JSON${detail}`);
  }
  // The fast pass finds whether a rule is broken; only then does the detailed pass say where.
  if (!structureOk(text, value, l)) {
    const structural = scanStructure(text, l);
    if (structural !== undefined) return { ok: false, reason: structural };
  }
  return { ok: true, value };
}

function fail(code: 'document-too-large' | 'document-not-utf8' | 'document-not-json', message: string): StrictJsonResult {
  return { ok: false, reason: finding(code, message) };
}

interface Frame {
  readonly isObject: boolean;
  readonly keys: Set<string> | undefined;
  /** The enclosing frame and this frame's name in it (a member name or "[i]"): the path, built only for messages. */
  readonly parent: Frame | undefined;
  readonly name: string;
  expectKey: boolean;
  /** The last member name read (objects) or the index of the last element (arrays). */
  last: string;
  index: number;
}

/**
 * The happy path of {@link scanStructure}, answering only whether every rule holds.
 *
 * Depth and member count are read off the parsed value. Duplicates are found by counting: JSON.parse
 * keeps one property per repeated name, so the text has more member names than the parsed objects
 * have properties exactly when a name repeats in some object. Member names in the text are the
 * strings followed by ":"; no set of names is built.
 */
function structureOk(text: string, value: unknown, l: JsonLimits): boolean {
  let properties = 0;
  let members = 0;
  const pending: Array<{ v: unknown; depth: number }> = [{ v: value, depth: 1 }];
  while (pending.length > 0) {
    const { v, depth } = pending.pop() as { v: unknown; depth: number };
    if (typeof v !== 'object' || v === null) continue;
    if (depth > l.maxDepth) return false;
    if (Array.isArray(v)) {
      members += v.length;
      for (const e of v as unknown[]) if (typeof e === 'object' && e !== null) pending.push({ v: e, depth: depth + 1 });
    } else {
      for (const key in v) {
        if (!Object.hasOwn(v, key)) continue;
        properties++;
        members++;
        const e = (v as Record<string, unknown>)[key];
        if (typeof e === 'object' && e !== null) pending.push({ v: e, depth: depth + 1 });
      }
    }
    if (members > l.maxMembers) return false;
  }
  return countMemberNames(text) === properties;
}

/** How many strings in JSON text are member names (followed, after white space, by ":"). */
function countMemberNames(text: string): number {
  let names = 0;
  const n = text.length;
  for (let i = text.indexOf('"'); i !== -1 && i < n; i = text.indexOf('"', i + 1)) {
    i = closingQuote(text, i + 1);
    let j = i + 1;
    let c = text.charCodeAt(j);
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = text.charCodeAt(++j);
    if (c === 0x3a /* : */) names++;
  }
  return names;
}

/**
 * Walk text that JSON.parse already accepted, checking what it cannot: duplicate member names,
 * nesting depth and member count. Because the grammar is known to be valid, the walk only tracks
 * structure.
 */
function scanStructure(text: string, l: JsonLimits): Finding | undefined {
  const stack: Frame[] = [];
  let members = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i + 1;
      i = closingQuote(text, start);
      const top = stack[stack.length - 1];
      if (top?.isObject && top.expectKey) {
        top.expectKey = false;
        const raw = text.slice(start, i);
        const key = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
        const keys = top.keys as Set<string>;
        if (keys.has(key)) {
          const path = pathOf(top);
          const where = path === '$' ? 'the top-level object' : `the object at ${path}`;
          return finding('document-duplicate-member', `The member "${key}" appears twice in ${where}`, pathJoin(path, key));
        }
        keys.add(key);
        top.last = key;
        if (++members > l.maxMembers) return tooMany(l);
      } else if (top !== undefined && !top.isObject) {
        top.index++;
        if (++members > l.maxMembers) return tooMany(l);
      }
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      const top = stack[stack.length - 1];
      let name = '';
      if (top !== undefined && top.isObject) name = top.last;
      else if (top !== undefined) {
        top.index++;
        if (++members > l.maxMembers) return tooMany(l);
        name = `[${top.index}]`;
      }
      const isObject = c === 0x7b;
      const frame: Frame = {
        isObject,
        keys: isObject ? new Set() : undefined,
        parent: top,
        name,
        expectKey: isObject,
        last: '',
        index: -1,
      };
      stack.push(frame);
      if (stack.length > l.maxDepth) {
        return finding('document-too-deep', `The document nests deeper than ${l.maxDepth} levels at ${pathOf(frame)}`);
      }
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    } else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top?.isObject) top.expectKey = true;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39) || c === 0x74 || c === 0x66 || c === 0x6e) {
      // A number or a literal (true, false, null): an array element when inside an array.
      const top = stack[stack.length - 1];
      if (top !== undefined && !top.isObject) {
        top.index++;
        if (++members > l.maxMembers) return tooMany(l);
      }
      while (i + 1 < n && !isDelimiter(text.charCodeAt(i + 1))) i++;
    }
  }
  return undefined;
}

/** The index of the quote that closes the string whose contents start at `from`. */
function closingQuote(text: string, from: number): number {
  let j = text.indexOf('"', from);
  for (;;) {
    let backslashes = 0;
    for (let k = j - 1; k >= from && text.charCodeAt(k) === 0x5c; k--) backslashes++;
    if (backslashes % 2 === 0) return j;
    j = text.indexOf('"', j + 1);
  }
}

function isDelimiter(c: number): boolean {
  return c === 0x2c || c === 0x5d || c === 0x7d || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function tooMany(l: JsonLimits): Finding {
  return finding('document-too-many-members', `The document has more than ${l.maxMembers} members and array elements`);
}

/** "$" for the top level, else e.g. "jwks.keys[0]". */
function pathOf(frame: Frame): string {
  if (frame.parent === undefined) return '$';
  const parent = pathOf(frame.parent);
  return frame.name.startsWith('[') ? `${parent === '$' ? '$' : parent}${frame.name}` : pathJoin(parent, frame.name);
}

function pathJoin(path: string, key: string): string {
  return path === '$' ? key : `${path}.${key}`;
}

function utf8Length(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function hasLoneSurrogate(s: string): boolean {
  return /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
}
