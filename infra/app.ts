/**
 * Example CDK app: `npx cdk synth` (cdk.json runs this file with tsx). Offline: no lookups, no credentials.
 * The stack is environment-agnostic unless both `account` and `region` are given as context.
 */
import { App } from 'aws-cdk-lib';
import { describeError } from '../src/errors.js';
import { EXAMPLE_CONTEXT, SeedkeeperExampleStack } from './example-stack.js';

const app = new App();
const read = (key: string): unknown => app.node.tryGetContext(key);
const account = read('account');
const region = read('region');
const stackName = typeof read('stackName') === 'string' ? String(read('stackName')) : EXAMPLE_CONTEXT.stackName;

try {
  new SeedkeeperExampleStack(app, stackName, {
    stackName,
    description: 'seedkeeper: a Route 53 seed record kept equal to the InService instances of Auto Scaling groups',
    env: typeof account === 'string' && typeof region === 'string' ? { account, region } : undefined,
    context: read,
  });
} catch (error) {
  // One line naming the setting, not a stack trace: the usual causes are a missing bundle or a bad context value.
  console.error(`seedkeeper infra: ${describeError(error)}`);
  process.exit(1);
}
