import { describe, expect, it } from 'vitest';
import { InfoParseError } from '../../../src/protocol/errors.js';
import { parseInfoError } from '../../../src/protocol/info-codec.js';
import { formatPeers, parsePeers, type PeersReply } from '../../../src/protocol/values/peers.js';
import { NODE_OF_PORT, PORTS, a3Stopped, capturedValue, valueOf } from '../fixture-data.js';

describe('peer lists: captured cluster', () => {
  it('each of the three nodes lists the other two', () => {
    for (const port of PORTS) {
      const reply = parsePeers(capturedValue(port, 'peers-clear-std'));
      expect(reply.generation).toBe(4);
      expect(reply.defaultPort).toBe(3000);
      const others = PORTS.filter((p) => p !== port);
      expect(reply.peers).toEqual(
        others.map((p) => ({ nodeId: NODE_OF_PORT[p], tlsName: '', hosts: [{ host: '127.0.0.1', port: Number(p) }] })),
      );
    }
  });

  it('parses the empty peers-clear-alt and refuses the CE error of peers-tls-std', () => {
    for (const port of PORTS) {
      expect(parsePeers(capturedValue(port, 'peers-clear-alt'), 'peers-clear-alt')).toEqual({
        generation: 4,
        defaultPort: 3000,
        peers: [],
      });
      const tls = capturedValue(port, 'peers-tls-std');
      expect(parseInfoError(tls)?.code).toBe(25);
      expect(() => parsePeers(tls, 'peers-tls-std')).toThrow(InfoParseError);
    }
  });

  it('after A3 stopped, the generation is bumped and A3 is gone', () => {
    const a1 = parsePeers(valueOf(a3Stopped['3101']!['peers-clear-std']!, 'peers-clear-std'));
    const a2 = parsePeers(valueOf(a3Stopped['3102']!['peers-clear-std']!, 'peers-clear-std'));
    expect(a1).toEqual({
      generation: 5,
      defaultPort: 3000,
      peers: [{ nodeId: 'A2', tlsName: '', hosts: [{ host: '127.0.0.1', port: 3102 }] }],
    });
    expect(a2.generation).toBe(5);
    expect(a2.peers.map((p) => p.nodeId)).toEqual(['A1']);
  });
});

describe('peer lists: grammar', () => {
  it('parses the spec examples', () => {
    expect(parsePeers('7,3000,[[BB9020011AC4202,,[10.0.0.12]],[BB9030011AC4202,,[10.0.0.13,[2001:db8::13]]]]')).toEqual(
      {
        generation: 7,
        defaultPort: 3000,
        peers: [
          { nodeId: 'BB9020011AC4202', tlsName: '', hosts: [{ host: '10.0.0.12', port: 3000 }] },
          {
            nodeId: 'BB9030011AC4202',
            tlsName: '',
            hosts: [
              { host: '10.0.0.13', port: 3000 },
              { host: '2001:db8::13', port: 3000 },
            ],
          },
        ],
      },
    );
    expect(parsePeers('3,3000,[]')).toEqual({ generation: 3, defaultPort: 3000, peers: [] });
    expect(
      parsePeers('7,3000,[[BB9020011AC4202,node2.example.com,[10.0.0.12:4333]]]', 'peers-tls-std').peers[0],
    ).toEqual({
      nodeId: 'BB9020011AC4202',
      tlsName: 'node2.example.com',
      hosts: [{ host: '10.0.0.12', port: 4333 }],
    });
  });

  it('applies the default port, and 3000 when defport is empty', () => {
    expect(parsePeers('1,4000,[[A,,[h.example,[::1],[::1]:5000,10.1.1.1:6000]]]').peers[0]!.hosts).toEqual([
      { host: 'h.example', port: 4000 },
      { host: '::1', port: 4000 },
      { host: '::1', port: 5000 },
      { host: '10.1.1.1', port: 6000 },
    ]);
    expect(parsePeers('1,,[[A,,[10.0.0.1]]]')).toEqual({
      generation: 1,
      defaultPort: 3000,
      peers: [{ nodeId: 'A', tlsName: '', hosts: [{ host: '10.0.0.1', port: 3000 }] }],
    });
  });

  it('reads a departed node of the delta form as a peer without hosts', () => {
    expect(parsePeers('9,3000,[[A1,,],[A2,,[127.0.0.1:3102]]]').peers).toEqual([
      { nodeId: 'A1', tlsName: '', hosts: [] },
      { nodeId: 'A2', tlsName: '', hosts: [{ host: '127.0.0.1', port: 3102 }] },
    ]);
    expect(parsePeers('9,3000,[[A1,,[]]]').peers).toEqual([{ nodeId: 'A1', tlsName: '', hosts: [] }]);
  });

  it.each([
    '',
    '4',
    '4,3000',
    '4,3000,',
    '4,3000,[',
    '4,3000,]',
    '4,3000,[]x',
    '4,3000,[],',
    '-1,3000,[]',
    '4294967296,3000,[]',
    '4,0,[]',
    '4,65536,[]',
    '4,abc,[]',
    ' 4,3000,[]',
    '4,3000,[[]]',
    '4,3000,[[A1]]',
    '4,3000,[[A1,]]',
    '4,3000,[[A1,,[10.0.0.1]]',
    '4,3000,[[A1,,[10.0.0.1]],]',
    '4,3000,[[A1,,[10.0.0.1]][A2,,[]]]',
    '4,3000,[[11111111111111111,,[10.0.0.1]]]',
    '4,3000,[[A1,,[[2001:db8::1]]]',
    'ERROR:25:enterprise only',
  ])('rejects %j', (value) => {
    expect(() => parsePeers(value)).toThrow(InfoParseError);
  });

  it.each([
    '[a1,,[10.0.0.1]]',
    '[,,[10.0.0.1]]',
    '[A1,,[,]]',
    '[A1,,[10.0.0.1:]]',
    '[A1,,[10.0.0.1:0]]',
    '[A1,,[2001:db8::1]]',
    '[A1,,[[nothex]]]',
    '[A1,,[[::1]x]]',
    '[A1,bad name,[10.0.0.1]]',
  ])('skips the bad entry %j, says why, and keeps the good peers', (bad) => {
    const reply = parsePeers(`4,3000,[[A0,,[10.0.0.9]],${bad},[A2,,[10.0.0.2]]]`);
    expect(reply.peers.map((p) => p.nodeId)).toEqual(['A0', 'A2']);
    expect(reply.rejectedCount).toBeGreaterThan(0);
    expect(reply.rejected!.some((r) => r.dropped === 'peer')).toBe(true);
  });

  it('drops only the bad host of a peer that has good ones, and a repeated node id', () => {
    const reply = parsePeers('4,3000,[[A1,,[10.0.0.1,10.0.0.1:0,]],[A1,,[10.0.0.2]]]');
    expect(reply.peers).toEqual([{ nodeId: 'A1', tlsName: '', hosts: [{ host: '10.0.0.1', port: 3000 }] }]);
    expect(reply.rejected!.map((r) => r.dropped)).toEqual(['host', 'host', 'peer']);
    expect(reply.rejected![1]!.reason).toMatch(/empty host/);
    expect(reply.rejected![2]!.reason).toMatch(/listed twice/);
  });

  it('describes at most 16 bad entries but counts them all', () => {
    const bad = Array.from({ length: 40 }, (_, i) => `[${(i + 16).toString(16).toUpperCase()},,[10.0.0.1:0]]`).join(
      ',',
    );
    const reply = parsePeers(`4,3000,[${bad}]`);
    expect(reply.peers).toEqual([]);
    expect(reply.rejected).toHaveLength(16);
    expect(reply.rejectedCount).toBe(40);
  });

  it('says where it failed and what it expected', () => {
    expect(() => parsePeers('4,3000,[[A1,,[10.0.0.1]]x')).toThrow(/'peers-clear-std' reply: expected .* at offset 24/);
  });

  it('enforces the peer and host limits', () => {
    const manyPeers = Array.from({ length: 4097 }, (_, i) => `[${i.toString(16).toUpperCase()},,[10.0.0.1]]`).join(',');
    expect(() => parsePeers(`1,3000,[${manyPeers}]`)).toThrow(/more than 4096 peers/);
    const manyHosts = Array.from({ length: 65 }, (_, i) => `10.0.0.${i}`).join(',');
    expect(() => parsePeers(`1,3000,[[A1,,[${manyHosts}]]]`)).toThrow(/more than 64 hosts/);
  });
});

