/**
 * TSIG (RFC 8945) with HMAC-SHA256 / HMAC-SHA512: signing a request, and checking a response's signature
 * against the request's MAC. Verification never throws on what the peer sent: it returns a verdict that
 * errors.ts turns into a typed error. Truncated MACs (§5.2.2.1) are not accepted in responses.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { WireFormatError } from '../../errors.js';
import { decodeRdataWith, encodeRdataWith } from '../dns-wire/codec.js';
import { TSIG, type TsigRdata } from '../dns-wire/codecs.js';
import { CLASS, HEADER_BYTES, RCODE, TSIG_ERROR, TYPE, rcodeName, tsigErrorName } from '../dns-wire/constants.js';
import { encodeName } from '../dns-wire/name.js';
import type { DecodedMessage, WireRecord } from '../dns-wire/reader.js';
import { encodeRecord } from '../dns-wire/writer.js';
import type { TsigAlgorithm, TsigKey } from './key.js';

/** Seconds of clock difference allowed between us and the server (RFC 8945 recommends 300). */
export const DEFAULT_FUDGE_SEC = 300;

const DIGEST: Readonly<Record<TsigAlgorithm, { hash: string; bytes: number }>> = Object.freeze({
  'hmac-sha256': { hash: 'sha256', bytes: 32 },
  'hmac-sha512': { hash: 'sha512', bytes: 64 },
});

export interface SignedMessage {
  /** The message with the TSIG record appended. */
  readonly message: Buffer;
  readonly mac: Buffer;
  readonly id: number;
  /** Seconds since the epoch. */
  readonly timeSigned: number;
  readonly key: TsigKey;
}

export interface SignOptions {
  /** Clock in milliseconds. Default Date.now(). */
  readonly nowMs?: number;
  readonly fudge?: number;
  /** Signing a response: the request's MAC, which the response MAC covers first. */
  readonly requestMac?: Buffer;
  /** TSIG error field (a server signing an error response). Default 0. */
  readonly error?: number;
  readonly otherData?: Buffer;
}

export interface TsigRecord extends TsigRdata {
  readonly keyName: string;
  /** The TSIG record as received (offset, class, ttl). */
  readonly record: WireRecord;
}

/**
 * Why a message failed. Only 'error' is authentic: a TSIG error whose MAC verified with our key. 'unsigned-error'
 * is the one unsigned error RFC 8945 §5.3.2 lets a server send (NOTAUTH with BADSIG or BADKEY, empty MAC): it
 * may be true, but anyone who saw the request could have forged it. Every other reason is unverifiable.
 */
export type TsigFailure =
  'missing' | 'malformed' | 'key' | 'algorithm' | 'error' | 'unsigned-error' | 'truncated' | 'mac' | 'id' | 'time';

export type TsigVerdict =
  | { readonly ok: true; readonly tsig: TsigRecord }
  | { readonly ok: false; readonly reason: TsigFailure; readonly detail: string; readonly tsig?: TsigRecord };

/** The answer really comes from a holder of the key: it verified, or it is a TSIG error whose MAC verified. */
export function isAuthentic(verdict: TsigVerdict): boolean {
  return verdict.ok || verdict.reason === 'error';
}

function uint48(seconds: number): Buffer {
  const out = Buffer.alloc(6);
  out.writeUIntBE(Math.max(0, Math.floor(seconds)), 0, 6);
  return out;
}

function u16(value: number): Buffer {
  const out = Buffer.alloc(2);
  out.writeUInt16BE(value, 0);
  return out;
}

function u32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value, 0);
  return out;
}

/** The "TSIG variables" the MAC covers after the message (RFC 8945 §4.3.3). */
function variables(
  keyName: string,
  klass: number,
  ttl: number,
  algorithm: string,
  time: number,
  fudge: number,
  error: number,
  other: Buffer,
): Buffer {
  return Buffer.concat([
    encodeName(keyName),
    u16(klass),
    u32(ttl),
    encodeName(algorithm),
    uint48(time),
    u16(fudge),
    u16(error),
    u16(other.length),
    other,
  ]);
}

