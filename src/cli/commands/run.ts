/**
 * `seedkeeper run --config F [--once]` runs the registrar; `seedkeeper plan --config F` prints the changes one
 * reconcile would make and applies nothing.
 */
import type { Command } from 'commander';
import { renderPlan } from '../../plan/render.js';
import { buildRegistrar } from '../../registrar/build.js';
import { loadConfig } from '../../registrar/config.js';
import { waitForVerdicts, warmUpBudgetMs } from '../../registrar/warm-up.js';
import { describeError } from '../../errors.js';
import { isConfigurationError } from '../../registrar/error-policy.js';
import { EXIT_PROBLEM, EXIT_USAGE, setExitCode } from '../exit.js';
import { onceRefusal, onceSummary } from '../once-summary.js';
import { publishedPortAdvice } from '../../registrar/port-notices.js';
import { formatHostPort } from '../../net/endpoint.js';

/** Closing must not hang the exit: after this long, stop waiting (bin/seedkeeper.js then exits anyway). */
const CLOSE_DEADLINE_MS = 10_000;

function withinDeadline(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref();
  });
  return Promise.race([
    work.then(
      () => undefined,
      () => undefined,
    ),
    deadline,
  ]).finally(() => clearTimeout(timer));
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run the registrar: keep the seed record equal to the live, healthy nodes')
    .requiredOption('--config <file>', 'YAML or JSON config')
    .option(
      '--once',
      'reconcile once (after health checks settle), print what it did, and exit (not with the embedded provider: its server would exit too)',
    )
    .action(async (flags: { config: string; once?: boolean }) => {
      const config = await loadConfig(flags.config);
      const refusal = flags.once ? onceRefusal(config.provider.type) : undefined;
      if (refusal !== undefined) {
        // Refused before anything starts: no server, no sources, no health checks.
        process.stderr.write(`seedkeeper: ${refusal}\n`);
        setExitCode(EXIT_USAGE);
        return;
      }
      const runtime = await buildRegistrar(config);
      const { registrar, logger } = runtime;
      logger.info(
        {
          record: config.record.name,
          dns: runtime.dns && formatHostPort(runtime.dns),
          http: runtime.http && `http://${formatHostPort(runtime.http)}`,
        },
        'seedkeeper registrar started',
      );
      try {
        if (flags.once) {
          for (const source of runtime.sources) await source.start(() => undefined);
          runtime.health.start();
          await waitForVerdicts(runtime.sources, runtime.health, warmUpBudgetMs(config), () =>
            registrar.reconcile('warm-up', { dryRun: true }),
          );
          // With replicas, write only under the lease: take it if it is free or expired (close() gives it up).
          const leader = runtime.leadership ? await runtime.leadership.tryOnce() : true;
          const outcome = await registrar.reconcile('once');
          const lease = leader ? undefined : runtime.leadership?.status();
          process.stdout.write(`${onceSummary(outcome, config.record.name, lease)}\n`);
          setExitCode(outcome.error || outcome.plan.refused ? EXIT_PROBLEM : 0);
          return;
        }
        const fatal = await new Promise<unknown>((resolve) => {
          registrar.once('fatal', resolve);
          process.once('SIGINT', () => resolve(undefined));
          process.once('SIGTERM', () => resolve(undefined));
          registrar.start().catch(resolve);
        });
        if (fatal !== undefined) {
          process.stderr.write(`seedkeeper: ${describeError(fatal)}\n`);
          setExitCode(isConfigurationError(fatal) ? EXIT_USAGE : EXIT_PROBLEM);
        }
      } finally {
        await withinDeadline(runtime.close(), CLOSE_DEADLINE_MS);
        logger.info('seedkeeper registrar stopped');
      }
    });

  program
    .command('plan')
    .description('print the changes one reconcile would make (after health checks settle); applies nothing')
    .requiredOption('--config <file>', 'YAML or JSON config')
    .action(async (flags: { config: string }) => {
      const config = await loadConfig(flags.config);
      // The embedded server of a plan run is throw-away: never take the port of a running registrar.
      const provider =
        config.provider.type === 'embedded' ? { ...config.provider, listen: '127.0.0.1:0' } : config.provider;
      const runtime = await buildRegistrar({ ...config, provider, log: { level: 'warn' } }, { http: false });
      try {
        for (const source of runtime.sources) await source.start(() => undefined);
        runtime.health.start();
        const { complete } = await waitForVerdicts(runtime.sources, runtime.health, warmUpBudgetMs(config), () =>
          runtime.registrar.reconcile('warm-up', { dryRun: true }),
        );
        const outcome = await runtime.registrar.reconcile('plan', { dryRun: true });
        if (outcome.error) {
          // The plan of a failed read is meaningless ("Changes: none"): print only the error.
          process.stderr.write(`seedkeeper: ${describeError(outcome.error)}\n`);
          setExitCode(EXIT_PROBLEM);
          return;
        }
        if (!complete) process.stdout.write('note: some candidates had no health verdict yet; they are not added\n');
        process.stdout.write(`${renderPlan(outcome.plan, config.record.name)}\n`);
        const ports = publishedPortAdvice(config.record.name, outcome.plan, outcome.candidates);
        if (ports.length > 0)
          process.stdout.write(
            `Ports (A and AAAA records carry none):\n${ports.map((a) => `  [${a.code}] ${a.message}\n`).join('')}\n`,
          );
        const healthy = [...runtime.health.snapshot().values()].filter((h) => h.state === 'healthy').length;
        if (healthy === 0)
          process.stderr.write(
            `seedkeeper: no node answered: ${outcome.candidates.length} candidate(s), none healthy\n`,
          );
        setExitCode(outcome.plan.refused || healthy === 0 ? EXIT_PROBLEM : 0);
      } finally {
        await withinDeadline(runtime.close(), CLOSE_DEADLINE_MS);
      }
    });
}
