// The pure decisions behind the embedded server's limits, logs and state file, on an injected clock.
import { EventEmitter } from 'node:events';
import type net from 'node:net';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { embeddedServerOptions } from '../../../src/providers/embedded/config.js';
import { LogLimiter } from '../../../src/providers/embedded/log-limiter.js';
import { registerEmbeddedDnsMetrics } from '../../../src/providers/embedded/metrics.js';
import { startEmbeddedDnsServer } from '../../../src/providers/embedded/server.js';
import { defaultZoneStateFile } from '../../../src/providers/embedded/state-file.js';
import {
  evictionVictim,
  sourceKey,
  TcpCounters,
  tcpExpiry,
  TcpGuard,
  type TcpGuardLimits,
} from '../../../src/providers/embedded/tcp-guard.js';
import { decodeZoneState, encodeZoneState, MAX_ZONE_STATE_BYTES } from '../../../src/providers/embedded/zone-state.js';
import { ZoneStore } from '../../../src/providers/embedded/zone-store.js';
import { configSchema } from '../../../src/registrar/config-schema.js';
import { query, udpExchange, ZONE } from './helpers.js';

const LIMITS: TcpGuardLimits = {
  messageTimeoutMs: 2000,
  idleTimeoutMs: 10_000,
  lifetimeMs: 60_000,
  maxConnections: 3,
  maxConnectionsPerSource: 2,
};

class FakeSocket extends EventEmitter {
  destroyed = false;
  constructor(readonly remoteAddress: string) {
    super();
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit('close');
  }
}
const fake = (address: string): net.Socket => new FakeSocket(address) as unknown as net.Socket;

