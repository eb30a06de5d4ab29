import { parseArgs } from 'node:util';
import { IMPLEMENTED_DRAFT, isCimdError, systemClock } from '@cimd/core';
import { PACKAGE_VERSION } from '@cimd/node';
import { ENV_VARIABLES, type ConfigInput, type ServerConfig } from '../config.js';
import { createLogger } from '../observability/logger.js';
import { migrateStores, redactUrl } from '../backends.js';
import { openStores } from '../server.js';
import { createSigningKeys } from '../tokens/signing-keys.js';
import { secureRandom } from '../util/random.js';
import { loadConfig } from './load-config.js';
import { startServer, type RunningServer } from './start.js';
import { ADMIN_HELP, runAdminCommand, type AdminCliOptions } from './admin-command.js';
import { createUser, generatePassword, resetPassword, setUserDisabled } from './users-command.js';

export interface CliEnvironment {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Read standard input (for passwords). */
  readonly readStdin: () => Promise<string>;
}

export const HELP = `cimd-server ${PACKAGE_VERSION}: an OAuth 2.1 authorization server for Client ID Metadata Document clients
(${IMPLEMENTED_DRAFT})

Usage:
  cimd-server [start] [options]             run the server
  cimd-server users add <name> [options]    create a local account (password from standard input,
                                            or generated and printed with --generate-password)
  cimd-server users reset-password <name>   set a new password (from standard input)
  cimd-server users disable|enable <name>   stop (or allow again) an account: no sign-in, its grants stop working
  cimd-server keys rotate [--overlap-s N]   publish a new signing key; it signs after N seconds (default 3600)
  cimd-server migrate [options]             bring the store's schema to this release (servers also do
                                            this at start unless stores.migrateOnStart is false)
  cimd-server config check [options]        validate the configuration and print it
  cimd-server admin <clients|changes|rules|audit> ...
                                            the trust console: tiers, pre-registration, decisions,
                                            pinned changes, admission rules, audit ("admin --help")

Options:
  --config <file>            a JSON configuration file (see docs/configuration.md)
  --host <address>           listen address (default 127.0.0.1)
  --port <n>                 listen port (default 8080; 0 picks a free one)
  --issuer <url>             the issuer identifier (default http://<host>:<port>)
  --store <url>              sqlite:<path> (default sqlite:.data/cimd.db), postgres://user@host/db
                             [?schema=name] for several instances, or memory:
  --cache <url>              redis://host:port[?prefix=p]: metadata cache and fetch single-flight
                             shared by several instances (optional)
  --dev                      development mode with the demo: a development CIMD Service, a demo
                             app at /demo and a demo user; loopback only
  --service-port <n>         port of the development CIMD Service (default 8443)
  --reset-demo-password      give the demo user a new password (printed once)
  --resolve <host:address>   development only: resolve host to address, like curl --resolve (repeatable)
  --ca <file>                development only: trust an extra CA (PEM) for client-chosen URLs
  --allow-loopback           development only: allow fetching from 127.0.0.0/8 and ::1
  -h, --help                 this help

Environment: ${Object.entries(ENV_VARIABLES)
  .map(([k, v]) => `${k} (${v})`)
  .join(', ')}.
`;

