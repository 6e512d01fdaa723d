/**
 * Open a connection to one address and validate the node behind it. The connection is returned only when
 * the node passed every check; otherwise it is closed and the typed error is thrown.
 */
import { InfoConnection, type Credentials } from '../protocol/connection.js';
import type { HostPort } from '../net/endpoint.js';
import { withConnectionSlot } from './limiter.js';
import type { DiscoveryContext } from './options.js';
import { checkValidationReply, validationRequest, type NodeInfo, type ValidationExpectations } from './validate.js';
import { InvalidArgumentError } from '../errors.js';

export interface ValidatedConnection {
  readonly connection: InfoConnection;
  readonly info: NodeInfo;
  /** The address dialled. */
  readonly address: HostPort;
  /** Milliseconds from the start of the connect to the validated reply. */
  readonly elapsedMs: number;
}

export interface NodeConnectOptions extends ValidationExpectations {
  /** Ask for the node's service list (seeds, for load-balancer detection). */
  readonly withServices?: boolean;
  /** TLS name for this address (from the seed or the peer entry). */
  readonly tlsName?: string;
  /** Reuse a session (AUTHENTICATE) instead of logging in again. */
  readonly credentials?: Credentials;
  readonly signal?: AbortSignal;
}

type OpenOptions = { tlsName?: string; credentials?: Credentials; signal?: AbortSignal };

/** Connect with the context's TLS, credentials and deadlines, holding a connection slot while connecting. */
export function openConnection(
  ctx: DiscoveryContext,
  address: HostPort,
  options: OpenOptions = {},
): Promise<InfoConnection> {
  return withConnectionSlot(ctx.connections, () => connectUnlimited(ctx, address, options), options.signal);
}

function connectUnlimited(ctx: DiscoveryContext, address: HostPort, options: OpenOptions): Promise<InfoConnection> {
  const tls = ctx.options.tls;
  const name = options.tlsName ?? tls?.name;
  if (tls && !name) {
    return Promise.reject(
      new InvalidArgumentError(
        'tls.name',
        `TLS needs a certificate name for ${address.host}; write the seed as host:tlsname:port`,
      ),
    );
  }
  // A session token (AUTHENTICATE) from an earlier LOGIN wins over logging in again.
  const credentials = options.credentials ?? ctx.credentials;
  return InfoConnection.connect({
    host: address.host,
    port: address.port,
    ...(tls && name ? { tls: { ...tls, name } } : {}),
    ...(credentials ? { credentials } : {}),
    connectTimeoutMs: ctx.options.connectTimeoutMs,
    requestTimeoutMs: ctx.options.requestTimeoutMs,
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/** Connect and validate under one connection slot: the slot is the bound on sockets in flight. */
export function connectAndValidate(
  ctx: DiscoveryContext,
  address: HostPort,
  options: NodeConnectOptions = {},
): Promise<ValidatedConnection> {
  return withConnectionSlot(ctx.connections, () => validateUnlimited(ctx, address, options), options.signal);
}

async function validateUnlimited(
  ctx: DiscoveryContext,
  address: HostPort,
  options: NodeConnectOptions,
): Promise<ValidatedConnection> {
  // Measured from the slot being granted: time spent queued behind the limit is not the node's fault.
  const started = performance.now();
  const connection = await connectUnlimited(ctx, address, options);
  try {
    const request = validationRequest(options.withServices ? ctx.serviceCommand : undefined);
    const reply = await connection.info(request.commands, options.signal ? { signal: options.signal } : {});
    const expect: ValidationExpectations = {
      ...(ctx.options.clusterName !== undefined ? { clusterName: ctx.options.clusterName } : {}),
      ...(options.nodeId !== undefined ? { nodeId: options.nodeId } : {}),
    };
    const info = checkValidationReply(address, request, reply, expect);
    return { connection, info, address, elapsedMs: performance.now() - started };
  } catch (error) {
    connection.close();
    throw error;
  }
}
