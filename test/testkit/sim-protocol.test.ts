import { afterEach, describe, expect, it } from 'vitest';
import {
  AdminCommand,
  AdminField,
  AdminResult,
  decodeAdminMessage,
  encodeAdminMessage,
  encodeAuthenticate,
  encodeLogin,
} from '../../src/protocol/admin.js';
import { hashPassword } from '../../src/protocol/credential.js';
import { frame, MessageType } from '../../src/protocol/header.js';
import {
  parsePeers,
  parseReplicas,
  parseServiceList,
  PARTITION_COUNT,
  ownsPartition,
} from '../../src/protocol/values/index.js';
import { startSimCluster, type SimCluster } from '../../src/testkit/sim-cluster.js';
import { threeNodes } from '../protocol/fixture-data.js';
import { askOnce, RawClient } from './helpers/raw-client.js';

const fixture = threeNodes;

let cluster: SimCluster | undefined;
const clients: RawClient[] = [];

async function open(nodeIndex = 0, listener = 0): Promise<RawClient> {
  const c = await RawClient.open(cluster!.nodes[nodeIndex]!.listenAddresses[listener]!);
  clients.push(c);
  return c;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await cluster?.stop();
  cluster = undefined;
});

describe('simulated node: info protocol', () => {
  it('echoes each complete command in request order, same type, version 2', async () => {
    cluster = await startSimCluster({ nodes: 1 });
    const c = await open();
    const reply = await c.request(
      MessageType.Info,
      Buffer.from('build\nnode\nno-such-command\nstatus\nincomplete', 'utf8'),
    );
    expect(reply.headerBytes[0]).toBe(2);
    expect(reply.headerBytes[1]).toBe(1);
    expect(reply.body.toString()).toBe(
      `build\t8.0.0.0\nnode\t${cluster.nodes[0]!.id}\nno-such-command\tERROR:4:unrecognized command\nstatus\tok\n`,
    );
    // Several requests on one connection, one at a time.
    expect(await c.info('partitions')).toBe('partitions\t4096\n');
    expect(await c.info('user-agent-set:value=MSxub2RlanMtNi43LjEsbm90LXNldA==')).toBe(
      'user-agent-set:value=MSxub2RlanMtNi43LjEsbm90LXNldA==\tok\n',
    );
  });

  it('answers an empty request with the legacy summary', async () => {
    cluster = await startSimCluster({ nodes: 1 });
    const c = await open();
    const text = (await c.request(MessageType.Info, Buffer.alloc(0))).body.toString();
    expect(text).toContain(`node\t${cluster.nodes[0]!.id}\n`);
    expect(text).toContain('partition-generation\t');
    expect(text).toMatch(/features\t[^\n]*pscans/);
  });

  it('answers in the shapes of a real CE 8.1.2 node', async () => {
    cluster = await startSimCluster({ nodes: 3, nodeIds: ['A1', 'A2', 'A3'] });
    const c = await open();
    const real = fixture.nodes['3101']!;
    const names = [
      'node',
      'build',
      'features',
      'edition',
      'cluster-name',
      'status',
      'service-clear-std',
      'service-clear-alt',
      'service-tls-std',
      'peers-clear-std',
      'peers-clear-alt',
      'peers-tls-std',
      'peers-generation',
      'partition-generation',
      'rebalance-generation',
      'replicas',
      'no-such-command',
    ];
    const mine = await c.values(...names);
    const theirs = (name: string): string => real[name]!.body.slice(name.length + 1, -1);
    for (const name of [
      'node',
      'features',
      'edition',
      'status',
      'service-clear-alt',
      'service-tls-std',
      'peers-tls-std',
      'no-such-command',
    ]) {
      expect(mine[name], name).toBe(theirs(name));
    }
    expect(mine['cluster-name']).toBe('sim');
    expect(parseServiceList(mine['service-clear-std']!)).toEqual([cluster.nodes[0]!.address]);
    const peers = parsePeers(mine['peers-clear-std']!);
    const realPeers = parsePeers(theirs('peers-clear-std'));
    expect(peers.peers.map((p) => p.nodeId)).toEqual(realPeers.peers.map((p) => p.nodeId));
    expect(peers.defaultPort).toBe(3000);
    expect(peers.peers.map((p) => p.hosts)).toEqual([[cluster.nodes[1]!.address], [cluster.nodes[2]!.address]]);
    expect(mine['peers-clear-alt']).toBe(`${peers.generation},3000,[]`);
    expect(Number(mine['peers-generation'])).toBe(peers.generation);
    expect(Number.isInteger(Number(mine['partition-generation']))).toBe(true);
    expect(Number(mine['partition-generation'])).toBeGreaterThanOrEqual(0);
    const replicas = parseReplicas(mine.replicas!);
    const realReplicas = parseReplicas(theirs('replicas'));
    expect(replicas.map((r) => [r.namespace, r.regime, r.columns.length])).toEqual(
      realReplicas.map((r) => [r.namespace, r.regime, r.columns.length]),
    );
    expect(mine.replicas!.split(',')[2]).toHaveLength(684);
    // The reply header has the real layout: version 2, type 1, 48-bit size.
    const raw = await c.request(MessageType.Info, Buffer.from('node\n'));
    expect(raw.headerBytes.toString('hex')).toBe(real.node!.header);
    expect(raw.body.toString()).toBe(real.node!.body);
  });

  it('the replicas of all nodes give every partition exactly one master and distinct replicas', async () => {
    cluster = await startSimCluster({
      nodes: 4,
      namespaces: [
        { name: 'test', replicationFactor: 2 },
        { name: 'sc', replicationFactor: 3, regime: 1 },
      ],
    });
    const maps = await Promise.all(
      cluster.nodes.map(async (n) => parseReplicas((await askOnce(n.address, 'replicas')).replicas!)),
    );
    for (const [nsIndex, rf] of [
      [0, 2],
      [1, 3],
    ] as const) {
      const problems: number[] = [];
      for (let p = 0; p < PARTITION_COUNT; p++) {
        const holders = maps
          .map((m) => m[nsIndex]!.columns.findIndex((col) => ownsPartition(col, p)))
          .filter((col) => col >= 0);
        if (holders.length !== rf || new Set(holders).size !== rf) problems.push(p);
      }
      expect(problems).toEqual([]);
    }
    expect(maps[0]![1]!.regime).toBe(1);
  });

  it('data messages get a well-formed as_msg with KEY_NOT_FOUND', async () => {
    cluster = await startSimCluster({ nodes: 1 });
    const c = await open();
    const request = Buffer.alloc(22);
    request[0] = 22;
    request[1] = 0x01; // read
    const reply = await c.request(MessageType.Message, request);
    expect(reply.header.type).toBe(MessageType.Message);
    expect(reply.body).toHaveLength(22);
    expect(reply.body[0]).toBe(22);
    expect(reply.body[5]).toBe(2);
  });

  it('drops a connection that breaks the framing rules', async () => {
    cluster = await startSimCluster({ nodes: 1 });
    const c = await open();
    const bad = frame(MessageType.Info, Buffer.from('node\n'));
    bad[0] = 9;
    await expect(c.requestRaw(bad, 1000)).rejects.toThrow(/closed/);
    const log = cluster.nodes[0]!.requestLog();
    expect(log.map((e) => e.kind)).toEqual(['accept', 'invalid', 'close']);
  });
});

