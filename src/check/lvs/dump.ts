// SIGUSR1 body of keepalived_check.data: the LVS topology part of keepalived's dump_data_check()
// (check_data.c dump_vs/dump_rs line texts), with the engine's live state and what is in IPVS.
import type { CheckerPlan, LvsDest } from '../config-map.js';
import { destFor, destKey, serviceKey } from '../config-map.js';
import type { Table } from '../ipvs-sync.js';
import type { CheckRunner } from '../runner.js';

type Snapshot = ReturnType<CheckRunner['snapshot']>;

const FWD_TEXT: Record<LvsDest['fwdMethod'], string> = { masq: 'NAT', droute: 'DR', tunnel: 'TUN', local: 'LOCAL', bypass: 'BYPASS' };
const onOff = (b: boolean): string => (b ? 'ON' : 'OFF');
const secs = (ms: number): string => String(ms / 1000);

export function dumpCheckData(plan: CheckerPlan, snapshot: Snapshot, table: Table | undefined): string {
  const out: string[] = ['------< LVS Topology >------'];
  plan.virtualServers.forEach((vs, vi) => {
    const a = vs.spec.addr;
    const svc0 = vs.services[0];
    const live = snapshot[vi];
    out.push(' ------< Virtual server >------');
    if (a.kind === 'group') out.push(` VS GROUP = [${a.name}]:${a.port}`);
    else if (a.kind === 'fwmark') out.push(` VS FWMARK = ${a.fwmark}`);
    else out.push(` VS VIP = ${a.ip}, VPORT = ${a.port}`);
    if (svc0) {
      out.push(`   lvs_sched = ${svc0.scheduler}`);
      out.push(`   Hashed = ${svc0.flags.hashed ? 'en' : 'dis'}abled`);
      out.push(`   One packet scheduling = ${svc0.flags.onePacket ? 'en' : 'dis'}abled`);
      if (svc0.flags.persistent) out.push(`   persistence timeout = ${svc0.timeoutSec}`);
    }
    out.push(`   protocol = ${vs.spec.protocol.toUpperCase()}`);
    out.push(`   omega is ${onOff(vs.spec.omega)}`);
    out.push(`   quorum = ${vs.spec.quorum}, hysteresis = ${vs.spec.hysteresis}`);
    if (vs.spec.haSuspend) out.push('   Using HA suspend');
    out.push(`   Using smtp notification = ${vs.spec.smtpAlert ? 'yes' : 'no'}`);
    if (vs.spec.sorryServer) {
      out.push(`   sorry server = [${vs.spec.sorryServer.ip}]:${vs.spec.sorryServer.port}`);
      out.push(`     Inhibit on failure is ${onOff(vs.spec.sorryServer.inhibit)}`);
    }
    out.push(`   quorum_state_up = ${live?.quorumUp ? 1 : 0}`);
    for (const svc of vs.services) out.push(`   IPVS service ${serviceKey(svc)} ${table?.has(serviceKey(svc)) ? 'present' : 'absent'}`);
    vs.spec.realServers.forEach((rs, ri) => {
      const d = vs.realServers[ri]!;
      const state = live?.rs[ri];
      const w = state?.weight ?? rs.weight;
      out.push('   ------< Real server >------');
      out.push(`   RIP = ${rs.ip}, RPORT = ${rs.port}, WEIGHT = ${Math.max(0, w)} EFF WEIGHT = ${w}`);
      out.push(`   ${FWD_TEXT[d.fwdMethod]}`);
      out.push(`   connection limit range = ${d.lowerThreshold} -> ${d.upperThreshold}`);
      out.push(`   Inhibit on failure is ${onOff(rs.inhibitOnFailure)}`);
      if (rs.notifyUp) out.push(`     RS up notify script = ${rs.notifyUp.join(' ')}`);
      if (rs.notifyDown) out.push(`     RS down notify script = ${rs.notifyDown.join(' ')}`);
      out.push(`   Using smtp notification = ${rs.smtpAlert ? 'yes' : 'no'}`);
      out.push(`   initial weight = ${rs.weight}`);
      out.push(`   effective weight = ${w}`);
      out.push(`   alive = ${state?.alive ? 1 : 0}`);
      out.push(`   num failed checkers = ${state ? state.checkersUp.filter((u) => !u).length : 0}`);
      out.push(`   RS set = ${state?.set ? 1 : 0}`);
      for (const c of rs.checkers) {
        const delay = 'delayLoopMs' in c ? `, delay_loop ${secs(c.delayLoopMs)}` : '';
        out.push(`   Checker ${c.type}${delay}`);
      }
      const inTable = vs.services.filter((svc) => table?.get(serviceKey(svc))?.dests.has(destKey(destFor(svc, vs, d, 0)))).length;
      out.push(`   IPVS entries = ${inTable}/${vs.services.length}`);
    });
  });
  return `${out.join('\n')}\n`;
}
