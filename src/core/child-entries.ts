// Where the child daemons live. The integrator points these at the VRRP and checker
// daemons' entry modules (each calls runChild() from ./child.js); the environment
// overrides them (tests use a test child).
import { fileURLToPath } from 'node:url';
import type { ChildRole } from './child-protocol.js';

export const CHILD_ENTRY_ENV: Readonly<Record<ChildRole, string>> = {
  vrrp: 'KEEPALIVED_TS_VRRP_ENTRY',
  checker: 'KEEPALIVED_TS_CHECKER_ENTRY',
};

const DEFAULT_ENTRY: Readonly<Record<ChildRole, string>> = {
  vrrp: '../vrrp/daemon.js',
  checker: '../check/daemon.js',
};

export function childEntries(env: NodeJS.ProcessEnv = process.env): Record<ChildRole, string> {
  const entry = (role: ChildRole): string => env[CHILD_ENTRY_ENV[role]] ?? fileURLToPath(new URL(DEFAULT_ENTRY[role], import.meta.url));
  return { vrrp: entry('vrrp'), checker: entry('checker') };
}
