// Trackers, notifications and sync groups in the running VRRP daemon, in a private lab (prefix i7t):
// two routers and a client; real scripts, a real FIFO reader, a real SMTP listener in the client
// namespace, and Debian's keepalived as the peer in the mixed cases. Needs root and `npm run build`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLab, sleep, waitFor, type Lab, type LabProcess } from '../lab/lab.js';
import { startKeepalived, waitForSoleHolder, type KeepalivedHandle } from '../lab/keepalived.js';
import { repoRoot } from '../lab/node-script.js';
import { startOurs } from '../daemon/ours.js';
import { readPcapRecords } from '../vrrp/pcap.js';

let lab: Lab;
const R = ['r1', 'r2'];
const SMTP_PORT = 2525;

beforeAll(async () => {
  lab = await createLab({ prefix: 'i7t', routers: 2, client: true });
}, 30_000);
afterAll(async () => { await lab?.destroy(); });

function script(name: string, body: string): string {
  const p = join(lab.tmpDir, name);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, 0o755);
  return p;
}

const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : []);

/** A check that fails while FLAG exists (the seeds' `weight -5` on /etc/keepalived/down, with our own path). */
function checkScript(router: string): { path: string; flag: string } {
  const flag = join(lab.tmpDir, `${router}.down`);
  return { path: script(`${router}-chk.sh`, `[ ! -e ${flag} ]`), flag };
}

async function stopAll(...hs: (KeepalivedHandle | undefined)[]): Promise<void> {
  await Promise.all(hs.map((h) => h?.stop()));
  for (const r of R) {
    for (const ip of await lab.addressesOf(r)) if (ip !== lab.ip4(r)) await lab.exec(r, 'ip', ['addr', 'del', `${ip}/24`, 'dev', 'eth0']);
  }
}

/** ms until `ns` alone holds ip. */
async function timeToHolder(ns: string, ip: string, t0: number, timeoutMs = 20_000): Promise<number> {
  await waitForSoleHolder(lab, R, ip, ns, timeoutMs);
  return performance.now() - t0;
}

const scriptConf = (o: { router: string; prio: number; chk: string; vip: string; fall?: number; extraGlobal?: string; extraInst?: string }) => `global_defs {
    router_id ${o.router}
${o.extraGlobal ?? ''}
}
vrrp_script chk {
    script "${o.chk}"
    interval 1
    fall ${o.fall ?? 2}
    rise 2
    weight -60
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 61
    priority ${o.prio}
    advert_int 1
    track_script {
        chk
    }
${o.extraInst ?? ''}
    virtual_ipaddress {
        ${o.vip}/24
    }
}
`;

