// Entry point of bin/keepalived-ts. Temporary minimal dispatcher; the full
// keepalived command line lives in src/core/cli.ts.
import { runConfigTest } from '../config/config-test.js';

export async function main(argv: string[]): Promise<number> {
  let file = '/etc/keepalived/keepalived.conf';
  let test = false;
  let configId: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-t' || a === '--config-test') test = true;
    else if (a === '-f' || a === '--use-file') file = argv[++i] ?? file;
    else if (a === '-i' || a === '--config-id') configId = argv[++i];
  }
  if (!test) {
    process.stderr.write('keepalived-ts: only -t is implemented so far\n');
    return 1;
  }
  return runConfigTest({ file, configId });
}
