/**
 * Figures of the side-by-side benchmark: per scenario and server, one value per run; printed as
 * medians with min and max, with the ratios cimd/peer and cimd/ceiling taken within each run.
 */
import { summarize, type Summary } from '../lib.js';

/** Which way is better for a figure: throughput up, latency and bytes down. */
export type Better = 'higher' | 'lower';

export interface Row {
  /** Scenario number and name, e.g. "(1) /authorize, 1 client_id". */
  readonly scenario: string;
  /** What is measured, e.g. "req/s" or "p99 ms". */
  readonly unit: string;
  readonly better: Better;
  /** One value per run, per server ("cimd", "peer", "ceiling", ...). */
  readonly values: Map<string, number[]>;
  /** The target, in words, and whether the run met it (undefined: no target). */
  target?: { readonly text: string; met: boolean };
  /** Notes printed under the table (counts, what a server answered). */
  readonly notes: string[];
}

export class Figures {
  readonly rows: Row[] = [];

  row(scenario: string, unit: string, better: Better): Row {
    let row = this.rows.find((r) => r.scenario === scenario && r.unit === unit);
    if (row === undefined) {
      row = { scenario, unit, better, values: new Map(), notes: [] };
      this.rows.push(row);
    }
    return row;
  }

  add(scenario: string, unit: string, better: Better, server: string, value: number): void {
    const row = this.row(scenario, unit, better);
    const list = row.values.get(server) ?? [];
    list.push(value);
    row.values.set(server, list);
  }
}

/** Per-run ratios a/b (runs paired by index). */
export function ratios(row: Row, a: string, b: string): Summary | undefined {
  const x = row.values.get(a);
  const y = row.values.get(b);
  if (x === undefined || y === undefined || x.length === 0 || y.length === 0) return undefined;
  const n = Math.min(x.length, y.length);
  return summarize(Array.from({ length: n }, (_, i) => (x[i] as number) / (y[i] as number)));
}

function number(v: number): string {
  if (!Number.isFinite(v)) return 'n/a';
  if (Math.abs(v) >= 100) return Math.round(v).toLocaleString('en-US');
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

export function cell(s: Summary | undefined): string {
  if (s === undefined) return '–';
  return s.min === s.max ? number(s.median) : `${number(s.median)} (${number(s.min)}–${number(s.max)})`;
}

/** The figures as a Markdown table (medians, min–max in parentheses), ratio columns, notes. */
export function markdown(figures: Figures, servers: readonly string[], pairs: readonly (readonly [string, string])[]): string {
  const lines = [
    `| scenario | figure | ${servers.join(' | ')} | ${pairs.map(([a, b]) => `${a} / ${b}`).join(' | ')} | target |`,
    `| --- | --- | ${[...servers, ...pairs].map(() => '---:').join(' | ')} | --- |`,
  ];
  for (const row of figures.rows) {
    const values = servers.map((s) => {
      const v = row.values.get(s);
      return v === undefined ? '–' : cell(summarize(v));
    });
    const target = row.target === undefined ? '' : `${row.target.text}: ${row.target.met ? 'met' : '**missed**'}`;
    const r = pairs.map(([a, b]) => cell(ratios(row, a, b)));
    lines.push(`| ${row.scenario} | ${row.unit} | ${values.join(' | ')} | ${r.join(' | ')} | ${target} |`);
  }
  const notes = [...new Set(figures.rows.flatMap((r) => r.notes.map((n) => `- ${r.scenario}: ${n}`)))];
  return [...lines, '', ...notes].join('\n');
}
