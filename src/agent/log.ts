/**
 * Agent events as log lines (pino, JSON): one line per thing an operator cares about; the per-attempt
 * `waiting` events go to debug (the progress printer shows them).
 */
import { describeError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { Agent } from './agent.js';
import { describeProgress } from './progress.js';

export function logAgentEvents(agent: Agent, logger: Logger): void {
  agent.on('identity', (m) => logger.info({ id: m.id, address: m.address, port: m.port }, 'agent: node identity'));
  agent.on('waiting', (p) =>
    logger.debug({ elapsedMs: Math.round(p.elapsedMs), attempts: p.attempts }, describeProgress(p)),
  );
  agent.on('ready', (e) =>
    logger.info(
      { address: e.member.address, port: e.member.port, waitedMs: Math.round(e.waitedMs), attempts: e.attempts },
      'agent: service port ready',
    ),
  );
  agent.on('registered', (e) =>
    logger.info(
      { id: e.member.id, address: e.member.address, reason: e.reason, target: e.target },
      'agent: registered',
    ),
  );
  agent.on('deregistered', (e) =>
    logger.info(
      { id: e.member.id, address: e.member.address, reason: e.reason, target: e.target },
      'agent: deregistered',
    ),
  );
  agent.on('renewed', (e) =>
    logger.debug({ id: e.member.id, address: e.member.address, target: e.target }, 'agent: registration renewed'),
  );
  agent.on('down', (e) =>
    logger.warn({ address: e.member.address, reason: e.last.ok ? undefined : e.last.reason }, 'agent: probe failed'),
  );
  agent.on('unavailable', (e) =>
    logger.warn(
      { address: e.member.address, forMs: Math.round(e.forMs), reason: e.last.ok ? undefined : e.last.reason },
      'agent: node unavailable, leaving the record',
    ),
  );
  agent.on('recovered', (e) =>
    logger.info({ address: e.member.address, passes: e.passes }, 'agent: node recovered, rejoining the record'),
  );
  agent.on('spotNotice', (e) =>
    logger.warn(
      { address: e.member.address, action: e.notice.action, time: e.notice.time },
      'agent: spot interruption notice, leaving the record for good',
    ),
  );
  agent.on('targetError', (e) =>
    logger.error({ op: e.op, retryInMs: e.retryInMs, error: describeError(e.error) }, `agent: ${e.op} failed`),
  );
  agent.on('imdsError', (e) => logger.warn({ error: describeError(e.error) }, 'agent: reading the spot notice failed'));
  agent.on('stopping', () => logger.info('agent: stopping, deregistering'));
}
