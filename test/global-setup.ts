// Once per `vitest` run: rebuild the native UDP engine if native/udp changed since its last build, so the
// tests never exercise a stale engine.cc. A failed build only warns here; the native tests then fail with
// the loader's reason (they require the engine; nothing is skipped).
import { buildNative } from '../scripts/build-native.js';

export default async function setup(): Promise<void> {
  await buildNative({ ifNeeded: true });
}
