/**
 * A skeleton for host labels: two labels that look alike to a person get the same skeleton.
 * Written for the confusables that matter in domain spoofing (in the spirit of Unicode UTS #39
 * §4, not its full table): Cyrillic and Greek letters that render like Latin ones, a few Latin
 * variants, and the ASCII tricks of typo-squatting (`paypa1`, `rn` for `m`).
 */

/** Non-ASCII letters that render like a Latin letter in common fonts, lower case (hosts are). */
const LOOKALIKE_LETTERS: Readonly<Record<string, string>> = {
  // Cyrillic
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  һ: 'h',
  і: 'i',
  ї: 'i',
  ј: 'j',
  к: 'k',
  ӏ: 'l',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  ԛ: 'q',
  г: 'r',
  ѕ: 's',
  т: 't',
  ц: 'u',
  ѵ: 'v',
  ԝ: 'w',
  х: 'x',
  у: 'y',
  ԁ: 'd',
  ɡ: 'g',
  // Greek
  α: 'a',
  β: 'b',
  ε: 'e',
  η: 'n',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  γ: 'y',
  ω: 'w',
  // Latin variants
  ı: 'i',
  ȷ: 'j',
  ɑ: 'a',
  ɩ: 'i',
  ʟ: 'l',
  ſ: 's',
  ꞵ: 'b',
};

/** ASCII substitutions of typo-squatting, applied after the letters above. */
const ASCII_TRICKS: readonly (readonly [RegExp, string])[] = [
  [/rn/g, 'm'],
  [/vv/g, 'w'],
  [/0/g, 'o'],
  [/1/g, 'l'],
  [/3/g, 'e'],
  [/5/g, 's'],
  [/\$/g, 's'],
];

/** Combining marks, removed after canonical decomposition (`é` → `e`). */
const COMBINING = /[\u0300-\u036f]/g;

/**
 * The skeleton of a label or host: compatibility-decomposed (full-width and styled letters become
 * ASCII), accents removed, lookalike letters mapped to Latin, then the ASCII tricks folded.
 */
export function skeleton(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFKD').replace(COMBINING, '').toLowerCase()) out += LOOKALIKE_LETTERS[ch] ?? ch;
  for (const [pattern, replacement] of ASCII_TRICKS) out = out.replace(pattern, replacement);
  return out;
}

/** Whether a string has characters outside ASCII (an IDN label, after decoding). */
export function hasNonAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return true;
  return false;
}
