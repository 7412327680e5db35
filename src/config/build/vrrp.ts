// VRRP blocks (vrrp/vrrp_parser.c, trackers/track_file.c): vrrp_instance, vrrp_script,
// vrrp_track_process, track_file, vrrp_sync_group, garp_group, track_group, static_*.
// Per-keyword semantics and messages are keepalived's; completion is in validate.ts.
import type { Family, Notify, SyncGroup, TrackFile, TrackProcess, Tracked, VrrpInstance, VrrpScript } from '../ast.js';
import { ConfigErr, type SourceLoc } from '../diagnostics.js';
import type { KwNode, ValueLine } from '../walker.js';
import { familyOf, parseIpAddressLine, parseIpPrefix, parseRouteLine, parseRuleLine, type RulePreferences } from './addresses.js';
import { type BuildCtx, parseWeightWords } from './context.js';
import { scriptFromWords } from './scripts.js';

/** Instance fields that keepalived leaves "unset" (-1 / PARAMETER_UNSET) until completion. */
export interface InstanceUnset {
  priority?: number;
  state?: 'MASTER' | 'BACKUP';
  version?: 2 | 3;
  advertIntUs?: number;
  strict?: boolean;
  accept?: boolean;
  garp: Partial<Record<keyof VrrpInstance['garp'], number>>;
  lowerPrioNoAdvert?: boolean;
  higherPrioSendAdvert?: boolean;
  skipCheckAdvAddr?: boolean;
  smtpAlert?: boolean;
  notifyPriorityChanges?: boolean;
  downTimerAdverts?: number;
  unicastConfigured: boolean;
  saddrFromConfig: boolean;
  familyFromConfig?: Family;
  ttlSet: boolean;
}

export interface InstanceDraft {
  inst: VrrpInstance;
  unset: InstanceUnset;
}

function newInstance(name: string, loc: SourceLoc): InstanceDraft {
  return {
    inst: {
      name, state: 'BACKUP', stateConfigured: false, dontTrackPrimary: false, priority: 100, advertIntMs: 1000, version: 2,
      family: 'inet', vips: [], evips: [], vroutes: [], vrules: [], unicastPeers: [], unicast: false, unicastFaultNoPeer: false,
      checkUnicastSrc: false, trackSrcIp: false, trackInterfaces: [], trackScripts: [], trackFiles: [], trackProcesses: [], trackBfd: [],
      nopreempt: false, preemptDelayMs: 0, notify: {}, smtpAlert: false, notifyPriorityChanges: false,
      garp: { masterDelayS: 5, masterRepeat: 5, masterRefreshS: 0, masterRefreshRepeat: 1, lowerPrioDelayS: 5, lowerPrioRepeat: 5 },
      strict: false, accept: true, skipCheckAdvAddr: false, lowerPrioNoAdvert: false, higherPrioSendAdvert: false, downTimerAdverts: 3,
      promoteSecondaries: false, useVmacAddr: false, vmacXmitBase: false, other: {}, loc,
    },
    unset: { garp: {}, unicastConfigured: false, saddrFromConfig: false, ttlSet: false },
  };
}

/** `track_*` value-block entries: `NAME [weight N [reverse|noreverse]]`. */
function trackedList(ctx: BuildCtx, owner: string, kind: 'interface' | 'script' | 'file' | 'process' | 'bfd', lines: ValueLine[] | undefined, range: number): Tracked[] {
  const out: Tracked[] = [];
  for (const l of lines ?? []) {
    const words = l.words.map((w) => w.text);
    const name = words[0]!;
    const t: Tracked = { name, loc: l.loc };
    const rest = parseWeightWords(words.slice(1));
    if (rest.weight !== undefined) {
      const w = ctx.values.int(rest.weight, -254, 254, l.loc);
      if (w !== undefined) {
        if (kind !== 'file' && kind !== 'process' && Math.abs(w) === 254) {
          ctx.error(`(${owner}) track ${kind} ${name} weight cannot be +/-254. Setting to +/-253`, l.loc);
          t.weight = w > 0 ? 253 : -253;
        } else if (Math.abs(w) > range) {
          ctx.error(`(${owner}) weight ${w} for track ${kind} ${name} must be between [-${range}:${range}]`, l.loc);
        } else t.weight = w;
      }
      t.reverse = rest.reverse;
    } else if (rest.extra) ctx.error(`(${owner}) unknown option '${rest.extra}' for track ${kind} ${name}`, l.loc);
    if (kind === 'interface' && !ctx.interfaceExists(name, l.loc)) {
      ctx.error(`(${owner}) tracked interface ${name} doesn't exist`, l.loc);
      continue;
    }
    out.push(t);
  }
  return out;
}

