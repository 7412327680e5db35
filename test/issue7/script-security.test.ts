// Script security (issue 7 part 3) against Debian's keepalived -t on the same files: enable_script_security
// refuses scripts a non-root user can write when they run as root, with keepalived's messages and exit
// codes; without it, the SECURITY VIOLATION warning. Runs in a private netns (its eth0 names exist).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuilt } from '../support/paths.js';
import { requireCommand, requireRoot } from '../support/root.js';
import { createCorpusNetns, deleteNetns } from '../support/corpus-netns.js';
import { compareWithKeepalived } from '../config/compare.js';

const NS = `ktsec-${process.pid}`;
let dir: string;

beforeAll(() => {
  requireRoot('script security comparison');
  requireCommand('keepalived', 'apt-get install keepalived');
  requireBuilt();
  createCorpusNetns(NS);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ktsec-'));
  const mk = (name: string, mode: number) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, '#!/bin/sh\nexit 0\n');
    fs.chmodSync(p, mode);
  };
  mk('secure.sh', 0o755);
  mk('writable.sh', 0o777);
  mk('group-writable.sh', 0o775);
  mk('noexec.sh', 0o644);
});
afterAll(() => { deleteNetns(NS); if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

interface Case { security: boolean; script: string; notify?: string; userRoot?: boolean }

function conf(o: Case): string {
  return `global_defs {
${o.security ? '    enable_script_security\n' : ''}}
vrrp_script chk {
    script "${path.join(dir, o.script)}"
${o.userRoot ? '    user root\n' : ''}    weight 0
}
vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 1
    priority 100
    track_script {
        chk
    }
${o.notify ? `    notify_master "${path.join(dir, o.notify)}"\n` : ''}    virtual_ipaddress {
        10.0.0.1/24
    }
}
`;
}

// Scripts run as root (`user root`) unless the case is about the default user: Debian's keepalived 2.2.7 -t dies
// (exit 143, its issue #2587) with a non-root script_user, and this machine has no keepalived_script user.
const CASES: [string, Case][] = [
  ['secure script, no script security: SECURITY VIOLATION warning', { security: false, script: 'secure.sh', userRoot: true }],
  ['world-writable script, no script security: the warning says there are insecure scripts', { security: false, script: 'writable.sh', userRoot: true }],
  ['world-writable script under script security: refused and its track script disabled', { security: true, script: 'writable.sh', userRoot: true }],
  ['group-writable script owned by group root: secure, as keepalived\'s rule says', { security: true, script: 'group-writable.sh', userRoot: true }],
  ['non-executable script under script security', { security: true, script: 'noexec.sh', userRoot: true }],
  ['secure script under script security: clean', { security: true, script: 'secure.sh', userRoot: true }],
  ['script security with no script_user and no keepalived_script user: the script is removed', { security: true, script: 'secure.sh' }],
  ['no default user, and an insecure notify script too', { security: true, script: 'secure.sh', notify: 'writable.sh' }],
];

describe('script security: the same verdict and messages as keepalived -t', () => {
  for (const [name, o] of CASES) {
    it(name, async () => {
      const file = path.join(dir, `${name.replace(/[^a-z]+/gi, '-')}.conf`);
      fs.writeFileSync(file, conf(o));
      const c = await compareWithKeepalived(NS, file);
      expect(c.skipped).toBe(false);
      expect(c.problems).toEqual([]);
      expect(c.ourCode).toBe(c.kaCode);
    }, 30_000);
  }
});
