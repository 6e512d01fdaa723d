/**
 * `peers-clear-std` / `-tls-std` / `-clear-alt` / `-tls-alt`: the other members of the cluster (§2.3).
 *   value := gen "," defport "," "[" [peer ("," peer)*] "]"
 *   peer  := "[" nodeid "," tlsname "," "[" [host ("," host)*] "]" "]"   |   "[" nodeid "," tlsname "," "]"
 * The second peer form is how the delta variant (`:generation=n`) lists a departed node; it reads as a peer
 * with no hosts. A hand-written scanner keeps parsing linear and every failure an InfoParseError.
 */
import { InfoParseError } from '../errors.js';
import { DEFAULT_SERVICE_PORT, formatHost, formatHostPort, isValidPort, type HostPort } from '../../net/endpoint.js';
import { assertListHost, parseHostText } from './host-text.js';
import { isNodeId } from './node-id.js';
import { checkLength, isPrintableToken, parsePort, parseUnsigned, quote } from './scan.js';
import { InvalidArgumentError } from '../../errors.js';

export interface PeerEntry {
  readonly nodeId: string;
  /** The TLS name to check the peer's certificate against; empty for the clear-text variants. */
  readonly tlsName: string;
  /** Addresses in the server's order; empty for a departed node in the delta form. */
  readonly hosts: readonly HostPort[];
}

export interface PeersReply {
  readonly generation: number;
  /** Port of hosts listed without one; an empty field reads as 3000, as the C client does. */
  readonly defaultPort: number;
  readonly peers: readonly PeerEntry[];
  /**
   * Entries (or hosts of entries) that were skipped because their content is bad (port 0, a malformed
   * address, a bad node id or TLS name, a repeated node id); absent when there were none. At most
   * MAX_REJECTED_DETAILS are described; `rejectedCount` counts them all.
   */
  readonly rejected?: readonly RejectedPeer[];
  readonly rejectedCount?: number;
}

export interface RejectedPeer {
  /** The node id as written (possibly the invalid text itself, quoted). */
  readonly nodeId: string;
  /** `peer`: the whole entry was skipped; `host`: one address was, the peer kept its others. */
  readonly dropped: 'peer' | 'host';
  readonly reason: string;
}

export const MAX_REJECTED_DETAILS = 16;

export const MAX_PEERS = 4096;
export const MAX_PEER_HOSTS = 64;
const MAX_TLS_NAME = 255;
const U32_MAX = 0xffff_ffff;

class Scanner {
  pos = 0;
  constructor(
    readonly text: string,
    readonly command: string,
  ) {}

  fail(expected: string): never {
    const found = this.pos < this.text.length ? quote(this.text.slice(this.pos, this.pos + 13), 12) : 'end of value';
    throw new InfoParseError(this.command, `expected ${expected} at offset ${this.pos}, found ${found}`);
  }

  peek(): string | undefined {
    return this.text[this.pos];
  }

  expect(ch: string, what = `'${ch}'`): void {
    if (this.text[this.pos] !== ch) this.fail(what);
    this.pos++;
  }

  /** Text up to (not including) the first of `stops`; each character is looked at once. */
  until(stops: string, max: number, what: string): string {
    const start = this.pos;
    while (this.pos < this.text.length && !stops.includes(this.text[this.pos]!)) {
      if (this.pos - start >= max) this.fail(`${what} of at most ${max} characters`);
      this.pos++;
    }
    return this.text.slice(start, this.pos);
  }
}

export function parsePeers(value: string, command = 'peers-clear-std'): PeersReply {
  checkLength(command, value);
  const s = new Scanner(value, command);
  const generation = parseUnsigned(command, 'peers generation', s.until(',', 16, 'generation'), U32_MAX);
  s.expect(',');
  const portText = s.until(',', 16, 'default port');
  const defaultPort = portText === '' ? DEFAULT_SERVICE_PORT : parsePort(command, portText);
  s.expect(',');
  s.expect('[');
  const peers: PeerEntry[] = [];
  const seen = new Set<string>();
  // Structure errors (brackets, commas, limits) reject the whole value; a bad entry only skips that entry.
  const rejected: RejectedPeer[] = [];
  let rejectedCount = 0;
  const reject = (problem: RejectedPeer): void => {
    rejectedCount++;
    if (rejected.length < MAX_REJECTED_DETAILS) rejected.push(problem);
  };
  if (s.peek() !== ']') {
    for (let count = 0; ; count++) {
      if (count === MAX_PEERS) throw new InfoParseError(command, `more than ${MAX_PEERS} peers`);
      const peer = parsePeer(s, defaultPort, reject);
      if (peer && seen.has(peer.nodeId))
        reject({ nodeId: peer.nodeId, dropped: 'peer', reason: 'listed twice; the first entry is used' });
      else if (peer) {
        seen.add(peer.nodeId);
        peers.push(peer);
      }
      if (s.peek() !== ',') break;
      s.pos++;
    }
  }
  s.expect(']', "',' or ']'");
  if (s.pos !== value.length) s.fail('end of value');
  return rejectedCount === 0
    ? { generation, defaultPort, peers }
    : { generation, defaultPort, peers, rejected, rejectedCount };
}

