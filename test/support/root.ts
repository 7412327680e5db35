// Tests that need root, namespaces or the VM fail loudly when they cannot get them.
import { execFileSync } from 'node:child_process';

export function requireRoot(what: string): void {
  if (process.getuid?.() !== 0) throw new Error(`${what} needs root (network namespaces); run the suite as root, as CI does`);
}

export function requireCommand(cmd: string, hint: string): string {
  try {
    return execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(`${cmd} not found: ${hint} (test/install-deps.sh installs it)`);
  }
}
