// global_defs and the root-level options (core/global_parser.c). Defaults as keepalived's
// global_data.c init_global_data().
import type { GlobalDefs, RootOptions } from '../ast.js';
import { ConfigErr } from '../diagnostics.js';
import type { KwNode } from '../walker.js';
import { familyOf } from './addresses.js';
import type { BuildCtx } from './context.js';
import { scriptFromWords } from './scripts.js';

export function defaultGlobalDefs(): GlobalDefs {
  return {
    notificationEmail: [],
    smtpConnectTimeoutS: 30,
    enableScriptSecurity: false,
    vrrpStrict: false,
    vrrpSkipCheckAdvAddr: false,
    vrrpCheckUnicastSrc: false,
    vrrpGarpIntervalUs: 0,
    vrrpGnaIntervalUs: 0,
    vrrpMcastGroup4: '224.0.0.18',
    vrrpMcastGroup6: 'ff02::12',
    vrrpVersion: 2,
    garp: { masterDelayS: 5, masterRepeat: 5, masterRefreshS: 0, masterRefreshRepeat: 1, lowerPrioDelayS: 5, lowerPrioRepeat: 5 },
    vrrpMinGarp: false,
    vrrpDownTimerAdverts: 3,
    vrrpLowerPrioNoAdvert: false,
    vrrpHigherPrioSendAdvert: false,
    vrrpStartupDelayMs: 0,
    lvsFlush: false,
    lvsFlushOnStop: false,
    fifoWriteVrrpStatesOnReload: false,
    checkerLogAllFailures: false,
    dynamicInterfaces: false,
    defaultInterface: 'eth0',
    startupScriptTimeoutS: 10,
    shutdownScriptTimeoutS: 10,
    other: {},
  };
}

export function defaultRootOptions(): RootOptions {
  return { usePidDir: false, childWaitTimeS: 5, namespaceWithIpsets: false, linkbeatUsePolling: false };
}

export function buildRootOption(ctx: BuildCtx, n: KwNode, root: RootOptions): void {
  switch (n.keyword) {
    case 'net_namespace': root.netNamespace = ctx.need(n, 1); break;
    case 'net_namespace_ipvs': root.netNamespaceIpvs = n.args[0]?.text ?? ''; break;
    case 'instance': root.instance = ctx.need(n, 1); break;
    case 'use_pid_dir': root.usePidDir = true; break;
    case 'namespace_with_ipsets': root.namespaceWithIpsets = true; break;
    case 'linkbeat_use_polling': root.linkbeatUsePolling = true; break;
    case 'child_wait_time': { const v = ctx.uint(n, 1, 0, 4294967295); if (v !== undefined) root.childWaitTimeS = v; break; }
    default: break;
  }
}

/** A `PATH [USER [GROUP]]` fifo keyword. */
function fifo(n: KwNode): { path: string; user?: string; group?: string } | undefined {
  const p = n.args[0]?.text;
  if (!p) return undefined;
  return { path: p, user: n.args[1]?.text, group: n.args[2]?.text };
}

