/**
 * One map key from several strings, unambiguous whatever they contain: each part is prefixed by
 * its length, so ("a:b", "c") and ("a", "b:c") never meet.
 */
export function compoundKey(...parts: readonly string[]): string {
  return parts.map((part) => `${part.length}:${part}`).join('');
}
