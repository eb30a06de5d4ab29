import { IMPLEMENTED_DRAFT } from '@cimd/core';
import { CHECK_URL_HELP, checkUrlCommand } from './check-url-command.js';
import { FETCH_HELP, fetchCommand } from './fetch-command.js';
import { EXIT, UsageError, type CliIo } from './io.js';
import { VALIDATE_HELP, validateCommand } from './validate-command.js';

export const CLI_VERSION = '0.1.0';

type Verb = {
  readonly summary: string;
  readonly help: string;
  readonly run: (argv: readonly string[], io: CliIo) => Promise<number> | number;
};

const VERBS: Readonly<Record<string, Verb>> = {
  validate: {
    summary: 'validate a metadata document as the authorization server will',
    help: VALIDATE_HELP,
    run: validateCommand,
  },
  fetch: {
    summary: "fetch and judge a client's document as the authorization server does",
    help: FETCH_HELP,
    run: fetchCommand,
  },
  'check-url': {
    summary: 'check a Client Identifier URL against the draft-03 rules',
    help: CHECK_URL_HELP,
    run: checkUrlCommand,
  },
};

function mainHelp(): string {
  const verbs = Object.entries(VERBS).map(([name, v]) => `  ${name.padEnd(12)}${v.summary}`);
  return [
    `cimd ${CLI_VERSION}: OAuth Client ID Metadata Document tooling (${IMPLEMENTED_DRAFT})`,
    '',
    'Usage: cimd <command> [options]',
    '',
    'Commands:',
    ...verbs,
    '',
    'Run "cimd <command> --help" for the options of a command.',
    '',
  ].join('\n');
}

/** Run the CLI; returns the exit status. Never throws. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === undefined || verb === 'help' || verb === '--help' || verb === '-h') {
    io.stdout(mainHelp());
    return verb === undefined ? EXIT.usage : EXIT.accepted;
  }
  if (verb === '--version' || verb === 'version') {
    io.stdout(`cimd ${CLI_VERSION} (${IMPLEMENTED_DRAFT})\n`);
    return EXIT.accepted;
  }
  const command = VERBS[verb];
  if (command === undefined) {
    io.stderr(`cimd: unknown command "${verb}"\n\n${mainHelp()}`);
    return EXIT.usage;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError || isParseArgsError(e)) {
      io.stderr(`cimd ${verb}: ${(e as Error).message}\nRun "cimd ${verb} --help" for usage.\n`);
      return EXIT.usage;
    }
    io.stderr(`cimd ${verb}: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 70; // EX_SOFTWARE: a bug, never a verdict
  }
}

function isParseArgsError(e: unknown): boolean {
  const code = (e as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}