describe('vrrp_script, notify scripts, notify FIFO reader and SMTP alerts (keepalived-ts pair)', () => {
  it('a failing vrrp_script lowers the priority and moves the VIP; notifies run in order; the FIFO reader and the mail server get every change', async () => {
    const vip = lab.vip4(201);
    const { path: chk, flag } = checkScript('r1');
    rmSync(flag, { force: true });
    const notes = join(lab.tmpDir, 'notes-r1');
    const note = script('note.sh', `echo "$*" >> ${notes}`);
    const fifoOut = join(lab.tmpDir, 'fifo-r1.out');
    const reader = script('fifo-reader.sh', `while read -r line; do echo "$line" >> ${fifoOut}; done < "$1"`);
    const mails = join(lab.tmpDir, 'mails.jsonl');
    rmSync(mails, { force: true });
    const smtp: LabProcess = lab.spawn('c', process.execPath, [join(repoRoot, 'test/issue7/scripts/smtp-sink.mjs'), String(SMTP_PORT), mails]);
    await waitFor(() => smtp.output().stdout.includes('listening'), { timeoutMs: 10_000, what: 'SMTP listener' });
    const r1conf = scriptConf({
      router: 'r1', prio: 150, chk, vip,
      extraGlobal: `    vrrp_notify_fifo ${join(lab.tmpDir, 'r1.fifo')}
    vrrp_notify_fifo_script ${reader}
    notification_email {
        ops@lab.test
    }
    notification_email_from keepalived@r1.lab.test
    smtp_server ${lab.ip4('c')} ${SMTP_PORT}
    smtp_connect_timeout 5`,
      extraInst: `    notify_master "${note} master"
    notify_backup "${note} backup"
    notify_fault "${note} fault"
    notify "${note} generic"
    smtp_alert`,
    });
    const a = startOurs(lab, 'r1', r1conf);
    const b = startOurs(lab, 'r2', scriptConf({ router: 'r2', prio: 100, chk: checkScript('r2').path, vip }));
    try {
      await waitForSoleHolder(lab, R, vip, 'r1', 15_000);
      await sleep(1500);
      // The check fails twice (fall 2, interval 1): 150 - 60 = 90 < 100, so r2 takes over. r2 sees r1's
      // lower-priority adverts and discards them (preempt), so it takes over when its Master_Down_Interval
      // (3 x advert_int + skew, 3.6 s) from r1's last priority-150 advert runs out; keepalived does the same.
      const t0 = performance.now();
      writeFileSync(flag, '');
      const ms = await timeToHolder('r2', vip, t0);
      console.log(`vrrp_script failure to VIP on the backup: ${ms.toFixed(0)} ms (bound: fall x interval + interval + Master_Down_Interval)`);
      expect(ms).toBeLessThan(2 * 1000 + 1000 + 3610 + 1000);
      expect(a.log()).toContain('VRRP_Script(chk) failed (exited with status 1)');
      expect(a.log()).toContain('(VI_1) Changing effective priority from 150 to 90');
      expect(a.log()).toContain('(VI_1) Entering BACKUP STATE');
      // Recovery: two successes, back to 150, r1 preempts.
      const t1 = performance.now();
      rmSync(flag);
      const back = await timeToHolder('r1', vip, t1);
      console.log(`vrrp_script recovery to VIP back on r1: ${back.toFixed(0)} ms`);
      expect(a.log()).toContain('VRRP_Script(chk) succeeded');
      expect(a.log()).toContain('(VI_1) Changing effective priority from 90 to 150');
      await sleep(1500);
      // notify scripts: one at a time, in event order, the generic one with INSTANCE NAME STATE PRIORITY
      await waitFor(() => lines(notes).length >= 8, { timeoutMs: 5000, what: 'eight notify lines' });
      expect(lines(notes)).toEqual([
        'backup', 'generic INSTANCE VI_1 BACKUP 150',
        'master', 'generic INSTANCE VI_1 MASTER 150',
        'backup', 'generic INSTANCE VI_1 BACKUP 90',
        'master', 'generic INSTANCE VI_1 MASTER 150',
      ]);
      // the FIFO reader keepalived-ts started got keepalived's lines
      await waitFor(() => lines(fifoOut).length >= 4, { timeoutMs: 5000, what: 'four FIFO lines' });
      expect(lines(fifoOut)).toEqual([
        'INSTANCE "VI_1" BACKUP 150', 'INSTANCE "VI_1" MASTER 150', 'INSTANCE "VI_1" BACKUP 90', 'INSTANCE "VI_1" MASTER 150',
      ]);
      // one mail per state change: envelope, subject and body as keepalived sends them
      await waitFor(() => lines(mails).length >= 4, { timeoutMs: 10_000, what: 'four mails' });
      const sessions = lines(mails).map((l) => JSON.parse(l) as { commands: string[]; data: string });
      const subjects = sessions.map((s) => /^Subject: (.*)$/m.exec(s.data)?.[1]);
      expect(subjects).toEqual([
        '[r1] VRRP Instance VI_1 - Entering BACKUP state', '[r1] VRRP Instance VI_1 - Entering MASTER state',
        '[r1] VRRP Instance VI_1 - Entering BACKUP state', '[r1] VRRP Instance VI_1 - Entering MASTER state',
      ]);
      expect(sessions[1]!.commands).toContain('MAIL FROM:<keepalived@r1.lab.test>');
      expect(sessions[1]!.commands).toContain('RCPT TO:<ops@lab.test>');
      expect(sessions[1]!.data).toContain('=> VRRP Instance is now owning VRRP VIPs <=');
      expect(sessions[2]!.data).toContain('=> VRRP Instance is no longer owning VRRP VIPs <=');
      // scripts, FIFO and mail never held up VRRP timing (the runtime logs any timer more than advert_int/10 late)
      expect(a.log()).not.toContain('A thread timer expired');
      expect(b.log()).not.toContain('A thread timer expired');
    } finally {
      await stopAll(a, b);
      await smtp.stop();
    }
    // the reader sees the FIFO close at shutdown and ends; nothing of ours is left running
    expect(lines(fifoOut).at(-1)).toMatch(/^INSTANCE "VI_1" (STOP|BACKUP|MASTER) \d+$/);
  }, 120_000);
});

