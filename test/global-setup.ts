/**
 * Build dist/ once before the suite: CLI tests run the real `bin/seedkeeper.js` as a user would.
 */
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit', timeout: 300_000 });
}