describe('peer lists: formatting', () => {
  const reply: PeersReply = {
    generation: 7,
    defaultPort: 3000,
    peers: [
      { nodeId: 'BB9020011AC4202', tlsName: '', hosts: [{ host: '10.0.0.12', port: 3000 }] },
      {
        nodeId: 'BB9030011AC4202',
        tlsName: 'node3.example.com',
        hosts: [
          { host: '10.0.0.13', port: 4333 },
          { host: '2001:db8::13', port: 3000 },
          { host: '2001:db8::14', port: 4333 },
          { host: 'node3.example.com', port: 3000 },
        ],
      },
    ],
  };

  it('writes defport and strips it from hosts, as the server does', () => {
    expect(formatPeers(reply)).toBe(
      '7,3000,[[BB9020011AC4202,,[10.0.0.12]],[BB9030011AC4202,node3.example.com,[10.0.0.13:4333,[2001:db8::13],[2001:db8::14]:4333,node3.example.com]]]',
    );
    expect(formatPeers({ generation: 3, defaultPort: 3000, peers: [] })).toBe('3,3000,[]');
  });

  it('reproduces the captured replies byte for byte', () => {
    for (const port of PORTS) {
      const value = capturedValue(port, 'peers-clear-std');
      expect(formatPeers(parsePeers(value))).toBe(value);
    }
  });

  it('round-trips', () => {
    expect(parsePeers(formatPeers(reply))).toEqual(reply);
    const other = { ...reply, defaultPort: 4333 };
    expect(parsePeers(formatPeers(other))).toEqual(other);
  });

  it('refuses entries the parser would reject', () => {
    const peer = { nodeId: 'A1', tlsName: '', hosts: [{ host: '10.0.0.1', port: 3000 }] };
    expect(() => formatPeers({ generation: 1, defaultPort: 3000, peers: [{ ...peer, nodeId: 'a1' }] })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
    expect(() => formatPeers({ generation: 1, defaultPort: 3000, peers: [{ ...peer, tlsName: 'a,b' }] })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
    expect(() =>
      formatPeers({ generation: 1, defaultPort: 3000, peers: [{ ...peer, hosts: [{ host: 'x]', port: 1 }] }] }),
    ).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(() => formatPeers({ generation: -1, defaultPort: 3000, peers: [] })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
    expect(() => formatPeers({ generation: 1, defaultPort: 0, peers: [] })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
  });
});