function setNotify(ctx: BuildCtx, owner: string, notify: Notify, key: keyof Notify, n: KwNode, label: string, isGroup: boolean): void {
  if (notify[key] !== undefined) {
    const who = isGroup ? `vrrp group ${owner}:` : `(${owner})`;
    ctx.error(`${who} ${label} script already specified - ignoring ${n.args[0]?.text ?? ''}`, n.loc);
    return;
  }
  const s = scriptFromWords(ctx, n.args, n.loc);
  if (s) notify[key] = s;
  else if (!n.args.length) ctx.need(n, 1);
}

export function buildVrrpInstance(ctx: BuildCtx, n: KwNode, prefs: RulePreferences, defaultIf: string): InstanceDraft | undefined {
  if (n.args.length !== 1) {
    ctx.error('vrrp_instance must have a name', n.loc);
    return undefined;
  }
  const d = newInstance(n.args[0]!.text, n.loc);
  const v = d.inst;
  const u = d.unset;
  const iname = v.name;
  const setFamily = (f: Family | undefined, what: string, loc: SourceLoc): boolean => {
    if (!f) return false;
    if (!u.familyFromConfig) { u.familyFromConfig = f; return true; }
    if (u.familyFromConfig !== f) { ctx.error(`(${iname}): address family must match VRRP instance [${what}] - ignoring`, loc, undefined, 'put addresses of the other family in virtual_ipaddress_excluded'); return false; }
    return true;
  };
  for (const c of n.children ?? []) {
    const k = c.keyword;
    switch (k) {
      case 'state': {
        const s = ctx.need(c, 1);
        if (s === undefined) break;
        v.stateConfigured = true;
        if (s === 'MASTER') u.state = 'MASTER';
        else if (s === 'BACKUP') {
          if (u.state === 'MASTER') ctx.error(`(${iname}) state previously set as MASTER - ignoring BACKUP`, c.loc);
          else u.state = 'BACKUP';
        } else {
          ctx.error(`(${iname}) unknown state '${s}', defaulting to BACKUP`, ctx.wordLoc(c, 1), ConfigErr.GENERAL_ERROR,
            s.toUpperCase() === 'MASTER' || s.toUpperCase() === 'BACKUP' ? `keepalived matches states case-sensitively: write '${s.toUpperCase()}'` : undefined);
          u.state = 'BACKUP';
        }
        break;
      }
      case 'interface': {
        const name = ctx.need(c, 1);
        if (name === undefined) break;
        if (name.length >= 16) { ctx.error(`Interface name '${name}' too long - ignoring`, c.loc); break; }
        if (!ctx.interfaceExists(name, c.loc)) ctx.error(`WARNING - interface ${name} for vrrp_instance ${iname} doesn't exist`, ctx.wordLoc(c, 1));
        else if (ctx.ifs.isLoopback(name)) { ctx.error(`(${iname}) cannot use a loopback interface (${name}) for vrrp - ignoring`, c.loc); break; }
        v.interface = name;
        break;
      }
      case 'virtual_router_id': {
        const s = ctx.need(c, 1);
        if (s === undefined) break;
        const id = ctx.values.uint(s, 1, 255, ctx.wordLoc(c, 1));
        if (id === undefined) ctx.error(`(${iname}): VRID '${s}' not valid - must be between 1 & 255`, c.loc);
        else v.vrid = id;
        break;
      }
      case 'priority': {
        const s = ctx.need(c, 1);
        if (s === undefined) break;
        const p = ctx.values.uint(s, 1, 255, ctx.wordLoc(c, 1));
        if (p === undefined) { ctx.error(`(${iname}) Priority not valid! must be between 1 & 255. Using default 100`, c.loc); u.priority = 100; }
        else u.priority = p;
        break;
      }
      case 'advert_int': {
        const s = ctx.need(c, 1);
        if (s === undefined) break;
        const us = ctx.values.decimal(s, 10_000, 255_000_000, 6, ctx.wordLoc(c, 1));
        if (us === undefined || us <= 0) ctx.error(`(${iname}) Advert interval (${s}) not valid! Must be > 0 - ignoring`, c.loc);
        else u.advertIntUs = us;
        break;
      }
      case 'version': {
        const s = ctx.need(c, 1);
        if (s === undefined) break;
        const ver = ctx.values.uint(s, 2, 3, ctx.wordLoc(c, 1));
        if (ver === undefined) { ctx.error(`(${iname}): Version must be either 2 or 3`, c.loc); break; }
        if (u.familyFromConfig === 'inet6' && ver === 2) ctx.error(`(${iname}) vrrp_version 2 conflicts with configured IPv6 addresses`, c.loc);
        else u.version = ver as 2 | 3;
        break;
      }
      case 'native_ipv6':
        if (u.familyFromConfig === 'inet') { ctx.error(`(${iname}) Cannot specify native_ipv6 with IPv4 addresses`, c.loc); break; }
        u.familyFromConfig = 'inet6'; u.version = 3;
        break;
      case 'virtual_ipaddress': case 'virtual_ipaddress_excluded': {
        for (const l of c.values ?? []) {
          const a = parseIpAddressLine(ctx, l, { static: false });
          if (!a) continue;
          if (k === 'virtual_ipaddress') {
            if (!setFamily(a.family, l.words[0]!.text, l.loc)) continue;
            v.vips.push(a);
          } else v.evips.push(a);
        }
        break;
      }
      case 'virtual_routes': for (const l of c.values ?? []) { const r = parseRouteLine(ctx, l); if (r) v.vroutes.push(r); } break;
      case 'virtual_rules': for (const l of c.values ?? []) { const r = parseRuleLine(ctx, l, prefs); if (r) v.vrules.push(r); } break;
      case 'authentication': {
        for (const a of c.children ?? []) {
          if (a.keyword === 'auth_type') {
            const t = ctx.need(a, 1);
            if (t === 'PASS' || t === 'AH') v.auth = { ...v.auth, type: t };
            else if (t !== undefined) ctx.error(`(${iname}) unknown authentication type '${t}'`, a.loc);
          } else if (a.keyword === 'auth_pass') {
            let p = ctx.need(a, 1);
            if (p === undefined) break;
            if (Buffer.byteLength(p) > 8) { ctx.error('Truncating auth_pass to 8 characters', a.loc); p = Buffer.from(p).subarray(0, 8).toString(); }
            v.auth = { type: v.auth?.type ?? 'PASS', ...v.auth, pass: p };
          }
        }
        if (v.auth && !(c.children ?? []).some((a) => a.keyword === 'auth_type')) v.auth = { ...v.auth, type: undefined as unknown as 'PASS' };
        break;
      }
      case 'unicast_src_ip': case 'mcast_src_ip': {
        const a = ctx.need(c, 1);
        if (a === undefined) break;
        if (k === 'unicast_src_ip') u.unicastConfigured = true;
        const f = familyOf(a);
        if (!f) { ctx.error(`Configuration error: VRRP instance[${iname}] malformed src address[${a}]. Skipping...`, c.loc); break; }
        if (u.familyFromConfig && u.familyFromConfig !== f) { ctx.error(`Configuration error: VRRP instance[${iname}] and src address[${a}] MUST be of the same family !!! Skipping...`, c.loc); break; }
        u.familyFromConfig ??= f;
        u.saddrFromConfig = true;
        if (k === 'unicast_src_ip') v.unicastSrcIp = a; else v.mcastSrcIp = a;
        break;
      }
      case 'mcast_dst_ip': {
        const a = ctx.need(c, 1);
        if (a === undefined) break;
        const f = familyOf(a);
        if (!f) { ctx.error(`(${iname}) malformed mcast dest address ${a}. Skipping...`, c.loc); break; }
        const multicast = f === 'inet' ? Number(a.split('.')[0]) >= 224 && Number(a.split('.')[0]) <= 239 : /^ff02:/i.test(a);
        if (!multicast) { ctx.error(`(${iname}) mcast_dst_ip ${a} not${f === 'inet6' ? ' link-local' : ''} multicast. Skipping...`, c.loc); break; }
        v.mcastDstIp = a;
        break;
      }
      case 'unicast_peer': {
        u.unicastConfigured = true;
        for (const l of c.values ?? []) {
          const words = l.words.map((w) => w.text);
          const p = parseIpPrefix(ctx, words[0]!, l.loc, false);
          if (!p || p.prefixLen !== (p.family === 'inet' ? 32 : 128)) { ctx.error(`(${iname}) VRRP parsed invalid IP ${words[0]}. skipping IP...`, l.loc); continue; }
          if (u.familyFromConfig && p.family !== u.familyFromConfig) { ctx.error(`(${iname}) Unicast peer ${words[0]} address family must match VRRP instance - ignoring`, l.loc); continue; }
          if (v.unicastPeers.some((x) => x.address === p.address)) { ctx.error(`(${iname}) Unicast peer ${words[0]} is duplicated - ignoring`, l.loc); continue; }
          const peer: VrrpInstance['unicastPeers'][number] = { address: p.address };
          for (let i = 1; i < words.length; i++) {
            const w = words[i]!;
            if (w === 'min_ttl' || w === 'max_ttl') {
              const t = ctx.values.uint(words[i + 1] ?? '', 0, 255, l.loc);
              if (t !== undefined) { if (w === 'min_ttl') peer.minTtl = t; else peer.maxTtl = t; }
              i++;
            } else ctx.error(`(${iname}) Unknown configuration entry '${w}' for unicast peer`, l.loc);
          }
          v.unicastPeers.push(peer);
        }
        break;
      }
      case 'unicast_ttl': {
        u.unicastConfigured = true;
        const t = ctx.uint(c, 1, 0, 255, (s) => `(${iname}): TTL '${s}' not valid - must be between 0 & 255`);
        if (t !== undefined) { v.unicastTtl = t; u.ttlSet = true; }
        break;
      }
      case 'unicast_fault_no_peer': u.unicastConfigured = true; v.unicastFaultNoPeer = true; break;
      case 'check_unicast_src': u.unicastConfigured = true; v.checkUnicastSrc = true; break;
      case 'track_src_ip': v.trackSrcIp = true; break;
      case 'dont_track_primary': v.dontTrackPrimary = true; break;
      case 'track_interface': v.trackInterfaces.push(...trackedList(ctx, iname, 'interface', c.values, 253)); break;
      case 'track_script': v.trackScripts.push(...trackedList(ctx, iname, 'script', c.values, 253)); break;
      case 'track_file': v.trackFiles.push(...trackedList(ctx, iname, 'file', c.values, 254)); break;
      case 'track_process': v.trackProcesses.push(...trackedList(ctx, iname, 'process', c.values, 254)); break;
      case 'track_bfd': v.trackBfd.push(...trackedList(ctx, iname, 'bfd', c.values, 253)); break;
      case 'nopreempt': v.nopreempt = true; break;
      case 'preempt': v.nopreempt = false; break;
      case 'preempt_delay': {
        const ms = ctx.timerMs(c, 1, 0, 1000, () => `(${iname}) Preempt_delay not valid! must be between 0-1000`);
        if (ms !== undefined) v.preemptDelayMs = ms;
        break;
      }
      case 'notify_master': setNotify(ctx, iname, v.notify, 'master', c, 'notify_master', false); break;
      case 'notify_backup': setNotify(ctx, iname, v.notify, 'backup', c, 'notify_backup', false); break;
      case 'notify_fault': setNotify(ctx, iname, v.notify, 'fault', c, 'notify_fault', false); break;
      case 'notify_stop': setNotify(ctx, iname, v.notify, 'stop', c, 'notify_stop', false); break;
      case 'notify': setNotify(ctx, iname, v.notify, 'generic', c, 'notify', false); break;
      case 'notify_master_rx_lower_pri': setNotify(ctx, iname, v.notify, 'masterRxLowerPri', c, 'notify_master_rx_lower_pri', false); break;
      case 'notify_deleted': {
        if (v.notify.deleted !== undefined) { ctx.error(`(${iname}) notify_deleted already specified - ignoring ${c.args[0]?.text ?? ''}`, c.loc); break; }
        v.notify.deleted = c.args.length ? scriptFromWords(ctx, c.args, c.loc) ?? true : true;
        break;
      }
      case 'smtp_alert': u.smtpAlert = ctx.bool(c, (s) => `Invalid vrrp_instance smtp_alert parameter ${s}`); break;
      case 'notify_priority_changes': u.notifyPriorityChanges = ctx.bool(c, (s) => `(${iname}) Invalid value '${s}' for notify_priority_changes specified`); break;
      case 'garp_master_delay': { const x = ctx.uint(c, 1, 0, 4294, (s) => `(${iname}): garp_master_delay '${s}' invalid - ignoring`); if (x !== undefined) u.garp.masterDelayS = x; break; }
      case 'garp_master_refresh': { const x = ctx.uint(c, 1, 0, 4294, (s) => `(${iname}): Invalid garp_master_refresh '${s}' - ignoring`); if (x !== undefined) u.garp.masterRefreshS = x; break; }
      case 'garp_master_repeat': case 'garp_master_refresh_repeat': {
        const x = ctx.uint(c, 1, 0, 2147483647, (s) => `(${iname}): ${k} '${s}' invalid - ignoring`);
        if (x === undefined) break;
        if (x === 0) ctx.error(`(${iname}): ${k} must be greater than 0, setting to 1`, c.loc);
        u.garp[k === 'garp_master_repeat' ? 'masterRepeat' : 'masterRefreshRepeat'] = Math.max(1, x);
        break;
      }
      case 'garp_lower_prio_delay': { const x = ctx.uint(c, 1, 0, 4294, (s) => `(${iname}): garp_lower_prio_delay '${s}' invalid - ignoring`); if (x !== undefined) u.garp.lowerPrioDelayS = x; break; }
      case 'garp_lower_prio_repeat': { const x = ctx.uint(c, 1, 0, 2147483647, (s) => `(${iname}): Invalid garp_lower_prio_repeat '${s}'`); if (x !== undefined) u.garp.lowerPrioRepeat = x; break; }
      case 'down_timer_adverts': { const x = ctx.uint(c, 1, 1, 100, (s) => `(${iname}): Invalid down_timer_adverts [1:100] '${s}'`); if (x !== undefined) u.downTimerAdverts = x; break; }
      case 'garp_extra_if': case 'vmac_garp_intvl': {
        const words = c.args.map((w) => w.text);
        const t = words[0] === 'all' ? words[1] : words[0];
        if (t === undefined) { ctx.error(`(${iname}): ${k} specified without time - ignoring`, c.loc); break; }
        const s = ctx.values.uint(t, 0, 86400, c.loc);
        if (s === undefined) ctx.error(`(${iname}): ${k} '${t}' invalid - ignoring`, c.loc);
        else v.garpExtraIfS = s;
        break;
      }
      case 'promote_secondaries': v.promoteSecondaries = true; break;
      case 'accept': u.accept = true; break;
      case 'no_accept': u.accept = false; break;
      case 'strict_mode': u.strict = ctx.bool(c, (s) => `(${iname}) invalid strict_mode ${s} specified`); break;
      // keepalived sets the flag even for `skip_check_adv_addr false` (vrrp_parser.c)
      case 'skip_check_adv_addr': ctx.bool(c, (s) => `(${iname}) invalid skip_check_adv_addr ${s} specified`); u.skipCheckAdvAddr = true; break;
      case 'lower_prio_no_advert': u.lowerPrioNoAdvert = ctx.bool(c, (s) => `(${iname}) invalid lower_prio_no_advert ${s} specified`); break;
      case 'higher_prio_send_advert': u.higherPrioSendAdvert = ctx.bool(c, (s) => `(${iname}) invalid higher_prio_send_advert ${s} specified`); break;
      case 'debug': {
        const x = c.args[0] ? ctx.values.uint(c.args[0].text, 0, 4, c.loc) : 0;
        if (x === undefined) ctx.error(`(${iname}) Debug value '${c.args[0]!.text}' not valid; must be between 0-4`, c.loc);
        break;
      }
      case 'use_vmac': {
        const vm: NonNullable<VrrpInstance['useVmac']> = {};
        for (const w of c.args.map((x) => x.text)) {
          if (/^([0-9a-fA-F]{1,2}:){4,5}[0-9a-fA-F]{1,2}$/.test(w)) vm.mac = w;
          else if (w !== 'name' && w !== 'netlink_notify_msg') {
            if (w.length >= 16) ctx.error(`VMAC interface name '${w}' too long or invalid characters - ignoring`, c.loc);
            else vm.name = w;
          }
        }
        v.useVmac = vm;
        break;
      }
      case 'use_vmac_addr': v.useVmacAddr = true; break;
      case 'vmac_xmit_base': v.vmacXmitBase = true; break;
      case 'use_ipvlan': v.useIpvlan = c.args.map((w) => w.text); break;
      case 'lvs_sync_daemon_interface':
        ctx.error(`(${iname}) Specifying lvs_sync_daemon_interface against a vrrp is deprecated.`, c.loc, ConfigErr.GENERAL_ERROR, 'use global_defs lvs_sync_daemon');
        ctx.error(`      ${' '.repeat(Math.max(0, iname.length - 2))}Please use global lvs_sync_daemon`, c.loc);
        v.other[k] = c.args.map((w) => w.text);
        break;
      case 'linkbeat_use_polling':
        ctx.error(`(${iname}) 'linkbeat_use_polling' in vrrp instance deprecated - use linkbeat_interfaces block`, c.loc);
        break;
      default:
        v.other[k] = ctx.bySpec(c, 'vrrp_instance');
    }
  }
  void defaultIf;
  return d;
}

