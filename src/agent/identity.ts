/**
 * Who this node is: `{ id, address, port }`. Explicit values (flags, then config) win; what is left comes
 * from EC2 instance metadata (IMDSv2), which is only asked when needed.
 */
import { isIP } from 'node:net';
import { ConfigError } from '../errors.js';
import { checkNodeAddress } from '../net/address-policy.js';
import { agentIdProblem } from '../sources/agent-id.js';
import type { CallOptions, ImdsClient } from './imds.js';
import type { AgentMember } from './target.js';

/** Which instance address to register, or a literal IP. */
export type AddressChoice = 'private' | 'public' | 'ipv6' | (string & {});

export const ADDRESS_MODES: readonly string[] = Object.freeze(['private', 'public', 'ipv6']);

export interface IdentityInput {
  /** Node or instance id; default: the instance id from metadata. */
  readonly id?: string | undefined;
  /** `private` (default), `public`, `ipv6`, or a literal IPv4/IPv6 address. */
  readonly address?: AddressChoice | undefined;
  readonly port: number;
  /** Accept a loopback literal address (tests and the demo). Default false. */
  readonly allowLoopback?: boolean | undefined;
}

/** What identity needs from instance metadata. */
export type MetadataSource = Pick<ImdsClient, 'instanceId' | 'localIpv4' | 'publicIpv4' | 'ipv6'>;

/** True for `private`, `public`, `ipv6` and for IP literals. */
export function isAddressChoice(value: string): boolean {
  return ADDRESS_MODES.includes(value) || (isIP(value) !== 0 && !value.includes('%'));
}

function needsMetadata(what: string, path: string, flag: string): never {
  throw new ConfigError(
    path,
    `${what} needs EC2 instance metadata, which is off (imds.enabled: false or --no-imds): give ${flag}`,
  );
}

async function resolveAddress(
  choice: AddressChoice,
  imds: MetadataSource | undefined,
  call: CallOptions,
  allowLoopback: boolean,
): Promise<string> {
  if (isIP(choice) !== 0 || choice.includes('%')) {
    const verdict = checkNodeAddress(choice, { allowLoopback });
    if (!verdict.ok) throw new ConfigError('node.address', verdict.reason);
    return verdict.address;
  }
  if (!ADDRESS_MODES.includes(choice))
    throw new ConfigError(
      'node.address',
      `expected private, public, ipv6 or an IP address, got ${JSON.stringify(choice)}`,
    );
  if (imds === undefined)
    needsMetadata(`address "${choice}"`, 'node.address', '--address <IP> (or node.address: <IP>)');
  if (choice === 'private') return await imds.localIpv4(call);
  const value = choice === 'public' ? await imds.publicIpv4(call) : await imds.ipv6(call);
  if (value === undefined) {
    throw new ConfigError(
      'node.address',
      choice === 'public'
        ? 'this instance has no public IPv4 address (instance metadata public-ipv4: 404): use address private, or give --address'
        : 'this instance has no IPv6 address on its primary interface (instance metadata): use address private, or give --address',
    );
  }
  return value;
}

/** The node as it will be registered. */
export async function resolveIdentity(
  input: IdentityInput,
  imds: MetadataSource | undefined,
  call: CallOptions = {},
): Promise<AgentMember> {
  if (!Number.isInteger(input.port) || input.port < 1 || input.port > 65535)
    throw new ConfigError('node.port', `expected a port number (1-65535), got ${JSON.stringify(input.port)}`);
  let id = input.id?.trim();
  if (id === '') throw new ConfigError('node.id', 'the node id is empty');
  if (id === undefined) {
    if (imds === undefined) needsMetadata('the node id', 'node.id', '--id <ID> (or node.id)');
    id = await imds.instanceId(call);
  }
  const idProblem = agentIdProblem(id);
  if (idProblem) throw new ConfigError('node.id', idProblem);
  const address = await resolveAddress(input.address ?? 'private', imds, call, input.allowLoopback === true);
  return Object.freeze({ id, address, port: input.port });
}
