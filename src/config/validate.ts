// Validation over the built AST, kept out of the grammar: keepalived's vrrp_complete_init()
// and vrrp_complete_instance() (vrrp/vrrp.c), validate_check_config() (check/check_data.c),
// VRID conflicts, references between blocks, and script security (core/notify.c).
// Afterwards every default is explicit in the config.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { KeepalivedConfig, Script, VirtualServer, VrrpInstance } from './ast.js';
import type { BuildCtx } from './build/context.js';
import type { InstanceDraft } from './build/vrrp.js';
import type { VsDraft } from './build/check.js';
import { trio, vsDisplay } from './build/check.js';
import { ConfigErr, type SourceLoc } from './diagnostics.js';

const PRIO_OWNER = 255;
const ETH_HDR = 14;
const IPV4_HDR = 20;
const IPV6_HDR = 40;
const VRRP_HDR = 8;
const VRRP_AUTH_LEN = 8;
const AH_HDR = 24;
const DEFAULT_MTU = 1500;

function interfaceMtu(ifname: string | undefined): number {
  if (!ifname) return DEFAULT_MTU;
  try { return Number(fs.readFileSync(`/sys/class/net/${ifname}/mtu`, 'utf8').trim()) || DEFAULT_MTU; } catch { return DEFAULT_MTU; }
}

