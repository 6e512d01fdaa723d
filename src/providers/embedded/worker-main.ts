/**
 * Entry point of one serving worker (a `cluster` worker forked by workers.ts). It waits for its first
 * snapshot before binding, so it never answers before it knows the zone; binds the primary's shared UDP
 * socket and TCP listener (cluster shares them: the kernel spreads datagrams over the workers, the primary
 * hands out TCP connections); then swaps in each new snapshot whole and acknowledges it.
 * It exits when the primary goes away (cluster closes the IPC channel) or tells it to.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { literalLookup, serveOn, type NoteFn } from './listener.js';
import { LogLimiter } from './log-limiter.js';
import { Responder } from './query.js';
import { fromWire, isToWorker, WORKER_CONFIG_ENV, type FromWorker, type WorkerConfig } from './snapshot-channel.js';
import type { ZoneSnapshot } from './zone-store.js';
import { InternalError } from '../../errors.js';

const LIMIT_LOG_INTERVAL_MS = 10_000;

function send(message: FromWorker): void {
  if (process.connected) process.send!(message);
}

function bind(config: WorkerConfig): Promise<{ udp: dgram.Socket; tcp: net.Server }> {
  return new Promise((resolve, reject) => {
    const udp = dgram.createSocket({ type: net.isIPv6(config.host) ? 'udp6' : 'udp4', lookup: literalLookup });
    udp.once('error', reject);
    // exclusive: false = the cluster primary's shared handle, the same socket in every worker.
    udp.bind({ address: config.host, port: config.port, exclusive: false }, () => {
      udp.off('error', reject);
      const tcp = net.createServer({ noDelay: true });
      tcp.once('error', reject);
      tcp.listen({ host: config.host, port: config.port, exclusive: false }, () => {
        tcp.off('error', reject);
        resolve({ udp, tcp });
      });
    });
  });
}

function main(): void {
  const config = JSON.parse(process.env[WORKER_CONFIG_ENV] ?? 'null') as WorkerConfig | null;
  if (config === null || process.send === undefined)
    throw new InternalError('worker-main.ts runs only as an embedded DNS worker');
  let current: ZoneSnapshot | undefined;
  const source = { snapshot: (): ZoneSnapshot => current! };
  let responder: Responder | undefined;
  const limited = new LogLimiter(
    (fields, msg) => send({ t: 'log', level: 'warn', fields, msg }),
    LIMIT_LOG_INTERVAL_MS,
    Date.now,
  );
  const note: NoteFn = (key, fields, msg) => limited.note(key, { worker: process.pid, ...fields }, msg);
  let listener: ReturnType<typeof serveOn> | undefined;
  let latest = -1;

  process.on('message', (message: unknown) => {
    if (!isToWorker(message)) return;
    let next: ZoneSnapshot;
    try {
      next = fromWire(message.snapshot);
    } catch (error) {
      send({ t: 'fatal', code: 'ERR_WORKER_SNAPSHOT', message: String(error) });
      process.exit(1);
    }
    current = next; // one assignment: every later packet sees the whole new zone
    latest = message.gen;
    if (responder === undefined) {
      responder = new Responder(source, {
        maxUdpPayload: config.limits.maxUdpPayload,
        maxQueryBytes: config.limits.maxQueryBytes,
        rotate: config.rotate,
      });
      bind(config).then(
        ({ udp, tcp }) => {
          listener = serveOn(udp, tcp, responder!, config.limits, note, Date.now);
          send({ t: 'ready', gen: latest, stats: listener.stats() });
        },
        (error: NodeJS.ErrnoException) => {
          send({ t: 'fatal', code: error.code, message: error.message });
          process.exit(1);
        },
      );
      return;
    }
    responder.zone(); // encode the answers now, not on the first query
    if (listener) send({ t: 'ack', gen: message.gen, stats: listener.stats() });
  });
  send({ t: 'hello' });
  setInterval(() => {
    if (listener) send({ t: 'stats', stats: listener.stats() });
  }, config.statsIntervalMs).unref();
}

main();