const syncConf = (o: { router: string; prio: number; chk: string; vips: [string, string]; notes?: string }) => `global_defs {
    router_id ${o.router}
}
vrrp_script chk {
    script "${o.chk}"
    interval 1
    fall 1
    rise 1
}
vrrp_sync_group G1 {
    group {
        VI_1
        VI_2
    }
${o.notes ? `    notify_master "${o.notes} group-master"\n    notify_backup "${o.notes} group-backup"\n    notify_fault "${o.notes} group-fault"` : ''}
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 71
    priority ${o.prio}
    advert_int 1
    track_script {
        chk
    }
    virtual_ipaddress {
        ${o.vips[0]}/24
    }
}
vrrp_instance VI_2 {
    state BACKUP
    interface eth0
    virtual_router_id 72
    priority ${o.prio}
    advert_int 1
    virtual_ipaddress {
        ${o.vips[1]}/24
    }
}
`;

const SYNC_VARIANTS: { name: string; r1: 'ours' | 'keepalived'; r2: 'ours' | 'keepalived'; host: number }[] = [
  { name: 'keepalived-ts pair', r1: 'ours', r2: 'ours', host: 211 },
  { name: 'keepalived-ts r1, Debian keepalived r2', r1: 'ours', r2: 'keepalived', host: 213 },
  { name: 'Debian keepalived r1, keepalived-ts r2', r1: 'keepalived', r2: 'ours', host: 215 },
];

describe('sync group', () => {
  for (const v of SYNC_VARIANTS) it(`${v.name}: both members move together when one member's tracker fails, and come back together`, async () => {
    const vips: [string, string] = [lab.vip4(v.host), lab.vip4(v.host + 1)];
    const start = (kind: 'ours' | 'keepalived', ns: string, c: string) => (kind === 'ours' ? startOurs(lab, ns, c) : startKeepalived(lab, ns, c));
    const { path: chk, flag } = checkScript('r1');
    rmSync(flag, { force: true });
    const gnotes = join(lab.tmpDir, 'gnotes-r1');
    const note = script('gnote.sh', `echo "$*" >> ${gnotes}`);
    rmSync(gnotes, { force: true });
    const a = start(v.r1, 'r1', syncConf({ router: 'r1', prio: 150, chk, vips, notes: note }));
    const b = start(v.r2, 'r2', syncConf({ router: 'r2', prio: 100, chk: checkScript('r2').path, vips }));
    try {
      for (const v of vips) await waitForSoleHolder(lab, R, v, 'r1', 15_000);
      const t0 = performance.now();
      writeFileSync(flag, '');
      const ms = Math.max(await timeToHolder('r2', vips[0], t0), await timeToHolder('r2', vips[1], t0));
      console.log(`sync group (${v.name}): one member's tracker fails -> both VIPs on r2 in ${ms.toFixed(0)} ms`);
      expect(a.log()).toContain('VRRP_Group(G1) Syncing instances to FAULT state');
      expect(a.log()).toMatch(/\(VI_2\) Entering FAULT STATE/);
      expect(b.log()).toContain('VRRP_Group(G1) Syncing instances to MASTER state');
      // priority 0 from r1's members: r2 takes over within a skew time, not a full Master_Down_Interval
      expect(ms).toBeLessThan(1000 + 1000 + 1500);
      const t1 = performance.now();
      rmSync(flag);
      const back = Math.max(await timeToHolder('r1', vips[0], t1), await timeToHolder('r1', vips[1], t1));
      console.log(`sync group (${v.name}): tracker recovers -> both VIPs back on r1 in ${back.toFixed(0)} ms`);
      expect(a.log()).toContain('VRRP_Group(G1) Syncing instances to BACKUP state');
      expect(b.log()).toContain('VRRP_Group(G1) Syncing instances to BACKUP state');
      // the group's own notify scripts: start (BACKUP), MASTER, FAULT, BACKUP on recovery, MASTER again
      await waitFor(() => lines(gnotes).length >= 5, { timeoutMs: 5000, what: 'five group notifies' });
      expect(lines(gnotes)).toEqual(['group-backup', 'group-master', 'group-fault', 'group-backup', 'group-master']);
    } finally {
      await stopAll(a, b);
    }
  }, 90_000);
});

