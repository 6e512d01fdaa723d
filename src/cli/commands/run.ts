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
import { EXIT_PROBLEM, setExitCode } from '../exit.js';

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run the registrar: keep the seed record equal to the live, healthy nodes')
    .requiredOption('--config <file>', 'YAML or JSON config')
    .option('--once', 'reconcile once (after health checks settle) and exit')
    .action(async (flags: { config: string; once?: boolean }) => {
      const config = await loadConfig(flags.config);
      const runtime = await buildRegistrar(config);
      const { registrar, logger } = runtime;
      logger.info(
        { record: config.record.name, dns: runtime.dns && `${runtime.dns.host}:${runtime.dns.port}`, http: runtime.http && `http://${runtime.http.host}:${runtime.http.port}` },
        'seedkeeper registrar started',
      );
      try {
        if (flags.once) {
          for (const source of runtime.sources) await source.start(() => undefined);
          runtime.health.start();
          await waitForVerdicts(runtime.sources, runtime.health, warmUpBudgetMs(config), () => registrar.reconcile('warm-up', { dryRun: true }));
          const outcome = await registrar.reconcile('once');
          setExitCode(outcome.error ? EXIT_PROBLEM : 0);
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
          setExitCode(EXIT_PROBLEM);
        }
      } finally {
        await runtime.close();
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
      const provider = config.provider.type === 'embedded' ? { ...config.provider, listen: '127.0.0.1:0' } : config.provider;
      const runtime = await buildRegistrar({ ...config, provider, log: { level: 'warn' } }, { http: false });
      try {
        for (const source of runtime.sources) await source.start(() => undefined);
        runtime.health.start();
        const { complete } = await waitForVerdicts(runtime.sources, runtime.health, warmUpBudgetMs(config), () => runtime.registrar.reconcile('warm-up', { dryRun: true }));
        const outcome = await runtime.registrar.reconcile('plan', { dryRun: true });
        if (!complete) process.stdout.write('note: some candidates had no health verdict yet; they count as unhealthy\n');
        process.stdout.write(`${renderPlan(outcome.plan, config.record.name)}\n`);
        if (outcome.error) {
          process.stderr.write(`seedkeeper: ${describeError(outcome.error)}\n`);
          setExitCode(EXIT_PROBLEM);
        } else {
          setExitCode(outcome.plan.refused ? EXIT_PROBLEM : 0);
        }
      } finally {
        await runtime.close();
      }
    });
}
