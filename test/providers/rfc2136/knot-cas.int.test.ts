// The same compare-and-swap, concurrent-writer and TSIG scenarios against Knot DNS (docs/testing.md, "Knot DNS").
// Knot answers an unsigned update NOTAUTH where BIND answers REFUSED, and answers an update for a zone it
// does not serve without a TSIG signature (BIND signs its NOTAUTH).
import { startKnot } from '../../harness/knot.js';
import { describeIfTool } from '../../harness/require-tool.js';
import { casAndTsigScenarios } from './scenarios.js';

describeIfTool(['knotd', 'knotc', 'nsupdate', 'dig', 'timeout'])(
  'rfc2136 provider against Knot: compare-and-swap and TSIG',
  () => {
    casAndTsigScenarios(() => startKnot(), { unsignedCode: 'ERR_DNS_NOTAUTH', otherZoneCode: 'ERR_TSIG_RESPONSE' });
  },
);
