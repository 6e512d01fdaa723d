import { SeedkeeperError, type SeedkeeperErrorOptions } from '../errors.js';

/** The bytes on the wire break the framing rules (version, type, size). The connection is unusable. */
export class ProtocolError extends SeedkeeperError {
  constructor(message: string, options: SeedkeeperErrorOptions = {}) {
    super('ERR_PROTOCOL', message, { labels: ['badPeer'], ...options });
  }
}

/** The peer answered in another protocol (HTTP, TLS, SSH, text): the port is not an Aerospike service port. */
export class NotAerospikeError extends SeedkeeperError {
  /** What the answer looked like, e.g. `HTTP`. */
  readonly looksLike: string;
  constructor(looksLike: string) {
    super('ERR_NOT_AEROSPIKE', `this port does not speak the Aerospike protocol (it looks like ${looksLike})`, {
      labels: ['badPeer'],
    });
    this.looksLike = looksLike;
  }
}

/** A reply announced or delivered more bytes than the caller allows. */
export class ResponseTooLargeError extends SeedkeeperError {
  readonly size: number;
  readonly limit: number;
  constructor(size: number, limit: number) {
    super(
      'ERR_RESPONSE_TOO_LARGE',
      `the reply announces ${size} bytes, more than the ${limit} allowed: this port does not seem to speak the Aerospike protocol, or the node sent an oversized reply`,
      {
        labels: ['badPeer'],
      },
    );
    this.size = size;
    this.limit = limit;
  }
}

/** An info value does not follow its grammar (peers, services, replicas, build, ...). */
export class InfoParseError extends SeedkeeperError {
  readonly command: string;
  constructor(command: string, message: string, options: SeedkeeperErrorOptions = {}) {
    super('ERR_INFO_PARSE', `invalid '${command}' reply: ${message}`, { labels: ['badPeer'], ...options });
    this.command = command;
  }
}

/** The server answered an info command with `ERROR:<code>:<message>`. */
export class InfoServerError extends SeedkeeperError {
  readonly command: string;
  readonly serverCode: number;
  readonly serverMessage: string;
  constructor(command: string, serverCode: number, serverMessage: string) {
    super(
      'ERR_INFO_SERVER',
      `server refused '${command}': ERROR ${serverCode}${serverMessage ? ` (${serverMessage})` : ''}`,
    );
    this.command = command;
    this.serverCode = serverCode;
    this.serverMessage = serverMessage;
  }
}

/** Connecting (TCP or TLS handshake) failed or was refused. */
export class ConnectError extends SeedkeeperError {
  readonly address: string;
  /** What went wrong, without the address (e.g. `connection refused`). */
  readonly reason: string;
  constructor(address: string, message: string, options: SeedkeeperErrorOptions = {}) {
    super('ERR_CONNECT', `${address}: ${message}`, { labels: ['retryable'], ...options });
    this.address = address;
    this.reason = message;
  }
}

/** A deadline passed: connect, login or one request. */
export class TimeoutError extends SeedkeeperError {
  readonly phase: 'connect' | 'request' | 'login';
  readonly timeoutMs: number;
  constructor(phase: 'connect' | 'request' | 'login', timeoutMs: number, address: string) {
    super('ERR_TIMEOUT', `${address}: ${phase} timed out after ${timeoutMs} ms`, { labels: ['retryable'] });
    this.phase = phase;
    this.timeoutMs = timeoutMs;
  }
}

/** The peer closed the connection or the socket failed while a request was outstanding. */
export class ConnectionClosedError extends SeedkeeperError {
  constructor(message: string, options: SeedkeeperErrorOptions = {}) {
    super('ERR_CONNECTION_CLOSED', message, { labels: ['retryable'], ...options });
  }
}

/** The admin protocol rejected our LOGIN or AUTHENTICATE. */
export class AuthError extends SeedkeeperError {
  readonly resultCode: number;
  constructor(resultCode: number, message: string) {
    super('ERR_AUTH', message, { labels: ['usage'] });
    this.resultCode = resultCode;
  }
}
