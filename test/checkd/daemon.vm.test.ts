// The checker child against a real IPVS kernel (one VM boot): Debian's keepalived 2.2.7 and
// `keepalived-ts -n -l -C` program IPVS from the same config (fixtures/checkd/vm.conf) in the same VM and
// `ipvsadm -Ln` must be the same; then a SIGHUP to vm-reload.conf changes exactly one weight, adds one
// real server and removes one, without resetting the counters of the untouched service; stop releases all.
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootVm, type Vm } from '../vm/vm.js';

let vm: Vm | undefined;
const sections: Record<string, string> = {};
const figures: Record<string, number> = {};

// The VM runs dist/: refuse one older than the sources it runs.
function requireFreshBuild(): void {
  const built = 'dist/src/check/daemon.js';
  const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0;
  const stale = ['src/check', 'src/ipvs', 'src/core']
    .flatMap((d) => readdirSync(d, { recursive: true }).map((f) => join(d, String(f))))
    .filter((f) => f.endsWith('.ts') && statSync(f).mtimeMs > builtAt);
  if (!builtAt || stale.length) throw new Error(`dist/ is missing or older than ${stale.slice(0, 3).join(', ')}: run \`npm run build\` before the VM tests`);
}

beforeAll(async () => {
  requireFreshBuild();
  vm = await bootVm({ name: 'checkd' });
  figures.bootMs = vm.bootMs;
  const r = await vm.run('sh test/checkd/daemon-vm.sh', { timeoutMs: 420_000 });
  figures.scriptMs = r.durationMs;
  if (r.exitCode !== 0) throw new Error(`checkd VM script failed (${r.exitCode}): ${r.stderr}\n${r.stdout.slice(0, 3000)}`);
  for (const part of r.stdout.split(/^=== /m).slice(1)) {
    const nl = part.indexOf('\n');
    sections[part.slice(0, nl)] = part.slice(nl + 1);
  }
  // Kept for a human reading a failure: every section of the VM run.
  writeFileSync(join(tmpdir(), 'kts-checkd-vm.txt'), r.stdout);
  console.log(`checkd VM: ${vm.accel} boot ${figures.bootMs} ms, script ${Math.round(figures.scriptMs)} ms, ours settled in ${sections['ours-settle-ms']?.trim()} ms, stopped 1,000 x 10 in ${sections['scale-stop-ms']?.trim()} ms`);
}, 540_000);

afterAll(async () => {
  await vm?.stop();
});

type Table = Map<string, Map<string, string>>;

/** ipvsadm -Ln → service line → (dest address → "Forward Weight"); connection counts dropped. */
function parseTable(text: string | undefined): Table {
  const t: Table = new Map();
  let svc: Map<string, string> | undefined;
  for (const raw of (text ?? '').split('\n')) {
    const line = raw.trim().replace(/\s+/g, ' ');
    if (/^(TCP|UDP|SCTP|FWM) /.test(line)) {
      svc = new Map();
      t.set(line, svc);
      continue;
    }
    const d = /^-> (\S+) (\S+) (\d+) \d+ \d+$/.exec(line);
    if (d && svc) svc.set(d[1]!, `${d[2]} ${d[3]}`);
  }
  return t;
}

const asObject = (t: Table) => Object.fromEntries([...t].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, Object.fromEntries([...v].sort())]));

/** Conns of a service in `ipvsadm -Ln --stats`. */
function conns(text: string | undefined, service: string): number {
  const m = new RegExp(`^TCP\\s+${service.replace(/\./g, '\\.')}\\s+(\\d+)`, 'm').exec(text ?? '');
  if (!m) throw new Error(`no ${service} in:\n${text}`);
  return Number(m[1]);
}

