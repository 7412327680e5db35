// Dispatch a runProbe action to its adapter. Every probe resolves (never rejects) within its timeout.
import type { CheckerSpec, ProbeResult } from '../types.js';
import { probeDns } from './dns.js';
import { probeFile } from './file.js';
import { probeHttp } from './http.js';
import { probeMisc } from './misc.js';
import { probePing } from './ping.js';
import { probeSmtp } from './smtp.js';
import { probeTcp } from './tcp.js';
import { probeUdp } from './udp.js';

export const BFD_NOT_SUPPORTED = 'BFD_CHECK is not supported by keepalived-ts (no BFD process)';

export async function runProbe(spec: CheckerSpec, urlIndex?: number, signal?: AbortSignal): Promise<ProbeResult> {
  try {
    switch (spec.type) {
      case 'HTTP_GET':
      case 'SSL_GET':
        return await probeHttp(spec, urlIndex ?? 0, signal);
      case 'TCP_CHECK':
        return await probeTcp(spec, signal);
      case 'MISC_CHECK':
        return await probeMisc(spec, signal);
      case 'UDP_CHECK':
        return await probeUdp(spec, signal);
      case 'DNS_CHECK':
        return await probeDns(spec, signal);
      case 'SMTP_CHECK':
        return await probeSmtp(spec, signal);
      case 'PING_CHECK':
        return await probePing(spec, signal);
      case 'FILE_CHECK':
        return await probeFile(spec);
      case 'BFD_CHECK':
        return { ok: false, reason: BFD_NOT_SUPPORTED };
    }
  } catch (err) {
    return { ok: false, reason: 'failed', logs: [`${spec.type} probe error: ${(err as Error).message}`] };
  }
}
