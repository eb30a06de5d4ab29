import { hasNonAscii, skeleton } from './confusables.js';
import { isSameOrSubdomain, normalizeHost, registrableDomain } from './domain-name.js';
import { hostToUnicode } from './punycode.js';

/**
 * How a host imitates a well-known domain:
 * - `homograph`: its name is spelled with letters of another script that look like the brand's
 *   (`pаypal.com` with a Cyrillic `а`, an IDN homograph);
 * - `typo`: its name is the brand's with a small slip (`paypa1.com`, `paypall.com`, `rn` for
 *   `m`), or the brand's name under another suffix (`paypal.co`);
 * - `brand-in-subdomain`: the brand's whole domain appears inside it, on the left of the part
 *   that was actually registered (`login-example.com.evil.test`, `paypal.com.evil.test`).
 */
export type LookalikeKind = 'homograph' | 'typo' | 'brand-in-subdomain';

export interface Lookalike {
  readonly kind: LookalikeKind;
  /** The well-known domain it imitates. */
  readonly brand: string;
}

/** Most edits between a name and a brand's name still counted as a typo, by the brand name's length. */
function maxEdits(length: number): number {
  if (length >= 10) return 2;
  if (length >= 5) return 1;
  return 0; // short names are too crowded: edits would flag innocent sites
}

/** Optimal string alignment distance (Damerau–Levenshtein with adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number): number => d[i * cols + j] as number;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      d[i * cols + j] = best;
    }
  }
  return at(rows - 1, cols - 1);
}

/** Whether `needle` occurs as consecutive items of `haystack`. */
function containsRun(haystack: readonly string[], needle: readonly string[]): boolean {
  if (needle.length === 0) return false;
  for (let i = 0; i + needle.length <= haystack.length; i++) {
    if (needle.every((item, k) => haystack[i + k] === item)) return true;
  }
  return false;
}

/** The first label of a registrable domain: the name that was registered. */
function nameOf(domain: string): string {
  return domain.split('.')[0] ?? domain;
}

/** A well-known domain, prepared once for comparisons. */
interface Brand {
  readonly domain: string;
  /** The skeleton of its labels (`example.com` → `["example", "com"]`). */
  readonly tokens: readonly string[];
  /** The registered name as written and as a skeleton (`paypal`). */
  readonly name: string;
  readonly nameSkeleton: string;
}

/** Brands of each list, prepared once per list (the configuration's list lives as long as the server). */
const PREPARED = new WeakMap<readonly string[], readonly Brand[]>();

function brandsOf(wellKnown: readonly string[]): readonly Brand[] {
  let brands = PREPARED.get(wellKnown);
  if (brands === undefined) {
    brands = wellKnown
      .map((b) => normalizeHost(b))
      .filter((b) => b !== '')
      .map((domain) => {
        const shown = hostToUnicode(domain);
        const name = nameOf(registrableDomain(shown));
        return { domain, tokens: skeleton(shown).split('.'), name, nameSkeleton: skeleton(name) };
      });
    PREPARED.set(wellKnown, brands);
  }
  return brands;
}

/**
 * Whether `host` imitates one of the `wellKnown` domains, and how. A host that is a well-known
 * domain or a name below one is genuine and never a lookalike. Hosts are compared as a person
 * reads them: `xn--` labels decoded, then reduced to skeletons (see `confusables.ts`).
 */
export function findLookalike(host: string, wellKnown: readonly string[]): Lookalike | undefined {
  const ascii = normalizeHost(host);
  const brands = brandsOf(wellKnown);
  if (brands.some((brand) => isSameOrSubdomain(ascii, brand.domain))) return undefined;

  const shown = hostToUnicode(ascii);
  const registered = registrableDomain(shown);
  const name = nameOf(registered);
  const prefix = shown.slice(0, Math.max(0, shown.length - registered.length)).replace(/\.$/, '');
  // Everything a person might read as words: the labels left of the registered domain and the
  // registered name itself, split at dots and hyphens.
  const tokens = skeleton(prefix === '' ? name : `${prefix}.${name}`)
    .split(/[.-]/)
    .filter((t) => t !== '');

  for (const brand of brands) {
    if (containsRun(tokens, brand.tokens)) return { kind: 'brand-in-subdomain', brand: brand.domain };
  }
  const a = skeleton(name);
  for (const brand of brands) {
    if (a === brand.nameSkeleton) {
      return { kind: name !== brand.name && hasNonAscii(name) ? 'homograph' : 'typo', brand: brand.domain };
    }
    // The distance is at least the difference in length: most brands need no computation.
    const limit = maxEdits(brand.name.length);
    if (limit > 0 && Math.abs(a.length - brand.nameSkeleton.length) <= limit && editDistance(a, brand.nameSkeleton) <= limit) {
      return { kind: 'typo', brand: brand.domain };
    }
  }
  return undefined;
}
