import { parseArgs } from 'node:util';
import { IMPLEMENTED_DRAFT, isCimdError, resolveProfile } from '@cimd/core';
import { discoverClient } from './discovery.js';
import { EVALUATE_FLAGS, EVALUATE_HELP, evaluateOptions } from './evaluate-flags.js';
import { FETCH_FLAGS, FETCH_FLAGS_HELP, fetcherOptions } from './fetch-flags.js';
import { EXIT, UsageError, type CliIo } from './io.js';
import { humanReport, type CliVerdict } from './report.js';

export const FETCH_HELP = `Usage: cimd fetch [options] <client_id_url>

Run the authorization server's discovery of a client: the Client Identifier URL rules, the
SSRF-safe fetch (every resolved address checked, no redirects, exactly 200, byte cap, deadline),
strict JSON, the document rules and negotiation with the server; then report as "cimd validate"
does, plus what the fetch did and how long the server would cache the document (its
Cache-Control, bounded to 5 minutes .. 24 hours).

Options:
  --json                             print one JSON object instead of a report
${EVALUATE_HELP}

${FETCH_FLAGS_HELP}

Exit status: 0 accepted, 1 rejected or fetch failed (its fetch-* reason in "reasons"),
2 usage error.`;

/** `cimd fetch`: discover a client over the network as the authorization server does. */
export async function fetchCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      ...EVALUATE_FLAGS,
      ...FETCH_FLAGS,
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help === true) {
    io.stdout(`${FETCH_HELP}\n`);
    return EXIT.accepted;
  }
  if (positionals.length !== 1) throw new UsageError('exactly one client_id URL is required');
  const clientId = positionals[0] as string;
  const evaluate = evaluateOptions(values);
  const transport = await fetcherOptions(values, evaluate.limits?.maxBytes, io);
  let verdict: CliVerdict;
  try {
    verdict = await discoverClient(clientId, evaluate, transport);
  } catch (e) {
    // The fetcher refuses development options outside development (R70): an invocation problem.
    if (isCimdError(e) && e.code === 'fetch-dev-refused') throw new UsageError(e.message);
    throw e;
  }
  const profile = resolveProfile(evaluate.profile);
  io.stdout(
    values.json === true
      ? `${JSON.stringify(verdict)}\n`
      : humanReport(`cimd fetch (${IMPLEMENTED_DRAFT}, profile ${profile.name})`, verdict),
  );
  return verdict.accepted ? EXIT.accepted : EXIT.rejected;
}
