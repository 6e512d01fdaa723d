/**
 * Tell what happens, as it happens: health verdicts, record changes with their reasons, and what a
 * client's resolver now gets.
 */
import { describeError } from '../errors.js';
import type { DemoWorld } from './world.js';

export type Say = (line: string) => void;

export function consoleSay(out: NodeJS.WritableStream = process.stdout): Say {
  return (line) => {
    out.write(`${new Date().toISOString().slice(11, 23)}  ${line}\n`);
  };
}

export function narrate(world: DemoWorld, say: Say): () => void {
  const { registrar } = world.runtime;
  let lastNotes = '';
  const onTransition = (t: { endpoint: { key: string }; from: string; to: string; reason: string }): void => {
    say(`health   ${t.endpoint.key}: ${t.from} -> ${t.to} (${t.reason})`);
  };
  const onReconciled = (outcome: Parameters<Parameters<typeof registrar.on<'reconciled'>>[1]>[0]): void => {
    const { plan } = outcome;
    const notes = plan.notes
      .filter((n) => n.code !== 'in-sync')
      .map((n) => n.message)
      .join(' | ');
    if (notes && notes !== lastNotes) say(`plan     ${notes}`);
    lastNotes = notes;
    if (outcome.error) say(`error    ${describeError(outcome.error)}`);
    if (!outcome.applied) return;
    const changes = [...plan.added.map((a) => `+${a}`), ...plan.removed.map((r) => `-${r}`)].join(' ');
    say(`record   ${changes || 'updated'}  => ${plan.published.A.join(', ') || '(none)'}`);
    world.resolve().then(
      (answer) => say(`resolver ${answer.length ? answer.join(', ') : '(no addresses)'}`),
      (error: unknown) => say(`resolver failed: ${String(error)}`),
    );
  };
  registrar.on('transition', onTransition);
  registrar.on('reconciled', onReconciled);
  return () => {
    registrar.off('transition', onTransition);
    registrar.off('reconciled', onReconciled);
  };
}
