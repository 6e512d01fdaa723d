// Runs the official `aerospike` client in its own process. Its connect() blocks the JavaScript thread
// while it seeds (the C client validates nodes synchronously), so it cannot share an event loop with the
// simulator that must answer it. Protocol: argv[2] is the client config (JSON); stdout carries one JSON
// object per line ({type:'connected'|'connectError'} first, then one reply per request); stdin carries
// one request per line ({id, cmd:'nodes'|'get'|'connected'|'close', ...}).
import Aerospike from 'aerospike';
import { createInterface } from 'node:readline';

interface DriverConfig {
  hosts: string;
  tenderInterval?: number;
  connTimeoutMs?: number;
  loginTimeoutMs?: number;
  clusterName?: string;
  user?: string;
  password?: string;
  /** The driver exits on its own after this long (default 60 s), even if the parent forgets it. */
  maxLifetimeMs?: number;
  /** C-client log level to stderr (default OFF). */
  logLevel?: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as DriverConfig;
const logLevel = config.logLevel ?? Aerospike.log.OFF;

function send(message: object): Promise<void> {
  return new Promise((resolve) => process.stdout.write(`${JSON.stringify(message)}\n`, () => resolve()));
}

function errorInfo(error: unknown): { code: number; message: string } {
  const e = error as { code?: unknown; message?: unknown };
  return { code: typeof e.code === 'number' ? e.code : -1, message: String(e.message ?? error) };
}

const lifetime = setTimeout(() => process.exit(3), config.maxLifetimeMs ?? 60_000);
lifetime.unref();

Aerospike.setDefaultLogging({ level: logLevel });

const clientConfig = {
  hosts: config.hosts,
  tenderInterval: config.tenderInterval ?? 250,
  connTimeoutMs: config.connTimeoutMs ?? 1000,
  loginTimeoutMs: config.loginTimeoutMs ?? 5000,
  log: { level: logLevel },
  ...(config.clusterName ? { clusterName: config.clusterName } : {}),
  ...(config.user ? { user: config.user, password: config.password ?? '' } : {}),
};

async function connectOrExit(): Promise<Aerospike.Client> {
  const started = performance.now();
  const startedAt = Date.now();
  try {
    const connected = await Aerospike.connect(clientConfig);
    await send({ type: 'connected', ms: performance.now() - started, startedAt, nodes: connected.getNodes() });
    return connected;
  } catch (error) {
    await send({ type: 'connectError', ms: performance.now() - started, startedAt, ...errorInfo(error) });
    process.exit(0);
  }
}

const client = await connectOrExit();

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  void (async () => {
    const request = JSON.parse(line) as { id: number; cmd: string; namespace?: string; set?: string; key?: string };
    const c = client;
    switch (request.cmd) {
      case 'nodes':
        await send({ id: request.id, nodes: c.getNodes() });
        break;
      case 'connected':
        await send({ id: request.id, connected: c.isConnected(false) });
        break;
      case 'get':
        try {
          await c.get(new Aerospike.Key(request.namespace ?? 'test', request.set ?? 'demo', request.key ?? 'k'));
          await send({ id: request.id, code: 0, message: 'found' });
        } catch (error) {
          await send({ id: request.id, ...errorInfo(error) });
        }
        break;
      case 'close':
        c.close();
        await send({ id: request.id, closed: true });
        process.exit(0);
        break;
      default:
        await send({ id: request.id, code: -1, message: `unknown command ${request.cmd}` });
    }
  })();
});
lines.on('close', () => {
  client.close();
  process.exit(0);
});
