/**
 * Numbers of the DNS wire format that the embedded server and the RFC 2136 client read and write
 * (RFC 1035, 2136, 3596, 6891, 8945).
 */

export const TYPE = Object.freeze({
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  TXT: 16,
  AAAA: 28,
  OPT: 41,
  TSIG: 250,
  IXFR: 251,
  AXFR: 252,
  MAILB: 253,
  MAILA: 254,
  ANY: 255,
});

export const CLASS = Object.freeze({ IN: 1, NONE: 254, ANY: 255 });

export const OPCODE = Object.freeze({ QUERY: 0, UPDATE: 5 });

/** Header rcodes (4 bits; RFC 1035 and RFC 2136 §2.2). */
export const RCODE = Object.freeze({
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  YXDOMAIN: 6,
  YXRRSET: 7,
  NXRRSET: 8,
  NOTAUTH: 9,
  NOTZONE: 10,
});

/** Extended rcode BADVERS (16) = upper 8 bits 1 in the OPT record, lower 4 bits 0 in the header. */
export const EXT_RCODE_BADVERS = 1;

/** The TSIG RR's error field (RFC 8945 §3). */
export const TSIG_ERROR = Object.freeze({ NOERROR: 0, BADSIG: 16, BADKEY: 17, BADTIME: 18, BADTRUNC: 22 });

export const FLAG = Object.freeze({ QR: 0x8000, AA: 0x0400, TC: 0x0200, RD: 0x0100, RA: 0x0080, CD: 0x0010 });

export const HEADER_BYTES = 12;
/** Offset of the question name in every message: a compression pointer to it is 0xC00C. */
export const QNAME_OFFSET = HEADER_BYTES;
/** Longest name on the wire, length bytes and root included (RFC 1035 §3.1). */
export const MAX_NAME_BYTES = 255;
/** Largest DNS message over UDP without EDNS (RFC 1035 §4.2.1). */
export const UDP_PLAIN_LIMIT = 512;
/** Largest DNS message over TCP (2-byte length prefix). */
export const MAX_MESSAGE_BYTES = 65_535;

const RCODE_NAMES = new Map<number, string>(Object.entries(RCODE).map(([k, v]) => [v, k]));
const TSIG_ERROR_NAMES = new Map<number, string>(Object.entries(TSIG_ERROR).map(([k, v]) => [v, k]));

/** `NXRRSET`, `REFUSED`, … or `RCODE42` for values without a name. */
export function rcodeName(rcode: number): string {
  return RCODE_NAMES.get(rcode) ?? `RCODE${rcode}`;
}

/** `BADSIG`, `BADKEY`, … or `TSIGERROR42`. */
export function tsigErrorName(error: number): string {
  return TSIG_ERROR_NAMES.get(error) ?? `TSIGERROR${error}`;
}
