// The harness itself: one boot, several commands, real exit codes and streams,
// the modules IPVS needs loaded, host tools visible through the chroot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootVm, type Vm } from './vm.js';

let vm: Vm | undefined;
beforeAll(async () => {
  vm = await bootVm({ name: 'vmharness' });
  console.log(`vm harness: boot ${vm.bootMs} ms (${vm.accel}, kernel ${vm.kernelVersion})`);
}, 180_000);
afterAll(async () => { await vm?.stop(); });

describe('VM harness', () => {
  it('runs scripts in the chroot and returns stdout, stderr and exit code', async () => {
    const r = await vm!.run('echo out; echo err >&2; uname -r; pwd; exit 7');
    expect(r.exitCode).toBe(7);
    expect(r.stdout).toBe(`out\n${vm!.kernelVersion}\n${process.cwd()}\n`);
    expect(r.stderr).toBe('err\n');
  });

  it('has IPVS (the Generic Netlink family and every scheduler) and ipvsadm', async () => {
    const r = await vm!.run('ipvsadm -Ln && cat /proc/net/ip_vs && lsmod | awk \'{print $1}\' | grep "^ip_vs" | sort');
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^IP Virtual Server version \d+\.\d+\.\d+ \(size=4096\)/);
    const mods = r.stdout.split('\n').filter((l) => l.startsWith('ip_vs'));
    expect(mods).toEqual(['ip_vs', ...['dh', 'fo', 'lblc', 'lblcr', 'lc', 'mh', 'nq', 'ovf', 'rr', 'sed', 'sh', 'wlc', 'wrr'].map((s) => `ip_vs_${s}`)]);
  });

  it('gives the guest a private /tmp and a loopback it may route on', async () => {
    const r = await vm!.run('touch /tmp/x && ls /tmp && ip route add 10.0.0.0/8 dev lo && ip -4 route show dev lo');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('x\n10.0.0.0/8 scope link \n');
  });
});
