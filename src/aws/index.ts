/**
 * `seedkeeper/aws`: the parts built on the AWS SDK (the Route 53 provider and the Auto Scaling group source).
 * A subpath of their own so that `import 'seedkeeper'` never loads the SDK (about a second of start-up).
 */
export { createRoute53Provider } from '../providers/route53/index.js';
export { createAsgSource } from '../sources/aws-asg.js';
