/** The esbuild settings every single-file Node bundle shares (the Lambda, the release file). */
import type { BuildOptions } from 'esbuild';

/** ESM output has no `require`; CommonJS dependencies (pino, parts of the SDK) need one for built-ins. */
export const REQUIRE_SHIM =
  "import { createRequire as __seedkeeperCreateRequire } from 'node:module'; const require = __seedkeeperCreateRequire(import.meta.url);";

export const NODE_BUNDLE: BuildOptions = Object.freeze({
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  minify: true,
  // Minified names would turn error names (ConfigError, SeedkeeperError's `name`) into single letters in logs.
  keepNames: true,
  // Prefer packages' ESM builds; the SDK's `module` entry keeps the bundle tree-shakeable.
  mainFields: ['module', 'main'],
  conditions: ['node', 'import'],
});