function hmac(key: TsigKey, parts: readonly Buffer[]): Buffer {
  if (!Buffer.isBuffer(key.secret))
    throw new TypeError(
      `TSIG key ${key.name} has no secret (copying a key object with spread drops it; pass the key itself)`,
    );
  const h = createHmac(DIGEST[key.algorithm].hash, key.secret);
  for (const part of parts) h.update(part);
  return h.digest();
}

function withArcount(message: Buffer, arcount: number, id?: number): Buffer {
  const copy = Buffer.from(message);
  copy.writeUInt16BE(arcount, 10);
  if (id !== undefined) copy.writeUInt16BE(id, 0);
  return copy;
}

/** Appends a TSIG record to `unsigned` (a complete message without TSIG). */
export function signMessage(unsigned: Buffer, key: TsigKey, options: SignOptions = {}): SignedMessage {
  const usage = { labels: ['usage' as const] };
  if (unsigned.length < HEADER_BYTES)
    throw new WireFormatError(
      `cannot sign a message of ${unsigned.length} bytes, shorter than a header`,
      { offset: 0, section: 'header' },
      usage,
    );
  const id = unsigned.readUInt16BE(0);
  const arcount = unsigned.readUInt16BE(10);
  if (arcount === 0xffff)
    throw new WireFormatError(
      'no room for a TSIG record in the additional section (65535 records)',
      { offset: 10, section: 'header' },
      usage,
    );
  const timeSigned = Math.floor((options.nowMs ?? Date.now()) / 1000);
  const fudge = options.fudge ?? DEFAULT_FUDGE_SEC;
  const error = options.error ?? 0;
  const other = options.otherData ?? Buffer.alloc(0);
  const algorithm = key.algorithm;
  const prefix = options.requestMac === undefined ? [] : [u16(options.requestMac.length), options.requestMac];
  const mac = hmac(key, [
    ...prefix,
    unsigned,
    variables(key.name, CLASS.ANY, 0, algorithm, timeSigned, fudge, error, other),
  ]);
  const rdata = encodeRdataWith(TSIG, { algorithm, timeSigned, fudge, mac, originalId: id, error, otherData: other });
  const record = encodeRecord({ name: key.name, type: TYPE.TSIG, klass: CLASS.ANY, ttl: 0, rdata });
  return { message: Buffer.concat([withArcount(unsigned, arcount + 1), record]), mac, id, timeSigned, key };
}

/** Parses a TSIG record's rdata; undefined when it is malformed. */
export function parseTsig(record: WireRecord): TsigRecord | undefined {
  try {
    return { keyName: record.name, ...decodeRdataWith(TSIG, record.rdata), record };
  } catch (error) {
    if (error instanceof WireFormatError) return undefined;
    throw error;
  }
}

/** The TSIG record of a message, if it has one where RFC 8945 allows it (last in the additional section). */
export function findTsig(decoded: DecodedMessage): { tsig?: TsigRecord; problem?: string } {
  const all = [...decoded.answers, ...decoded.authorities, ...decoded.additionals];
  const tsigs = all.filter((r) => r.type === TYPE.TSIG);
  if (tsigs.length === 0) return {};
  const last = decoded.additionals.at(-1);
  if (tsigs.length > 1 || last?.type !== TYPE.TSIG)
    return { problem: 'a TSIG record that is not the last record of the additional section' };
  const tsig = parseTsig(last);
  return tsig === undefined ? { problem: 'a malformed TSIG record' } : { tsig };
}

/** The MAC `tsig` should carry: over [request MAC,] the message without its TSIG (original ID), and the variables. */
function expectedMac(
  raw: Buffer,
  decoded: DecodedMessage,
  tsig: TsigRecord,
  key: TsigKey,
  requestMac?: Buffer,
): Buffer {
  const body = withArcount(raw.subarray(0, tsig.record.offset), decoded.additionals.length - 1, tsig.originalId);
  const r = tsig.record;
  const prefix = requestMac === undefined ? [] : [u16(requestMac.length), requestMac];
  return hmac(key, [
    ...prefix,
    body,
    variables(r.name, r.klass, r.ttl, tsig.algorithm, tsig.timeSigned, tsig.fudge, tsig.error, tsig.otherData),
  ]);
}

