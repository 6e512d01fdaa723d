/**
 * The Lambda entry point (bundled by `npm run build:lambda` into dist/lambda/index.mjs; handler
 * `index.handler`). Clients are created once per execution environment and reused across invocations; their
 * region and credentials come from the Lambda runtime (AWS_REGION and the function's role).
 */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import { Route53Client } from '@aws-sdk/client-route-53';
import { createHandler, type Handler, type HandlerResult, type LambdaContext } from './handler.js';

export {
  createHandler,
  LifecycleCompletionError,
  ReconcileFailedError,
  type Handler,
  type HandlerDeps,
  type HandlerResult,
  type LambdaContext,
} from './handler.js';
export { CONFIG_VARIABLES, loadLambdaConfig, type LambdaConfig } from './config.js';
export { classifyEvent, DETAIL_TYPES, type ClassifiedEvent, type LifecycleAction, type Trigger } from './events.js';

let cached: Handler | undefined;

export function handler(event: unknown, context: LambdaContext): Promise<HandlerResult> {
  cached ??= createHandler({
    // The Route 53 provider has its own rate budget and backoff: SDK retries would only multiply requests.
    route53: new Route53Client({ maxAttempts: 1 }),
    autoScaling: new AutoScalingClient({}),
    ec2: new EC2Client({}),
    env: process.env,
  });
  return cached(event, context);
}