/** vrrp_complete_instance(): returns false where keepalived's VRRP child would stop (exit 2). */
function completeInstance(ctx: BuildCtx, cfg: KeepalivedConfig, d: InstanceDraft, syncWeighted: boolean | undefined, missingScripts: ReadonlySet<string>): boolean {
  const v = d.inst;
  const u = d.unset;
  const g = cfg.global;
  const n = v.name;
  const loc = v.loc;
  v.strict = u.strict ?? g.vrrpStrict;
  v.family = u.familyFromConfig ?? 'inet';
  let version = u.version;
  if (v.family === 'inet6') {
    if (version === 2 && v.strict) { ctx.error(`(${n}) cannot use IPv6 with VRRP version 2; setting version 3`, loc); version = 3; }
    else version ??= 3;
  }
  v.version = version ?? (v.family === 'inet6' ? 3 : g.vrrpVersion);
  if (v.family === 'inet' && !u.ttlSet) v.unicastTtl = 255;

  if (!v.vips.length && (v.version === 3 || v.strict)) {
    ctx.error(`(${n}) No VIP specified; at least one is required`, loc);
    return false;
  }
  if (!v.vips.length) ctx.error(`(${n}) No VIP specified; at least one is sensible`, loc);

  // state MASTER without priority means address owner (vrrp.c: base_priority 0 -> 255 when wantstate MASTER)
  v.priority = u.priority ?? (u.state === 'MASTER' ? PRIO_OWNER : 100);
  if (u.priority === undefined && u.state === 'MASTER') {
    ctx.advise(`(${n}) state MASTER with no priority: keepalived makes this instance the address owner (priority 255)`, loc);
  }
  if (!u.state) v.state = v.priority === PRIO_OWNER ? 'MASTER' : 'BACKUP';
  else if (v.strict && (u.state === 'MASTER') !== (v.priority === PRIO_OWNER)) {
    ctx.error(`(${n}) State MASTER must match being address owner`, loc);
    v.state = v.priority === PRIO_OWNER ? 'MASTER' : 'BACKUP';
  } else v.state = u.state;

  if (v.auth && !v.auth.type) v.auth = undefined; // auth_pass with no auth_type
  if (v.strict && v.auth) { ctx.error(`(${n}) Strict mode does not support authentication. Ignoring.`, loc); v.auth = undefined; }
  else if (v.version === 3 && v.auth) { ctx.error(`(${n}) VRRP version 3 does not support authentication. Ignoring.`, loc); v.auth = undefined; }
  else if (v.auth && !v.auth.pass) { ctx.error(`(${n}) Authentication specified but no password given. Ignoring`, loc); v.auth = undefined; }
  else if (v.family === 'inet6' && v.auth?.type === 'AH') { ctx.error(`(${n}) Cannot use AH authentication with IPv6. ignoring`, loc); v.auth = undefined; }
  else if (v.auth?.type === 'AH' && v.state === 'MASTER' && v.priority !== PRIO_OWNER) {
    ctx.error(`(${n}) Initial state master is incompatible with AH authentication - clearing`, loc);
    v.state = 'BACKUP';
  }

  if (!v.interface) {
    if (!u.saddrFromConfig) { ctx.error(`(${n}): Unicast instances must have unicast_src_ip or interface`, loc); return false; }
    if (v.family === 'inet6' && /^fe80:/i.test(v.unicastSrcIp ?? v.mcastSrcIp ?? '')) { ctx.error(`(${n}) Non link-local address required if interface omitted`, loc); return false; }
  }
  if (u.unicastConfigured) {
    if (v.unicastPeers.length) v.unicast = true;
    else if (!v.unicastFaultNoPeer) ctx.error(`(${n}) A unicast keyword has been specified without any unicast peers. Defaulting to multicast. This usage is deprecated - please update your configuration.`, loc, ConfigErr.DEPRECATED);
  }
  if (v.strict && v.unicast && v.interface) { ctx.error(`(${n}) Unicast peers are not supported in strict mode`, loc); return false; }
  if (v.family === 'inet6' && !v.unicast && v.vips.length && !/^fe80:/i.test(v.vips[0]!.address)) {
    if (v.strict) ctx.error(`(${n}) the first IPv6 VIP address must be link local`, loc);
    else ctx.notice(`(${n}) the first IPv6 VIP address should be link local`, loc);
  }

  // Addresses beyond what fits in one advert become eVIPs (vrrp.c, VRRP_MAX_ADDR 255)
  const hdr = ETH_HDR + (v.family === 'inet' ? IPV4_HDR : IPV6_HDR) + VRRP_HDR + (v.family === 'inet' && v.version === 2 ? VRRP_AUTH_LEN + (v.auth?.type === 'AH' ? AH_HDR : 0) : 0);
  const maxAddr = Math.min(255, Math.floor((interfaceMtu(v.interface) - hdr) / (v.family === 'inet' ? 4 : 16)));
  if (v.vips.length > maxAddr) {
    ctx.error(`(${n}) Number of VIPs (${v.vips.length}) exceeds maximum/space available in packet (max ${maxAddr} addresses) - excess moved to eVIPs`, loc);
    v.evips.unshift(...v.vips.splice(maxAddr));
  }

  if (v.priority === PRIO_OWNER && v.nopreempt) { ctx.error(`(${n}) nopreempt is incompatible with priority 255. resetting nopreempt`, loc); v.nopreempt = false; }
  if (v.state === 'MASTER') {
    if (v.nopreempt) { ctx.error(`(${n}) Warning - nopreempt will not work with initial state MASTER - clearing`, loc); v.nopreempt = false; }
    if (v.preemptDelayMs) { ctx.error(`(${n}) Warning - preempt delay will not work with initial state MASTER - clearing`, loc); v.preemptDelayMs = 0; }
  }
  if (v.preemptDelayMs) {
    if (v.strict) { ctx.error(`(${n}) preempt_delay is incompatible with strict mode - resetting`, loc); v.preemptDelayMs = 0; }
    if (v.nopreempt) { ctx.error(`(${n}) preempt_delay is incompatible with nopreempt mode - resetting`, loc); v.preemptDelayMs = 0; }
  }
  v.downTimerAdverts = u.downTimerAdverts ?? g.vrrpDownTimerAdverts;
  if (v.downTimerAdverts !== 3 && v.strict) { ctx.error(`(${n}) down_timer_adverts is incompatible with strict mode - resetting`, loc); v.downTimerAdverts = 3; }

  v.accept = u.accept ?? (v.priority === PRIO_OWNER ? true : !v.strict);
  if (v.accept && v.priority !== PRIO_OWNER && v.strict && v.version === 2) {
    ctx.error(`(${n}) warning - accept mode for VRRP version 2 does not comply with RFC3768 - resetting`, loc);
    v.accept = false;
  }
  if (!v.accept) {
    ctx.advise(`(${n}) the VIPs will not answer traffic addressed to them: ${v.strict ? 'strict mode' : 'no_accept'} installs firewall drop rules (priority ${v.priority}, no 'accept') - keepalived issues #474, #2319`, loc);
  }
  if (v.unicast && v.mcastDstIp) { ctx.error(`(${n}) multicast destination specified with unicast - ignoring`, loc); v.mcastDstIp = undefined; }
  if (!v.unicast && !v.mcastDstIp) v.mcastDstIp = v.family === 'inet' ? g.vrrpMcastGroup4 : g.vrrpMcastGroup6;

  // GARP settings: instance values, else global ones (lower-prio ones are 0 in strict mode)
  v.garp = {
    masterDelayS: u.garp.masterDelayS ?? g.garp.masterDelayS,
    masterRepeat: u.garp.masterRepeat ?? g.garp.masterRepeat,
    masterRefreshS: u.garp.masterRefreshS ?? g.garp.masterRefreshS,
    masterRefreshRepeat: u.garp.masterRefreshRepeat ?? g.garp.masterRefreshRepeat,
    lowerPrioDelayS: u.garp.lowerPrioDelayS ?? (v.strict ? 0 : g.garp.lowerPrioDelayS),
    lowerPrioRepeat: u.garp.lowerPrioRepeat ?? (v.strict ? 0 : g.garp.lowerPrioRepeat),
  };
  if (v.strict && u.garp.lowerPrioRepeat) { ctx.error(`(${n}) Strict mode requires no repeat garps. resetting`, loc); v.garp.lowerPrioRepeat = 0; }
  if (v.strict && u.garp.lowerPrioDelayS) { ctx.error(`(${n}) Strict mode requires no repeat garp delay. resetting`, loc); v.garp.lowerPrioDelayS = 0; }
  v.lowerPrioNoAdvert = u.lowerPrioNoAdvert ?? (v.strict ? true : g.vrrpLowerPrioNoAdvert);
  if (v.strict && u.lowerPrioNoAdvert === false) { ctx.error(`(${n}) Strict mode requires no lower priority advert. resetting`, loc); v.lowerPrioNoAdvert = true; }
  v.higherPrioSendAdvert = u.higherPrioSendAdvert ?? (v.strict ? false : g.vrrpHigherPrioSendAdvert);
  if (v.strict && u.higherPrioSendAdvert) { ctx.error(`(${n}) strict mode requires higher_prio_send_advert to be clear. resetting`, loc); v.higherPrioSendAdvert = false; }
  v.skipCheckAdvAddr = u.skipCheckAdvAddr ?? g.vrrpSkipCheckAdvAddr;
  v.checkUnicastSrc ||= g.vrrpCheckUnicastSrc;
  v.smtpAlert = u.smtpAlert ?? g.smtpAlertVrrp ?? g.smtpAlert ?? false;
  v.notifyPriorityChanges = u.notifyPriorityChanges ?? false;

  // advert_int: v2 whole seconds < 256, v3 centiseconds < 4096
  let adv = u.advertIntUs ?? 1_000_000;
  if (v.version === 2) {
    if (adv >= 256_000_000) { ctx.error(`(${n}) VRRPv2 advertisement interval ${(adv / 1e6).toFixed(2)}s is out of range. Must be less than 256s. Setting to 255s`, loc); adv = 255_000_000; }
    else if (adv % 1_000_000) {
      ctx.error(`(${n}) VRRPv2 advertisement interval ${(adv / 1e6).toFixed(6)}s must be an integer. rounding`, loc);
      adv = adv + 500_000; adv -= adv % 1_000_000; if (adv === 0) adv = 1_000_000;
    }
  } else {
    if (adv >= 4096 * 10_000) { ctx.error(`(${n}) VRRPv3 advertisement interval ${(adv / 1e6).toFixed(2)}s is out of range. Must be less than 40.96s. Setting to 40.95s`, loc); adv = 4095 * 10_000; }
    else if (adv % 10_000) {
      ctx.error(`(${n}) VRRPv3 advertisement interval ${(adv / 1e6).toFixed(6)}s must be in units of 10ms - rounding`, loc);
      adv = adv + 5_000; adv -= adv % 10_000; if (adv === 0) adv = 10_000;
    }
  }
  v.advertIntMs = adv / 1000;

  if (v.vmacXmitBase && !v.useVmac) { ctx.error(`(${n}) vmac_xmit_base is only valid with a vmac`, loc); v.vmacXmitBase = false; }
  if (u.unicastConfigured && v.useVmac) {
    if (!v.interface) { ctx.error(`(${n}): Cannot use VMAC/ipvlan with unicast and no interface - clearing use_vmac`, loc); v.useVmac = undefined; }
    else if (!v.vmacXmitBase) { ctx.error(`(${n}) unicast with use_vmac requires vmac_xmit_base - setting`, loc); v.vmacXmitBase = true; }
  }
  if (v.interface) {
    v.trackInterfaces = v.trackInterfaces.filter((t) => {
      if (t.name !== v.interface) return true;
      ctx.error(`(${n}) Ignoring track_interface ${t.name} since own interface`, t.loc);
      return false;
    });
  }

  // Weighted trackers are dropped for sync-group members and address owners (vrrp.c)
  const syncNoWeight = syncWeighted === false;
  if (syncNoWeight || v.priority === PRIO_OWNER) {
    const why = syncNoWeight ? 'SYNC group' : 'address owner';
    const why2 = syncNoWeight ? 'SYNC group' : 'address_owner';
    v.trackInterfaces = v.trackInterfaces.filter((t) => {
      if (!t.weight) return true;
      ctx.error(`(${n}) ignoring ${t.name} tracked interface ${syncNoWeight ? 'weight ' : ''}due to ${why}`, t.loc);
      if (syncNoWeight) { t.weight = 0; return true; }
      return false;
    });
    v.trackScripts = v.trackScripts.filter((t) => {
      const w = t.weight ?? cfg.vrrpScripts.find((s) => s.name === t.name)?.weight ?? 0;
      if (!w) return true;
      if (missingScripts.has(t.name)) return false; // keepalived had already dropped it as not found: no second message
      ctx.error(`(${n}) ignoring tracked script ${t.name} with weights due to ${why2}`, t.loc);
      return false;
    });
  }
  v.vips.forEach((a) => { a.dev ??= v.interface; });
  v.evips.forEach((a) => { a.dev ??= v.interface; });
  return true;
}

