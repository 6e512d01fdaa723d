export * from './codec.js';
export * from './decide.js';
export * from './fence.js';
export * from './options.js';