export function buildGlobalDefs(ctx: BuildCtx, nodes: KwNode[], g: GlobalDefs): void {
  const garpSet = { masterDelay: false, masterRepeat: false, masterRefresh: false, masterRefreshRepeat: false, lowerPrioDelay: false, lowerPrioRepeat: false };
  for (const n of nodes) {
    const k = n.keyword;
    switch (k) {
      case 'router_id': g.routerId = ctx.need(n, 1); break;
      case 'notification_email': g.notificationEmail.push(...(n.values ?? []).flatMap((v) => v.words.map((w) => w.text))); break;
      case 'notification_email_from': g.notificationEmailFrom = ctx.need(n, 1); break;
      case 'smtp_server': {
        const host = ctx.need(n, 1);
        if (host === undefined) break;
        let port = 25;
        if (n.args[1]) {
          const p = ctx.values.uint(n.args[1].text, 1, 65535, ctx.wordLoc(n, 2));
          if (p === undefined) { ctx.error(`Invalid smtp server ${host} ${n.args[1].text}`, n.loc); break; }
          port = p;
        }
        g.smtpServer = { host, port };
        break;
      }
      case 'smtp_helo_name': g.smtpHeloName = ctx.need(n, 1); break;
      case 'smtp_connect_timeout': {
        const v = ctx.uint(n, 1, 0, 4294);
        if (v !== undefined) g.smtpConnectTimeoutS = v === 0 ? 1 : v;
        break;
      }
      case 'smtp_alert': g.smtpAlert = ctx.bool(n); break;
      case 'smtp_alert_vrrp': g.smtpAlertVrrp = ctx.bool(n); break;
      case 'smtp_alert_checker': g.smtpAlertChecker = ctx.bool(n); break;
      case 'script_user': { const u = ctx.need(n, 1); if (u !== undefined) g.scriptUser = { user: u, group: n.args[1]?.text, loc: n.loc }; break; }
      case 'enable_script_security': g.enableScriptSecurity = true; break;
      case 'vrrp_strict': g.vrrpStrict = ctx.bool(n) ?? g.vrrpStrict; break;
      case 'vrrp_skip_check_adv_addr': g.vrrpSkipCheckAdvAddr = ctx.bool(n) ?? g.vrrpSkipCheckAdvAddr; break;
      case 'vrrp_check_unicast_src': g.vrrpCheckUnicastSrc = true; break;
      case 'vrrp_garp_interval': case 'vrrp_gna_interval': {
        const ms = ctx.timerMs(n, 1, 0.000001, 4294.967295, (v) => `${k} '${v}' is invalid`);
        if (ms !== undefined) {
          if (k === 'vrrp_garp_interval') g.vrrpGarpIntervalUs = Math.round(ms * 1000);
          else g.vrrpGnaIntervalUs = Math.round(ms * 1000);
          if (ms >= 1000) ctx.notice(`The ${k.slice(5)} is very large - ${n.args[0]!.text} seconds`, n.loc);
        }
        break;
      }
      case 'vrrp_mcast_group4': {
        const a = ctx.need(n, 1);
        if (a === undefined) break;
        if (familyOf(a) !== 'inet' || !(Number(a.split('.')[0]) >= 224 && Number(a.split('.')[0]) <= 239)) ctx.error(`vrrp_mcast_group4 [${a}] is not multicast. Skipping`, ctx.wordLoc(n, 1));
        else g.vrrpMcastGroup4 = a;
        break;
      }
      case 'vrrp_mcast_group6': {
        const a = ctx.need(n, 1);
        if (a === undefined) break;
        if (familyOf(a) !== 'inet6' || !/^ff/i.test(a)) ctx.error(`vrrp_mcast_group6 [${a}] is not multicast. Skipping`, ctx.wordLoc(n, 1));
        else g.vrrpMcastGroup6 = a;
        break;
      }
      case 'vrrp_version': {
        const v = ctx.uint(n, 1, 2, 3, () => 'VRRP Error: Version must be either 2 or 3');
        if (v !== undefined) g.vrrpVersion = v as 2 | 3;
        break;
      }
      case 'vrrp_garp_master_delay': { const v = ctx.uint(n, 1, 0, 4294); if (v !== undefined) { g.garp.masterDelayS = v; garpSet.masterDelay = true; } break; }
      case 'vrrp_garp_master_repeat': {
        const v = ctx.uint(n, 1, 0, 2147483647);
        if (v !== undefined) {
          if (v === 0) ctx.error('vrrp_garp_master_repeat must be greater than 0, setting to 1', n.loc);
          g.garp.masterRepeat = Math.max(1, v); garpSet.masterRepeat = true;
        }
        break;
      }
      case 'vrrp_garp_master_refresh': { const v = ctx.uint(n, 1, 0, 4294); if (v !== undefined) { g.garp.masterRefreshS = v; garpSet.masterRefresh = true; } break; }
      case 'vrrp_garp_master_refresh_repeat': {
        const v = ctx.uint(n, 1, 0, 2147483647);
        if (v !== undefined) {
          if (v === 0) ctx.error('vrrp_garp_master_refresh_repeat must be greater than 0, setting to 1', n.loc);
          g.garp.masterRefreshRepeat = Math.max(1, v); garpSet.masterRefreshRepeat = true;
        }
        break;
      }
      case 'vrrp_garp_lower_prio_delay': { const v = ctx.uint(n, 1, 0, 4294); if (v !== undefined) { g.garp.lowerPrioDelayS = v; garpSet.lowerPrioDelay = true; } break; }
      case 'vrrp_garp_lower_prio_repeat': { const v = ctx.uint(n, 1, 0, 2147483647); if (v !== undefined) { g.garp.lowerPrioRepeat = v; garpSet.lowerPrioRepeat = true; } break; }
      case 'vrrp_min_garp': g.vrrpMinGarp = ctx.bool(n) ?? false; break;
      case 'vrrp_down_timer_adverts': { const v = ctx.uint(n, 1, 1, 100); if (v !== undefined) g.vrrpDownTimerAdverts = v; break; }
      case 'vrrp_lower_prio_no_advert': g.vrrpLowerPrioNoAdvert = ctx.bool(n) ?? false; break;
      case 'vrrp_higher_prio_send_advert': g.vrrpHigherPrioSendAdvert = ctx.bool(n) ?? false; break;
      case 'vrrp_startup_delay': { const v = ctx.timerMs(n, 1, 0.001, 4294.967295); if (v !== undefined) g.vrrpStartupDelayMs = v; break; }
      case 'lvs_flush': g.lvsFlush = true; break;
      case 'lvs_flush_on_stop': case 'lvs_flush_onstop': g.lvsFlushOnStop = true; break;
      case 'lvs_timeouts': {
        const t: NonNullable<GlobalDefs['lvsTimeouts']> = {};
        for (let i = 0; i < n.args.length; i++) {
          const w = n.args[i]!.text;
          const v = n.args[i + 1]?.text;
          if ((w === 'tcp' || w === 'tcpfin' || w === 'udp') && v !== undefined) {
            const s = ctx.values.uint(v, 0, 2678400, ctx.wordLoc(n, i + 2));
            if (s !== undefined) { if (w === 'tcp') t.tcpS = s; else if (w === 'tcpfin') t.tcpfinS = s; else t.udpS = s; }
            i++;
          } else ctx.error(`Unknown option ${w} specified for lvs_timeouts`, ctx.wordLoc(n, i + 1));
        }
        g.lvsTimeouts = t;
        break;
      }
      case 'lvs_sync_daemon': {
        const ifname = ctx.need(n, 1);
        if (ifname === undefined) break;
        const d: NonNullable<GlobalDefs['lvsSyncDaemon']> = { interface: ifname };
        for (let i = 1; i < n.args.length; i++) {
          const w = n.args[i]!.text;
          const v = n.args[i + 1]?.text;
          const num = (min: number, max: number) => (v === undefined ? undefined : ctx.values.uint(v, min, max, ctx.wordLoc(n, i + 2)));
          if (w === 'id') { d.id = num(0, 255); i++; }
          else if (w === 'maxlen') { d.maxlen = num(1, 65507); i++; }
          else if (w === 'port') { d.port = num(1, 65535); i++; }
          else if (w === 'ttl') { d.ttl = num(1, 255); i++; }
          else if (w === 'group') { d.group = v; i++; }
          else if (w === 'inst') { d.instance = v; i++; }
          else d.instance = w;
        }
        g.lvsSyncDaemon = d;
        break;
      }
      case 'notify_fifo': g.notifyFifo = { ...g.notifyFifo, ...fifo(n)! }; break;
      case 'vrrp_notify_fifo': g.vrrpNotifyFifo = { ...g.vrrpNotifyFifo, ...fifo(n)! }; break;
      case 'lvs_notify_fifo': g.lvsNotifyFifo = { ...g.lvsNotifyFifo, ...fifo(n)! }; break;
      case 'notify_fifo_script': case 'vrrp_notify_fifo_script': case 'lvs_notify_fifo_script': {
        const s = scriptFromWords(ctx, n.args, n.loc);
        const key = k === 'notify_fifo_script' ? 'notifyFifo' : k === 'vrrp_notify_fifo_script' ? 'vrrpNotifyFifo' : 'lvsNotifyFifo';
        if (s) g[key] = { path: g[key]?.path ?? '', ...g[key], script: s };
        break;
      }
      case 'fifo_write_vrrp_states_on_reload': g.fifoWriteVrrpStatesOnReload = true; break;
      case 'checker_log_all_failures': g.checkerLogAllFailures = ctx.bool(n) ?? false; break;
      case 'dynamic_interfaces': g.dynamicInterfaces = true; ctx.dynamicInterfaces = true; break;
      case 'default_interface': { const d = ctx.need(n, 1); if (d !== undefined) g.defaultInterface = d; break; }
      case 'startup_script': g.startupScript = scriptFromWords(ctx, n.args, n.loc); break;
      case 'shutdown_script': g.shutdownScript = scriptFromWords(ctx, n.args, n.loc); break;
      case 'startup_script_timeout': { const v = ctx.uint(n, 1, 1, 1000); if (v !== undefined) g.startupScriptTimeoutS = v; break; }
      case 'shutdown_script_timeout': { const v = ctx.uint(n, 1, 1, 1000); if (v !== undefined) g.shutdownScriptTimeoutS = v; break; }
      case 'reload_check_config': g.reloadCheckConfig = n.args[0]?.text ?? true; break;
      case 'max_auto_priority': {
        if (!n.args.length) { g.maxAutoPriority = 99; break; }
        const v = ctx.int(n, 1, -1, 99);
        if (v !== undefined) g.maxAutoPriority = v;
        break;
      }
      default:
        g.other[k] = ctx.bySpec(n, 'global_defs');
    }
  }
  // vrrp_min_garp sets repeat 1, delay 0, refresh 0 unless explicitly set (global_parser.c)
  if (g.vrrpMinGarp) {
    if (!garpSet.masterRepeat) g.garp.masterRepeat = 1;
    if (!garpSet.masterDelay) g.garp.masterDelayS = 0;
    if (!garpSet.masterRefresh) g.garp.masterRefreshS = 0;
  }
  // lower-priority GARP settings default to the master ones
  if (!garpSet.lowerPrioDelay) g.garp.lowerPrioDelayS = g.garp.masterDelayS;
  if (!garpSet.lowerPrioRepeat) g.garp.lowerPrioRepeat = g.garp.masterRepeat;
  void ConfigErr;
}
