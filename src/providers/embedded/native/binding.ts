/**
 * Loads the native UDP engine (native/udp/engine.cc, built by `npm run build:native`). It is optional: on a
 * platform without it (not Linux, no compiler at install, the single-file release bundle) the embedded
 * server answers through Node's dgram instead, and says why once at start.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** Bumped with every incompatible change of the functions below; a mismatched build is not used. */
export const NATIVE_UDP_ABI = 1;

/** The engine as engine.cc exports it; engine.ts wraps it. */
export interface NativeUdpBinding {
  readonly abi: number;
  open(
    options: {
      readonly host: string;
      readonly port: number;
      readonly threads: number;
      readonly maxQueryBytes: number;
      readonly maxUdpPayload: number;
      readonly opt: Buffer;
      readonly rcvbuf?: number;
    },
    onPacket: (socket: number, msg: Buffer, addr: Buffer) => void,
  ): { readonly handle: object; readonly port: number };
  setZone(handle: object, image: Buffer): void;
  send(handle: object, socket: number, data: Buffer, addr: Buffer): number;
  probe(handle: object, query: Buffer): Buffer | null;
  stats(handle: object): number[];
  close(handle: object): void;
}

export type NativeUdpLoad =
  | { readonly ok: true; readonly binding: NativeUdpBinding; readonly file: string }
  | { readonly ok: false; readonly reason: string; readonly file: string };

/** Where the build puts it, from src/ or dist/ alike (both sit at the same depth under the package root). */
export const NATIVE_UDP_FILE = fileURLToPath(
  new URL('../../../../native/udp/build/Release/seedkeeper_udp.node', import.meta.url),
);

let cached: NativeUdpLoad | undefined;

/** The engine, or why it cannot be used. Never throws; the default file's result is remembered. */
export function loadNativeUdp(file: string = NATIVE_UDP_FILE): NativeUdpLoad {
  if (file === NATIVE_UDP_FILE && cached) return cached;
  const result = load(file);
  if (file === NATIVE_UDP_FILE) cached = result;
  return result;
}

function load(file: string): NativeUdpLoad {
  if (process.platform !== 'linux')
    return { ok: false, file, reason: `not built for ${process.platform} (Linux only)` };
  let binding: NativeUdpBinding;
  try {
    binding = createRequire(import.meta.url)(file) as NativeUdpBinding;
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    const reason =
      e.code === 'MODULE_NOT_FOUND'
        ? 'not built (npm run build:native)'
        : `cannot be loaded: ${String(e.message).split('\n')[0]!.slice(0, 200)}`;
    return { ok: false, file, reason };
  }
  if (binding.abi !== NATIVE_UDP_ABI)
    return { ok: false, file, reason: `built for ABI ${binding.abi}, this code needs ${NATIVE_UDP_ABI} (rebuild)` };
  return { ok: true, binding, file };
}
