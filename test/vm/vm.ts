// A throwaway qemu guest running Debian's own kernel (which ships ip_vs as
// modules), with the host's / shared read-only over 9p and chrooted into, so
// node, ipvsadm and keepalived run from their usual paths. One boot serves
// many scripts: the guest polls a writable 9p-shared directory for numbered
// command files and writes stdout/stderr/exit code back next to them.
// Facts this relies on: /work/shared/reference/ipvs-vm.md.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync, rmSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createHash } from 'node:crypto';

export const VM_CACHE_DIR = '/var/tmp/keepalived-ts-vm';

/** Modules the guest loads, in this order (crc32c_generic first: libcrc32c needs it, see ipvs-vm.md). */
export const VM_MODULES = [
  'crc32c_generic',
  'ip_vs',
  ...['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh'].map((s) => `ip_vs_${s}`),
  'virtio_pci',
  '9pnet_virtio',
  '9p',
] as const;

export interface BootVmOptions {
  /** Short name for the run directory and logs (unique per test file). */
  name: string;
  /** Kernel version under /boot and /lib/modules; default: newest with ip_vs.ko. */
  kernelVersion?: string;
  /** Directory shared read-only at the same path inside the guest; default: process.cwd(). */
  projectDir?: string;
  memoryMb?: number;
  /** vCPUs (qemu -smp); default 1. With TCG, qemu runs one host thread per vCPU (MTTCG). */
  cpus?: number;
  /** Boot deadline (kernel + modules + 9p mounts). */
  bootTimeoutMs?: number;
}

export interface VmRunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  durationMs: number;
}

