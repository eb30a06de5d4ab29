import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A certificate and its private key, as PEM text and as files. */
export interface TestCertificate {
  readonly certPem: string;
  readonly keyPem: string;
  readonly certPath: string;
  readonly keyPath: string;
}

/** Subject alternative names of a leaf certificate. */
export interface SubjectNames {
  readonly dns?: readonly string[];
  readonly ip?: readonly string[];
}

/** A throwaway certificate authority living in a temporary folder. */
export interface TestPki {
  readonly dir: string;
  /** The CA certificate (trust this one). */
  readonly ca: { readonly certPem: string; readonly certPath: string };
  /** A leaf for {@link DEFAULT_TEST_NAMES}, issued by the CA. */
  readonly leaf: TestCertificate;
  /** Issue another leaf from this CA. */
  issue(names: SubjectNames): Promise<TestCertificate>;
  /** Delete the folder. */
  dispose(): Promise<void>;
}

/** The names of the default leaf: the hosts tests use, plus loopback. */
export const DEFAULT_TEST_NAMES: SubjectNames = {
  dns: ['client.test', '*.client.test', 'attacker.test', '*.attacker.test', 'localhost'],
  ip: ['127.0.0.1', '::1'],
};

/**
 * Create a test CA and a leaf with the `openssl` command line (node:crypto cannot sign X.509
 * certificates). EC P-256 keys, valid for two days, generated afresh on every call.
 */
export async function createTestPki(names: SubjectNames = DEFAULT_TEST_NAMES): Promise<TestPki> {
  const dir = await mkdtemp(join(tmpdir(), 'cimd-pki-'));
  const caKey = join(dir, 'ca.key');
  const caCert = join(dir, 'ca.crt');
  await openssl([
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', caKey, '-out', caCert, '-days', '2', '-subj', `/CN=cimd test CA ${randomBytes(4).toString('hex')}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]); // prettier-ignore
  let serial = 0;
  const issue = async (leafNames: SubjectNames): Promise<TestCertificate> => {
    serial += 1;
    const base = join(dir, `leaf-${serial}`);
    const sans = [...(leafNames.dns ?? []).map((d) => `DNS:${d}`), ...(leafNames.ip ?? []).map((i) => `IP:${i}`)];
    const ext = [
      `subjectAltName=${sans.join(',')}`,
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
    ];
    await writeFile(`${base}.ext`, `${ext.join('\n')}\n`);
    const commonName = leafNames.dns?.[0] ?? leafNames.ip?.[0] ?? 'cimd test leaf';
    await openssl([
      'req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-keyout', `${base}.key`, '-out', `${base}.csr`, '-subj', `/CN=${commonName}`,
    ]); // prettier-ignore
    await openssl([
      'x509', '-req', '-in', `${base}.csr`, '-CA', caCert, '-CAkey', caKey, '-set_serial', `0x${randomBytes(8).toString('hex')}`,
      '-out', `${base}.crt`, '-days', '2', '-extfile', `${base}.ext`,
    ]); // prettier-ignore
    return {
      certPem: await readFile(`${base}.crt`, 'utf8'),
      keyPem: await readFile(`${base}.key`, 'utf8'),
      certPath: `${base}.crt`,
      keyPath: `${base}.key`,
    };
  };
  const leaf = await issue(names);
  return {
    dir,
    ca: { certPem: await readFile(caCert, 'utf8'), certPath: caCert },
    leaf,
    issue,
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

async function openssl(args: readonly string[]): Promise<void> {
  try {
    await run('openssl', args);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`openssl ${args[0]} failed (is the openssl CLI installed?): ${stderr || String(error)}`, { cause: error });
  }
}
