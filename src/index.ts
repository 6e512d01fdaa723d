export * from './discovery/index.js';
export { SeedkeeperError, ConfigError, describeError, type ErrorLabel } from './errors.js';
export { InfoConnection, type ConnectOptions, type Credentials, type TlsOptions } from './protocol/connection.js';
export type { HostPort } from './protocol/host.js';
