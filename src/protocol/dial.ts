/**
 * Open a TCP or TLS socket and report when it is ready for traffic. TLS verifies the certificate against the
 * seed's tls-name, never the dialled address: nodes are usually dialled by IP while certificates carry names.
 */
import net from 'node:net';
import tls from 'node:tls';
import { ConfigError } from '../errors.js';
import { ConnectError } from './errors.js';

export interface TlsOptions {
  /** Name the server certificate must match (the seed's tls-name); also sent as SNI unless it is an IP. */
  readonly name: string;
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  readonly cert?: string | Buffer;
  readonly key?: string | Buffer;
  /** Default true. */
  readonly rejectUnauthorized?: boolean;
}

export interface DialOptions {
  readonly host: string;
  readonly port: number;
  readonly tls?: TlsOptions;
}

export interface Dialing {
  /** Available at once so a caller can attach listeners and destroy it on cancel. */
  readonly socket: net.Socket;
  /** Resolves when TCP (and TLS) is up; rejects with ConnectError after destroying the socket. */
  readonly ready: Promise<void>;
}

const REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed temporarily',
  EADDRNOTAVAIL: 'address not available',
};

function tlsSocket(options: DialOptions, settings: TlsOptions): tls.TLSSocket {
  const { name } = settings;
  const ca =
    settings.ca === undefined || typeof settings.ca === 'string' || Buffer.isBuffer(settings.ca)
      ? settings.ca
      : [...settings.ca];
  return tls.connect({
    host: options.host,
    port: options.port,
    ...(net.isIP(name) === 0 ? { servername: name } : {}),
    ...(ca === undefined ? {} : { ca }),
    ...(settings.cert === undefined ? {} : { cert: settings.cert }),
    ...(settings.key === undefined ? {} : { key: settings.key }),
    rejectUnauthorized: settings.rejectUnauthorized ?? true,
    checkServerIdentity: (_host, cert) => tls.checkServerIdentity(name, cert),
  });
}

/** Bad PEM material throws while the TLS context is built, before any I/O: report it as configuration. */
function openSocket(options: DialOptions): net.Socket {
  if (!options.tls) return net.connect({ host: options.host, port: options.port });
  try {
    return tlsSocket(options, options.tls);
  } catch (error) {
    throw new ConfigError('tls', `cannot use the TLS settings: ${(error as Error).message}`, { cause: error });
  }
}

export function dial(options: DialOptions, address: string): Dialing {
  const socket = openSocket(options);
  socket.setNoDelay(true);
  let tcpUp = false;
  const onTcp = (): void => {
    tcpUp = true;
  };
  socket.once('connect', onTcp);
  const ready = new Promise<void>((resolve, reject) => {
    const done = (): void => {
      socket.off('connect', onTcp);
      socket.off(options.tls ? 'secureConnect' : 'connect', onReady);
      socket.off('error', onError);
      socket.off('close', onClose);
    };
    const onReady = (): void => {
      done();
      resolve();
    };
    const fail = (message: string, cause?: Error): void => {
      done();
      socket.destroy();
      reject(new ConnectError(address, message, cause === undefined ? {} : { cause }));
    };
    const onError = (error: Error): void => {
      const code = (error as NodeJS.ErrnoException).code;
      const reason = (code !== undefined ? REASONS[code] : undefined) ?? error.message;
      fail(options.tls && tcpUp ? `TLS handshake failed: ${reason}` : reason, error);
    };
    const onClose = (): void =>
      fail(options.tls && tcpUp ? 'closed during the TLS handshake' : 'closed while connecting');
    socket.once(options.tls ? 'secureConnect' : 'connect', onReady);
    socket.on('error', onError);
    socket.once('close', onClose);
  });
  return { socket, ready };
}
