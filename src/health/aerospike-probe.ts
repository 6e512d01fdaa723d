/**
 * Aerospike probe: one fresh info connection per check asking `node`, `cluster-name` and `status` in one
 * request, all under the probe's one deadline. Passes only when the node says `status ok`, belongs to the
 * configured cluster (so an IP recycled to another cluster stays out of the record) and has the expected
 * node id. Never throws; the connection is closed every time.
 */
import { performance } from 'node:perf_hooks';
import { SeedkeeperError, describeError } from '../errors.js';
import { InfoConnection, type Credentials, type TlsOptions } from '../protocol/connection.js';
import { TimeoutError } from '../protocol/errors.js';
import { formatHostPort } from '../net/endpoint.js';
import { isNodeId } from '../protocol/values/index.js';
import type { Endpoint, Probe, ProbeResult } from './types.js';

export interface AerospikeProbeOptions {
  /** When set, a node reporting another cluster name fails. */
  readonly clusterName?: string;
  readonly credentials?: Credentials;
  readonly tls?: TlsOptions;
}

const COMMANDS = ['node', 'cluster-name', 'status'] as const;

/** One short reason for a failed connect or request, without the address (the endpoint names it). */
export function probeErrorReason(error: unknown, address: string): string {
  if (error instanceof TimeoutError) return `${error.phase} timeout`;
  if (error instanceof SeedkeeperError && error.code === 'ERR_ABORTED') return 'aborted';
  // Our own errors say what happened in their message; their causes (errno text) would only repeat it.
  const text = error instanceof SeedkeeperError ? error.message : describeError(error);
  return text.startsWith(`${address}: `) ? text.slice(address.length + 2) : text;
}

function quote(value: string | undefined): string {
  return value === undefined ? 'none' : JSON.stringify(value);
}

class AerospikeProbe implements Probe {
  readonly kind = 'aerospike' as const;
  constructor(private readonly options: AerospikeProbeOptions) {}

  async check(endpoint: Endpoint, timeoutMs: number, signal?: AbortSignal): Promise<ProbeResult> {
    const started = performance.now();
    const elapsed = (): number => performance.now() - started;
    const address = formatHostPort(endpoint);
    let connection: InfoConnection | undefined;
    try {
      connection = await InfoConnection.connect({
        host: endpoint.host,
        port: endpoint.port,
        connectTimeoutMs: timeoutMs,
        ...(signal ? { signal } : {}),
        ...(this.options.tls ? { tls: this.options.tls } : {}),
        ...(this.options.credentials ? { credentials: this.options.credentials } : {}),
      });
      const remaining = Math.max(1, timeoutMs - elapsed());
      const reply = await connection.info(COMMANDS, { timeoutMs: remaining, ...(signal ? { signal } : {}) });
      const node = reply.optional('node');
      const nodeId = node !== undefined && isNodeId(node) ? node : undefined;
      const clusterName = reply.optional('cluster-name');
      const ids = { ...(nodeId ? { nodeId } : {}), ...(clusterName !== undefined ? { clusterName } : {}) };
      const reason = this.judge(endpoint, node, nodeId, clusterName, () => reply.value('status'));
      return reason === undefined
        ? { ok: true, latencyMs: elapsed(), ...ids }
        : { ok: false, latencyMs: elapsed(), reason, ...ids };
    } catch (error) {
      return { ok: false, latencyMs: elapsed(), reason: probeErrorReason(error, address) };
    } finally {
      connection?.close();
    }
  }

  /** The first reason to reject the node, or undefined when it passes. */
  private judge(
    endpoint: Endpoint,
    node: string | undefined,
    nodeId: string | undefined,
    clusterName: string | undefined,
    status: () => string,
  ): string | undefined {
    const expectedCluster = this.options.clusterName;
    if (expectedCluster !== undefined && clusterName !== expectedCluster) {
      return `cluster-name ${quote(clusterName)}, expected ${quote(expectedCluster)}`;
    }
    if (nodeId === undefined) return `node id ${quote(node)} is not valid`;
    const expectedId = endpoint.expectedNodeId;
    if (expectedId !== undefined && nodeId !== expectedId) return `node id ${nodeId}, expected ${expectedId}`;
    let value: string;
    try {
      value = status();
    } catch (error) {
      return `status: ${describeError(error)}`;
    }
    return value === 'ok' ? undefined : `status ${quote(value)}`;
  }
}

/** A probe that asks the node itself whether it is a healthy member of the expected cluster. */
export function createAerospikeProbe(options: AerospikeProbeOptions = {}): Probe {
  return new AerospikeProbe({ ...options });
}
