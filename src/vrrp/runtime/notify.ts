// notify_master / notify_backup / notify_fault / notify_stop and the generic `notify` script
// ("INSTANCE" NAME STATE PRIORITY, keepalived notify_instance_exec()), one at a time per instance in event order.
import { spawn } from 'node:child_process';
import type { Notify, Script } from '../../config/ast.js';
import type { NotifyState } from '../actions.js';

const NOTIFY_TIMEOUT_MS = 30_000;

export class Notifier {
  private readonly chains = new Map<string, Promise<void>>();

  constructor(private readonly log: (text: string) => void) {}

  notify(iname: string, n: Notify, state: NotifyState, priority: number): void {
    const scripts: string[][] = [];
    const specific: Script | undefined = state === 'MASTER' ? n.master : state === 'BACKUP' ? n.backup
      : state === 'FAULT' ? n.fault : state === 'STOP' ? n.stop : state === 'MASTER_RX_LOWER_PRI' ? n.masterRxLowerPri : undefined;
    if (specific) scripts.push(specific.argv);
    if (n.generic && ['MASTER', 'BACKUP', 'FAULT', 'STOP'].includes(state)) {
      scripts.push([...n.generic.argv, 'INSTANCE', iname, state, String(priority)]);
    }
    for (const argv of scripts) {
      const prev = this.chains.get(iname) ?? Promise.resolve();
      this.chains.set(iname, prev.then(() => this.run(argv)));
    }
  }

  private run(argv: string[]): Promise<void> {
    return new Promise((resolve) => {
      const [cmd, ...args] = argv;
      if (!cmd) return resolve();
      const p = spawn(cmd, args, { stdio: 'ignore' });
      const t = setTimeout(() => p.kill('SIGKILL'), NOTIFY_TIMEOUT_MS);
      p.on('error', (e) => { clearTimeout(t); this.log(`Failed to exec notify script ${argv.join(' ')}: ${e.message}`); resolve(); });
      p.on('exit', () => { clearTimeout(t); resolve(); });
    });
  }

  /** Waits for queued scripts (bounded), as keepalived lets notify_stop run at shutdown. */
  async drain(timeoutMs = 5000): Promise<void> {
    let t: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(this.chains.values()), new Promise<void>((r) => { t = setTimeout(r, timeoutMs); })]);
    clearTimeout(t);
  }
}
