/**
 * The checker's network cut: an nftables table of this run's own (seedkeeper_test_<pid>_chaos, so test-env setup removes it if the run died) that drops the TCP
 * packets the registrars send to the cluster's addresses on the cluster's port. Every replica then sees every
 * node go silent at once — the case fail-open exists for — while BIND and the monitor are untouched. The
 * table exists only while a cut is applied and is deleted on close; nothing else on the machine is matched.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const NFT_TIMEOUT_MS = 5_000;

async function nft(args: readonly string[]): Promise<void> {
  await run('nft', [...args], { timeout: NFT_TIMEOUT_MS });
}

export class NetCut {
  private applied = false;

  private constructor(
    readonly table: string,
    readonly addresses: readonly string[],
    readonly port: number,
  ) {}

  /** A cut for these addresses and port, or undefined (with the reason) when nftables cannot be used here. */
  static async create(
    addresses: readonly string[],
    port: number,
  ): Promise<{ cut: NetCut } | { cut: undefined; reason: string }> {
    if (!addresses.every((a) => /^127\.\d+\.\d+\.\d+$/.test(a)))
      throw new RangeError('the chaos cut only ever matches loopback addresses');
    try {
      await nft(['list', 'tables']);
    } catch (error) {
      return {
        cut: undefined,
        reason: `nftables unavailable (${error instanceof Error ? error.message : String(error)})`,
      };
    }
    return { cut: new NetCut(`seedkeeper_test_${process.pid}_chaos`, addresses, port) };
  }

  get isApplied(): boolean {
    return this.applied;
  }

  async apply(): Promise<void> {
    if (this.applied) return;
    const t = this.table;
    await nft(['add', 'table', 'inet', t]);
    this.applied = true;
    await nft(['add', 'chain', 'inet', t, 'out', '{ type filter hook output priority 0; policy accept; }']);
    await nft([
      'add',
      'rule',
      'inet',
      t,
      'out',
      'ip',
      'daddr',
      `{ ${this.addresses.join(', ')} }`,
      'tcp',
      'dport',
      String(this.port),
      'drop',
    ]);
  }

  async undo(): Promise<void> {
    if (!this.applied) return;
    await nft(['delete', 'table', 'inet', this.table]);
    this.applied = false;
  }

  /** Undo if applied; never throws (called while tearing the world down). */
  async close(): Promise<void> {
    await this.undo().catch(() => undefined);
  }
}
