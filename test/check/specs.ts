// Small builders for engine input in tests, with keepalived's defaults unless overridden.
import type { CheckerSpec, CheckerTiming, ConnOpts, RealServerSpec, VirtualServerSpec } from '../../src/check/types.js';

export const timing = (o: Partial<CheckerTiming> = {}): CheckerTiming => ({
  delayLoopMs: 60_000, warmupMs: 0, retry: 1, delayBeforeRetryMs: 1_000, alpha: false, logAllFailures: false, ...o,
});

export const conn = (ip: string, port: number, o: Partial<ConnOpts> = {}): ConnOpts => ({ connectIp: ip, connectPort: port, connectTimeoutMs: 5_000, ...o });

export const tcpCheck = (ip: string, port: number, t: Partial<CheckerTiming> = {}, c: Partial<ConnOpts> = {}): CheckerSpec => ({
  type: 'TCP_CHECK', conn: conn(ip, port, c), ...timing(t),
});

export const rs = (ip: string, port: number, checkers: CheckerSpec[], o: Partial<RealServerSpec> = {}): RealServerSpec => ({
  ip, port, weight: 1, inhibitOnFailure: false, smtpAlert: false, checkers, ...o,
});

export const vs = (ip: string, port: number, realServers: RealServerSpec[], o: Partial<VirtualServerSpec> = {}): VirtualServerSpec => ({
  addr: { kind: 'ip', ip, port }, protocol: 'tcp', quorum: 1, hysteresis: 0, omega: false, smtpAlert: false, realServers, ...o,
});