describe('TCP deadlines (pure)', () => {
  it('measures a message from its first byte: later bytes do not move the deadline', () => {
    const t = { acceptedAt: 0, messageStartedAt: 100, lastMessageAt: 0 };
    expect(tcpExpiry(t, 2099, LIMITS)).toBeUndefined();
    expect(tcpExpiry(t, 2100, LIMITS)).toBe('message_timeout');
  });
  it('idles from the last complete message, and caps the lifetime however busy', () => {
    expect(
      tcpExpiry({ acceptedAt: 0, messageStartedAt: undefined, lastMessageAt: 5000 }, 14_999, LIMITS),
    ).toBeUndefined();
    expect(tcpExpiry({ acceptedAt: 0, messageStartedAt: undefined, lastMessageAt: 5000 }, 15_000, LIMITS)).toBe(
      'idle_timeout',
    );
    expect(tcpExpiry({ acceptedAt: 0, messageStartedAt: undefined, lastMessageAt: 59_999 }, 60_000, LIMITS)).toBe(
      'lifetime',
    );
  });
  it('evicts the connection that has waited longest', () => {
    const a = { acceptedAt: 0, messageStartedAt: 50, lastMessageAt: 0 };
    const b = { acceptedAt: 0, messageStartedAt: undefined, lastMessageAt: 10 };
    const c = { acceptedAt: 0, messageStartedAt: 5, lastMessageAt: 0 };
    expect(evictionVictim([a, b, c])).toBe(c);
    expect(evictionVictim([])).toBeUndefined();
  });
  it('keys sources by IPv4 address (also ::ffff: form) and by IPv6 /64', () => {
    expect(sourceKey('192.0.2.1')).toBe('192.0.2.1');
    expect(sourceKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(sourceKey('::ffff:c000:201')).toBe('192.0.2.1');
    expect(sourceKey('2001:db8:1:2::1')).toBe(sourceKey('2001:db8:1:2:ffff::9'));
    expect(sourceKey('2001:db8:1:2::1')).not.toBe(sourceKey('2001:db8:1:3::1'));
    expect(sourceKey(undefined)).toBe('unknown');
  });
});

describe('TcpGuard (fake sockets, manual clock)', () => {
  it('refuses a source beyond its cap, evicts the longest waiter at the total cap, sweeps expired ones', () => {
    let now = 0;
    const counters = new TcpCounters();
    const events: string[] = [];
    const guard = new TcpGuard(
      LIMITS,
      counters,
      () => now,
      (e, s) => events.push(`${e} ${s}`),
    );
    const a1 = guard.admit(fake('10.0.0.1'))!;
    now = 10;
    guard.admit(fake('10.0.0.1'));
    expect(guard.admit(fake('10.0.0.1'))).toBeUndefined();
    expect(counters.rejectedPerSource).toBe(1);
    now = 20;
    const b = guard.admit(fake('10.0.0.2'))!;
    b.messageStartedAt = 20;
    now = 30;
    guard.admit(fake('10.0.0.3')); // full: a1 (waiting since 0) goes
    expect(counters.evicted).toBe(1);
    expect(a1.socket.destroyed).toBe(true);
    expect(guard.size).toBe(3);
    now = 2020;
    guard.sweep();
    expect(counters.messageTimeouts).toBe(1);
    expect(b.socket.destroyed).toBe(true);
    expect(events).toEqual(['refused_per_source 10.0.0.1', 'evicted 10.0.0.1', 'message_timeout 10.0.0.2']);
    guard.stop();
    expect(guard.size).toBe(0);
  });
});

describe('LogLimiter', () => {
  it('logs the first line of a kind, counts the rest within the interval, then says how many', () => {
    let now = 0;
    const lines: { fields: Record<string, unknown>; msg: string }[] = [];
    const limiter = new LogLimiter(
      (fields, msg) => lines.push({ fields, msg }),
      10_000,
      () => now,
    );
    expect(limiter.note('tcp', { n: 1 }, 'closed')).toBe(true);
    for (let i = 0; i < 500; i++) limiter.note('tcp', {}, 'closed');
    limiter.note('other', {}, 'other');
    now = 10_000;
    limiter.note('tcp', {}, 'closed');
    expect(lines.map((l) => l.msg)).toEqual(['closed', 'other', 'closed (and 500 more since the last such line)']);
    expect(lines[2]!.fields).toMatchObject({ suppressed: 500 });
  });
});

describe('zone state file format', () => {
  const store = new ZoneStore({
    zone: ZONE,
    records: [{ name: `db.${ZONE}`, type: 'A', ttl: 30, values: ['10.0.0.1'] }],
    soa: { serial: 7 },
  });
  it('round-trips a snapshot', () => {
    const bytes = Buffer.from(encodeZoneState(store.snapshot(), new Date(0)));
    expect(decodeZoneState(bytes, ZONE)).toEqual({
      zone: ZONE,
      serial: 7,
      sets: [{ name: `db.${ZONE}`, type: 'A', ttl: 30, values: ['10.0.0.1'] }],
    });
  });
  it.each([
    ['oversized', Buffer.alloc(MAX_ZONE_STATE_BYTES + 1), 'ERR_ZONE_STATE_CORRUPT'],
    ['not JSON', Buffer.from('{'), 'ERR_ZONE_STATE_CORRUPT'],
    [
      'a wrong shape',
      Buffer.from('{"format":"seedkeeper-embedded-zone/v1","zone":"seed.test","serial":-1,"sets":[]}'),
      'ERR_ZONE_STATE_CORRUPT',
    ],
    [
      'another zone',
      Buffer.from('{"format":"seedkeeper-embedded-zone/v1","zone":"x.test","serial":1,"sets":[]}'),
      'ERR_ZONE_STATE_ZONE',
    ],
  ])('refuses %s with a stable code', (_what, bytes, code) => {
    expect(() => decodeZoneState(bytes, ZONE)).toThrow(expect.objectContaining({ code }));
  });
  it('defaults to systemd StateDirectory, else XDG state, none for port 0', () => {
    expect(defaultZoneStateFile('seed.test', 15353, { STATE_DIRECTORY: '/var/lib/seedkeeper:/x' }, '/home/u')).toBe(
      '/var/lib/seedkeeper/embedded-seed.test-15353.json',
    );
    expect(defaultZoneStateFile('seed.test', 53, { XDG_STATE_HOME: '/s' }, '/home/u')).toBe(
      '/s/seedkeeper/embedded-seed.test-53.json',
    );
    expect(defaultZoneStateFile('seed.test', 53, {}, '/home/u')).toBe(
      '/home/u/.local/state/seedkeeper/embedded-seed.test-53.json',
    );
    expect(defaultZoneStateFile('seed.test', 0, {}, '/home/u')).toBeUndefined();
  });
});

describe('registrar config: provider.embedded', () => {
  it('defaults: 127.0.0.1:15353, engine and workers auto, negative TTL 5 s, TCP limits', () => {
    const config = configSchema.parse({
      record: { name: 'seed.db.test' },
      sources: [{ type: 'static', addresses: ['10.0.0.1'] }],
    });
    expect(config.provider).toEqual({
      type: 'embedded',
      listen: '127.0.0.1:15353',
      engine: 'auto',
      workers: 'auto',
      negativeTtl: 5,
      tcp: {
        messageTimeoutMs: 2000,
        idleTimeoutMs: 10_000,
        lifetimeMs: 60_000,
        maxConnections: 256,
        maxConnectionsPerSource: 32,
      },
    });
    const options = embeddedServerOptions(
      config.provider as Parameters<typeof embeddedServerOptions>[0],
      '/tmp/x.json',
    );
    expect(options).toMatchObject({
      engine: 'auto',
      workers: 'auto',
      soa: { minimum: 5 },
      limits: { tcpMessageTimeoutMs: 2000, maxTcpConnectionsPerSource: 32 },
      stateFile: '/tmp/x.json',
    });
  });
});

describe('embedded server metrics', () => {
  it('exports dropped, FORMERR, REFUSED and SERVFAIL counts and whether the zone is loaded', async () => {
    const server = await startEmbeddedDnsServer({ zone: ZONE, port: 0 });
    try {
      const registry = new Registry();
      registerEmbeddedDnsMetrics(registry, server);
      await udpExchange(server.port, Buffer.from([1, 2, 3]), 100);
      const twoQuestions = query(`a.${ZONE}`, 'A');
      twoQuestions.writeUInt16BE(2, 4);
      await udpExchange(server.port, twoQuestions);
      await udpExchange(server.port, query('example.com', 'A'));
      await udpExchange(server.port, query(`a.${ZONE}`, 'A'));
      const text = await registry.metrics();
      expect(text).toContain('seedkeeper_dns_dropped_total{reason="malformed"} 1');
      expect(text).toContain('seedkeeper_dns_responses_total{rcode="formerr"} 1');
      expect(text).toContain('seedkeeper_dns_responses_total{rcode="refused"} 1');
      expect(text).toContain('seedkeeper_dns_responses_total{rcode="servfail"} 1');
      expect(text).toContain('seedkeeper_dns_queries_total{transport="udp"} 4');
      expect(text).toContain('seedkeeper_dns_zone_loaded 0');
    } finally {
      await server.stop();
    }
  });
});