describe('track_file and track_interface', () => {
  it('a track_file value moves the priority; a tracked interface going down is FAULT', async () => {
    const vip = lab.vip4(221);
    const file = join(lab.tmpDir, 'r1.track');
    writeFileSync(file, '0\n');
    // a veth pair inside r1 stands for the tracked uplink (this kernel has no dummy driver)
    await lab.execOk('r1', 'ip', ['link', 'add', 'trk0', 'type', 'veth', 'peer', 'name', 'trk1']);
    await lab.execOk('r1', 'ip', ['link', 'set', 'trk1', 'up']);
    await lab.execOk('r1', 'ip', ['link', 'set', 'trk0', 'up']);
    const conf = (router: string, prio: number, extra: string) => `global_defs {
    router_id ${router}
}
${extra ? `track_file tf {\n    file ${file}\n    weight -1\n}` : ''}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 81
    priority ${prio}
    advert_int 1
${extra}
    virtual_ipaddress {
        ${vip}/24
    }
}
`;
    const a = startOurs(lab, 'r1', conf('r1', 150, '    track_file {\n        tf\n    }\n    track_interface {\n        trk0\n    }'));
    const b = startOurs(lab, 'r2', conf('r2', 100, ''));
    try {
      await waitForSoleHolder(lab, R, vip, 'r1', 15_000);
      writeFileSync(file, '70\n'); // 150 - 70 = 80 < 100
      await timeToHolder('r2', vip, performance.now());
      expect(a.log()).toContain('(VI_1) Changing effective priority from 150 to 80');
      writeFileSync(file, '0\n');
      await timeToHolder('r1', vip, performance.now());
      expect(a.log()).toContain('(VI_1) Changing effective priority from 80 to 150');
      const t0 = performance.now();
      await lab.execOk('r1', 'ip', ['link', 'set', 'trk0', 'down']);
      const ms = await timeToHolder('r2', vip, t0);
      console.log(`track_interface down -> VIP on r2: ${ms.toFixed(0)} ms`);
      expect(ms).toBeLessThan(2500); // FAULT sends priority 0: the backup takes over after Skew_Time
      expect(a.log()).toContain('(VI_1) Entering FAULT STATE');
      await lab.execOk('r1', 'ip', ['link', 'set', 'trk0', 'up']);
      await timeToHolder('r1', vip, performance.now());
    } finally {
      await stopAll(a, b);
      await lab.exec('r1', 'ip', ['link', 'del', 'trk0']);
    }
  }, 90_000);
});

describe('mixed pairs with Debian keepalived', () => {
  for (const ours of ['r1', 'r2'] as const) {
    it(`vrrp_script failure moves the VIP from ${ours === 'r1' ? 'keepalived-ts to keepalived' : 'keepalived to keepalived-ts'} and back`, async () => {
      const vip = lab.vip4(ours === 'r1' ? 231 : 232);
      const { path: chk, flag } = checkScript('r1');
      rmSync(flag, { force: true });
      const c1 = scriptConf({ router: 'r1', prio: 150, chk, vip });
      const c2 = scriptConf({ router: 'r2', prio: 100, chk: checkScript('r2').path, vip });
      const a = ours === 'r1' ? startOurs(lab, 'r1', c1) : startKeepalived(lab, 'r1', c1);
      const b = ours === 'r2' ? startOurs(lab, 'r2', c2) : startKeepalived(lab, 'r2', c2);
      try {
        await waitForSoleHolder(lab, R, vip, 'r1', 15_000);
        const t0 = performance.now();
        writeFileSync(flag, '');
        const ms = await timeToHolder('r2', vip, t0);
        console.log(`mixed (${ours} is keepalived-ts): script failure -> VIP on r2 in ${ms.toFixed(0)} ms`);
        expect(a.log()).toContain('VRRP_Script(chk) failed');
        expect(a.log()).toContain('(VI_1) Changing effective priority from 150 to 90');
        rmSync(flag);
        await timeToHolder('r1', vip, performance.now());
        await sleep(2500);
        expect((await lab.addressesOf('r2')).includes(vip)).toBe(false);
      } finally {
        await stopAll(a, b);
      }
    }, 90_000);
  }
});

