/**
 * The RFC 2136 provider: reads sets from the zone's primary over TCP (signed when a key is set) and writes
 * each batch as ONE UPDATE whose prerequisites are exactly the sets the plan read (compare-and-swap), so
 * concurrent writers never overwrite each other: a stale writer gets ConflictError, re-reads and retries.
 * Secure by default: without a TSIG key it refuses to start unless `allowUnsigned` says otherwise.
 */
import { canonicalName, canonicalSet } from '../../records/canonical.js';
import { ConfigError } from '../../errors.js';
import { CLASS, RCODE } from '../dns-wire/constants.js';
import { decodeRdata, encodeRdata, RECORD_TYPE_CODE } from '../dns-wire/rdata.js';
import { encodeName } from '../dns-wire/name.js';
import { DEFAULT_PROVIDER_LIMITS } from '../../records/limits.js';
import { ProviderError, type ApplyResult, type DnsProvider } from '../types.js';
import type { RecordChange, RecordSet, RecordType } from '../../records/types.js';
import { checkRecordName } from '../validate.js';
import { describeExpectation, foldChanges } from './batch.js';
import {
  checkResponse,
  DnsRcodeError,
  DnsTransportError,
  PROVIDER,
  UnverifiedAnswerError,
  type ResponseContext,
} from './errors.js';
import type { TsigKey } from './key.js';
import { buildQuery, buildUpdate, type RdataOf } from './message.js';
import {
  exchange,
  exchangeTcp,
  type DnsServerAddress,
  type ExchangeOptions,
  type ExchangeResult,
} from './transport.js';
import {
  DEFAULT_FUDGE_SEC,
  isAuthentic,
  signMessage,
  verifyResponse,
  type SignedMessage,
  type TsigVerdict,
} from './tsig.js';
import type { DecodedMessage } from '../dns-wire/reader.js';
import { formatHostPort } from '../../net/endpoint.js';

type LogFn = (obj: Record<string, unknown>, msg: string) => void;
/** The subset of a pino logger the provider uses. */
export interface Rfc2136Logger {
  readonly warn: LogFn;
  readonly info: LogFn;
  readonly debug: LogFn;
}

export interface Rfc2136ProviderOptions {
  /** The zone's primary (where updates go). */
  readonly server: { readonly host: string; readonly port: number };
  readonly zone: string;
  /** TSIG key (key.ts: loadTsigKey). Required unless allowUnsigned. */
  readonly key?: TsigKey;
  /** Send unsigned updates and queries. Default false: anyone who can reach the server could change the zone. */
  readonly allowUnsigned?: boolean;
  /** Deadline of one attempt (UDP send or TCP connection), ms. Default 2000. */
  readonly timeoutMs?: number;
  readonly logger?: Rfc2136Logger;
  /** UDP sends of one update before giving up. Default 3. */
  readonly udpAttempts?: number;
  /** TSIG fudge (allowed clock skew), seconds. Default 300. */
  readonly fudgeSec?: number;
  /** Clock for TSIG times, ms since the epoch (tests). Default Date.now. */
  readonly now?: () => number;
  /**
   * Most records one set may hold. Default 100: BIND 9.18.28+ refuses larger sets (`max-records-per-type`),
   * so the plan publishes a stable subset instead of writing an update the server would refuse.
   */
  readonly maxRecordsPerSet?: number;
}

export const DEFAULT_RFC2136_OPTIONS = Object.freeze({
  timeoutMs: 2000,
  udpAttempts: 3,
  tcpAttempts: 2,
  fudgeSec: DEFAULT_FUDGE_SEC,
  maxRecordsPerSet: 100,
});

const TYPES: readonly RecordType[] = ['A', 'AAAA', 'TXT'];
/** Queries pipelined on one TCP connection. */
const QUERIES_PER_CONNECTION = 48;
/** TXT rdata remembered from reads (to send back byte-exact prerequisites). */
const MAX_REMEMBERED_TXT = 4096;
const SILENT: Rfc2136Logger = { warn: () => undefined, info: () => undefined, debug: () => undefined };