describe('simulated node: admin and auth', () => {
  it('without auth, admin messages get 52 SECURITY_NOT_ENABLED and info needs no login', async () => {
    cluster = await startSimCluster({ nodes: 1 });
    const c = await open();
    const reply = await c.requestRaw(encodeLogin('admin', hashPassword('secret')));
    expect(decodeAdminMessage(reply.headerBytes, reply.body).result).toBe(AdminResult.SECURITY_NOT_ENABLED);
    expect(await c.info('status')).toBe('status\tok\n');
  });

  it('with auth: info before login is refused, LOGIN returns a token, AUTHENTICATE accepts it', async () => {
    cluster = await startSimCluster({ nodes: 2, auth: { user: 'admin', password: 'secret', sessionTtlSeconds: 600 } });
    const c = await open();
    expect(await c.info('node', 'build')).toBe('ERROR:80:not authenticated\n');
    const data = await c.request(
      MessageType.Message,
      Buffer.from([22, 1, 0, 0, 0, 0, ...new Array<number>(16).fill(0)]),
    );
    expect(data.body[5]).toBe(80);

    const wrong = await c.requestRaw(encodeLogin('admin', hashPassword('nope')));
    expect(decodeAdminMessage(wrong.headerBytes, wrong.body).result).toBe(AdminResult.INVALID_CREDENTIAL);
    const unknown = await c.requestRaw(encodeLogin('bob', hashPassword('secret')));
    expect(decodeAdminMessage(unknown.headerBytes, unknown.body).result).toBe(AdminResult.INVALID_USER);

    const ok = decodeAdminMessage(...framed(await c.requestRaw(encodeLogin('admin', hashPassword('secret')))));
    expect(ok.command).toBe(AdminCommand.LOGIN);
    expect(ok.result).toBe(AdminResult.OK);
    const token = ok.fields.get(AdminField.SESSION_TOKEN)!;
    expect(token.length).toBeGreaterThan(0);
    expect(ok.fields.get(AdminField.SESSION_TTL)!.readUInt32BE(0)).toBe(600);
    expect(await c.info('status')).toBe('status\tok\n');

    // A new connection, on another node of the same cluster, proves itself with the token.
    const d = await open(1);
    expect(await d.info('status')).toBe('ERROR:80:not authenticated\n');
    const bogus = decodeAdminMessage(...framed(await d.requestRaw(encodeAuthenticate('admin', Buffer.from('bogus')))));
    expect(bogus.result).not.toBe(AdminResult.OK);
    const auth = decodeAdminMessage(...framed(await d.requestRaw(encodeAuthenticate('admin', token))));
    expect(auth.result).toBe(AdminResult.OK);
    expect(await d.info('status')).toBe('status\tok\n');

    const other = decodeAdminMessage(
      ...framed(await d.requestRaw(encodeAdminMessage({ command: AdminCommand.QUERY_USERS, fields: [] }))),
    );
    expect(other.result).toBe(AdminResult.INVALID_COMMAND);
    expect(
      cluster.nodes[1]!.requestLog()
        .filter((e) => e.kind === 'admin')
        .map((e) => e.adminCommand),
    ).toEqual([0, 0, 9]);
  });
});

function framed(f: { headerBytes: Buffer; body: Buffer }): [Buffer, Buffer] {
  return [f.headerBytes, f.body];
}
