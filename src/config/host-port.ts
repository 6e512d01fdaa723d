import { ConfigError } from '../errors.js';

/** `host:port` or `[v6]:port` from a config value; port 0 means "any free port". */
export function splitHostPort(text: string, path: string): { host: string; port: number } {
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(text);
  const port = Number(match?.[2]);
  if (!match?.[1] || !Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(path, `expected host:port, got ${JSON.stringify(text)}`);
  return { host: match[1], port };
}
