import { parseArgs } from 'node:util';
import { IMPLEMENTED_DRAFT, evaluateDocument, resolveProfile } from '@cimd/core';
import { EVALUATE_FLAGS, EVALUATE_HELP, evaluateOptions } from './evaluate-flags.js';
import { EXIT, UsageError, type CliIo } from './io.js';
import { humanReport, type CliVerdict } from './report.js';

export const VALIDATE_HELP = `Usage: cimd validate --client-id <url> [options] <file|->

Validate a client metadata document exactly as the authorization server will: the Client
Identifier URL rules, strict JSON, the document rules, then negotiation with the server.
Reads the document from <file>, or from standard input with "-".

Options:
  --client-id <url>                  the Client Identifier URL the document is served at (required)
  --json                             print one JSON object instead of a report
${EVALUATE_HELP}

Exit status: 0 accepted, 1 rejected, 2 usage error.`;

/** `cimd validate`: judge a local document. */
export async function validateCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      'client-id': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      ...EVALUATE_FLAGS,
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help === true) {
    io.stdout(`${VALIDATE_HELP}\n`);
    return EXIT.accepted;
  }
  const clientId = values['client-id'];
  if (clientId === undefined) throw new UsageError('--client-id <url> is required');
  if (positionals.length !== 1) throw new UsageError('exactly one document file (or "-" for standard input) is required');
  const options = evaluateOptions(values);
  const source = positionals[0] as string;
  let body: Uint8Array;
  try {
    body = await io.readInput(source);
  } catch (e) {
    throw new UsageError(`cannot read ${source === '-' ? 'standard input' : `"${source}"`}: ${(e as Error).message}`);
  }
  const v = evaluateDocument(clientId, body, options);
  const out: CliVerdict = {
    accepted: v.accepted,
    client_id: v.client_id,
    reasons: v.reasons,
    warnings: v.warnings,
    ...(v.negotiated ? { negotiated: v.negotiated } : {}),
  };
  const profile = resolveProfile(options.profile);
  io.stdout(
    values.json === true
      ? `${JSON.stringify(out)}\n`
      : humanReport(`cimd validate (${IMPLEMENTED_DRAFT}, profile ${profile.name})`, out),
  );
  return v.accepted ? EXIT.accepted : EXIT.rejected;
}