/** keepalived's check_vrid_conflicts(): same VRID, family, interface and multicast group (or overlapping unicast peers). */
function checkVridConflicts(ctx: BuildCtx, insts: VrrpInstance[]): void {
  for (let i = 0; i < insts.length; i++) {
    for (let j = 0; j < i; j++) {
      const a = insts[i]!;
      const b = insts[j]!;
      if (a.vrid !== b.vrid || a.family !== b.family) continue;
      if (a.unicast !== b.unicast) continue;
      if (a.unicast) {
        if (a.interface && b.interface && a.interface !== b.interface) continue;
        if ((a.unicastSrcIp ?? '') !== (b.unicastSrcIp ?? '')) continue;
        if (!a.unicastPeers.some((p) => b.unicastPeers.some((q) => q.address === p.address))) continue;
        ctx.error(`(${a.name}) duplicate VRID conflict with ${b.name} VRID ${a.vrid}`, a.loc, ConfigErr.GENERAL_ERROR,
          `keepalived's VRRP process exits on this (issue #389); change one virtual_router_id`);
        continue;
      }
      if (a.interface !== b.interface) continue;
      if (a.mcastDstIp !== b.mcastDstIp) continue;
      ctx.error(`${b.name} and ${a.name} both use VRID ${a.vrid} with IPv${a.family === 'inet' ? 4 : 6} on interface ${a.interface ?? ''}`, a.loc, ConfigErr.GENERAL_ERROR,
        `keepalived's VRRP process exits on this (issue #389); change one virtual_router_id`);
    }
  }
}