/** One peer; undefined when its content is bad (reported through `reject`, the scan goes on). */
function parsePeer(s: Scanner, defaultPort: number, reject: (problem: RejectedPeer) => void): PeerEntry | undefined {
  s.expect('[', "'[' opening a peer");
  const nodeId = s.until(',]', 16, 'node id');
  let bad: string | undefined = isNodeId(nodeId)
    ? undefined
    : `node id ${quote(nodeId)} is not 1..16 uppercase hex digits`;
  s.expect(',');
  const tlsName = s.until(',[]', MAX_TLS_NAME, 'TLS name');
  if (!bad && !isPrintableToken(tlsName)) bad = `TLS name ${quote(tlsName)} has spaces or unprintable characters`;
  s.expect(',');
  if (s.peek() === ']') {
    s.pos++;
    if (bad) reject({ nodeId: quote(nodeId, 16), dropped: 'peer', reason: bad });
    return bad ? undefined : { nodeId, tlsName, hosts: [] }; // departed node, delta form
  }
  s.expect('[', "'[' opening the host list");
  const hosts: HostPort[] = [];
  let count = 0;
  const hostProblems: string[] = [];
  if (s.peek() !== ']') {
    for (;;) {
      if (count++ === MAX_PEER_HOSTS) {
        throw new InfoParseError(s.command, `peer ${quote(nodeId, 16)} lists more than ${MAX_PEER_HOSTS} hosts`);
      }
      const text = scanHost(s);
      try {
        if (text.length === 0) throw new InfoParseError(s.command, 'empty host');
        hosts.push(parseHostText(s.command, text, defaultPort));
      } catch (error) {
        if (!(error instanceof InfoParseError)) throw error;
        hostProblems.push(error.message.replace(/^invalid '[^']*' reply: /, ''));
      }
      if (s.peek() !== ',') break;
      s.pos++;
    }
  }
  s.expect(']', "',' or ']' after a host");
  s.expect(']', "']' closing the peer");
  // A peer left with no usable host is one skipped entry; otherwise each bad host is reported on its own.
  if (!bad && hostProblems.length > 0 && hosts.length === 0) bad = hostProblems[0]!;
  else if (!bad) for (const reason of hostProblems) reject({ nodeId, dropped: 'host', reason });
  if (bad) {
    reject({ nodeId: isNodeId(nodeId) ? nodeId : quote(nodeId, 16), dropped: 'peer', reason: bad });
    return undefined;
  }
  return { nodeId, tlsName, hosts };
}

/** One host token: a bracketed IPv6 may hold ':' but never ',' or ']', so scan to its ']' first. */
function scanHost(s: Scanner): string {
  const start = s.pos;
  if (s.peek() === '[') {
    s.pos++;
    s.until(']', 100, 'IPv6 address');
    s.expect(']', "']' closing an IPv6 address");
  }
  s.until(',]', 260, 'host');
  return s.text.slice(start, s.pos);
}

/**
 * Print a peer list as the server does: `defport` written out, and `:defport` left off hosts that use it.
 * Throws InvalidArgumentError for entries the parser would refuse.
 */
export function formatPeers(reply: PeersReply): string {
  const { generation, defaultPort, peers } = reply;
  if (!Number.isInteger(generation) || generation < 0 || generation > U32_MAX) {
    throw new InvalidArgumentError('generation', `${generation} is not a u32`);
  }
  if (!isValidPort(defaultPort)) throw new InvalidArgumentError('defaultPort', `${defaultPort} is outside 1..65535`);
  if (peers.length > MAX_PEERS) throw new InvalidArgumentError('peers', `more than ${MAX_PEERS} peers`);
  const items = peers.map((peer) => {
    if (!isNodeId(peer.nodeId))
      throw new InvalidArgumentError(
        'peers[].nodeId',
        `${JSON.stringify(peer.nodeId)} is not 1..16 uppercase hex digits`,
      );
    if (peer.tlsName.length > MAX_TLS_NAME || !isPrintableToken(peer.tlsName, ',[]')) {
      throw new InvalidArgumentError(
        'peers[].tlsName',
        `${JSON.stringify(peer.tlsName)} cannot be written in a peer list`,
      );
    }
    if (peer.hosts.length > MAX_PEER_HOSTS)
      throw new InvalidArgumentError('peers[].hosts', `peer ${peer.nodeId} has more than ${MAX_PEER_HOSTS} hosts`);
    const hosts = peer.hosts.map((hp) => {
      assertListHost(hp);
      return hp.port === defaultPort ? formatHost(hp.host) : formatHostPort(hp);
    });
    return `[${peer.nodeId},${peer.tlsName},[${hosts.join(',')}]]`;
  });
  return `${generation},${defaultPort},[${items.join(',')}]`;
}
