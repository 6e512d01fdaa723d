/**
 * The esbuild bundle (scripts/build-lambda.ts): it builds, plain Node loads it as the Lambda runtime would
 * (`index.handler`), and its handler runs against the Route 53 and Auto Scaling models. The bundle carries its
 * own copy of the SDK, whose command classes the mocks cannot recognise, so the test hands it clients that
 * re-create each command with the project's SDK classes (matched by name: the bundle keeps names).
 */
import * as AutoScaling from '@aws-sdk/client-auto-scaling';
import * as Ec2 from '@aws-sdk/client-ec2';
import * as Route53 from '@aws-sdk/client-route-53';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLambda } from '../../../scripts/build-lambda.js';
import type { createHandler as CreateHandler } from '../../../src/aws/lambda/handler.js';
import { loadEvent } from './helpers.js';
import { BASE_ENV, GROUP, I1, I2, ips, LambdaWorld, TERMINATE_HOOK } from './world.js';
import { jumpingClock } from '../../helpers/jumping-clock.js';

const run = promisify(execFile);
let dir: string;
let outfile: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'seedkeeper-lambda-'));
  ({ outfile } = await buildLambda({ outdir: dir }));
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Sendable = { send(command: object): Promise<unknown> };

/** A client for the bundle that forwards every command to `real` as the project SDK's class of the same name. */
function forwarding(
  real: Sendable,
  sdk: Record<string, unknown>,
): Sendable & { config: { maxAttempts: () => Promise<number> } } {
  return {
    config: { maxAttempts: () => Promise.resolve(1) },
    send(command: object) {
      const name = command.constructor.name;
      const Command = sdk[name] as (new (input: unknown) => object) | undefined;
      if (typeof Command !== 'function') throw new Error(`the project SDK has no ${name}`);
      return real.send(new Command((command as { input: unknown }).input));
    },
  };
}

describe('Lambda bundle', () => {
  it('is one ESM file with a linked source map that plain Node loads; handler rejects a bad environment offline', async () => {
    expect(path.basename(outfile)).toBe('index.mjs');
    const script = `
      const m = await import(${JSON.stringify(pathToFileURL(outfile).href)});
      const out = { handler: typeof m.handler, createHandler: typeof m.createHandler };
      try { await m.handler({ 'detail-type': 'Scheduled Event', source: 'aws.events' }, { getRemainingTimeInMillis: () => 1000 }); }
      catch (e) { out.error = { name: e.name, path: e.path, message: e.message }; }
      console.log('RESULT ' + JSON.stringify(out));`;
    const env = {
      PATH: process.env.PATH ?? '',
      AWS_REGION: 'us-east-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    const { stdout, stderr } = await run(process.execPath, ['--input-type=module', '-e', script], {
      env,
      timeout: 60_000,
    });
    // Logs go to stderr (Lambda sends both streams to CloudWatch); the script's result to stdout.
    const lines = [...stdout.split('\n'), ...stderr.split('\n')];
    const out = JSON.parse(lines.find((l) => l.startsWith('RESULT '))!.slice('RESULT '.length));
    // The handler's own log line: JSON, naming the variable.
    expect(
      lines.map((l) => (l.startsWith('{') ? JSON.parse(l) : undefined)).find((l) => l?.msg === 'invalid configuration'),
    ).toMatchObject({ variable: 'SEEDKEEPER_RECORD_NAME', level: 50 });
    expect(out).toEqual({
      handler: 'function',
      createHandler: 'function',
      error: {
        name: 'ConfigError',
        path: 'SEEDKEEPER_RECORD_NAME',
        message: expect.stringMatching(/^SEEDKEEPER_RECORD_NAME: required/),
      },
    });
  });

  it('runs a reconcile and a terminate lifecycle action against the models', async () => {
    const bundle = (await import(/* @vite-ignore */ pathToFileURL(outfile).href)) as {
      createHandler: typeof CreateHandler;
    };
    const world = new LambdaWorld();
    try {
      world.run(I1, I2);
      const handler = bundle.createHandler({
        route53: forwarding(
          new Route53.Route53Client({
            region: 'us-east-1',
            credentials: { accessKeyId: 'AKID', secretAccessKey: 'x' },
            maxAttempts: 1,
          }),
          Route53,
        ) as never,
        autoScaling: forwarding(world.asg.autoScaling, AutoScaling) as never,
        ec2: forwarding(world.asg.ec2, Ec2) as never,
        env: { ...BASE_ENV, SEEDKEEPER_LOG_LEVEL: 'silent' },
        clock: jumpingClock(
          () => world.clock,
          (ms) => void (world.clock += ms),
        ),
      });
      const context = { getRemainingTimeInMillis: () => 600_000 };
      await handler(loadEvent('scheduled'), context);
      expect(world.published()).toEqual(ips(I1, I2));

      const token = world.asg.startAction(I1, 'terminate', TERMINATE_HOOK);
      const result = await handler(
        loadEvent('terminate-lifecycle-action', { EC2InstanceId: I1, LifecycleActionToken: token }),
        context,
      );
      expect(result.lifecycle).toMatchObject({ drain: 'removed', completion: 'completed' });
      expect(world.published()).toEqual(ips(I2));
      expect(world.asg.completed).toEqual([
        { group: GROUP, hook: TERMINATE_HOOK, token, instanceId: I1, result: 'CONTINUE' },
      ]);
    } finally {
      world.restore();
    }
  });
});
