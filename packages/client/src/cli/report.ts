import type { Finding, Negotiated } from '@cimd/core';

/** The machine-readable verdict printed by `--json` (stable shape, documented in the README). */
export interface CliVerdict {
  readonly accepted: boolean;
  readonly client_id: string;
  readonly reasons: readonly Finding[];
  readonly warnings: readonly Finding[];
  readonly negotiated?: Pick<Negotiated, 'token_endpoint_auth_method' | 'grant_types' | 'response_types' | 'ignored'> &
    Partial<Negotiated>;
  readonly fetch?: {
    readonly status: number;
    readonly address: string;
    readonly bytes: number;
    readonly ms: number;
    readonly cache_ttl_s: number;
  };
}

function findingLine(mark: string, f: Finding): string {
  const req = f.requirement === undefined ? '' : ` (${f.requirement})`;
  const prop = f.property === undefined ? '' : ` ${f.property}:`;
  return `  ${mark} ${f.code}${req}${prop} ${f.message}`;
}

/**
 * Characters a terminal may act on instead of printing (C0 and C1 controls, DEL) or that reorder
 * what is shown (bidirectional formatting). Reports quote documents fetched from anywhere, and an
 * escape sequence in a quoted value could otherwise retitle the terminal or rewrite what was printed.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** A report line with every unprintable character written as `\u{…}`. */
function printable(line: string): string {
  return line.replace(UNPRINTABLE, (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`);
}

/** A readable report of a verdict, for people; safe to print to a terminal whatever the document held. */
export function humanReport(title: string, v: CliVerdict): string {
  const lines = [title, `client_id  ${v.client_id}`, `verdict    ${v.accepted ? 'ACCEPTED' : 'REJECTED'}`];
  if (v.fetch !== undefined) {
    const f = v.fetch;
    lines.push(`fetch      HTTP ${f.status} from ${f.address}, ${f.bytes} bytes in ${f.ms} ms, cache for ${f.cache_ttl_s} s`);
  }
  if (v.reasons.length > 0) lines.push('', 'reasons:', ...v.reasons.map((f) => findingLine('✗', f)));
  if (v.warnings.length > 0) lines.push('', 'warnings:', ...v.warnings.map((f) => findingLine('!', f)));
  const n = v.negotiated;
  if (n !== undefined) {
    const rows: Array<[string, string]> = [
      ['token_endpoint_auth_method', n.token_endpoint_auth_method],
      ...(n.token_endpoint_auth_methods
        ? [['allowed auth methods', n.token_endpoint_auth_methods.join(', ')] as [string, string]]
        : []),
      ['grant_types', n.grant_types.join(', ')],
      ['response_types', n.response_types.join(', ') || '(none)'],
      ...(n.application_type ? [['application_type', n.application_type] as [string, string]] : []),
    ];
    for (const [k, list] of Object.entries(n.ignored)) {
      if (list.length > 0) rows.push([`ignored ${k}`, list.join(', ')]);
    }
    lines.push('', 'negotiated:', ...rows.map(([k, val]) => `  ${k.padEnd(28)}${val}`));
  }
  return `${lines.map(printable).join('\n')}\n`;
}
