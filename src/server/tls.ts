import { X509Certificate } from 'node:crypto';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import { ServerCredentials, experimental } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { TactError } from '../core/errors.js';
import { WatchedFiles, type WatchedFile } from './watched-files.js';

/** Where the server's certificate, key and (for mutual TLS) client CA live. */
export interface TlsSettings {
  readonly certFile: string;
  readonly keyFile: string;
  /** Clients must present a certificate signed by this CA (mutual TLS). */
  readonly clientCaFile?: string;
  /** How often the files are read again for rotation, ms. */
  readonly reloadMs: number;
}

interface TlsMaterial {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly ca?: Buffer;
}

/** What node's https/http2 servers take: the material plus the client-certificate policy. */
export type ServerTlsOptions = SecureContextOptions & { requestCert: boolean; rejectUnauthorized: boolean };

/**
 * The server's TLS material, shared by the gRPC ports and the metrics
 * listener, re-read when the files change. grpc-js takes it through a
 * CertificateProvider (its own file watcher would serve nothing while a
 * half-written pair fails to load; WatchedFiles keeps the last good pair).
 */
export class ServerTls {
  private readonly files: WatchedFiles<TlsMaterial>;
  private readonly provider: MaterialProvider;

  constructor(readonly settings: TlsSettings, logger?: Logger) {
    const files: WatchedFile[] = [
      { path: settings.certFile, flag: 'tlsCert' },
      { path: settings.keyFile, flag: 'tlsKey' },
      ...(settings.clientCaFile ? [{ path: settings.clientCaFile, flag: 'tlsClientCa' }] : []),
    ];
    this.files = new WatchedFiles({
      files,
      parse: ([cert, key, ca]) => checkMaterial({ cert: cert!, key: key!, ...(ca ? { ca } : {}) }),
      intervalMs: settings.reloadMs,
      what: 'TLS certificates',
      ...(logger ? { logger } : {}),
    });
    this.provider = new MaterialProvider(this.files);
  }

  get mutual(): boolean {
    return this.settings.clientCaFile !== undefined;
  }

  /** Credentials for one gRPC server; every server built from this object follows rotations. */
  grpcCredentials(): ServerCredentials {
    // grpc-js names the first parameter caCertificateProvider but uses it for the identity (see its constructor).
    return experimental.createCertificateProviderServerCredentials(this.provider, this.mutual ? this.provider : null, this.mutual);
  }

  /** Options for an https server (the metrics listener), current as of now. */
  httpsOptions(): ServerTlsOptions {
    const m = this.files.current();
    return { cert: m.cert, key: m.key, ...(m.ca ? { ca: m.ca } : {}), requestCert: this.mutual, rejectUnauthorized: this.mutual };
  }

  /** Called after every accepted rotation. */
  onChange(listener: () => void): () => void {
    return this.files.onChange(() => listener());
  }

  /** Read the files now instead of waiting for the next poll. */
  reload(): Promise<void> {
    return this.files.reload();
  }

  close(): void {
    this.files.close();
  }
}

/** Insecure credentials when TLS is not configured. */
export function serverCredentials(tls: ServerTls | undefined): ServerCredentials {
  return tls ? tls.grpcCredentials() : ServerCredentials.createInsecure();
}

/** Throws unless the files form a usable pair (and CA): a mismatched key fails here, not on a client's handshake. */
function checkMaterial(m: TlsMaterial): TlsMaterial {
  try {
    new X509Certificate(m.cert);
  } catch (err) {
    throw new TactError('invalid_argument', `certificate: not a PEM certificate (${(err as Error).message})`);
  }
  if (m.ca) {
    try {
      new X509Certificate(m.ca);
    } catch (err) {
      throw new TactError('invalid_argument', `client CA: not a PEM certificate (${(err as Error).message})`);
    }
  }
  try {
    createSecureContext({ cert: m.cert, key: m.key, ...(m.ca ? { ca: m.ca } : {}) });
  } catch (err) {
    throw new TactError('invalid_argument', `certificate and key do not load together: ${(err as Error).message}`);
  }
  return m;
}

type IdentityListener = experimental.IdentityCertificateUpdateListener;
type CaListener = experimental.CaCertificateUpdateListener;

/** grpc-js's view of the watched material. */
class MaterialProvider implements experimental.CertificateProvider {
  private readonly identity = new Set<IdentityListener>();
  private readonly ca = new Set<CaListener>();

  constructor(private readonly files: WatchedFiles<TlsMaterial>) {
    files.onChange(() => {
      for (const l of this.identity) this.sendIdentity(l);
      for (const l of this.ca) this.sendCa(l);
    });
  }

  addIdentityCertificateListener(listener: IdentityListener): void {
    this.identity.add(listener);
    // grpc-js registers its watcher after adding the listener: an update sent synchronously would be lost.
    process.nextTick(() => this.sendIdentity(listener));
  }

  removeIdentityCertificateListener(listener: IdentityListener): void {
    this.identity.delete(listener);
  }

  addCaCertificateListener(listener: CaListener): void {
    this.ca.add(listener);
    process.nextTick(() => this.sendCa(listener));
  }

  removeCaCertificateListener(listener: CaListener): void {
    this.ca.delete(listener);
  }

  private sendIdentity(listener: IdentityListener): void {
    const m = this.files.current();
    listener({ certificate: m.cert, privateKey: m.key });
  }

  private sendCa(listener: CaListener): void {
    const m = this.files.current();
    listener(m.ca ? { caCertificate: m.ca } : null);
  }
}

/** The config fields TLS reads (flag names in messages). */
export interface TlsFlags {
  readonly tlsCert?: string | undefined;
  readonly tlsKey?: string | undefined;
  readonly tlsClientCa?: string | undefined;
  readonly metricsTls: boolean;
  readonly credentialsReloadMs: number;
}

/** ServerTls from the flags, undefined without --tls-cert; flags that only make sense together are checked here. */
export function serverTlsFromFlags(flags: TlsFlags, logger?: Logger): ServerTls | undefined {
  if (!flags.tlsCert && !flags.tlsKey) {
    if (flags.tlsClientCa) throw new TactError('invalid_argument', '--tls-client-ca needs --tls-cert and --tls-key', 'tlsClientCa');
    if (flags.metricsTls) throw new TactError('invalid_argument', '--metrics-tls needs --tls-cert and --tls-key', 'metricsTls');
    return undefined;
  }
  if (!flags.tlsCert || !flags.tlsKey) {
    throw new TactError('invalid_argument', '--tls-cert and --tls-key go together', flags.tlsCert ? 'tlsKey' : 'tlsCert');
  }
  return new ServerTls(
    {
      certFile: flags.tlsCert,
      keyFile: flags.tlsKey,
      ...(flags.tlsClientCa ? { clientCaFile: flags.tlsClientCa } : {}),
      reloadMs: flags.credentialsReloadMs,
    },
    logger,
  );
}