export interface Vm {
  readonly kernelVersion: string;
  readonly accel: 'kvm' | 'tcg';
  /** Milliseconds from spawning qemu to the guest's ready file. */
  readonly bootMs: number;
  /** PID of the qemu process (the only process stop() or a timeout kills). */
  readonly pid: number;
  /** Runs `script` with /bin/sh inside `chroot /host` (cwd: the project dir). */
  run(script: string, opts?: { timeoutMs?: number }): Promise<VmRunResult>;
  /** Powers the guest off; kills qemu by PID if it does not exit in time. Safe to call twice. */
  stop(): Promise<void>;
  /** Serial console output so far (kernel messages, init errors). */
  console(): string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Newest kernel that has both an image in /boot and ip_vs.ko. */
export function findKernelVersion(): string {
  const candidates = readdirSync('/boot')
    .filter((f) => f.startsWith('vmlinuz-'))
    .map((f) => f.slice('vmlinuz-'.length))
    .filter((v) => existsSync(`/lib/modules/${v}/kernel/net/netfilter/ipvs/ip_vs.ko`) ||
      existsSync(`/lib/modules/${v}/kernel/net/netfilter/ipvs/ip_vs.ko.xz`))
    .sort();
  const v = candidates.at(-1);
  if (!v) throw new Error('VM harness: no /boot/vmlinuz-* with ip_vs modules (install linux-image-amd64)');
  return v;
}

function requireTool(path: string, pkg: string): void {
  if (!existsSync(path)) throw new Error(`VM harness: ${path} missing (install ${pkg})`);
}

/** insmod order for our modules, dependencies first, as modprobe resolves them. */
function moduleLoadOrder(kver: string): string[] {
  const paths: string[] = [];
  for (const m of VM_MODULES) {
    const out = execFileSync('modprobe', ['-S', kver, '--show-depends', m], { encoding: 'utf8' });
    for (const line of out.split('\n')) {
      const match = /^insmod (\S+)/.exec(line);
      if (match && !paths.includes(match[1]!)) paths.push(match[1]!);
    }
  }
  return paths;
}

// /init of the initramfs (busybox sh). Loads modules, mounts the shares,
// then serves command files from /run9p until a "stop" file appears.
function initScript(modules: string[], projectDir: string, runDir: string): string {
  const insmods = modules.map((p) => `insmod ${p} || echo "init: insmod ${p} failed"`).join('\n');
  return `#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
${insmods}
mkdir -p /host
# cache=loose on the read-only shares: with cache=none every exec re-reads its
# binary into fresh pages, TCG re-translates it all, and a burst of execs left
# the guest stalled ~0.5 s per exec afterwards (measured: 60 ipvsadm runs).
mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose host /host || echo "init: mount host failed"
mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose proj /host${projectDir} || echo "init: mount proj failed"
mount -t 9p -o trans=virtio,version=9p2000.L,rw run /host${runDir} || echo "init: mount run failed"
mount --rbind /proc /host/proc; mount --rbind /sys /host/sys; mount --rbind /dev /host/dev
mount -t tmpfs tmpfs /host/tmp; mount -t tmpfs tmpfs /host/run
ip link set lo up
R=/host${runDir}
echo "KTSVM-READY"
touch $R/ready
n=0
while [ ! -e $R/stop ]; do
  if [ -e $R/cmd-$n.sh ]; then
    cat /proc/uptime >$R/t0-$n
    chroot /host /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \\
      /bin/sh -c "cd ${projectDir} && exec /bin/sh ${runDir}/cmd-$n.sh" >$R/out-$n 2>$R/err-$n </dev/null
    echo $? >$R/rc-$n.tmp; cat /proc/uptime >$R/t1-$n; mv $R/rc-$n.tmp $R/rc-$n
    n=$((n+1))
  else
    sleep 0.05
  fi
done
echo "KTSVM-STOP"
poweroff -f
`;
}

/** Builds (once per kernel version and module list) the initramfs; returns its path. */
function buildInitramfs(kver: string, projectDir: string, runDir: string): string {
  requireTool('/bin/busybox', 'busybox-static');
  const modules = moduleLoadOrder(kver);
  const cacheDir = join(VM_CACHE_DIR, kver);
  mkdirSync(cacheDir, { recursive: true });
  const key = createHash('sha256').update(modules.join('\n')).digest('hex').slice(0, 12);
  const image = join(cacheDir, `modules-${key}.cpio.gz`);
  if (!existsSync(image)) {
    // The static part (busybox + modules + indexes) is cached; /init is appended per VM
    // as a second cpio archive (the kernel unpacks concatenated archives in order).
    const root = join(cacheDir, `root.${process.pid}`);
    rmSync(root, { recursive: true, force: true });
    for (const d of ['bin', 'proc', 'sys', 'dev', 'host', `lib/modules/${kver}`]) mkdirSync(join(root, d), { recursive: true });
    execFileSync('cp', ['/bin/busybox', join(root, 'bin/busybox')]);
    for (const p of modules) {
      mkdirSync(join(root, p, '..'), { recursive: true });
      execFileSync('cp', [p, join(root, p)]);
    }
    for (const f of readdirSync(`/lib/modules/${kver}`).filter((f) => f.startsWith('modules.'))) {
      execFileSync('cp', [`/lib/modules/${kver}/${f}`, join(root, 'lib/modules', kver, f)]);
    }
    const tmp = `${image}.${process.pid}`;
    execFileSync('/bin/sh', ['-c', `cd "${root}" && find . | cpio -o -H newc --quiet | gzip -1 > "${tmp}"`]);
    renameSync(tmp, image);
    rmSync(root, { recursive: true, force: true });
  }
  const initDir = join(runDir, 'initroot');
  mkdirSync(initDir, { recursive: true });
  writeFileSync(join(initDir, 'init'), initScript(modules, projectDir, runDir), { mode: 0o755 });
  const initCpio = join(runDir, 'init.cpio');
  execFileSync('/bin/sh', ['-c', `cd "${initDir}" && echo init | cpio -o -H newc --quiet > "${initCpio}"`]);
  const combined = join(runDir, 'initramfs.img');
  // The kernel only finds the second archive at a 4-byte aligned offset; zeros between are skipped.
  const first = readFileSync(image);
  const pad = Buffer.alloc((4 - (first.length % 4)) % 4);
  writeFileSync(combined, Buffer.concat([first, pad, readFileSync(initCpio)]));
  return combined;
}

function qemuArgs(accel: 'kvm' | 'tcg', kver: string, initrd: string | null, memoryMb: number, shares: string[], cpus = 1): string[] {
  const args = [
    '-accel', accel, '-cpu', accel === 'kvm' ? 'host' : 'max', '-m', String(memoryMb), '-smp', String(cpus),
    '-nic', 'none', '-nographic', '-no-reboot',
    '-kernel', `/boot/vmlinuz-${kver}`,
    '-append', 'console=ttyS0 panic=-1 quiet loglevel=3',
  ];
  if (initrd) args.push('-initrd', initrd);
  for (const s of shares) args.push('-virtfs', s);
  return args;
}

// KVM hangs at "Booting from ROM" on this kind of host (ipvs-vm.md): use it
// only if a 4 s probe boot prints the kernel banner. Result cached per host.
function chooseAccel(kver: string): 'kvm' | 'tcg' {
  const probeFile = join(VM_CACHE_DIR, 'kvm-probe');
  if (existsSync(probeFile)) return readFileSync(probeFile, 'utf8').trim() === 'kvm' ? 'kvm' : 'tcg';
  let accel: 'kvm' | 'tcg' = 'tcg';
  if (existsSync('/dev/kvm')) {
    try {
      const out = execFileSync('timeout', ['-s', 'KILL', '4', 'qemu-system-x86_64',
        ...qemuArgs('kvm', kver, null, 256, []).map((a) => (a === 'console=ttyS0 panic=-1 quiet loglevel=3' ? 'console=ttyS0 panic=-1' : a))],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      if (out.includes('Linux version')) accel = 'kvm';
    } catch (e) {
      const out = String((e as { stdout?: string }).stdout ?? '');
      if (out.includes('Linux version')) accel = 'kvm';
    }
  }
  mkdirSync(VM_CACHE_DIR, { recursive: true });
  writeFileSync(probeFile, accel + '\n');
  return accel;
}

/** Boots a guest and waits until it serves commands. Throws (never skips) when qemu or the kernel is missing. */
export async function bootVm(opts: BootVmOptions): Promise<Vm> {
  requireTool('/usr/bin/qemu-system-x86_64', 'qemu-system-x86');
  const kver = opts.kernelVersion ?? findKernelVersion();
  requireTool(`/boot/vmlinuz-${kver}`, 'linux-image-amd64');
  const projectDir = resolve(opts.projectDir ?? process.cwd());
  if (projectDir.startsWith('/tmp/') || projectDir === '/tmp') {
    // The guest mounts a tmpfs over /tmp; the 9p mount point would be hidden.
    throw new Error(`VM harness: project dir ${projectDir} is under /tmp, which the guest hides; check out elsewhere`);
  }
  const runDir = join(VM_CACHE_DIR, 'run', `${opts.name}-${process.pid}-${Date.now()}`);
  mkdirSync(runDir, { recursive: true });
  const initrd = buildInitramfs(kver, projectDir, runDir);
  const accel = chooseAccel(kver);
  const shares = [
    'local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap',
    `local,path=${projectDir},mount_tag=proj,security_model=none,readonly=on,multidevs=remap`,
    `local,path=${runDir},mount_tag=run,security_model=none,multidevs=remap`,
  ];
  const started = Date.now();
  const child: ChildProcess = spawn('qemu-system-x86_64', qemuArgs(accel, kver, initrd, opts.memoryMb ?? 1024, shares, opts.cpus ?? 1), {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let serial = '';
  let exited = false;
  child.stdout!.on('data', (d: Buffer) => { serial += d.toString('utf8'); });
  child.stderr!.on('data', (d: Buffer) => { serial += d.toString('utf8'); });
  const exitPromise = new Promise<void>((r) => child.on('exit', () => { exited = true; r(); }));
  child.on('error', (e) => { serial += `\nspawn error: ${e.message}\n`; exited = true; });

  const kill = () => { if (!exited && child.pid) { try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ } } };
  const bootDeadline = started + (opts.bootTimeoutMs ?? 90_000);
  while (!existsSync(join(runDir, 'ready'))) {
    if (exited || Date.now() > bootDeadline) {
      kill();
      await exitPromise;
      rmSync(runDir, { recursive: true, force: true });
      throw new Error(`VM harness: guest ${opts.name} did not become ready (${exited ? 'qemu exited' : 'timeout'}); console:\n${serial.slice(-4000)}`);
    }
    await sleep(100);
  }
  const bootMs = Date.now() - started;
  let next = 0;
  let stopped = false;

  const run = async (script: string, runOpts?: { timeoutMs?: number }): Promise<VmRunResult> => {
    if (stopped) throw new Error('VM harness: run() after stop()');
    const n = next++;
    const t0 = Date.now();
    const tmp = join(runDir, `cmd-${n}.tmp`);
    writeFileSync(tmp, script);
    renameSync(tmp, join(runDir, `cmd-${n}.sh`));
    const deadline = t0 + (runOpts?.timeoutMs ?? 60_000);
    const rcFile = join(runDir, `rc-${n}`);
    while (!existsSync(rcFile)) {
      if (exited) throw new Error(`VM harness: guest died during command ${n}; console:\n${serial.slice(-4000)}`);
      if (Date.now() > deadline) {
        // The guest loop is serial: a hung command blocks it for good, so the VM goes.
        stopped = true;
        kill();
        await exitPromise;
        throw new Error(`VM harness: command ${n} timed out after ${runOpts?.timeoutMs ?? 60_000} ms; VM killed`);
      }
      await sleep(50);
    }
    // KTS_VM_DEBUG=1: guest-side duration (uptime around the chroot) vs host-side.
    const up = (f: string) => Number(readFileSync(join(runDir, f), 'utf8').split(' ')[0]) * 1000;
    if (process.env['KTS_VM_DEBUG']) console.log(`vm cmd ${n}: guest ${Math.round(up(`t1-${n}`) - up(`t0-${n}`))} ms, host ${Date.now() - t0} ms`);
    return {
      stdout: readFileSync(join(runDir, `out-${n}`), 'utf8'),
      stderr: readFileSync(join(runDir, `err-${n}`), 'utf8'),
      exitCode: Number(readFileSync(rcFile, 'utf8').trim()),
      durationMs: Date.now() - t0,
    };
  };

  const stop = async (): Promise<void> => {
    stopped = true;
    if (!exited) {
      writeFileSync(join(runDir, 'stop'), '');
      const timer = setTimeout(kill, 10_000);
      await exitPromise;
      clearTimeout(timer);
    }
    rmSync(runDir, { recursive: true, force: true });
  };

  return { kernelVersion: kver, accel, bootMs, pid: child.pid!, run, stop, console: () => serial };
}