function checkOptions(options: Rfc2136ProviderOptions): {
  server: DnsServerAddress;
  zone: string;
  timeoutMs: number;
  maxRecordsPerSet: number;
} {
  const host = options.server?.host;
  const port = options.server?.port;
  if (typeof host !== 'string' || host.trim() === '')
    throw new ConfigError('server.host', 'the primary server host is required');
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new ConfigError('server.port', `${String(port)} is not a port number (1-65535)`);
  const zone = canonicalName(String(options.zone ?? ''));
  const badZone = (cause?: unknown): ConfigError =>
    new ConfigError('zone', `${JSON.stringify(options.zone)} is not a DNS zone name`, { cause });
  if (zone === '') throw badZone();
  try {
    encodeName(zone);
  } catch (error) {
    throw badZone(error);
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_RFC2136_OPTIONS.timeoutMs;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 60_000)
    throw new ConfigError('timeoutMs', `${timeoutMs} is not an integer in 1..60000`);
  if (options.key !== undefined && (!Buffer.isBuffer(options.key.secret) || typeof options.key.name !== 'string')) {
    throw new ConfigError('key', 'not a TSIG key object (load it with loadTsigKey)');
  }
  if (options.key === undefined && options.allowUnsigned !== true) {
    throw new ConfigError(
      'key',
      `no TSIG key for zone ${zone}: unsigned updates would let anyone who can reach ${host} change the zone. Configure a key (tsig-keygen) allowed by the zone's update-policy, or set allowUnsigned: true to accept that risk`,
    );
  }
  const maxRecordsPerSet = options.maxRecordsPerSet ?? DEFAULT_RFC2136_OPTIONS.maxRecordsPerSet;
  if (
    !Number.isInteger(maxRecordsPerSet) ||
    maxRecordsPerSet < 1 ||
    maxRecordsPerSet > DEFAULT_PROVIDER_LIMITS.maxValuesPerSet
  ) {
    throw new ConfigError(
      'maxRecordsPerSet',
      `${maxRecordsPerSet} is not an integer in 1..${DEFAULT_PROVIDER_LIMITS.maxValuesPerSet}`,
    );
  }
  return { server: { host: host.trim(), port }, zone, timeoutMs, maxRecordsPerSet };
}

