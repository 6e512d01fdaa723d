/**
 * Shared setup for tests that use AWS SDK v3 clients: silence the SDK's Node 20 support warning and build
 * clients that can never reach the network or the instance metadata service (fixed region, static
 * credentials, no SDK retries). Import this module before creating any client.
 */
import { Route53Client } from '@aws-sdk/client-route-53';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

export const TEST_REGION = 'us-east-1';
export const TEST_CREDENTIALS = Object.freeze({
  accessKeyId: 'AKIDTESTTESTTESTTEST',
  secretAccessKey: 'test-secret-not-real',
});

/** A Route 53 client as seedkeeper expects callers to create it: `maxAttempts: 1` (the provider retries). */
export function testRoute53Client(): Route53Client {
  return new Route53Client({ region: TEST_REGION, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
}
