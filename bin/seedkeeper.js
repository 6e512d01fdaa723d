#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (run `npm run build` first).
import { main } from '../dist/cli/main.js';

const code = await main(process.argv);
process.exitCode = code;
// A failed command must exit even if something it started still holds the event loop (bounded in time).
if (code !== 0) setTimeout(() => process.exit(code), 3000).unref();