export function createRfc2136Provider(options: Rfc2136ProviderOptions): DnsProvider {
  const { server, zone, timeoutMs, maxRecordsPerSet } = checkOptions(options);
  const key = options.key;
  const log = options.logger ?? SILENT;
  const now = options.now ?? Date.now;
  const fudge = options.fudgeSec ?? DEFAULT_RFC2136_OPTIONS.fudgeSec;
  const serverText = formatHostPort(server);
  const transport: ExchangeOptions = {
    timeoutMs,
    udpAttempts: options.udpAttempts ?? DEFAULT_RFC2136_OPTIONS.udpAttempts,
    tcpAttempts: DEFAULT_RFC2136_OPTIONS.tcpAttempts,
  };
  const keyInfo = key === undefined ? undefined : { name: key.name, algorithm: key.algorithm };
  const rememberedTxt = new Map<string, Buffer>();
  let closed = false;
  /** An answer signed with our key verified since start: from then on an unsigned BADSIG/BADKEY is not proof of a wrong key. */
  let keyProven = false;
  if (key === undefined)
    log.warn(
      { zone, server: serverText },
      'rfc2136: no TSIG key, updates and queries are sent unsigned (allowUnsigned)',
    );

  const sign = (message: Buffer): { wire: Buffer; signed?: SignedMessage } => {
    if (key === undefined) return { wire: message };
    const signed = signMessage(message, key, { nowMs: now(), fudge });
    return { wire: signed.message, signed };
  };
  /** The TSIG verdict of an answer; an authentic one (verified, or a verified TSIG error) proves the key. */
  const verdictOf = (raw: Buffer, decoded: DecodedMessage, signed: SignedMessage): TsigVerdict => {
    const verdict = verifyResponse(raw, decoded, signed, { nowMs: now() });
    if (isAuthentic(verdict)) keyProven = true;
    return verdict;
  };
  const check = (answer: ExchangeResult, signed: SignedMessage | undefined, ctx: ResponseContext): void => {
    const verdict = signed === undefined ? undefined : verdictOf(answer.raw, answer.decoded, signed);
    checkResponse(answer.decoded, verdict, { ...ctx, keyProven });
  };
  /** Over UDP, waits for an authentic answer; with none by the deadline, explains the last one (outcome unknown). */
  async function exchangeAuthentic(
    wire: Buffer,
    signed: SignedMessage | undefined,
    ctx: ResponseContext,
  ): Promise<ExchangeResult> {
    const authenticate =
      signed === undefined
        ? undefined
        : (raw: Buffer, decoded: DecodedMessage): boolean => isAuthentic(verdictOf(raw, decoded, signed));
    try {
      const answer = await exchange(
        server,
        wire,
        authenticate === undefined ? transport : { ...transport, authenticate },
      );
      if ((answer.unverified ?? 0) > 0)
        log.warn(
          { zone, server: serverText, ignored: answer.unverified },
          'rfc2136: ignored answer(s) that did not verify (forged or damaged) before the authentic one',
        );
      return answer;
    } catch (error) {
      if (!(error instanceof UnverifiedAnswerError) || signed === undefined) throw error;
      const { raw, decoded } = error.answer;
      const note = `; ${error.message.replace(/^rfc2136: /, '')}, so the outcome is unknown and the records are re-read`;
      try {
        checkResponse(decoded, verifyResponse(raw, decoded, signed, { nowMs: now() }), { ...ctx, keyProven, note });
      } catch (explained) {
        log.warn(
          { zone, server: serverText, code: (explained as ProviderError).code, unverified: error.unverified },
          'rfc2136: no authentic answer; outcome unknown',
        );
        throw explained;
      }
      throw error;
    }
  }
  const ensureOpen = (): void => {
    if (closed) throw new ProviderError(PROVIDER, 'ERR_PROVIDER_CLOSED', 'the provider is closed');
  };
  const rdataOf: RdataOf = (set, value) =>
    (set.type === 'TXT' ? rememberedTxt.get(`${set.name} ${value}`) : undefined) ?? encodeRdata(set.type, value);

  function setFrom(answer: ExchangeResult, name: string, type: RecordType): RecordSet | undefined {
    const { decoded } = answer;
    if (!decoded.aa) {
      throw new DnsRcodeError(
        'ERR_DNS_NOTAUTH',
        `${serverText} answered for ${name} ${type} without authority (AA clear): it is not the primary of zone ${zone}`,
        { rcode: decoded.rcode, labels: ['usage'] },
      );
    }
    if (decoded.rcode === RCODE.NXDOMAIN) return undefined;
    const code = RECORD_TYPE_CODE[type];
    const records = decoded.answers.filter((r) => r.name === name && r.type === code && r.klass === CLASS.IN);
    if (records.length === 0) return undefined;
    let values: string[];
    try {
      values = records.map((r) => decodeRdata(type, r.rdata));
    } catch (error) {
      throw new DnsTransportError(
        'ERR_DNS_BAD_RESPONSE',
        `${serverText} sent a malformed ${type} record for ${name}: ${(error as Error).message}`,
        { cause: error, labels: ['badPeer'] },
      );
    }
    if (type === 'TXT') {
      if (rememberedTxt.size + records.length > MAX_REMEMBERED_TXT) rememberedTxt.clear();
      records.forEach((r, i) => rememberedTxt.set(`${name} ${values[i]!}`, Buffer.from(r.rdata)));
    }
    return canonicalSet({ name, type, ttl: Math.min(...records.map((r) => r.ttl)), values });
  }

  async function read(names: readonly string[]): Promise<readonly RecordSet[]> {
    ensureOpen();
    const wanted = [...new Set(names.map((n) => checkRecordName(PROVIDER, n, zone)))];
    const queries = wanted.flatMap((name) =>
      TYPES.map((type) => ({ name, type, ...sign(buildQuery(name, type).message) })),
    );
    const out: RecordSet[] = [];
    for (let i = 0; i < queries.length; i += QUERIES_PER_CONNECTION) {
      const chunk = queries.slice(i, i + QUERIES_PER_CONNECTION);
      const answers = await exchangeTcp(
        server,
        chunk.map((q) => q.wire),
        transport,
      );
      chunk.forEach((q, j) => {
        const answer = answers[j]!;
        check(answer, q.signed, {
          what: 'query',
          server: serverText,
          zone,
          ...(keyInfo ? { key: keyInfo } : {}),
          subject: `${q.name} ${q.type}`,
        });
        const set = setFrom(answer, q.name, q.type);
        if (set !== undefined) out.push(set);
      });
    }
    log.debug({ zone, names: wanted, sets: out.length }, 'rfc2136: read');
    return out;
  }

  async function apply(changes: readonly RecordChange[]): Promise<ApplyResult> {
    ensureOpen();
    const transitions = foldChanges(PROVIDER, zone, changes);
    if (transitions.length === 0) return { applied: 0 };
    let update;
    try {
      update = buildUpdate(zone, transitions, rdataOf);
    } catch (error) {
      throw new ProviderError(
        PROVIDER,
        'ERR_INVALID_RECORD',
        `the batch does not fit one DNS message: ${(error as Error).message}`,
        { cause: error, labels: ['usage'] },
      );
    }
    const { wire, signed } = sign(update.message);
    const subject = transitions.map(describeExpectation).join('; ');
    const ctx: ResponseContext = {
      what: 'update',
      server: serverText,
      zone,
      ...(keyInfo ? { key: keyInfo } : {}),
      subject,
    };
    const answer = await exchangeAuthentic(wire, signed, ctx);
    try {
      check(answer, signed, ctx);
    } catch (error) {
      log.debug(
        { zone, server: serverText, rcode: answer.decoded.rcode, error: (error as Error).message },
        'rfc2136: update not applied',
      );
      throw error;
    }
    log.info(
      {
        zone,
        server: serverText,
        changes: changes.length,
        prerequisites: update.prerequisites,
        updates: update.updates,
        via: answer.via,
      },
      'rfc2136: update applied',
    );
    return { applied: changes.length };
  }

  return {
    kind: PROVIDER,
    limits: Object.freeze({ ...DEFAULT_PROVIDER_LIMITS, maxValuesPerSet: maxRecordsPerSet }),
    zone,
    read,
    apply,
    close(): Promise<void> {
      closed = true;
      return Promise.resolve();
    },
  };
}
