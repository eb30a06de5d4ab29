import { parseArgs } from 'node:util';
import { IMPLEMENTED_DRAFT, checkClientIdUrl } from '@cimd/core';
import { EVALUATE_FLAGS, evaluateOptions } from './evaluate-flags.js';
import { EXIT, UsageError, type CliIo } from './io.js';
import { humanReport, type CliVerdict } from './report.js';

export const CHECK_URL_HELP = `Usage: cimd check-url [options] <url>

Check a Client Identifier URL against the rules of draft-03 §3 alone (no fetch).

Options:
  --json                    print one JSON object instead of a report
  --query warn|reject       a query component (default warn)
  --root-path warn|reject   a path of "/" (default warn)
  --allow-ip-literal        accept an IP address as the host

Exit status: 0 accepted, 1 rejected, 2 usage error.`;

/** `cimd check-url`: the URL rules alone. */
export function checkUrlCommand(argv: readonly string[], io: CliIo): number {
  const { query, 'root-path': rootPath, 'allow-ip-literal': ipLiteral } = EVALUATE_FLAGS;
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      query,
      'root-path': rootPath,
      'allow-ip-literal': ipLiteral,
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help === true) {
    io.stdout(`${CHECK_URL_HELP}\n`);
    return EXIT.accepted;
  }
  if (positionals.length !== 1) throw new UsageError('exactly one URL is required');
  const r = checkClientIdUrl(positionals[0] as string, evaluateOptions(values).urlPolicy);
  const out: CliVerdict = { accepted: r.accepted, client_id: r.clientId, reasons: r.reasons, warnings: r.warnings };
  io.stdout(values.json === true ? `${JSON.stringify(out)}\n` : humanReport(`cimd check-url (${IMPLEMENTED_DRAFT})`, out));
  return r.accepted ? EXIT.accepted : EXIT.rejected;
}
