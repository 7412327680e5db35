// The harness itself: one boot, several commands, real exit codes and streams,
// the modules IPVS needs loaded, host tools visible through the chroot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootVm, type Vm } from './vm.js';

const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };

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

  // Last: a hung command costs the VM (the guest loop is serial), killed by PID.
  it('kills qemu when a command overruns its timeout', async () => {
    const pid = vm!.pid;
    expect(alive(pid)).toBe(true);
    await expect(vm!.run('sleep 30', { timeoutMs: 1500 })).rejects.toThrow(/command \d+ timed out after 1500 ms; VM killed/);
    expect(alive(pid)).toBe(false);
    await expect(vm!.run('true')).rejects.toThrow(/run\(\) after stop\(\)/);
  });
});

describe('bootVm preconditions', () => {
  it('throws (never skips) when the kernel image is missing', async () => {
    await expect(bootVm({ name: 'vmharness-nokernel', kernelVersion: '0.0.0-none' })).rejects.toThrow(
      '/boot/vmlinuz-0.0.0-none missing (install linux-image-amd64)');
  });
});