export function buildVrrpScript(ctx: BuildCtx, n: KwNode): VrrpScript | undefined {
  const name = n.args[0]?.text;
  if (!name) { ctx.error('vrrp_script must have a name - skipping', n.loc); return undefined; }
  const s: VrrpScript = { name, intervalMs: 1000, timeoutMs: 0, weight: 0, weightReverse: false, rise: 1, fall: 1, initFail: false, loc: n.loc };
  let timeoutSet = false;
  for (const c of n.children ?? []) {
    switch (c.keyword) {
      case 'script': s.script = scriptFromWords(ctx, c.args, c.loc); if (!c.args.length) ctx.need(c, 1); break;
      case 'interval': {
        const ms = ctx.timerMs(c, 1, 0, 4294, (v) => `(${name}): vrrp script interval '${v}' must be between 1 and 4294 - ignoring`);
        if (ms === undefined) break;
        if (ms === 0) { ctx.error(`(${name}): vrrp script interval must be greater than 0, setting to 1`, c.loc); s.intervalMs = 1000; }
        else s.intervalMs = ms;
        break;
      }
      case 'timeout': {
        const ms = ctx.timerMs(c, 1, 0, 4294, (v) => `(${name}): vrrp script timeout '${v}' invalid - ignoring`);
        if (ms === undefined) break;
        if (ms === 0) { ctx.error(`(${name}): vrrp script timeout must be greater than 0, setting to 1`, c.loc); s.timeoutMs = 1000; }
        else s.timeoutMs = ms;
        timeoutSet = true;
        break;
      }
      case 'weight': {
        const w = ctx.need(c, 1);
        if (w === undefined) break;
        const x = ctx.values.int(w, -253, 253, ctx.wordLoc(c, 1));
        if (x === undefined) { ctx.error(`vrrp_script ${name} weight ${w} must be in [-253, 253]`, c.loc); break; }
        s.weight = x;
        const opt = c.args[1]?.text;
        if (opt === 'reverse') s.weightReverse = true;
        else if (opt !== undefined) ctx.error(`vrrp_script ${name} unknown weight option ${opt}`, c.loc);
        break;
      }
      case 'rise': case 'fall': {
        const x = ctx.uint(c, 1, 1, 2147483647);
        if (x === undefined) { ctx.error(`(${name}): vrrp script ${c.keyword} value '${c.args[0]?.text ?? ''}' invalid, defaulting to 1`, c.loc); break; }
        if (c.keyword === 'rise') s.rise = x; else s.fall = x;
        break;
      }
      case 'user': { const usr = ctx.need(c, 1); if (usr !== undefined) { s.user = usr; s.group = c.args[1]?.text; } break; }
      case 'init_fail': s.initFail = true; break;
      default: ctx.bySpec(c, 'vrrp_script');
    }
  }
  if (!timeoutSet) s.timeoutMs = s.intervalMs;
  if (!s.script) {
    ctx.error(`No script set for vrrp_script ${name} - removing`, n.endLoc ?? n.loc);
    return undefined;
  }
  return s;
}

