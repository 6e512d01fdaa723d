/**
 * The embedded server's resource limits: one interface, one frozen default object, validated once.
 * TCP deadlines follow RFC 7766 §6.2.3 (servers protect themselves from idle and slow clients); the defaults
 * let a real client over any network finish a query with room to spare while a trickling peer loses its
 * slot within seconds.
 */
import { InvalidArgumentError } from '../../errors.js';

export interface EmbeddedDnsLimits {
  /** UDP payload size we advertise with EDNS and the most we send over UDP. Default 1232 (DNS flag day 2020). */
  readonly maxUdpPayload: number;
  /** Larger queries are dropped (UDP) or close the connection (TCP). Default 4096. */
  readonly maxQueryBytes: number;
  /** A TCP connection with no message in progress is closed after this long. Default 10 s. */
  readonly tcpIdleTimeoutMs: number;
  /** One TCP message, from the first byte of its length prefix to its last byte, must arrive within this. Default 2 s. */
  readonly tcpMessageTimeoutMs: number;
  /** No TCP connection lives longer than this, however busy. Default 60 s. */
  readonly tcpLifetimeMs: number;
  /** TCP connections at once; a new one beyond evicts the longest-waiting one. Default 256. */
  readonly maxTcpConnections: number;
  /** TCP connections at once from one IPv4 address or IPv6 /64; further ones are refused. Default 32. */
  readonly maxTcpConnectionsPerSource: number;
  /** A TCP client that does not read its answers is paused beyond this many queued bytes. Default 256 KiB. */
  readonly tcpMaxBufferedBytes: number;
}

export const DEFAULT_EMBEDDED_DNS_LIMITS: EmbeddedDnsLimits = Object.freeze({
  maxUdpPayload: 1232,
  maxQueryBytes: 4096,
  tcpIdleTimeoutMs: 10_000,
  tcpMessageTimeoutMs: 2000,
  tcpLifetimeMs: 60_000,
  maxTcpConnections: 256,
  maxTcpConnectionsPerSource: 32,
  tcpMaxBufferedBytes: 256 * 1024,
});

const RANGES: Readonly<Record<keyof EmbeddedDnsLimits, readonly [number, number]>> = {
  maxUdpPayload: [512, 65_535],
  maxQueryBytes: [512, 65_535],
  tcpIdleTimeoutMs: [1, 3_600_000],
  tcpMessageTimeoutMs: [1, 600_000],
  tcpLifetimeMs: [1, 86_400_000],
  maxTcpConnections: [1, 100_000],
  maxTcpConnectionsPerSource: [1, 100_000],
  tcpMaxBufferedBytes: [1024, 1 << 30],
};

/** The defaults overridden by `partial`; throws InvalidArgumentError naming the field. */
export function resolveLimits(partial: Partial<EmbeddedDnsLimits> = {}): EmbeddedDnsLimits {
  const limits = { ...DEFAULT_EMBEDDED_DNS_LIMITS, ...partial };
  for (const [field, [min, max]] of Object.entries(RANGES) as [keyof EmbeddedDnsLimits, readonly [number, number]][]) {
    const v = limits[field];
    if (!Number.isInteger(v) || v < min || v > max)
      throw new InvalidArgumentError(`limits.${field}`, `${v} is not an integer in ${min}..${max}`);
  }
  return Object.freeze(limits);
}
