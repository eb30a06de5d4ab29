/**
 * A strict parser for a Content-Type field value (RFC 9110 §8.3.1):
 *
 *   media-type = type "/" subtype *( OWS ";" OWS [ parameter ] )
 *   parameter  = token "=" ( token / quoted-string )
 *
 * Whole-value parsing, no substring tests: `text/html; x=application/json` is text/html.
 */
export interface MediaType {
  /** Lower-cased. */
  readonly type: string;
  /** Lower-cased. */
  readonly subtype: string;
  /** Names lower-cased; values as sent (quoted-string unescaped). */
  readonly parameters: ReadonlyMap<string, string>;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;
const OWS = /^[ \t]*/;

/** Parse one media type; undefined when the value is not exactly one valid media type. */
export function parseMediaType(value: string): MediaType | undefined {
  let rest = value.replace(OWS, '');
  const type = TOKEN.exec(rest)?.[0];
  if (type === undefined) return undefined;
  rest = rest.slice(type.length);
  if (!rest.startsWith('/')) return undefined;
  rest = rest.slice(1);
  const subtype = TOKEN.exec(rest)?.[0];
  if (subtype === undefined) return undefined;
  rest = rest.slice(subtype.length);

  const parameters = new Map<string, string>();
  for (;;) {
    rest = rest.replace(OWS, '');
    if (rest === '') break;
    if (!rest.startsWith(';')) return undefined;
    rest = rest.slice(1).replace(OWS, '');
    if (rest === '' || rest.startsWith(';')) continue; // empty parameter, allowed by the grammar
    const name = TOKEN.exec(rest)?.[0];
    if (name === undefined) return undefined;
    rest = rest.slice(name.length);
    if (!rest.startsWith('=')) return undefined;
    rest = rest.slice(1);
    const parsed = rest.startsWith('"') ? quotedString(rest) : tokenValue(rest);
    if (parsed === undefined) return undefined;
    const key = name.toLowerCase();
    if (parameters.has(key)) return undefined; // ambiguous: refuse rather than pick one
    parameters.set(key, parsed.value);
    rest = rest.slice(parsed.length);
  }
  return { type: type.toLowerCase(), subtype: subtype.toLowerCase(), parameters };
}

function tokenValue(text: string): { value: string; length: number } | undefined {
  const value = TOKEN.exec(text)?.[0];
  return value === undefined ? undefined : { value, length: value.length };
}

/** quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE (RFC 9110 §5.6.4). */
function quotedString(text: string): { value: string; length: number } | undefined {
  let value = '';
  for (let i = 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22) return { value, length: i + 1 };
    if (code === 0x5c) {
      const next = text.charCodeAt(i + 1);
      if (!(next === 0x09 || (next >= 0x20 && next !== 0x7f && next <= 0xff))) return undefined;
      value += text[i + 1];
      i++;
      continue;
    }
    if (!(code === 0x09 || (code >= 0x20 && code !== 0x7f && code <= 0xff))) return undefined;
    value += text[i];
  }
  return undefined; // no closing quote
}

/** JSON by media type: `application/json` or any `application/<name>+json` (RFC 6839 §3.1). */
export function isJsonMediaType(media: MediaType): boolean {
  if (media.type !== 'application') return false;
  return media.subtype === 'json' || (media.subtype.endsWith('+json') && media.subtype.length > '+json'.length);
}

/** Raster image types a logo may have. Never SVG: it is a document that can carry script. */
export const LOGO_MEDIA_TYPES: readonly string[] = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];

export function isLogoMediaType(media: MediaType): boolean {
  return LOGO_MEDIA_TYPES.includes(`${media.type}/${media.subtype}`);
}