export function buildTrackFile(ctx: BuildCtx, n: KwNode): TrackFile | undefined {
  const name = n.args[0]?.text;
  if (!name) { ctx.error('track_file must have a name - skipping', n.loc); return undefined; }
  const t: TrackFile = { name, weight: 1, weightReverse: false, loc: n.loc };
  for (const c of n.children ?? []) {
    switch (c.keyword) {
      case 'file': t.file = ctx.need(c, 1, 'track_file'); break;
      case 'weight': {
        const w = ctx.int(c, 1, -254, 254, (v) => `Weight for track_file ${name} (${v}) must be between -254 and 254 - ignoring`);
        if (w !== undefined) t.weight = w;
        if (c.args[1]?.text === 'reverse') t.weightReverse = true;
        break;
      }
      case 'init_file': {
        const words = c.args.map((w) => w.text);
        let value = 0;
        let overwrite = false;
        for (const w of words) {
          if (w === 'overwrite') overwrite = true;
          else { const x = ctx.values.int(w, -2147483648, 2147483647, c.loc); if (x !== undefined) value = x; }
        }
        t.initFile = { value, overwrite };
        break;
      }
      default: ctx.bySpec(c, 'track_file');
    }
  }
  if (!t.file) ctx.error(`No file set for track_file ${name} - removing`, n.loc);
  return t.file ? t : undefined;
}

