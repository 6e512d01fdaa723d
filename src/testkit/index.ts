/** The testkit: a simulated Aerospike cluster the official clients accept, and a TCP load balancer. */
export * from './cluster-state.js';
export * from './data-reply.js';
export * from './info-responder.js';
export * from './load-balancer.js';
export * from './partition-map.js';
export * from './request-log.js';
export * from './sim-auth.js';
export * from './sim-cluster.js';
export * from './sim-connection.js';
export * from './sim-node.js';
export * from './hostile-peers.js';