/** Gaps in ms between consecutive adverts from `src` in a capture (IPv4 VRRP frames). */
function advertGaps(file: string, src: string): number[] {
  const ts = readPcapRecords(readFileSync(file))
    .filter((r) => r.frame.readUInt16BE(12) === 0x0800 && r.frame[14 + 9] === 112 && [...r.frame.subarray(26, 30)].join('.') === src)
    .map((r) => r.tsMs);
  return ts.slice(1).map((t, i) => t - ts[i]!);
}

describe('bad input around the trackers and notifiers never delays adverts', () => {
  it('hanging, forking, missing and non-executable scripts, a FIFO nobody reads and an unreachable SMTP server: each logged with its reason, adverts on time', async () => {
    const vip = lab.vip4(241);
    const pgidFile = join(lab.tmpDir, 'bomb.pgid');
    const hang = script('hang.sh', 'exec sleep 30');
    const bomb = script('bomb.sh', `echo $$ > ${pgidFile}\nfor i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do sleep 60 & done\nsleep 60`);
    const noexec = join(lab.tmpDir, 'noexec.sh');
    writeFileSync(noexec, '#!/bin/sh\nexit 0\n');
    chmodSync(noexec, 0o644);
    const missing = join(lab.tmpDir, 'no-such-dir', 'chk.sh');
    const hangNotify = script('hang-notify.sh', 'exec sleep 3600');
    const conf = `global_defs {
    router_id r1
    vrrp_notify_fifo ${join(lab.tmpDir, 'nobody.fifo')}
    notification_email {
        ops@lab.test
    }
    smtp_server ${lab.vip4(250)} 25
    smtp_connect_timeout 2
}
${[['hang', hang], ['bomb', bomb], ['noexec', noexec], ['missing', missing]].map(([n, p]) => `vrrp_script ${n} {
    script "${p}"
    interval 2
    timeout 1
    weight -10
}`).join('\n')}
vrrp_instance VI_1 {
    state MASTER
    interface eth0
    virtual_router_id 91
    priority 150
    advert_int 1
    track_script {
        hang
        bomb
        noexec
        missing
    }
    notify_master "${hangNotify}"
    smtp_alert
    virtual_ipaddress {
        ${vip}/24
    }
}
`;
    const a = startOurs(lab, 'r1', conf);
    let cap: Awaited<ReturnType<Lab['capture']>> | undefined;
    try {
      await waitForSoleHolder(lab, R, vip, 'r1', 15_000);
      cap = await lab.capture('c', 'eth0', ['ip', 'proto', '112']);
      await sleep(8000);
      const file = await cap.stop();
      cap = undefined;
      const log = a.log();
      expect(log).toContain('VRRP_Script(hang) timed_out');
      expect(log).toContain('VRRP_Script(bomb) timed_out');
      expect(log).toContain(`VRRP_Script(noexec) failed (cannot execute ${noexec}: Permission denied)`);
      expect(log).toContain(`VRRP_Script(missing) failed (cannot execute ${missing}: No such file or directory)`);
      expect(log).toMatch(/\(VI_1\) Changing effective priority from \d+ to 110/); // 150 - 4 x 10
      expect(log).toContain(`Timeout connecting SMTP server [${lab.vip4(250)}]:25.`);
      // the timed-out fork bomb went with its whole process group
      const pgid = readFileSync(pgidFile, 'utf8').trim();
      await waitFor(async () => (await lab.exec('r1', 'pgrep', ['-g', pgid])).stdout.trim() === '', { timeoutMs: 5000, what: `process group ${pgid} gone` });
      // adverts kept their 1 s rhythm: no gap more than 10 % of advert_int late
      const gaps = advertGaps(file, lab.ip4('r1'));
      console.log(`advert gaps under bad input: n=${gaps.length} max=${Math.max(...gaps).toFixed(1)} ms min=${Math.min(...gaps).toFixed(1)} ms`);
      expect(gaps.length).toBeGreaterThanOrEqual(6);
      expect(Math.max(...gaps)).toBeLessThan(1100);
      expect(log).not.toContain('A thread timer expired');
    } finally {
      await cap?.stop();
      await stopAll(a);
    }
    // the hung notify script was killed at shutdown: no orphan left
    expect((await lab.exec('r1', 'pgrep', ['-f', join(lab.tmpDir, 'hang-notify.sh')])).stdout.trim()).toBe('');
  }, 90_000);
});