export function buildTrackProcess(ctx: BuildCtx, n: KwNode): TrackProcess | undefined {
  const name = n.args[0]?.text;
  if (!name) { ctx.error('vrrp_track_process must have a name - skipping', n.loc); return undefined; }
  const t: TrackProcess = { name, paramMatch: 'none', weight: 0, weightReverse: false, quorum: 1, delayMs: 0, terminateDelayMs: 0, forkDelayMs: 0, fullCommand: false, loc: n.loc };
  for (const c of n.children ?? []) {
    switch (c.keyword) {
      case 'process': {
        const p = ctx.need(c, 1);
        if (p === undefined) break;
        if (t.process) { ctx.error(`Process already set for track process ${name} - ignoring ${p}`, c.loc); break; }
        t.process = p;
        if (c.args.length > 1) t.args = c.args.slice(1).map((w) => w.text);
        break;
      }
      case 'param_match': {
        // keepalived vrrp_tprocess_match_handler(): bare = exact; each form matches the full command
        const m = c.args[0]?.text;
        if (m === undefined) { t.paramMatch = 'exact'; t.fullCommand = true; }
        else if (m === 'initial' || m === 'partial') { t.paramMatch = m; t.fullCommand = true; }
        else ctx.error(`Invalid param_match type ${m} - ignoring`, c.loc);
        break;
      }
      case 'weight': {
        if (!c.args.length) { ctx.error(`No weight specified for track process ${name} - ignoring`, c.loc); break; }
        const w = ctx.int(c, 1, -254, 254, (v) => `Weight (${v}) for vrrp_track_process ${name} must be between [-254..254]`);
        if (w !== undefined) t.weight = w;
        if (c.args[1]?.text === 'reverse') t.weightReverse = true;
        else if (c.args[1]) ctx.error(`vrrp_track_process ${name} unknown weight option ${c.args[1].text}`, c.loc);
        break;
      }
      case 'quorum': { const q = ctx.uint(c, 1, 1, 65535); if (q !== undefined) t.quorum = q; break; }
      case 'quorum_max': { const q = ctx.uint(c, 1, 0, 65535); if (q !== undefined) t.quorumMax = q; break; }
      case 'delay': case 'terminate_delay': case 'fork_delay': {
        const ms = ctx.timerMs(c, 1, 0.000001, 3600);
        if (ms === undefined) break;
        if (c.keyword === 'delay') t.delayMs = ms; else if (c.keyword === 'terminate_delay') t.terminateDelayMs = ms; else t.forkDelayMs = ms;
        break;
      }
      case 'full_command': t.fullCommand = true; break;
      default: ctx.bySpec(c, 'vrrp_track_process');
    }
  }
  if (t.quorumMax !== undefined && t.quorum > t.quorumMax) ctx.error('Quorum is greater than quorum_max - ignoring', n.loc);
  if (!t.process) { ctx.error(`track process '${name}' process name not specified`, n.loc); return undefined; }
  return t;
}

