// Compare-and-swap, concurrent writers and TSIG against a real BIND 9 primary.
import { startBind } from '../../harness/bind.js';
import { describeIfTool } from '../../harness/require-tool.js';
import { casAndTsigScenarios } from './scenarios.js';

describeIfTool(['named', 'nsupdate', 'dig', 'timeout'])(
  'rfc2136 provider against BIND 9: compare-and-swap and TSIG',
  () => {
    casAndTsigScenarios(() => startBind(), { unsignedCode: 'ERR_DNS_REFUSED', otherZoneCode: 'ERR_DNS_NOTAUTH' });
  },
);
