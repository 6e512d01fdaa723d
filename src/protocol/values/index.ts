/** Info value grammars: one parser per reply shape, plus the formatter the simulated server prints with. */
export * from './build.js';
export * from './features.js';
export * from './generation.js';
export * from './host-text.js';
export * from './node-id.js';
export * from './peers.js';
export * from './replicas.js';
export * from './services.js';
export { MAX_VALUE_LENGTH } from './scan.js';