export function buildSyncGroup(ctx: BuildCtx, n: KwNode): SyncGroup | undefined {
  const name = n.args[0]?.text;
  if (!name) { ctx.error('vrrp_sync_group must have a name - skipping', n.loc); return undefined; }
  const g: SyncGroup = { name, members: [], notify: {}, trackInterfaces: [], trackScripts: [], trackFiles: [], trackProcesses: [], trackBfd: [], syncGroupTrackingWeight: false, loc: n.loc };
  for (const c of n.children ?? []) {
    switch (c.keyword) {
      case 'group':
        if (g.members.length) { ctx.error(`Group list already specified for sync group ${name}`, c.loc); break; }
        g.members = (c.values ?? []).flatMap((l) => l.words.map((w) => w.text));
        if (!g.members.length) ctx.error(`Warning - sync group ${name} has empty group block`, c.loc);
        break;
      case 'notify_master': setNotify(ctx, name, g.notify, 'master', c, 'notify_master', true); break;
      case 'notify_backup': setNotify(ctx, name, g.notify, 'backup', c, 'notify_backup', true); break;
      case 'notify_fault': setNotify(ctx, name, g.notify, 'fault', c, 'notify_fault', true); break;
      case 'notify_stop': setNotify(ctx, name, g.notify, 'stop', c, 'notify_stop', true); break;
      case 'notify': setNotify(ctx, name, g.notify, 'generic', c, 'notify', true); break;
      case 'smtp_alert': g.smtpAlert = ctx.bool(c, (s) => `Invalid vrrp_group smtp_alert parameter ${s}`); break;
      case 'track_interface': g.trackInterfaces.push(...trackedList(ctx, name, 'interface', c.values, 253)); break;
      case 'track_script': g.trackScripts.push(...trackedList(ctx, name, 'script', c.values, 253)); break;
      case 'track_file': g.trackFiles.push(...trackedList(ctx, name, 'file', c.values, 254)); break;
      case 'track_process': g.trackProcesses.push(...trackedList(ctx, name, 'process', c.values, 254)); break;
      case 'track_bfd': g.trackBfd.push(...trackedList(ctx, name, 'bfd', c.values, 253)); break;
      case 'sync_group_tracking_weight': g.syncGroupTrackingWeight = true; break;
      case 'notify_priority_changes': g.notifyPriorityChanges = ctx.bool(c, (s) => `(${name}) Invalid value '${s}' for sync group notify_priority_changes specified`); break;
      default: ctx.bySpec(c, 'vrrp_sync_group');
    }
  }
  return g;
}