type ScriptFlags = { isScript: boolean; notFound: boolean; insecure: boolean; system: boolean; loc?: SourceLoc };

interface ScriptUserInfo { uid: number; gid: number }

function lookupUser(name: string): ScriptUserInfo | undefined {
  try {
    for (const line of fs.readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const f = line.split(':');
      if (f[0] === name) return { uid: Number(f[2]), gid: Number(f[3]) };
    }
  } catch { /* no passwd */ }
  return undefined;
}

/** Path search as keepalived's find_path() for bare script names. */
function findInPath(name: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin').split(':')) {
    const p = path.join(dir || '.', name);
    try { const st = fs.statSync(p); if (st.isFile()) return p; } catch { /* next */ }
  }
  return undefined;
}

/**
 * core/notify.c check_security(): every component of the path, from `/` down, must be owned by root, and
 * a file or a directory without the sticky bit must not be writable by others, nor by a group other than
 * root. Components are not followed when they are symbolic links (fstatat AT_SYMLINK_NOFOLLOW).
 */
function pathWritableByNonRoot(p: string): boolean {
  const parts = path.resolve(p).split('/').filter(Boolean);
  for (let i = 0; i <= parts.length; i++) {
    const cur = `/${parts.slice(0, i).join('/')}`;
    let st: fs.Stats;
    try { st = fs.lstatSync(cur); } catch { return false; }
    const checked = st.isFile() || (st.isDirectory() && (st.mode & 0o1000) === 0);
    if (st.uid !== 0 || (checked && ((st.gid !== 0 && (st.mode & 0o020) !== 0) || (st.mode & 0o002) !== 0))) return true;
  }
  return false;
}