describe('reload, script_user and vrrp_track_process in the daemon', () => {
  it('the FIFO reader survives SIGHUP and gets the states again; scripts run as script_user; a tracked process moves the priority', async () => {
    const vip = lab.vip4(251);
    const open = mkdtempSync(join(tmpdir(), 'i7t-open-'));
    chmodSync(open, 0o755);
    const who = join(open, 'who');
    writeFileSync(who, '');
    chmodSync(who, 0o666);
    const whoami = join(open, 'whoami.sh');
    writeFileSync(whoami, `#!/bin/sh\nid -un > ${who}\n`);
    chmodSync(whoami, 0o755);
    const procBin = join(open, 'trkproc_i7t');
    copyFileSync('/bin/sleep', procBin);
    chmodSync(procBin, 0o755);
    const fifoOut = join(lab.tmpDir, 'fifo-reload.out');
    const reader = script('fifo-reader2.sh', `while read -r line; do echo "$line" >> ${fifoOut}; done < "$1"`);
    const conf = `global_defs {
    router_id r1
    script_user nobody
    vrrp_notify_fifo ${join(lab.tmpDir, 'reload.fifo')}
    vrrp_notify_fifo_script ${reader} root
    fifo_write_vrrp_states_on_reload
}
vrrp_script whoami {
    script "${whoami}"
    interval 1
}
vrrp_track_process tp {
    process trkproc_i7t
    weight 20
}
vrrp_instance VI_1 {
    state MASTER
    interface eth0
    virtual_router_id 95
    priority 100
    advert_int 1
    track_script {
        whoami
    }
    track_process {
        tp
    }
    virtual_ipaddress {
        ${vip}/24
    }
}
`;
    const a = startOurs(lab, 'r1', conf);
    let proc: LabProcess | undefined;
    try {
      await waitForSoleHolder(lab, R, vip, 'r1', 15_000);
      await waitFor(() => readFileSync(who, 'utf8').trim() === 'nobody', { timeoutMs: 5000, what: 'the script ran as nobody' });
      await waitFor(() => lines(fifoOut).includes('INSTANCE "VI_1" MASTER 100'), { timeoutMs: 5000, what: 'MASTER on the FIFO' });
      const readerPids = async () => (await lab.exec('r1', 'pgrep', ['-f', reader])).stdout.trim();
      const before = await readerPids();
      expect(before).not.toBe('');
      // a process named trkproc_i7t appears: quorum 1 reached, +20
      proc = lab.spawn('r1', procBin, ['600']);
      await waitFor(() => a.log().includes('(VI_1) Changing effective priority from 100 to 120'), { timeoutMs: 5000, what: 'priority 120 with the process' });
      await proc.stop();
      proc = undefined;
      await waitFor(() => a.log().includes('(VI_1) Changing effective priority from 120 to 100'), { timeoutMs: 5000, what: 'priority back to 100' });
      // SIGHUP with the same config: the reader keeps running and the states are written again
      const n = lines(fifoOut).length;
      const logBefore = a.log().length;
      process.kill(a.pid, 'SIGHUP');
      await waitFor(() => lines(fifoOut).length > n, { timeoutMs: 10_000, what: 'states written on reload' });
      expect(lines(fifoOut).slice(n)).toEqual(['INSTANCE "VI_1" MASTER 100']);
      expect(await readerPids()).toBe(before);
      expect(a.log().slice(logBefore)).toContain('Reloading');
      expect(a.log().slice(logBefore)).not.toMatch(/Entering (BACKUP|FAULT) STATE/);
    } finally {
      await proc?.stop();
      await stopAll(a);
      rmSync(open, { recursive: true, force: true });
    }
  }, 60_000);
});
