// Runs seedkeeper/aerospike's connect() with the real official client in its own process (the official
// client's connect() blocks the JavaScript thread while seeding, so it cannot share an event loop with the
// simulator). argv[2]: {config, options}. stdout: one JSON object per line: {type:'connected'|'connectError'},
// then {type:'event', name, ...} for adapter events and one reply per request. stdin: {id, cmd:'nodes'|'close'}.
import Aerospike from 'aerospike';
import { createInterface } from 'node:readline';
import { connect, type AdapterOptions } from '../../src/aerospike/index.js';

const { config, options } = JSON.parse(process.argv[2] ?? '{}') as {
  config: Aerospike.ConfigOptions;
  options?: AdapterOptions;
};
setTimeout(() => process.exit(3), 60_000).unref();
Aerospike.setDefaultLogging({ level: Aerospike.log.OFF });

const send = (message: object): Promise<void> =>
  new Promise((resolve) => process.stdout.write(`${JSON.stringify(message)}\n`, () => resolve()));
const errorInfo = (error: unknown): { code: unknown; message: string } => ({
  code: (error as { code?: unknown }).code,
  message: String((error as Error).message ?? error),
});

const started = performance.now();
let seeded: Awaited<ReturnType<typeof connect>>;
try {
  seeded = await connect({ log: { level: Aerospike.log.OFF }, ...config }, options);
  await send({
    type: 'connected',
    ms: performance.now() - started,
    firstNodeMs: seeded.report.firstNodeMs,
    hosts: seeded.hosts,
    nodes: seeded.client.getNodes(),
  });
} catch (error) {
  await send({ type: 'connectError', ms: performance.now() - started, ...errorInfo(error) });
  process.exit(0);
}

for (const name of ['clusterLost', 'reseeded', 'reseedFailed', 'clientReplaced'] as const) {
  seeded.on(name, (payload: object) => {
    const { hosts } = payload as { hosts?: unknown };
    void send({ type: 'event', name, hosts, ...('error' in payload ? errorInfo(payload.error) : {}) });
  });
}

createInterface({ input: process.stdin }).on('line', (line) => {
  void (async () => {
    const request = JSON.parse(line) as { id: number; cmd: string };
    if (request.cmd === 'nodes') await send({ id: request.id, nodes: seeded.client.getNodes() });
    else if (request.cmd === 'close') {
      await seeded.close();
      await send({ id: request.id, closed: true });
      process.exit(0);
    } else await send({ id: request.id, message: `unknown command ${request.cmd}` });
  })();
});
