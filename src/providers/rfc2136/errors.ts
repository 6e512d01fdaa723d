/**
 * Typed errors of the RFC 2136 provider, each with a stable code and labels ('usage': configuration or
 * authorisation is wrong, the registrar stops; 'retryable': transient), and the one place where a server's
 * answer (rcode, TSIG error, signature verdict) becomes success, ConflictError or one of these errors.
 * Only an authentic answer (TSIG verified) may conclude anything; an unverifiable one is never 'usage',
 * except an unsigned BADSIG/BADKEY before this key has ever been verified by the server: then the key is
 * most likely wrong (configuration). Messages name the server, zone, key and records; never the secret.
 */
import type { ErrorLabel } from '../../errors.js';
import { RCODE, TSIG_ERROR, rcodeName, tsigErrorName } from '../dns-wire/constants.js';
import type { DecodedMessage } from '../dns-wire/reader.js';
import { ConflictError, ProviderError } from '../types.js';
import type { TsigRecord, TsigVerdict } from './tsig.js';

export const PROVIDER = 'rfc2136';

export interface Rfc2136ErrorOptions {
  readonly rcode?: number;
  readonly tsigError?: number;
  readonly cause?: unknown;
  readonly labels?: readonly ErrorLabel[];
}

export class Rfc2136Error extends ProviderError {
  /** The response's rcode, when the server answered. */
  readonly rcode: number | undefined;
  /** The TSIG error field, when the server reported one. */
  readonly tsigError: number | undefined;
  constructor(code: string, message: string, options: Rfc2136ErrorOptions = {}) {
    super(PROVIDER, code, message, {
      labels: options.labels ?? [],
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
    this.rcode = options.rcode;
    this.tsigError = options.tsigError;
  }
}

/** The server answered with an error rcode (ERR_DNS_REFUSED, ERR_DNS_NOTAUTH, ERR_DNS_SERVFAIL, …). */
export class DnsRcodeError extends Rfc2136Error {}

/** TSIG failed: the server rejected our signature (BADSIG, BADKEY, BADTIME, BADTRUNC) or we rejected its. */
export class TsigError extends Rfc2136Error {}

/** No valid answer within the time allowed (ERR_DNS_TIMEOUT, retryable). */
export class DnsTimeoutError extends Rfc2136Error {}

/**
 * Over UDP, answers matched the request but none authenticated (TSIG) before the deadline
 * (ERR_DNS_UNVERIFIED, retryable). Whether an update was applied is unknown: re-read. `answer` is the last
 * unauthenticated one, for the provider to explain.
 */
export class UnverifiedAnswerError extends DnsTimeoutError {
  readonly answer: { readonly raw: Buffer; readonly decoded: DecodedMessage };
  readonly unverified: number;
  constructor(message: string, answer: { raw: Buffer; decoded: DecodedMessage }, unverified: number) {
    super('ERR_DNS_UNVERIFIED', message, { labels: ['retryable'] });
    this.answer = answer;
    this.unverified = unverified;
  }
}

/** Could not talk to the server, or it sent something unusable (ERR_DNS_UNREACHABLE, ERR_DNS_BAD_RESPONSE). */
export class DnsTransportError extends Rfc2136Error {}

/** A prerequisite failed: the records changed since they were read. `rcode` says which check failed. */
export class PrerequisiteError extends ConflictError {
  readonly rcode: number;
  constructor(message: string, rcode: number) {
    super(PROVIDER, message);
    this.rcode = rcode;
  }
}

export interface ResponseContext {
  readonly what: 'update' | 'query';
  /** `host:port` of the server. */
  readonly server: string;
  readonly zone: string;
  /** The key we signed with, if any. */
  readonly key?: { readonly name: string; readonly algorithm: string };
  /** The records concerned, for messages (`api.seed.test A (expected {…})`). */
  readonly subject: string;
  /** An answer signed with our key has verified since the provider started: the key is known to work. */
  readonly keyProven?: boolean;
  /** Appended to a TSIG failure's message (e.g. why no authentic answer came). */
  readonly note?: string;
}

const PREREQUISITE_RCODES: ReadonlySet<number> = new Set([
  RCODE.NXRRSET,
  RCODE.YXRRSET,
  RCODE.NXDOMAIN,
  RCODE.YXDOMAIN,
]);

const PREREQUISITE_MEANING: Readonly<Record<number, string>> = {
  [RCODE.NXRRSET]: 'a set that should exist with exactly the values read does not',
  [RCODE.YXRRSET]: 'a set that should not exist does',
  [RCODE.NXDOMAIN]: 'a name that should exist does not',
  [RCODE.YXDOMAIN]: 'a name that should not exist does',
};

function badSigOrKey(
  err: number,
  at: string,
  key: { name: string; algorithm: string },
  name: string,
): { code: string; text: string } {
  return err === TSIG_ERROR.BADSIG
    ? {
        code: 'ERR_TSIG_BADSIG',
        text: `${at} rejected the signature of key ${key.name} (${name}): the key secret does not match the server's`,
      }
    : {
        code: 'ERR_TSIG_BADKEY',
        text: `${at} does not know TSIG key ${key.name} with algorithm ${key.algorithm} (${name}): the key name or algorithm does not match a key configured on the server`,
      };
}

/** The server's own (signed, verified) TSIG error. */
function authenticTsigError(
  rcode: number,
  tsig: TsigRecord,
  at: string,
  key: { name: string; algorithm: string },
): TsigError {
  const err = tsig.error;
  const name = `${rcodeName(rcode)}/${tsigErrorName(err)}`;
  const opts = { rcode, tsigError: err, labels: ['usage'] as ErrorLabel[] };
  switch (err) {
    case TSIG_ERROR.BADSIG:
    case TSIG_ERROR.BADKEY: {
      const { code, text } = badSigOrKey(err, at, key, name);
      return new TsigError(code, text, opts);
    }
    case TSIG_ERROR.BADTIME: {
      const other = tsig.otherData;
      const serverTime = other.length === 6 ? other.readUIntBE(0, 6) : undefined;
      const skew =
        serverTime === undefined
          ? ''
          : ` (server time ${new Date(serverTime * 1000).toISOString()}, ours ${new Date(tsig.timeSigned * 1000).toISOString()})`;
      return new TsigError(
        'ERR_TSIG_BADTIME',
        `${at} rejected the signature time of key ${key.name} (${name}): our clock and the server's differ by more than ${tsig.fudge} s${skew}; fix the clock (NTP)`,
        opts,
      );
    }
    case TSIG_ERROR.BADTRUNC:
      return new TsigError('ERR_TSIG_BADTRUNC', `${at} rejected the MAC length of key ${key.name} (${name})`, opts);
    default:
      return new TsigError('ERR_TSIG_ERROR', `${at} reported TSIG error ${name} for key ${key.name}`, opts);
  }
}

function tsigFailure(
  decoded: DecodedMessage,
  verdict: Exclude<TsigVerdict, { ok: true }>,
  ctx: ResponseContext,
): TsigError {
  const key = ctx.key!;
  const rcode = decoded.rcode;
  const at = `${ctx.server} (zone ${ctx.zone})`;
  const note = ctx.note ?? '';
  if (verdict.reason === 'error' && verdict.tsig !== undefined) return authenticTsigError(rcode, verdict.tsig, at, key);
  if (verdict.reason === 'unsigned-error' && verdict.tsig !== undefined) {
    const err = verdict.tsig.error;
    const { code, text } = badSigOrKey(err, at, key, `${rcodeName(rcode)}/${tsigErrorName(err)}`);
    // Unsigned, so it proves nothing; but if this key never worked with this server, it is most likely wrong.
    const why = ctx.keyProven
      ? "; the answer is unsigned and cannot be verified (forged, or the server's key changed), and this key has worked before: retrying"
      : '; the answer is unsigned and cannot be verified, and no answer signed with this key has verified yet: check the key';
    return new TsigError(code, `${text}${why}${note}`, {
      rcode,
      tsigError: err,
      labels: [ctx.keyProven ? 'retryable' : 'usage'],
    });
  }
  const extra =
    verdict.reason !== 'missing'
      ? ''
      : rcode === RCODE.NOERROR
        ? ` (it answered NOERROR; check that the server has key ${key.name} with this secret and algorithm ${key.algorithm})`
        : ` (it answered ${rcodeName(rcode)}; servers answer unsigned when they do not serve zone ${ctx.zone} or do not know key ${key.name} with algorithm ${key.algorithm}: check the zone, the server address and the key)`;
  return new TsigError(
    'ERR_TSIG_RESPONSE',
    `the ${ctx.what} response from ${at} cannot be trusted: ${verdict.detail}${extra}${note}`,
    { rcode, labels: ['retryable', 'badPeer'] },
  );
}

function rcodeFailure(rcode: number, ctx: ResponseContext): Rfc2136Error {
  const at = `${ctx.server}`;
  const name = rcodeName(rcode);
  const usage = { rcode, labels: ['usage'] as ErrorLabel[] };
  const update = ctx.what === 'update';
  switch (rcode) {
    case RCODE.REFUSED:
      if (!update)
        return new DnsRcodeError(
          'ERR_DNS_REFUSED',
          `${at} refused the query for ${ctx.subject} (REFUSED): check its allow-query for this client`,
          usage,
        );
      return new DnsRcodeError(
        'ERR_DNS_REFUSED',
        ctx.key === undefined
          ? `${at} refused the update of zone ${ctx.zone} (REFUSED): the update was not signed; configure a TSIG key allowed by the zone's allow-update / update-policy`
          : `${at} refused the update of zone ${ctx.zone} (REFUSED): check allow-update / update-policy for key ${ctx.key.name} (it must allow ${ctx.subject})`,
        usage,
      );
    case RCODE.NOTAUTH:
      return new DnsRcodeError(
        'ERR_DNS_NOTAUTH',
        `${at} is not authoritative for zone ${ctx.zone} (NOTAUTH)` +
          (update && ctx.key === undefined
            ? ', or it requires a TSIG key for updates (Knot answers NOTAUTH to unsigned updates)'
            : ": point the provider at the zone's primary"),
        usage,
      );
    case RCODE.NOTZONE:
      return new DnsRcodeError(
        'ERR_DNS_NOTZONE',
        `${at}: a record of the update is not inside zone ${ctx.zone} as the server sees it (NOTZONE): ${ctx.subject}`,
        usage,
      );
    case RCODE.SERVFAIL:
      return new DnsRcodeError(
        'ERR_DNS_SERVFAIL',
        `${at} failed to process the ${ctx.what} for ${ctx.subject} (SERVFAIL): see its log (zone not loaded, journal not writable, …)`,
        { rcode, labels: ['retryable'] },
      );
    case RCODE.FORMERR:
      return new DnsRcodeError(
        'ERR_DNS_FORMERR',
        `${at} could not parse our ${ctx.what} for ${ctx.subject} (FORMERR)`,
        { rcode },
      );
    case RCODE.NOTIMP:
      return new DnsRcodeError(
        'ERR_DNS_NOTIMP',
        `${at} does not implement ${update ? `dynamic updates (RFC 2136) for zone ${ctx.zone}` : 'this query'} (NOTIMP)`,
        usage,
      );
    default:
      return new DnsRcodeError('ERR_DNS_RCODE', `${at} answered the ${ctx.what} for ${ctx.subject} with ${name}`, {
        rcode,
      });
  }
}

/**
 * Throws what `decoded` (with its TSIG verdict when we signed) means: a TsigError, a PrerequisiteError
 * (updates), or a DnsRcodeError. Returns for NOERROR, and for NXDOMAIN to a query.
 */
export function checkResponse(decoded: DecodedMessage, verdict: TsigVerdict | undefined, ctx: ResponseContext): void {
  if (verdict !== undefined && !verdict.ok) throw tsigFailure(decoded, verdict, ctx);
  const rcode = decoded.rcode;
  if (rcode === RCODE.NOERROR) return;
  if (ctx.what === 'query' && rcode === RCODE.NXDOMAIN) return;
  if (ctx.what === 'update' && PREREQUISITE_RCODES.has(rcode)) {
    throw new PrerequisiteError(
      `${ctx.subject} changed since it was read: ${PREREQUISITE_MEANING[rcode]} (${rcodeName(rcode)}); re-read and retry`,
      rcode,
    );
  }
  throw rcodeFailure(rcode, ctx);
}
