/**
 * A Lambda test world: the Route 53 model and the Auto Scaling / EC2 model behind the real SDK clients, a
 * fake clock that `sleep` advances (so waits of minutes take no time), captured JSON logs, and the handler.
 */
import '../sdk-env.js';
import { Writable } from 'node:stream';
import { createHandler, type Handler, type HandlerDeps, type LambdaContext } from '../../../src/aws/lambda/handler.js';
import { createLogger } from '../../../src/log/logger.js';
import { AsgModel } from '../fixtures/asg-model.js';
import { Route53Model } from '../route53-model.js';
import { testRoute53Client } from '../sdk-env.js';
import { jumpingClock } from '../../helpers/jumping-clock.js';

export const ZONE_ID = 'Z0TEST';
export const RECORD = 'seed.db.example.com';
export const GROUP = 'aerospike-asg';
export const TERMINATE_HOOK = 'seedkeeper-terminate';
export const LAUNCH_HOOK = 'seedkeeper-launch';
/** The instances of the fixtures: i-…0001 and i-…0002 run; i-…0003 is the one the launch events name. */
export const I1 = 'i-0a1b2c3d4e5f60001';
export const I2 = 'i-0a1b2c3d4e5f60002';
export const I3 = 'i-0a1b2c3d4e5f60003';
export const IP: Record<string, string> = { [I1]: '10.0.1.11', [I2]: '10.0.1.12', [I3]: '10.0.1.13' };

export const BASE_ENV = Object.freeze({
  SEEDKEEPER_RECORD_NAME: RECORD,
  SEEDKEEPER_HOSTED_ZONE_ID: ZONE_ID,
  SEEDKEEPER_ZONE: 'example.com',
  SEEDKEEPER_ASG_NAMES: GROUP,
  SEEDKEEPER_OWNER_ID: 'lambda-test',
  SEEDKEEPER_LOG_LEVEL: 'debug',
});

export interface WorldOptions {
  readonly env?: Record<string, string | undefined>;
  /** GetChange calls before a change is INSYNC (Route53Model). Default 2. */
  readonly insyncAfterPolls?: number;
  /** Heartbeat timeout of the hooks, seconds. Default 300. */
  readonly heartbeatSeconds?: number;
  /** Epoch ms the clock starts at. Default: 2 s after the terminate lifecycle fixture's time. */
  readonly start?: number;
  /** The Lambda's remaining time at the start of each invocation. Default 900 s. */
  readonly lambdaBudgetMs?: number;
}

export class LambdaWorld {
  readonly route53: Route53Model;
  readonly asg = new AsgModel();
  readonly logs: Record<string, unknown>[] = [];
  /** Every sleep asked for, in ms, in order. */
  readonly sleeps: number[] = [];
  clock: number;
  readonly handler: Handler;

  private readonly options: WorldOptions;

  constructor(options: WorldOptions = {}) {
    this.options = options;
    this.route53 = new Route53Model({
      zones: [{ id: ZONE_ID, name: 'example.com' }],
      insyncAfterPolls: options.insyncAfterPolls ?? 2,
    });
    this.clock = options.start ?? Date.parse('2026-11-28T10:03:04Z');
    this.route53.install();
    this.asg.install();
    this.asg.clock = () => this.clock;
    const heartbeat = options.heartbeatSeconds ?? 300;
    this.asg.addGroup(GROUP, { [TERMINATE_HOOK]: heartbeat, [LAUNCH_HOOK]: heartbeat });
    const destination = new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
          this.logs.push(JSON.parse(line) as Record<string, unknown>);
        callback();
      },
    });
    const deps: HandlerDeps = {
      route53: testRoute53Client(),
      autoScaling: this.asg.autoScaling,
      ec2: this.asg.ec2,
      env: { ...BASE_ENV, ...options.env },
      clock: jumpingClock(
        () => this.clock,
        (ms) => {
          this.sleeps.push(ms);
          this.clock += ms;
        },
      ),
      logger: createLogger('debug', destination),
    };
    this.handler = createHandler(deps);
  }

  /** Instance `id` InService in the group at its fixture address. */
  run(...ids: string[]): void {
    for (const id of ids)
      this.asg.add({
        id,
        group: GROUP,
        privateIp: IP[id] ?? `10.0.9.${this.asg.instances.size + 1}`,
        az: 'us-east-1a',
      });
  }

  /** Invoke the handler with a Lambda context whose deadline is `lambdaBudgetMs` from now. */
  invoke(event: unknown): ReturnType<Handler> {
    const deadline = this.clock + (this.options.lambdaBudgetMs ?? 900_000);
    const context: LambdaContext = {
      getRemainingTimeInMillis: () => deadline - this.clock,
      awsRequestId: `req-${this.logs.length}`,
    };
    return this.handler(event, context);
  }

  /** The A values published at the seed name (sorted), from the Route 53 model. */
  published(): string[] {
    return this.route53
      .records(ZONE_ID)
      .filter((r) => r.Name === `${RECORD}.` && r.Type === 'A')
      .flatMap((r) => (r.ResourceRecords ?? []).map((v) => v.Value ?? ''))
      .sort();
  }

  /** ChangeResourceRecordSets requests Route 53 accepted. */
  changes(): number {
    return this.route53.callsOf('ChangeResourceRecordSets').filter((c) => c.error === undefined).length;
  }

  restore(): void {
    this.route53.restore();
    this.asg.restore();
  }
}

export const ips = (...ids: string[]): string[] => ids.map((id) => IP[id]!).sort();
