// Once per `vitest` run: rebuild the native UDP engine if native/udp changed since its last build, so the
// tests never exercise a stale engine.cc. A failed build only warns here; the native tests then fail with
// the loader's reason (they require the engine; nothing is skipped).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export default function setup(): void {
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build-native.ts', '--if-needed'], {
    cwd: ROOT,
    stdio: 'inherit',
    timeout: 300_000,
  });
}