function checkScript(ctx: BuildCtx, s: Script | undefined, user: ScriptUserInfo, scriptSecurity: boolean): ScriptFlags {
  const f: ScriptFlags = { isScript: false, notFound: false, insecure: false, system: false, loc: s?.loc };
  if (!s) return f;
  const cmd = s.argv[0] ?? '';
  if (/^<\s*\//.test(cmd)) { f.system = true; return f; }
  let file = cmd;
  if (!cmd.includes('/')) {
    const found = findInPath(cmd);
    if (!found) { ctx.notice(`Cannot find script ${cmd} in path - disabling`, s.loc); f.notFound = true; return f; }
    file = found;
  }
  let real: string;
  try { real = fs.realpathSync(file); } catch (e) {
    ctx.notice(`Script ${cmd} cannot be accessed - ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : String((e as Error).message)}`, s.loc);
    f.notFound = true;
    return f;
  }
  let st: fs.Stats;
  try { st = fs.statSync(real); } catch { ctx.notice(`Unable to access script \`${cmd}\` - disabling`, s.loc); f.notFound = true; return f; }
  f.isScript = true;
  const executable = (st.mode & 0o111) !== 0;
  if (!executable) {
    ctx.notice(`WARNING - script '${cmd}' is not executable for uid:gid ${user.uid}:${user.gid} - disabling.`, s.loc);
    return f;
  }
  const runsAsRoot = user.uid === 0 || user.gid === 0;
  if (runsAsRoot && (pathWritableByNonRoot(real) || pathWritableByNonRoot(file))) {
    f.insecure = true;
    if (scriptSecurity) ctx.error(`Unsafe permissions found for script '${cmd}'${scriptSecurity ? ' - disabling' : ''}.`, s.loc, ConfigErr.OK);
  }
  return f;
}

interface ScriptUsers {
  security: boolean;
  userOf: (s: Script | undefined, explicit?: string) => ScriptUserInfo;
  report: (flags: ScriptFlags[], what: string) => void;
}

function scriptUsers(ctx: BuildCtx, cfg: KeepalivedConfig): ScriptUsers {
  const g = cfg.global;
  const security = g.enableScriptSecurity;
  const defUser = g.scriptUser ? lookupUser(g.scriptUser.user) : lookupUser('keepalived_script');
  if (g.scriptUser && !defUser) ctx.error(`Unable to set default user for scripts: user '${g.scriptUser.user}' not found`, g.scriptUser.loc);
  const dflt: ScriptUserInfo = defUser ?? { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
  const userOf = (s: Script | undefined, explicit?: string): ScriptUserInfo => {
    const name = explicit ?? s?.user;
    if (name) return lookupUser(name) ?? dflt;
    return dflt;
  };
  const report = (flags: ScriptFlags[], what: string) => {
    const first = flags.find((x) => x.isScript);
    if (!security && first) {
      const insecure = flags.some((x) => x.insecure);
      ctx.error(`SECURITY VIOLATION - ${what}scripts are being executed but script_security not enabled.${insecure ? ' There are insecure scripts.' : ''}`,
        first.loc, ConfigErr.SECURITY_ERROR, "add 'enable_script_security' to global_defs, and run scripts as a non-root 'script_user'");
    }
  };
  return { security, userOf, report };
}

/**
 * keepalived's check_vrrp_script_security(), run before the instances are completed: scripts
 * not found or insecure are disabled and dropped from the instances and groups tracking them.
 */
function vrrpScriptSecurity(ctx: BuildCtx, cfg: KeepalivedConfig, instancesForSecurity: VrrpInstance[]): Set<string> {
  const missing = new Set<string>();
  const haveInstances = instancesForSecurity.length > 0;
  if (!haveInstances) return missing;
  const { security, userOf, report } = scriptUsers(ctx, cfg);
  const g = cfg.global;
  const disabled = new Set<string>();
  {
    const flags: ScriptFlags[] = [];
    for (const vs of cfg.vrrpScripts) {
      const f = checkScript(ctx, vs.script, userOf(vs.script, vs.user), security);
      flags.push(f);
      if (f.insecure && security) { ctx.error(`Disabling track script ${vs.name} due to insecure`, vs.loc); disabled.add(vs.name); }
      // keepalived drops a missing track script from its instances, so they behave as if it succeeded (issue #2126);
      // keepalived-ts keeps it tracked and counts every run as failed, with the reason in the log.
      else if (f.notFound && missing.add(vs.name)) ctx.error(`Disabling track script ${vs.name} since not found/accessible`, vs.loc, ConfigErr.GENERAL_ERROR, 'keepalived drops a missing track script, so it never fails (issue #2126); keepalived-ts keeps tracking it and counts it as failed');
    }
    const notifies = [...instancesForSecurity.map((i) => i.notify), ...cfg.syncGroups.map((s) => s.notify)];
    for (const nt of notifies) {
      for (const s of [nt.backup, nt.master, nt.fault, nt.stop, nt.deleted === true ? undefined : nt.deleted, nt.generic, nt.masterRxLowerPri]) {
        flags.push(checkScript(ctx, s, userOf(s), security));
      }
    }
    flags.push(checkScript(ctx, g.notifyFifo?.script, userOf(g.notifyFifo?.script), security));
    flags.push(checkScript(ctx, g.vrrpNotifyFifo?.script, userOf(g.vrrpNotifyFifo?.script), security));
    report(flags, '');
  }
  for (const o of [...instancesForSecurity, ...cfg.syncGroups]) o.trackScripts = o.trackScripts.filter((t) => !disabled.has(t.name));
  return missing;
}

/** The checker's and the parent's script security checks (check_check_script_security, main.c). */
function checkerScriptSecurity(ctx: BuildCtx, cfg: KeepalivedConfig): void {
  const { security, userOf, report } = scriptUsers(ctx, cfg);
  const g = cfg.global;
  if (cfg.virtualServers.length) {
    const flags: ScriptFlags[] = [];
    for (const vs of cfg.virtualServers) {
      flags.push(checkScript(ctx, vs.quorumUp, userOf(vs.quorumUp), security), checkScript(ctx, vs.quorumDown, userOf(vs.quorumDown), security));
      for (const rs of vs.realServers) {
        flags.push(checkScript(ctx, rs.notifyUp, userOf(rs.notifyUp), security), checkScript(ctx, rs.notifyDown, userOf(rs.notifyDown), security));
        for (const ck of rs.checkers) if (ck.type === 'MISC_CHECK') flags.push(checkScript(ctx, ck.miscPath, userOf(ck.miscPath, ck.user), security));
      }
    }
    flags.push(checkScript(ctx, g.notifyFifo?.script, userOf(g.notifyFifo?.script), security));
    flags.push(checkScript(ctx, g.lvsNotifyFifo?.script, userOf(g.lvsNotifyFifo?.script), security));
    report(flags, 'check ');
  }
  // parent
  if (g.startupScript || g.shutdownScript) {
    report([checkScript(ctx, g.startupScript, userOf(g.startupScript), security), checkScript(ctx, g.shutdownScript, userOf(g.shutdownScript), security)], 'start/shutdown ');
  }
}

/** validate_check_config() (check/check_data.c). */
export function completeVirtualServer(ctx: BuildCtx, cfg: KeepalivedConfig, d: VsDraft): VirtualServer | undefined {
  const g = cfg.global;
  {
    const vs = d.vs;
    vs.display = vsDisplay(vs.addr, d.protocolSet ? vs.protocol : undefined);
    if (!vs.realServers.length) {
      ctx.error(`Virtual server ${vs.display} has no real servers - ignoring`, vs.loc);
      return undefined;
    }
    const vsg = vs.addr.kind === 'group' ? cfg.virtualServerGroups.find((x) => x.name === (vs.addr as { group: string }).group) : undefined;
    if (vs.addr.kind === 'group' && !vsg) {
      ctx.error(`Virtual server group ${vs.addr.group} not found - ignoring virtual server ${vs.display}`, vs.loc);
      return undefined;
    }
    const hasAddrRange = vsg ? vsg.entries.some((e) => e.kind === 'range') : vs.addr.kind === 'ip';
    const hasFwmarks = vsg ? vsg.entries.some((e) => e.kind === 'fwmark') : vs.addr.kind === 'fwmark';
    if (vs.haSuspend && hasFwmarks) { ctx.error(`Virtual server ${vs.display}: cannot use ha_suspend with fwmarks - clearing ha_suspend`, vs.loc); vs.haSuspend = false; }
    if (hasAddrRange) {
      if (!d.protocolSet) {
        ctx.error(`Virtual server ${vs.display}: no protocol set - defaulting to UDP`, vs.loc, ConfigErr.GENERAL_ERROR, "add 'protocol TCP' if this is a TCP service");
        vs.protocol = 'UDP';
        d.protocolSet = true;
        vs.display = vsDisplay(vs.addr, vs.protocol);
      }
      if (vs.flags.ops && vs.protocol !== 'UDP') { ctx.error(`Virtual server ${vs.display}: one packet scheduling requires UDP - resetting`, vs.loc); vs.flags.ops = false; }
      if (!vs.persistenceTimeoutS && vs.addr.kind === 'ip' && vs.addr.port === 0) {
        ctx.error(`Virtual server ${vs.display}: zero port only valid for persistent services - setting`, vs.loc);
        vs.persistenceTimeoutS = 360;
      }
    }
    if (!vs.persistenceTimeoutS && vsg && vsg.entries.some((e) => e.kind === 'range' && e.port === 0)) {
      ctx.error(`Virtual server ${vs.display}: zero port only valid for persistent services - setting`, vs.loc);
      vs.persistenceTimeoutS = 360;
    }
    if (d.protocolSet && hasFwmarks && !hasAddrRange) {
      ctx.error(`Warning: Virtual server ${vs.display}: protocol specified for fwmark - protocol will be ignored`, vs.loc);
      d.protocolSet = false;
    }
    vs.protocolSet = d.protocolSet;
    if (!d.schedSet) ctx.error(`Virtual server ${vs.display}: no scheduler set, setting default 'wlc'`, vs.loc);
    vs.smtpAlert = d.smtpAlert ?? g.smtpAlertChecker ?? g.smtpAlert ?? false;
    let weightSum = 0;
    const kept: typeof vs.realServers = [];
    for (const rs of vs.realServers) {
      const un = d.rsUnset.get(rs)!;
      if (kept.some((o) => o.address === rs.address && o.port === rs.port)) {
        ctx.error(`VS ${vs.display}: real server ${trio(rs.address, d.protocolSet ? vs.protocol : undefined, rs.port)} is duplicated - removing second rs`, rs.loc);
        continue;
      }
      if (!un.methodSet) {
        if (!d.methodSet) { ctx.error(`Virtual server ${vs.display}: no forwarding method set, setting default NAT`, vs.loc); d.methodSet = true; }
        rs.lvsMethod = vs.lvsMethod;
        rs.tunnel = vs.tunnel;
      }
      rs.alpha = un.alpha ?? vs.alpha;
      rs.inhibitOnFailure = un.inhibit ?? vs.inhibitOnFailure;
      rs.retry ??= vs.retry;
      rs.connectTimeoutMs ??= vs.connectTimeoutMs;
      rs.delayLoopMs ??= vs.delayLoopMs;
      rs.warmupMs ??= vs.warmupMs;
      rs.delayBeforeRetryMs ??= vs.delayBeforeRetryMs;
      if (!un.weightSet) rs.weight = vs.weight;
      rs.smtpAlert = un.smtpAlert ?? g.smtpAlertChecker ?? g.smtpAlert ?? true;
      weightSum += rs.weight;
      kept.push(rs);
    }
    vs.realServers = kept;
    if (vs.sorryServer && !d.sorryMethodSet) {
      if (!d.methodSet) { ctx.error(`Virtual server ${vs.display}: no forwarding method set, setting default NAT`, vs.loc); d.methodSet = true; }
      vs.sorryServerLvsMethod = vs.lvsMethod;
    }
    if (vs.quorum > weightSum) {
      ctx.error(`Warning - quorum ${vs.quorum} for ${vs.display} exceeds total weight of real servers ${weightSum}, reducing quorum to ${weightSum}`, vs.loc);
      vs.quorum = weightSum;
    }
    if (vs.hysteresis >= vs.quorum) {
      ctx.error(`Virtual server ${vs.display}: hysteresis ${vs.hysteresis} >= quorum ${vs.quorum}; setting hysteresis to ${vs.quorum - 1}`, vs.loc);
      vs.hysteresis = Math.max(0, vs.quorum - 1);
    }
    if (vs.addr.kind === 'ip' || vs.addr.kind === 'fwmark') {
      for (const rs of vs.realServers) {
        if (rs.lvsMethod === 'NAT') { if (vs.addr.kind === 'ip' && !rs.port) rs.port = vs.addr.port; continue; }
        if (vs.addr.kind === 'fwmark') {
          if (rs.port) { ctx.error(`WARNING - fwmark virtual server ${vs.display}, real server ${trio(rs.address, d.protocolSet ? vs.protocol : undefined, rs.port)} has port specified - clearing`, rs.loc); rs.port = 0; }
        } else if (!rs.port) rs.port = vs.addr.port;
        else if (rs.port !== vs.addr.port) {
          ctx.error(`WARNING - virtual server ${vs.display} and real server ${trio(rs.address, vs.protocol, rs.port)} ports don't match - resetting`, rs.loc);
          rs.port = vs.addr.port;
        }
      }
      // Unless NAT, the sorry server takes the service's port too (validate_check_config).
      const s = vs.sorryServer;
      if (s && (vs.sorryServerLvsMethod ?? vs.lvsMethod) !== 'NAT') {
        if (vs.addr.kind === 'fwmark') {
          if (s.port) { ctx.error(`WARNING - virtual server ${vs.display}, sorry server has port specified - clearing`, vs.loc); s.port = 0; }
        } else if (!s.port) s.port = vs.addr.port;
        else if (s.port !== vs.addr.port) {
          ctx.error(`WARNING - virtual server ${vs.display} and sorry server ports don't match - resetting`, vs.loc);
          s.port = vs.addr.port;
        }
      }
    }
    return vs;
  }
}

function completeVirtualServers(ctx: BuildCtx, cfg: KeepalivedConfig, drafts: VsDraft[]): void {
  for (const d of drafts) {
    const vs = completeVirtualServer(ctx, cfg, d);
    if (vs) cfg.virtualServers.push(vs);
  }
}

export interface Drafts {
  instances: InstanceDraft[];
  virtualServers: VsDraft[];
}

export function validateConfig(ctx: BuildCtx, cfg: KeepalivedConfig, drafts: Drafts): void {
  // --- VRRP (vrrp_complete_init) ---
  // keepalived vrrp_daemon.c: after parsing, a missing interface stops the VRRP process (exit 2)
  if (ctx.missingInterface && (drafts.instances.length || cfg.staticIpaddress.length || cfg.staticRoutes.length || cfg.staticRules.length)) {
    ctx.error('Non-existent interface specified in configuration', ctx.missingInterface, ConfigErr.BAD_IF,
      "keepalived's VRRP process stops on this, and so the whole daemon, unless global_defs has dynamic_interfaces");
  }
  const missingScripts = vrrpScriptSecurity(ctx, cfg, drafts.instances.map((d) => d.inst));
  const byName = new Map<string, InstanceDraft>();
  for (const d of drafts.instances) byName.set(d.inst.name, d);
  // chk_min_cfg
  let vrrpOk = true;
  let firstBad: SourceLoc | undefined;
  for (const d of drafts.instances) {
    if (d.inst.vrid === undefined) { ctx.error(`(${d.inst.name}) the virtual router id must be set`, d.inst.loc, ConfigErr.GENERAL_ERROR, "add 'virtual_router_id N' (1..255)"); vrrpOk = false; firstBad ??= d.inst.loc; }
    else if (!d.inst.interface && !d.unset.unicastConfigured) { ctx.error(`(${d.inst.name}) Unknown interface!`, d.inst.loc, ConfigErr.GENERAL_ERROR, "add 'interface IF'"); vrrpOk = false; firstBad ??= d.inst.loc; }
  }
  // sync groups
  const inGroup = new Map<string, string>();
  const syncWeight = new Map<string, boolean>();
  cfg.syncGroups = cfg.syncGroups.filter((sg) => {
    const members: string[] = [];
    for (const m of sg.members) {
      if (!byName.has(m)) { ctx.error(`Virtual router ${m} specified in sync group ${sg.name} doesn't exist - ignoring`, sg.loc); continue; }
      if (inGroup.has(m)) { ctx.error(`VRRP instance ${m} cannot be in more than one sync group (${inGroup.get(m)} and ${sg.name}) - ignoring`, sg.loc); continue; }
      members.push(m);
    }
    if (!sg.members.length) { ctx.error(`Sync group ${sg.name} has no virtual router(s). removing`, sg.loc, ConfigErr.GENERAL_ERROR, "list the instances in a 'group { ... }' block"); return false; }
    if (members.length < 2 && members.length) ctx.error(`Sync group ${sg.name} has only 1 virtual router(s) - this probably isn't what you want`, sg.loc);
    if (!members.length) return false;
    sg.members = members;
    for (const m of members) { inGroup.set(m, sg.name); syncWeight.set(m, sg.syncGroupTrackingWeight); byName.get(m)!.inst.syncGroup = sg.name; }
    return true;
  });
  for (const d of drafts.instances) {
    if (d.inst.vrid === undefined) continue;
    if (!d.inst.interface && !d.unset.unicastConfigured) continue;
    const ok = completeInstance(ctx, cfg, d, d.inst.syncGroup ? syncWeight.get(d.inst.name) : undefined, missingScripts);
    if (!ok) { vrrpOk = false; firstBad ??= d.inst.loc; }
    cfg.vrrpInstances.push(d.inst);
  }
  checkVridConflicts(ctx, cfg.vrrpInstances);
  if (!vrrpOk) {
    ctx.advise('keepalived stops its VRRP process, and so the whole daemon, on this instance error (exit status 2); keepalived-ts reports every one of them', firstBad);
  }

  // --- checker ---
  completeVirtualServers(ctx, cfg, drafts.virtualServers);

  checkerScriptSecurity(ctx, cfg);
}