const FLAGS = {
  config: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  issuer: { type: 'string' },
  store: { type: 'string' },
  cache: { type: 'string' },
  dev: { type: 'boolean' },
  'service-port': { type: 'string' },
  'reset-demo-password': { type: 'boolean' },
  resolve: { type: 'string', multiple: true },
  ca: { type: 'string' },
  'allow-loopback': { type: 'boolean' },
  'generate-password': { type: 'boolean' },
  'overlap-s': { type: 'string' },
  as: { type: 'string' },
  json: { type: 'boolean' },
  trust: { type: 'string' },
  user: { type: 'string' },
  resource: { type: 'string' },
  client: { type: 'string' },
  action: { type: 'string' },
  limit: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function integer(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${flag} must be a whole number, not "${value}"`);
  return n;
}

function resolveFlags(values: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values ?? []) {
    const at = v.lastIndexOf(':');
    if (at <= 0 || at === v.length - 1) throw new Error(`--resolve takes host:address, not "${v}"`);
    out[v.slice(0, at).toLowerCase()] = v.slice(at + 1).replace(/^\[|\]$/g, '');
  }
  return out;
}

/** The configuration as `config check` prints it: introspection secrets and store passwords replaced. */
function withoutSecrets(config: ServerConfig): ServerConfig {
  const { stores, clients } = config;
  return {
    ...config,
    stores: {
      ...stores,
      url: redactUrl(stores.url),
      ...(stores.cacheUrl === undefined ? {} : { cacheUrl: redactUrl(stores.cacheUrl) }),
    },
    clients: { ...clients, resourceServers: clients.resourceServers.map((rs) => ({ ...rs, secret: '***' })) },
  };
}

/** Run the server CLI. Resolves with the running server for `start`, or an exit status. */
export async function runServerCli(argv: readonly string[], io: CliEnvironment): Promise<RunningServer | number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: FLAGS, allowPositionals: true, strict: true });
  } catch (e) {
    io.stderr(`cimd-server: ${(e as Error).message}\nRun "cimd-server --help" for usage.\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    io.stdout(positionals[0] === 'admin' ? ADMIN_HELP : HELP);
    return 0;
  }
  const [command = 'start', sub, name] = positionals;
  try {
    const dev = values.dev === true;
    const server: Record<string, unknown> = {};
    if (values.host !== undefined) server['host'] = values.host;
    const port = integer(values.port, 'port');
    if (port !== undefined) server['port'] = port;
    if (values.issuer !== undefined) server['issuer'] = values.issuer;
    if (dev) server['mode'] = 'development';
    const fetch: Record<string, unknown> = {};
    if (values.resolve !== undefined) fetch['resolve'] = resolveFlags(values.resolve);
    if (values.ca !== undefined) fetch['extraCaFile'] = values.ca;
    if (values['allow-loopback'] === true) fetch['allowLoopback'] = true;
    const flags: ConfigInput = {
      server,
      fetch,
      stores: {
        ...(values.store === undefined ? {} : { url: values.store }),
        ...(values.cache === undefined ? {} : { cacheUrl: values.cache }),
      },
    };
    const config = await loadConfig(values.config, io.env, flags);

    if (command === 'start') {
      return await startServer({
        config,
        demo: dev,
        servicePort: integer(values['service-port'], 'service-port') ?? 8443,
        resetDemoPassword: values['reset-demo-password'] === true,
        say: (line) => io.stderr(`${line}\n`),
      });
    }
    if (command === 'config' && sub === 'check') {
      io.stdout(`${JSON.stringify(withoutSecrets(config), null, 2)}\n`);
      return 0;
    }
    if (command === 'migrate' && sub === undefined) {
      const applied = await migrateStores(config, systemClock);
      const where = redactUrl(config.stores.url);
      io.stdout(
        applied.length === 0 ? `${where}: the schema is current\n` : `${where}: applied migrations ${applied.join(', ')}\n`,
      );
      return 0;
    }
    const stores = await openStores(config, systemClock);
    try {
      if (command === 'users' && (sub === 'add' || sub === 'reset-password') && name !== undefined) {
        const generated = values['generate-password'] === true;
        const password = generated ? generatePassword(secureRandom) : (await io.readStdin()).replace(/\r?\n$/, '');
        if (sub === 'add') await createUser(stores, secureRandom, name, password, systemClock.now());
        else await resetPassword(stores, name, password);
        io.stdout(
          generated ? `${name.toLowerCase()} ${password}\n` : `${sub === 'add' ? 'created' : 'updated'} ${name.toLowerCase()}\n`,
        );
        return 0;
      }
      if (command === 'users' && (sub === 'disable' || sub === 'enable') && name !== undefined) {
        await setUserDisabled(stores, name, sub === 'disable');
        io.stdout(`${sub === 'disable' ? 'disabled' : 'enabled'} ${name.toLowerCase()}\n`);
        return 0;
      }
      if (command === 'admin') {
        const limit = integer(values.limit, 'limit');
        const options: AdminCliOptions = {
          ...(values.as === undefined ? {} : { as: values.as }),
          ...(values.json === true ? { json: true } : {}),
          ...(values.trust === undefined ? {} : { trust: values.trust }),
          ...(values.user === undefined ? {} : { user: values.user }),
          ...(values.resource === undefined ? {} : { resource: values.resource }),
          ...(values.client === undefined ? {} : { client: values.client }),
          ...(values.action === undefined ? {} : { action: values.action }),
          ...(limit === undefined ? {} : { limit }),
        };
        io.stdout(await runAdminCommand(positionals.slice(1), options, config, stores));
        return 0;
      }
      if (command === 'keys' && sub === 'rotate') {
        const overlap = (integer(values['overlap-s'], 'overlap-s') ?? 3600) * 1000;
        const keys = createSigningKeys(stores.keys, systemClock);
        await keys.current();
        // The old key stays published until the longest-lived access token it may have signed expires.
        const longestTokenS = Math.max(config.limits.accessTokenTtlS, config.limits.authenticatedAccessTokenTtlS);
        const kid = await keys.rotate(overlap, longestTokenS * 1000);
        io.stdout(`new signing key ${kid} signs from ${new Date(systemClock.now() + overlap).toISOString()}\n`);
        return 0;
      }
    } finally {
      await stores.close();
    }
    io.stderr(`cimd-server: unknown command "${positionals.join(' ')}"\nRun "cimd-server --help" for usage.\n`);
    return 2;
  } catch (e) {
    const message = isCimdError(e) ? e.message : e instanceof Error ? e.message : String(e);
    io.stderr(`cimd-server: ${message}\n`);
    if (!isCimdError(e) && !(e instanceof Error && /^--|must|already|There is no/.test(e.message))) {
      createLogger('error').error({ err: e }, 'start failed');
    }
    return isCimdError(e) && e.code === 'config-invalid' ? 2 : 1;
  }
}