function verify(
  raw: Buffer,
  decoded: DecodedMessage,
  key: TsigKey,
  nowMs: number,
  request?: SignedMessage,
): TsigVerdict {
  const what = request === undefined ? 'request' : 'response';
  const found = findTsig(decoded);
  if (found.problem !== undefined)
    return { ok: false, reason: 'malformed', detail: `the ${what} has ${found.problem}` };
  const tsig = found.tsig;
  if (tsig === undefined) return { ok: false, reason: 'missing', detail: `the ${what} is not signed` };
  const fail = (reason: TsigFailure, detail: string): TsigVerdict => ({ ok: false, reason, detail, tsig });
  if (tsig.keyName !== key.name)
    return fail(
      'key',
      `the ${what} is signed with key ${JSON.stringify(tsig.keyName)}, not ${JSON.stringify(key.name)}`,
    );
  if (tsig.algorithm !== key.algorithm)
    return fail('algorithm', `the ${what} is signed with ${tsig.algorithm}, not ${key.algorithm}`);
  // Read the error field only once the MAC is checked: before that it is just what the sender claims.
  if (tsig.mac.length === 0 && tsig.error !== TSIG_ERROR.NOERROR) {
    const claim = `${rcodeName(decoded.rcode)}/${tsigErrorName(tsig.error)}`;
    const allowed =
      decoded.rcode === RCODE.NOTAUTH && (tsig.error === TSIG_ERROR.BADSIG || tsig.error === TSIG_ERROR.BADKEY);
    if (allowed) return fail('unsigned-error', `the ${what} is an unsigned ${claim}, which cannot be verified`);
    return fail(
      'mac',
      `the ${what} claims TSIG error ${claim} without a MAC (RFC 8945 allows that only for NOTAUTH with BADSIG or BADKEY)`,
    );
  }
  const full = DIGEST[key.algorithm].bytes;
  if (tsig.mac.length !== full)
    return fail(
      'truncated',
      `the ${what} MAC is ${tsig.mac.length} bytes, expected ${full} (truncated MACs are not accepted)`,
    );
  if (!timingSafeEqual(expectedMac(raw, decoded, tsig, key, request?.mac), tsig.mac)) {
    return fail('mac', `the ${what} MAC does not verify (tampered with, or signed with another secret)`);
  }
  const id = request?.id ?? decoded.id;
  if (tsig.originalId !== id) return fail('id', `the ${what}'s TSIG original ID ${tsig.originalId} is not ${id}`);
  // A signed error (BADTIME carries the server's clock) is authentic; its time is the request's, so no time check.
  if (tsig.error !== TSIG_ERROR.NOERROR)
    return fail('error', `the server reports TSIG error ${tsigErrorName(tsig.error)}`);
  const now = Math.floor(nowMs / 1000);
  if (Math.abs(now - tsig.timeSigned) > tsig.fudge)
    return fail(
      'time',
      `the ${what} was signed at ${tsig.timeSigned}, ${now - tsig.timeSigned} s from our clock (fudge ${tsig.fudge} s)`,
    );
  return { ok: true, tsig };
}

/**
 * Checks the TSIG of a response to `request` (RFC 8945 §5.3): present and last, same key and algorithm, a
 * full-length MAC over request MAC + response + variables, the request's ID as original ID, no TSIG error,
 * and a time within the fudge of `nowMs`. A TSIG error counts ('error') only once its MAC verified.
 */
export function verifyResponse(
  raw: Buffer,
  decoded: DecodedMessage,
  request: SignedMessage,
  options: { nowMs?: number } = {},
): TsigVerdict {
  return verify(raw, decoded, request.key, options.nowMs ?? Date.now(), request);
}

/** Checks the TSIG of a request, as a server would (§5.2); the MAC of an accepted request is `verdict.tsig.mac`. */
export function verifyRequest(
  raw: Buffer,
  decoded: DecodedMessage,
  key: TsigKey,
  options: { nowMs?: number } = {},
): TsigVerdict {
  return verify(raw, decoded, key, options.nowMs ?? Date.now());
}
