// config-map: keepalived configs (the shared corpus and small inline ones) → engine specs and IPVS records,
// with the values keepalived's ipvs_set_srule/ipvs_set_drule/ipvs_group_cmd would send.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { destFor, expandRange, granularityNetmask, mapConfig, serviceKey } from '../../src/check/config-map.js';
import { loadConfig } from '../../src/config/load.js';

const CORPUS = '/work/shared/corpus';

function corpus(name: string) {
  const r = loadConfig({ file: `${CORPUS}/${name}` });
  if (r.missing) throw new Error(`corpus file ${name} missing`);
  return { cfg: r.config, plan: mapConfig(r.config) };
}

function inline(text: string) {
  const dir = mkdtempSync(join(tmpdir(), 'kts-checkd-map-'));
  const file = join(dir, 'keepalived.conf');
  writeFileSync(file, text);
  let r: ReturnType<typeof loadConfig>;
  try {
    r = loadConfig({ file });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(errors.map((d) => d.message).join('\n'));
  return mapConfig(r.config);
}

describe('corpus configs', () => {
  it('virtual_server_group: every range address and fwmark becomes a service (ipvs_group_cmd order)', () => {
    const { plan } = corpus('keepalived.conf.virtual_server_group');
    const vs = plan.virtualServers.find((v) => v.spec.addr.kind === 'group')!;
    expect(vs.spec.addr).toEqual({ kind: 'group', name: 'VSG_1', port: 0 });
    const keys = vs.services.map(serviceKey);
    expect(keys).toEqual([
      'tcp:[10.0.0.1]:8080', 'tcp:[10.0.0.2]:80', 'tcp:[192.168.200.1]:1358',
      ...[3, 4, 5, 6, 7, 8, 9, 10].map((n) => `tcp:[192.168.200.${n}]:80`),
      'fwm:inet:1', 'fwm:inet:2',
    ]);
    for (const s of vs.services) {
      expect(s.scheduler).toBe('rr');
      expect(s.flags.persistent).toBe(true);
      expect(s.timeoutSec).toBe(50);
      expect(s.netmask).toBe(0xffffffff);
    }
    // NAT real servers keep their own port in every member service.
    const d = vs.realServers[0]!;
    expect(d.fwdMethod).toBe('masq');
    expect(vs.services.map((s) => destFor(s, vs, d, 1).port)).toEqual(vs.services.map(() => 1358));
    expect(vs.spec.realServers[0]!.checkers[0]).toMatchObject({ type: 'HTTP_GET', retry: 3, delayBeforeRetryMs: 3000, delayLoopMs: 6000, conn: { connectIp: '192.168.200.1', connectPort: 1358, connectTimeoutMs: 3000 } });
  });

  it('fwmark: a protocol-less kernel service keyed by mark', () => {
    const { plan } = corpus('keepalived.conf.fwmark');
    const vs = plan.virtualServers[0]!;
    expect(vs.spec.addr).toEqual({ kind: 'fwmark', fwmark: 1 });
    expect(vs.services).toHaveLength(1);
    expect(vs.services[0]).toMatchObject({ family: 'inet', fwmark: 1, scheduler: 'rr', timeoutSec: 900 });
    expect(vs.services[0]!.protocol).toBeUndefined();
    expect(vs.realServers.map((d) => d.address)).toEqual(['192.168.201.100', '192.168.201.101']);
  });

  it('quorum: quorum, hysteresis, alpha/omega, connect_port; a missing quorum script is disabled with keepalived\'s message', () => {
    const { cfg, plan } = corpus('keepalived.conf.quorum');
    const ast = cfg.virtualServers[0]!;
    const vs = plan.virtualServers[0]!;
    expect(vs.spec.quorum).toBe(ast.quorum);
    expect(vs.spec.hysteresis).toBe(2);
    expect(vs.spec.omega).toBe(true);
    expect(vs.services[0]).toMatchObject({ scheduler: 'wrr', timeoutSec: 900, address: '10.0.1.1', port: 80, protocol: 'tcp' });
    for (const rs of vs.spec.realServers) {
      expect(rs.checkers[0]).toMatchObject({ type: 'TCP_CHECK', alpha: true, conn: { connectIp: rs.ip, connectPort: 80, connectTimeoutMs: 3000 } });
    }
    expect(vs.spec.quorumUp).toBeUndefined();
    expect(plan.logs).toContain('Script /usr/local/sbin/quorum-up.sh cannot be accessed - No such file or directory');
  });

  it('inhibit: inhibit_on_failure reaches the engine', () => {
    const { plan } = corpus('keepalived.conf.inhibit');
    const rs = plan.virtualServers[0]!.spec.realServers[0]!;
    expect(rs).toMatchObject({ ip: '192.168.200.2', port: 1358, weight: 1, inhibitOnFailure: true });
  });

  it('every corpus config with virtual servers maps without throwing, one engine VS per virtual_server', () => {
    const files = ['keepalived.conf.sample', 'keepalived.conf.HTTP_GET.port', 'keepalived.conf.IPv6', 'keepalived.conf.SMTP_CHECK', 'keepalived.conf.SSL_GET',
      'keepalived.conf.UDP_CHECK', 'keepalived.conf.misc_check', 'keepalived.conf.misc_check_arg', 'keepalived.conf.status_code', 'keepalived.conf.virtualhost', 'keepalived.conf.PING_CHECK'];
    for (const f of files) {
      const { cfg, plan } = corpus(f);
      expect(plan.virtualServers.length, f).toBe(cfg.virtualServers.length);
      expect(plan.virtualServers.length, f).toBeGreaterThan(0);
      for (const v of plan.virtualServers) expect(v.realServers.length, f).toBe(v.spec.realServers.length);
    }
  });

  it('IPv6 services get the /128 netmask', () => {
    const { plan } = corpus('keepalived.conf.IPv6');
    const v6 = plan.virtualServers.flatMap((v) => v.services).filter((s) => s.family === 'inet6');
    expect(v6.length).toBeGreaterThan(0);
    for (const s of v6) expect(s.netmask).toBe(128);
  });
});

describe('inline configs', () => {
  it('flags, granularity, tunnel options, thresholds and the sorry server', () => {
    const plan = inline(`
virtual_server 10.1.0.1 53 {
  protocol UDP
  lb_algo sh
  sh-port
  sh-fallback
  ops
  lb_kind TUN
  persistence_timeout 60
  persistence_granularity 255.255.255.0
  sorry_server 10.1.0.9 53
  sorry_server_inhibit
  real_server 10.1.0.2 53 {
    weight 7
    uthreshold 100
    lthreshold 5
    lvs_method TUN type gue port 6080 csum
  }
}
virtual_server 10.1.0.1 80 {
  lb_algo mh
  mh-port
  lb_kind DR
  real_server 10.1.0.3 80 {
  }
}`);
    const [udp, dr] = plan.virtualServers;
    expect(udp!.services[0]).toMatchObject({
      protocol: 'udp', scheduler: 'sh', timeoutSec: 60, netmask: 0xffffff00,
      flags: { persistent: true, onePacket: true, schedFallback: true, schedPort: true, sched3: false, hashed: false },
    });
    expect(udp!.realServers[0]).toMatchObject({ fwdMethod: 'tunnel', tunType: 'gue', tunPort: 6080, tunFlags: { csum: true, remcsum: false }, upperThreshold: 100, lowerThreshold: 5 });
    expect(udp!.spec.realServers[0]!.weight).toBe(7);
    expect(udp!.sorry).toMatchObject({ address: '10.1.0.9', port: 53, fwdMethod: 'tunnel' });
    expect(udp!.spec.sorryServer).toEqual({ ip: '10.1.0.9', port: 53, inhibit: true });
    expect(dr!.services[0]).toMatchObject({ scheduler: 'mh', flags: { schedPort: true, schedFallback: false, persistent: false }, timeoutSec: 0 });
    expect(dr!.realServers[0]!.fwdMethod).toBe('droute');
    // No checker: keepalived puts the server in at start and never checks it.
    expect(dr!.spec.realServers[0]!.checkers).toEqual([]);
  });

  it('group members with DR take the member service\'s port (ipvs_group_cmd), fwmark members port 0', () => {
    const plan = inline(`
virtual_server_group G {
  10.2.0.1-3 443
  fwmark 5
}
virtual_server group G {
  lb_kind DR
  protocol TCP
  real_server 10.2.0.9 8443 {
  }
}`);
    const vs = plan.virtualServers[0]!;
    expect(vs.services.map(serviceKey)).toEqual(['tcp:[10.2.0.1]:443', 'tcp:[10.2.0.2]:443', 'tcp:[10.2.0.3]:443', 'fwm:inet:5']);
    expect(vs.services.map((s) => destFor(s, vs, vs.realServers[0]!, 1).port)).toEqual([443, 443, 443, 0]);
  });

  it('MISC_CHECK paths are resolved as check_script_secure; FILE_CHECK reads its track_file', () => {
    const plan = inline(`
track_file TF {
  file /tmp/kts-checkd-weight
  weight 2
}
virtual_server 10.3.0.1 80 {
  real_server 10.3.0.2 80 {
    MISC_CHECK {
      misc_path "true --flag"
      misc_dynamic
    }
    FILE_CHECK {
      track_file TF
    }
  }
}`);
    const [misc, file] = plan.virtualServers[0]!.spec.realServers[0]!.checkers;
    expect(misc).toMatchObject({ type: 'MISC_CHECK', miscDynamic: true });
    expect((misc as { miscPath: string[] }).miscPath[0]).toMatch(/^\/.*\/true$/);
    expect((misc as { miscPath: string[] }).miscPath.slice(1)).toEqual(['--flag']);
    expect(plan.logs.some((l) => l.includes('resolved by path search'))).toBe(true);
    expect(file).toMatchObject({ type: 'FILE_CHECK', trackFileName: 'TF', filePath: '/tmp/kts-checkd-weight', weight: 2, reverse: false });
  });
});

describe('helpers', () => {
  it('expandRange walks IPv4 and IPv6 ranges and stays bounded', () => {
    expect(expandRange('10.0.0.254', '10.0.1.1', 'inet')).toEqual(['10.0.0.254', '10.0.0.255', '10.0.1.0', '10.0.1.1']);
    expect(expandRange('2001:db8::fe', '2001:db8::101', 'inet6')).toEqual(['2001:db8::fe', '2001:db8::ff', '2001:db8::100', '2001:db8::101']);
    expect(expandRange('10.0.0.5', '10.0.0.1', 'inet')).toEqual([]);
    expect(expandRange('0.0.0.0', '255.255.255.255', 'inet')).toHaveLength(65536);
  });

  it('granularityNetmask: dotted IPv4 masks as numbers, IPv6 prefix lengths', () => {
    expect(granularityNetmask('255.255.255.0', 'inet')).toBe(0xffffff00);
    expect(granularityNetmask(undefined, 'inet')).toBe(0xffffffff);
    expect(granularityNetmask('64', 'inet6')).toBe(64);
    expect(granularityNetmask(undefined, 'inet6')).toBe(128);
  });
});