describe('checker child in the IPVS VM', () => {
  it('programs the same IPVS table as Debian keepalived 2.2.7', () => {
    const theirs = parseTable(sections['ka-table']);
    expect(theirs.size).toBe(7); // :80 :81 :82, FWM 7, group: 10.9.0.10:90 10.9.0.11:90 FWM 8
    expect(asObject(parseTable(sections['ours-table']))).toEqual(asObject(theirs));
    // The dead server left, the sorry server stands in, the group expanded with thresholds.
    const ka = sections['ka-table'] ?? '';
    expect(ka).not.toContain('10.9.0.4:8081');
    expect(ka).toMatch(/10\.9\.0\.6:8080/);
  });

  it('both daemons remove everything they created on SIGTERM', () => {
    expect(parseTable(sections['ka-after']).size).toBe(0);
    expect(parseTable(sections['ours-after']).size).toBe(0);
    expect(sections['ours-rc']?.trim()).toBe('0');
    expect(sections['pidfiles']?.trim()).toBe('');
  });

  it('reload applies exactly the config change', () => {
    const before = parseTable(sections['ours-table']);
    const after = parseTable(sections['reload-table']);
    const key80 = [...before.keys()].find((k) => k.startsWith('TCP 10.9.0.1:80 '))!;
    const b80 = before.get(key80)!;
    const a80 = after.get(key80)!;
    expect(b80.get('10.9.0.2:8080')).toMatch(/ 2$/);
    expect(a80.get('10.9.0.2:8080')).toMatch(/ 5$/);
    expect(b80.has('10.9.0.3:8080')).toBe(true);
    expect(a80.has('10.9.0.3:8080')).toBe(false);
    expect(a80.get('10.9.0.5:8080')).toMatch(/ 1$/);
    expect(a80.has('10.9.0.4:8081')).toBe(false);
    // lvs_timeouts added by the reload are set, and put back at stop.
    expect(sections['reload-timeouts']).toMatch(/Timeout \(tcp tcpfin udp\): 777 77 7/);
    expect(sections['ours-after-timeouts']).toMatch(/Timeout \(tcp tcpfin udp\): 900 120 300/);
    // Every other service is exactly as before.
    before.delete(key80);
    after.delete(key80);
    expect(asObject(after)).toEqual(asObject(before));
  });

  it('reload leaves the same IPVS table and timeouts as keepalived\'s reload', () => {
    expect(asObject(parseTable(sections['reload-table']))).toEqual(asObject(parseTable(sections['ka-reload-table'])));
    expect(sections['reload-timeouts']).toBe(sections['ka-reload-timeouts']);
  });

  it('reload logs the same lines as keepalived\'s reload', () => {
    // Kept servers' checkers carry has_run across the reload (migrate_checkers), as keepalived's do, so
    // their first result after it is not logged again on either side.
    const after = (text: string | undefined) => {
      const t = text ?? '';
      return [...new Set(t.slice(t.indexOf('Reloading')).split('\n').map((l) => l.replace(/^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}: /, ''))
        .filter((l) => /^(service|Removing|Adding|Gained|Lost|Starting with|Activating|Deactivating|TCP|Shutting)/.test(l))
        .filter((l) => !l.startsWith('Shutting down')))].sort();
    };
    expect(after(sections['ours-log'])).toEqual(after(sections['ka-log']));
  });

  it('the untouched service kept its counters across the reload', () => {
    expect(sections['traffic']).toContain('traffic 5/5');
    const c0 = conns(sections['stats-before'], '10.9.0.1:81');
    expect(c0).toBeGreaterThanOrEqual(5);
    expect(conns(sections['stats-after'], '10.9.0.1:81')).toBeGreaterThanOrEqual(c0);
  });

  it('logs keepalived\'s reload lines; kept servers keep their state (migrate_checkers), quorum is not re-announced', () => {
    const log = sections['ours-log'] ?? '';
    const afterReload = log.slice(log.indexOf('Reloading'));
    expect(afterReload).toContain('service [10.9.0.3]:tcp:8080 no longer exist');
    expect(afterReload).toContain('Reload complete');
    expect(afterReload).toContain('TCP connection to [10.9.0.5]:tcp:8080 success.');
    expect(afterReload).toContain('Removing service [10.9.0.3]:tcp:8080 from VS [10.9.0.1]:tcp:80');
    expect(afterReload).not.toMatch(/Gained quorum|Starting with quorum|sorry server|Adding service|Removing service \[10\.9\.0\.4\]/);
  });

  it('logs the same start-up and checker lines as keepalived', () => {
    const strip = (text: string | undefined) => (text ?? '').split('\n').map((l) => l.replace(/^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}: /, ''))
      .filter((l) => /^(Initializing ipvs|Gained quorum|Lost quorum|Activating|TCP|Removing|Adding|Shutting down)/.test(l)).sort();
    const ours = sections['ours-log'] ?? '';
    // Up to the reload (both have checked every server by then).
    const before = ours.slice(0, ours.indexOf('Reloading'));
    const ka = sections['ka-log'] ?? '';
    const theirs = strip(ka.slice(0, ka.indexOf('Reloading')));
    expect(new Set(strip(before))).toEqual(new Set(theirs));
  });

  it('-I: what we created stays in IPVS at stop; lvs_timeouts and the sync daemon are undone', () => {
    const running = parseTable(sections['extras-table']);
    const after = parseTable(sections['extras-after']);
    expect([...running.keys()].some((k) => k.startsWith('TCP 10.9.0.1:83 wlc'))).toBe(true);
    // Taken once the dead server's checker took it out (its mail was sent).
    expect(sections['extras-table']).not.toContain('10.9.0.4:8081');
    expect(asObject(after)).toEqual(asObject(running));
    expect(sections['extras-rc']?.trim()).toBe('0');
    expect(sections['timeouts-running']).toMatch(/Timeout \(tcp tcpfin udp\): 1234 56 78/);
    expect(sections['timeouts-after']).toBe(sections['timeouts-idle']);
    expect(sections['daemons-running']).toMatch(/master sync daemon \(mcast=lo, syncid=42/);
    expect(sections['daemons-running']).toMatch(/backup sync daemon \(mcast=lo, syncid=42/);
    expect(sections['daemons-after']?.trim()).toBe('');
  });

  it('a service the kernel refuses is logged with its name and the rest runs', () => {
    const log = sections['extras-log'] ?? '';
    expect(log).toMatch(/IPVS: cannot add virtual server UDP 10\.9\.0\.1:5060: no such scheduler 'rr' or persistence engine 'sip'/);
    expect(log).toContain('Startup complete');
    expect(log).not.toMatch(/exited with|crash|TypeError/);
  });

  it('SIGUSR1 writes keepalived_check.data with the topology and live state', () => {
    const dump = sections['dump'] ?? '';
    expect(dump).toContain(' VS VIP = 10.9.0.1, VPORT = 83');
    expect(dump).toContain('   RIP = 10.9.0.2, RPORT = 8080, WEIGHT = 9 EFF WEIGHT = 9');
    expect(dump).toMatch(/lvs_sched = wlc[\s\S]*RS set = 1/);
    expect(sections['extras-log']).toMatch(/Printing checker data for process\(\d+\) on signal/);
  });

  it('ha_suspend: checkers wait for the virtual address, run while it is local, stop when it goes', () => {
    const log = (sections['extras-log'] ?? '').split('\n').map((l) => l.replace(/^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}: /, ''));
    const rs = 'service [10.9.0.2]:tcp:8080 for VS [10.9.0.20]:tcp:84';
    const at = (text: string) => log.indexOf(text);
    expect(at(`Deactivating healthchecker for ${rs}`)).toBeGreaterThanOrEqual(0);
    expect(at(`Activating healthchecker for ${rs}`)).toBeGreaterThan(at(`Deactivating healthchecker for ${rs}`));
    expect(at('TCP connection to [10.9.0.2]:tcp:8080 success.')).toBeGreaterThan(at(`Activating healthchecker for ${rs}`));
    expect(at(`Suspending healthchecker for ${rs}`)).toBeGreaterThan(at('TCP connection to [10.9.0.2]:tcp:8080 success.'));
  });

  it('notify_down runs when the checker takes a server out', () => {
    expect(sections['notify-down']?.trim()).toBe('/tmp/ktscd-notify-down-4');
  });

  it('lvs_flush empties IPVS at start, lvs_flush_on_stop at stop', () => {
    expect([...parseTable(sections['flush-table']).keys()].map((k) => k.split(' ')[1])).toEqual(['10.9.0.1:85']);
    expect(parseTable(sections['flush-after']).size).toBe(0);
  });

  it('a stop at 1,000 services x 10 real servers clears the whole table before child_wait_time', () => {
    expect(sections['scale-running']?.trim()).toBe('10000');
    // Debian keepalived removes everything it created at stop (see the SIGTERM test above): an empty table.
    expect(parseTable(sections['scale-after']).size).toBe(0);
    expect(sections['scale-rc']?.trim()).toBe('0');
    expect(sections['scale-log']).not.toMatch(/failed to die|forcing termination/);
    // The checker child's own "Stopped" line: it finished its stop, it was not killed.
    expect(sections['scale-log']).toMatch(/: Stopped$/m);
  });

  it('smtp_alert: a real server going down is mailed with keepalived\'s subject and log line', () => {
    expect(sections['mail']).toContain('MAIL Subject: [kts_checkd_extras] Realserver [10.9.0.4]:tcp:8081 of virtual server [10.9.0.1]:tcp:83 - DOWN');
    expect(sections['extras-log']).toContain('SMTP alert successfully sent.');
  });
});
