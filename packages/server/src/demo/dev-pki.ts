import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The development CA and the leaf of the development CIMD Service, kept in the data folder. */
export interface DevPki {
  readonly caPem: string;
  readonly caPath: string;
  readonly certPem: string;
  readonly keyPem: string;
}

async function openssl(args: readonly string[]): Promise<void> {
  try {
    await run('openssl', [...args], { timeout: 30_000 });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') {
      throw new Error(
        'The development CIMD Service needs the "openssl" command to make its certificate; install openssl and start again',
      );
    }
    throw new Error(`openssl ${args[0] ?? ''} failed: ${err.stderr ?? err.message}`);
  }
}

async function usable(dir: string, hosts: readonly string[]): Promise<DevPki | undefined> {
  try {
    const [caPem, certPem, keyPem] = await Promise.all(
      ['dev-ca.crt', 'cimd-service.crt', 'cimd-service.key'].map((f) => readFile(join(dir, f), 'utf8')),
    );
    const leaf = new X509Certificate(certPem as string);
    const ca = new X509Certificate(caPem as string);
    const soon = Date.now() + 24 * 3600 * 1000;
    const names = leaf.subjectAltName ?? '';
    if (new Date(leaf.validTo).getTime() < soon || new Date(ca.validTo).getTime() < soon) return undefined;
    if (!hosts.every((h) => names.includes(`DNS:${h}`)) || !leaf.verify(ca.publicKey)) return undefined;
    return { caPem: caPem as string, caPath: join(dir, 'dev-ca.crt'), certPem: certPem as string, keyPem: keyPem as string };
  } catch {
    return undefined;
  }
}

/**
 * A private CA (valid 30 days, EC P-256) and a leaf for the development CIMD Service's host names,
 * made with the openssl command line (node:crypto cannot sign certificates) and reused while valid.
 * Only the server's own fetcher trusts this CA, and only in development mode.
 */
export async function ensureDevPki(dir: string, hosts: readonly string[]): Promise<DevPki> {
  await mkdir(dir, { recursive: true });
  const existing = await usable(dir, hosts);
  if (existing !== undefined) return existing;
  const caKey = join(dir, 'dev-ca.key');
  const caCert = join(dir, 'dev-ca.crt');
  const key = join(dir, 'cimd-service.key');
  const csr = join(dir, 'cimd-service.csr');
  const cert = join(dir, 'cimd-service.crt');
  const ext = join(dir, 'cimd-service.ext');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  await openssl(['req', '-x509', ...ec, '-keyout', caKey, '-out', caCert, '-days', '30', '-subj', '/CN=cimd development CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']); // prettier-ignore
  await writeFile(
    ext,
    [
      `subjectAltName=${hosts.map((h) => `DNS:${h}`).join(',')}`,
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
      '',
    ].join('\n'),
  );
  await openssl(['req', ...ec, '-keyout', key, '-out', csr, '-subj', `/CN=${hosts[0] ?? 'cimd-service'}`]);
  await openssl(['x509', '-req', '-in', csr, '-CA', caCert, '-CAkey', caKey, '-CAcreateserial', '-out', cert, '-days', '29', '-extfile', ext]); // prettier-ignore
  const made = await usable(dir, hosts);
  if (made === undefined) throw new Error('The development certificate could not be made');
  return made;
}
