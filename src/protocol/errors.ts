import { SeedkeeperError, type SeedkeeperErrorOptions } from '../errors.js';

/** The bytes on the wire break the framing rules (version, type, size). The connection is unusable. */
export class ProtocolError extends SeedkeeperError {
  constructor(message: string, options: SeedkeeperErrorOptions = {}) {
    super('ERR_PROTOCOL', message, { labels: ['badPeer'], ...options });
  }
}

/** A reply announced or delivered more bytes than the caller allows. */
export class ResponseTooLargeError extends SeedkeeperError {
  readonly size: number;
  readonly limit: number;
  constructor(size: number, limit: number) {
    super('ERR_RESPONSE_TOO_LARGE', `reply of ${size} bytes exceeds the limit of ${limit} bytes`, {
      labels: ['badPeer'],
    });
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
    super('ERR_INFO_SERVER', `server refused '${command}': ERROR ${serverCode}${serverMessage ? ` (${serverMessage})` : ''}`);
    this.command = command;
    this.serverCode = serverCode;
    this.serverMessage = serverMessage;
  }
}

/** Connecting (TCP or TLS handshake) failed or was refused. */
export class ConnectError extends SeedkeeperError {
  readonly address: string;
  constructor(address: string, message: string, options: SeedkeeperErrorOptions = {}) {
    super('ERR_CONNECT', `${address}: ${message}`, { labels: ['retryable'], ...options });
    this.address = address;
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
