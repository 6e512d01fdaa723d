export {
  createRfc2136Provider,
  DEFAULT_RFC2136_OPTIONS,
  type Rfc2136Logger,
  type Rfc2136ProviderOptions,
} from './provider.js';
export {
  createTsigKey,
  loadTsigKey,
  parseBindKeyFile,
  TSIG_ALGORITHMS,
  type LoadTsigKeyContext,
  type TsigAlgorithm,
  type TsigKey,
  type TsigKeySource,
} from './key.js';
export {
  DnsRcodeError,
  DnsTimeoutError,
  DnsTransportError,
  PrerequisiteError,
  Rfc2136Error,
  TsigError,
} from './errors.js';
export {
  DEFAULT_FUDGE_SEC,
  signMessage,
  verifyRequest,
  verifyResponse,
  type SignedMessage,
  type TsigVerdict,
} from './tsig.js';
export { buildQuery, buildUpdate } from './message.js';
export { foldChanges, type SetTransition } from './batch.js';
export {
  exchange,
  exchangeTcp,
  type DnsServerAddress,
  type ExchangeOptions,
  type ExchangeResult,
} from './transport.js';
