/**
 * Typed access to the replies captured from a real Aerospike CE 8.1.2.0 cluster
 * (test/fixtures/aerospike-ce-8.1.2/README.md): three nodes A1..A3 on ports 3101..3103, RF 2.
 */
import { readFileSync } from 'node:fs';

export interface CapturedReply {
  /** The 8-byte proto header, hex. */
  readonly header: string;
  /** The whole reply body: `name\tvalue\n` lines. */
  readonly body: string;
}

interface ThreeNodes {
  readonly server: string;
  readonly nodes: Readonly<Record<string, Readonly<Record<string, CapturedReply>>>>;
}

const dir = new URL('../fixtures/aerospike-ce-8.1.2/', import.meta.url);

function load<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, dir), 'utf8')) as T;
}

export const threeNodes = load<ThreeNodes>('three-nodes.json');
/** Bodies only (no headers), keyed by port then command; `statistics` is cut short. */
export const a3Stopped = load<Readonly<Record<string, Readonly<Record<string, string>>>>>('node-a3-stopped.json');

export const PORTS = ['3101', '3102', '3103'] as const;
export const NODE_OF_PORT: Readonly<Record<string, string>> = { '3101': 'A1', '3102': 'A2', '3103': 'A3' };
export const MULTI = '(multi) node|peers-generation|partition-generation';

export function reply(port: string, command: string): CapturedReply {
  const r = threeNodes.nodes[port]?.[command];
  if (!r) throw new Error(`fixture has no reply for ${command} on ${port}`);
  return r;
}

/** The value of a single-command reply body (`name\tvalue\n`), checked to echo `command`. */
export function valueOf(body: string, command: string): string {
  const prefix = `${command}\t`;
  if (!body.startsWith(prefix)) throw new Error(`fixture body does not echo ${command}`);
  return body.slice(prefix.length).replace(/\n$/, '');
}

export function capturedValue(port: string, command: string): string {
  return valueOf(reply(port, command).body, command);
}
