/**
 * The official client plus what keeps it seeded: when it has lost every node (its `disconnected` event, or
 * `getNodes()` empty at a check), the seed names are resolved and raced again and the client gets the fresh
 * node addresses, with backoff until that works or the client recovers on its own.
 *
 * The official client, once every node is gone, only retries its seed list; seeded with direct addresses, it
 * would retry addresses that may all belong to replaced instances. Fresh hosts reach it through its own API:
 * `removeSeedHost()` / `addSeedHost()` on the same client (no TLS: addSeedHost takes no TLS name), or a new
 * client connected with the fresh hosts that replaces the old one (`clientReplaced`), which is then closed.
 */
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client, ConfigOptions, Host } from 'aerospike';
import type { ConnectReport } from '../discovery/cluster.js';
import type { DiscoveryOptions } from '../discovery/options.js';
import { backoffDelay } from '../time/backoff.js';
import { findHosts } from './find-hosts.js';
import type { OfficialModule, ResolvedAdapterOptions } from './options.js';

export interface SeededClientEvents {
  /** The client has no node left; re-seeding starts. */
  clusterLost: { readonly hosts: readonly Host[] };
  /** Fresh hosts were handed to the client. */
  reseeded: {
    readonly attempt: number;
    readonly hosts: readonly Host[];
    readonly mode: 'seed-hosts' | 'reconnect';
    readonly report: ConnectReport;
  };
  /** A re-seed attempt failed; the next is in `delayMs`. */
  reseedFailed: { readonly attempt: number; readonly delayMs: number; readonly error: unknown };
  /** `reconnect` mode: `client` is now `current`; `previous` is closed right after this event. */
  clientReplaced: { readonly previous: Client; readonly current: Client };
}

export interface SeedContext {
  readonly module: OfficialModule;
  readonly config: ConfigOptions;
  readonly seeds: readonly string[];
  readonly discovery: DiscoveryOptions;
  readonly tls: boolean;
  readonly options: ResolvedAdapterOptions;
}

export class SeededClient extends EventEmitter {
  #client: Client;
  #hosts: readonly Host[];
  #closed = false;
  #reseeding: Promise<void> | undefined;
  readonly #timer: NodeJS.Timeout;
  readonly #stop = new AbortController();
  readonly #onDisconnected = (): void => this.#check();

  /** The first discovery's timings (first node, complete map). */
  readonly report: ConnectReport;

  constructor(
    private readonly ctx: SeedContext,
    client: Client,
    hosts: readonly Host[],
    report: ConnectReport,
  ) {
    super();
    this.#client = client;
    this.#hosts = hosts;
    this.report = report;
    client.on('disconnected', this.#onDisconnected);
    this.#timer = setInterval(() => this.#check(), ctx.options.checkIntervalMs);
    this.#timer.unref();
  }

  /** The official client to use. Read it for every command: `reconnect` mode replaces it. */
  get client(): Client {
    return this.#client;
  }

  /** The direct node addresses the client was last given. */
  get hosts(): readonly Host[] {
    return this.#hosts;
  }

  get mode(): 'seed-hosts' | 'reconnect' {
    const mode = this.ctx.options.reseedMode;
    return mode === 'auto' ? (this.ctx.tls ? 'reconnect' : 'seed-hosts') : mode;
  }

  override on<K extends keyof SeededClientEvents>(event: K, listener: (payload: SeededClientEvents[K]) => void): this {
    return super.on(event, listener);
  }

  override once<K extends keyof SeededClientEvents>(
    event: K,
    listener: (payload: SeededClientEvents[K]) => void,
  ): this {
    return super.once(event, listener);
  }

  /** Resolve and race the seeds now and give the client the fresh hosts (also done on its own when every node is lost). */
  async reseed(): Promise<void> {
    const found = await findHosts(this.ctx.seeds, this.ctx.discovery, this.ctx.tls);
    await this.#apply(found.hosts);
    this.emit('reseeded', { attempt: 0, hosts: found.hosts, mode: this.mode, report: found.report });
  }

  /** Stop watching and close the official client. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    this.#stop.abort();
    await this.#reseeding;
    this.#client.off('disconnected', this.#onDisconnected);
    this.#client.close();
  }

  #lost(): boolean {
    return this.#client.getNodes().length === 0;
  }

  #check(): void {
    if (this.#closed || this.#reseeding !== undefined || !this.#lost()) return;
    this.#reseeding = this.#reseedLoop().finally(() => (this.#reseeding = undefined));
  }

  async #reseedLoop(): Promise<void> {
    this.emit('clusterLost', { hosts: this.#hosts });
    const { reseedInitialDelayMs, reseedMaxDelayMs } = this.ctx.options;
    for (let attempt = 1; !this.#closed && this.#lost(); attempt++) {
      try {
        const found = await findHosts(this.ctx.seeds, this.ctx.discovery, this.ctx.tls);
        if (this.#closed) return;
        await this.#apply(found.hosts);
        this.emit('reseeded', { attempt, hosts: found.hosts, mode: this.mode, report: found.report });
        return;
      } catch (error) {
        const delayMs = backoffDelay(attempt, {
          baseMs: reseedInitialDelayMs,
          maxMs: reseedMaxDelayMs,
          jitter: 'none',
        });
        this.emit('reseedFailed', { attempt, delayMs, error });
        try {
          await sleep(delayMs, undefined, { signal: this.#stop.signal });
        } catch {
          return;
        }
      }
    }
  }

  async #apply(hosts: readonly Host[]): Promise<void> {
    if (this.mode === 'seed-hosts') {
      for (const h of this.#hosts) this.#client.removeSeedHost(h.addr, h.port);
      for (const h of hosts) this.#client.addSeedHost(h.addr, h.port);
      this.#hosts = hosts;
      return;
    }
    const next = this.ctx.module.client({ ...this.ctx.config, hosts: [...hosts] });
    await next.connect();
    const previous = this.#client;
    previous.off('disconnected', this.#onDisconnected);
    next.on('disconnected', this.#onDisconnected);
    this.#client = next;
    this.#hosts = hosts;
    this.emit('clientReplaced', { previous, current: next });
    previous.close();
  }
}
