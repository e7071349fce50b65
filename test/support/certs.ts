import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** A PEM certificate and key on disk, and their bytes. */
export interface CertFiles {
  readonly cert: string;
  readonly key: string;
  certPem(): Buffer;
  keyPem(): Buffer;
}

const files = (cert: string, key: string): CertFiles => ({
  cert,
  key,
  certPem: () => readFileSync(cert),
  keyPem: () => readFileSync(key),
});

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** A self-signed CA, valid one day, in `dir/<name>.crt|key`. */
export function makeCa(dir: string, name: string): CertFiles {
  const cert = path.join(dir, `${name}.crt`);
  const key = path.join(dir, `${name}.key`);
  openssl(['req', '-x509', ...EC, '-keyout', key, '-out', cert, '-subj', `/CN=${name}`, '-days', '1']);
  return files(cert, key);
}

/**
 * A certificate signed by `ca`: a server one for localhost and 127.0.0.1, or a
 * client one (clientAuth) with `name` as its CN.
 */
export function makeLeaf(dir: string, name: string, ca: CertFiles, kind: 'server' | 'client'): CertFiles {
  const cert = path.join(dir, `${name}.crt`);
  const key = path.join(dir, `${name}.key`);
  const csr = path.join(dir, `${name}.csr`);
  const ext = path.join(dir, `${name}.ext`);
  writeFileSync(
    ext,
    kind === 'server'
      ? 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n'
      : 'extendedKeyUsage=clientAuth\n',
  );
  openssl(['req', ...EC, '-keyout', key, '-out', csr, '-subj', `/CN=${name}`]);
  openssl(['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-out', cert, '-days', '1', '-extfile', ext]);
  return files(cert, key);
}
