/**
 * Options for InfoConnection and their checks. Everything is validated before dialling, so a bad option never
 * leaves a socket behind.
 */
import { ConfigError } from '../errors.js';
import type { TlsOptions } from './dial.js';
import { formatHostPort, isValidPort } from '../net/endpoint.js';
import type { Credentials } from './login.js';

export interface ConnectOptions {
  /** IP literal (v4 or v6, unbracketed) or name. */
  readonly host: string;
  readonly port: number;
  readonly tls?: TlsOptions;
  readonly credentials?: Credentials;
  /** One deadline for connect + TLS handshake + login. Default 1000. */
  readonly connectTimeoutMs?: number;
  /** Aborting cancels an attempt in progress; it then rejects with AbortedError (code ERR_ABORTED). */
  readonly signal?: AbortSignal;
  /** Default timeout for info(). Default 1000. */
  readonly requestTimeoutMs?: number;
  /** Default reply size limit for info(). Default 512 KiB, the C client's tend limit. */
  readonly maxResponseBytes?: number;
}

export interface InfoRequestOptions {
  readonly timeoutMs?: number;
  readonly maxResponseBytes?: number;
  readonly signal?: AbortSignal;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 1000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 1000;
export const DEFAULT_MAX_RESPONSE_BYTES = 512 * 1024;

export interface Settings {
  readonly host: string;
  readonly port: number;
  readonly address: string;
  readonly connectTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly maxResponseBytes: number;
}

/** Resolve defaults and check every option; throws ConfigError. */
export function validate(options: ConnectOptions): Settings {
  if (typeof options.host !== 'string' || options.host.length === 0) throw new ConfigError('host', 'must not be empty');
  if (!isValidPort(options.port)) throw new ConfigError('port', `must be 1..65535, got ${options.port}`);
  if (options.tls && !options.tls.name) throw new ConfigError('tls.name', 'must not be empty');
  return {
    host: options.host,
    port: options.port,
    address: formatHostPort(options),
    connectTimeoutMs: checkTimeout('connectTimeoutMs', options.connectTimeoutMs, DEFAULT_CONNECT_TIMEOUT_MS),
    requestTimeoutMs: checkTimeout('requestTimeoutMs', options.requestTimeoutMs, DEFAULT_REQUEST_TIMEOUT_MS),
    maxResponseBytes: checkSize('maxResponseBytes', options.maxResponseBytes, DEFAULT_MAX_RESPONSE_BYTES),
  };
}

export function checkTimeout(path: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0)
    throw new ConfigError(path, `must be a positive number of ms, got ${value}`);
  return value;
}

export function checkSize(path: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 0) throw new ConfigError(path, `must be a byte count, got ${value}`);
  return value;
}
