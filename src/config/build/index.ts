// Builds the typed AST from the walked keyword tree, top-level block by block in file order
// (keepalived resolves track_script/track_file names while parsing, so a tracker defined
// after the instance that names it is "not found": we keep that, and say where it is).
import { lookupId } from '../../core/script-ids.js';
import type { KeepalivedConfig, Tracked, VrrpScript } from '../ast.js';
import type { SourceLoc } from '../diagnostics.js';
import type { KwNode } from '../walker.js';
import { parseIpAddressLine, parseRouteLine, parseRuleLine, RulePreferences } from './addresses.js';
import { buildVirtualServer, buildVsg, type VsDraft } from './check.js';
import { completeVirtualServer } from '../validate.js';
import type { BuildCtx } from './context.js';
import { buildGlobalDefs, buildRootOption, defaultGlobalDefs, defaultRootOptions } from './global.js';
import { buildSyncGroup, buildTrackFile, buildTrackProcess, buildVrrpInstance, buildVrrpScript, type InstanceDraft } from './vrrp.js';

export interface BuildResult {
  config: KeepalivedConfig;
  instances: InstanceDraft[];
  virtualServers: VsDraft[];
}

function where(loc: SourceLoc): string {
  return `${loc.file}:${loc.line}`;
}

/**
 * Builds the config one top-level block at a time, in file order (add), then returns it (finish).
 * global_defs are applied where they appear, as each keepalived process pass does.
 */
export class ConfigBuilder {
  readonly cfg: KeepalivedConfig;
  private readonly prefs = new RulePreferences();
  private readonly instances: InstanceDraft[] = [];
  private readonly vss: VsDraft[] = [];
  private readonly known = { script: new Set<string>(), file: new Set<string>(), process: new Set<string>(), bfd: new Set<string>() };
  private readonly defined = new Map<string, SourceLoc>();
  private readonly unresolved: { owner: string; t: Tracked; label: string; defKw: string }[] = [];
  private readonly instNames = new Set<string>();
  /** Virtual servers validated and dropped (retainVirtualServers false). */
  checkedVirtualServers = 0;
  /**
   * A virtual_server keyword was read, whatever became of its block: keepalived's vs_handler() sets
   * have_checker_config there, and that alone makes the parent start the checker child.
   */
  sawVirtualServer = false;

  /**
   * @param retainVirtualServers false for `-t`: each virtual_server is validated as soon as it is
   *   built and then dropped, so a config of 10,000 services never sits in memory whole.
   */
  constructor(private readonly ctx: BuildCtx, files: string[], configId: string, private readonly retainVirtualServers = true) {
    this.cfg = {
      files, configId, root: defaultRootOptions(), global: defaultGlobalDefs(),
      staticIpaddress: [], staticRoutes: [], staticRules: [], vrrpScripts: [], trackFiles: [], trackProcesses: [], trackGroups: [],
      garpGroups: [], linkbeatInterfaces: [], interfaceUpDownDelays: [], syncGroups: [], vrrpInstances: [], bfdInstances: [],
      virtualServerGroups: [], virtualServers: [],
    };
  }

  private resolve(owner: string, list: Tracked[], kind: keyof ConfigBuilder['known'], label: string, defKw: string): Tracked[] {
    return list.filter((t) => {
      if (this.known[kind].has(t.name)) return true;
      this.unresolved.push({ owner, t, label, defKw });
      return false;
    });
  }

  private resolveAll(owner: string, o: { trackScripts: Tracked[]; trackFiles: Tracked[]; trackProcesses: Tracked[]; trackBfd: Tracked[] }): void {
    o.trackScripts = this.resolve(owner, o.trackScripts, 'script', 'track script', 'vrrp_script');
    o.trackFiles = this.resolve(owner, o.trackFiles, 'file', 'track file', 'track_file');
    o.trackProcesses = this.resolve(owner, o.trackProcesses, 'process', 'track process', 'vrrp_track_process');
    o.trackBfd = this.resolve(owner, o.trackBfd, 'bfd', 'BFD', 'bfd_instance');
  }

  /** Whether the keepalived_script user exists: asked once, when a script first needs it (get_default_script_user). */
  private defaultUserFail: boolean | undefined;

  /**
   * keepalived's vrrp_vscript_end_handler(): under enable_script_security with no script_user, a vrrp_script
   * without a user of its own runs as keepalived_script; when that user does not exist the script is removed.
   */
  private scriptUserOk(s: VrrpScript, n: KwNode): boolean {
    const g = this.cfg.global;
    if (!g.enableScriptSecurity || g.scriptUser || s.user !== undefined || s.script?.user !== undefined) return true;
    if (this.defaultUserFail === undefined) {
      this.defaultUserFail = lookupId('/etc/passwd', 'keepalived_script', 2) === undefined;
      if (this.defaultUserFail) this.ctx.error('Unable to set default user keepalived_script for script', n.endLoc ?? n.loc);
    }
    if (!this.defaultUserFail) return true;
    this.ctx.error(`Unable to set default user for vrrp script ${s.name} - removing`, n.endLoc ?? n.loc, undefined,
      "add `script_user USER` to global_defs, a `user` to the vrrp_script, or create the keepalived_script user");
    return false;
  }

  private define(kw: string, n: KwNode): void {
    if (n.args[0]) this.defined.set(`${kw}:${n.args[0].text}`, n.loc);
  }

  finish(): BuildResult {
    // keepalived resolves tracker names while parsing: one defined after its user is "not found".
    for (const u of this.unresolved) {
      const later = this.defined.get(`${u.defKw}:${u.t.name}`);
      this.ctx.error(`(${u.owner}) ${u.label} ${u.t.name} not found, ignoring...`, u.t.loc, undefined,
        later ? `${u.defKw} ${u.t.name} is defined later, at ${where(later)}: keepalived only finds it when it is defined before this block` : undefined);
    }
    return { config: this.cfg, instances: this.instances, virtualServers: this.vss };
  }

  add(n: KwNode): void {
    const { ctx, cfg, prefs, instances, known } = this;
    const vss = this.vss;
    const instNames = this.instNames;
    const resolveAll = (owner: string, o: Parameters<ConfigBuilder['resolveAll']>[1]) => this.resolveAll(owner, o);
    switch (n.keyword) {
      case 'global_defs': buildGlobalDefs(ctx, n.children ?? [], cfg.global); break;
    case 'net_namespace': case 'net_namespace_ipvs': case 'instance': case 'use_pid_dir': case 'namespace_with_ipsets':
    case 'linkbeat_use_polling': case 'child_wait_time':
      buildRootOption(ctx, n, cfg.root);
      break;
    case 'static_ipaddress':
      for (const l of n.values ?? []) {
        const a = parseIpAddressLine(ctx, l, { static: true, defaultDev: cfg.global.defaultInterface });
        if (a) { a.dev ??= cfg.global.defaultInterface; cfg.staticIpaddress.push(a); }
      }
      break;
    case 'static_routes': for (const l of n.values ?? []) { const r = parseRouteLine(ctx, l); if (r) cfg.staticRoutes.push(r); } break;
    case 'static_rules': for (const l of n.values ?? []) { const r = parseRuleLine(ctx, l, prefs); if (r) cfg.staticRules.push(r); } break;
    case 'vrrp_script': { this.define('vrrp_script', n); const s = buildVrrpScript(ctx, n); if (s && this.scriptUserOk(s, n)) { cfg.vrrpScripts.push(s); known.script.add(s.name); } break; }
    case 'track_file': case 'vrrp_track_file': { this.define('track_file', n); const t = buildTrackFile(ctx, n); if (t) { cfg.trackFiles.push(t); known.file.add(t.name); } break; }
    case 'vrrp_track_process': { this.define('vrrp_track_process', n); const t = buildTrackProcess(ctx, n); if (t) { cfg.trackProcesses.push(t); known.process.add(t.name); } break; }
    case 'vrrp_sync_group': { const g = buildSyncGroup(ctx, n); if (g) { resolveAll(g.name, g); cfg.syncGroups.push(g); } break; }
    case 'vrrp_instance': {
      const name = n.args[0]?.text;
      if (name && instNames.has(name)) { ctx.error(`vrrp instance ${name} already defined`, n.loc); break; }
      const d = buildVrrpInstance(ctx, n, prefs, cfg.global.defaultInterface);
      if (d) { resolveAll(d.inst.name, d.inst); instances.push(d); instNames.add(d.inst.name); }
      break;
    }
    case 'track_group': {
      const name = n.args[0]?.text;
      if (!name) { ctx.error('track_group must have a name - skipping', n.loc); break; }
      const members = (n.children ?? []).filter((c) => c.keyword === 'group').flatMap((c) => (c.values ?? []).flatMap((l) => l.words.map((w) => w.text)));
      if (!members.length) ctx.error(`Warning - track group ${name} has empty group block`, n.loc);
      cfg.trackGroups.push({ name, members, loc: n.loc });
      break;
    }
    case 'garp_group': {
      const gg: KeepalivedConfig['garpGroups'][number] = { interfaces: [], loc: n.loc };
      for (const c of n.children ?? []) {
        if (c.keyword === 'garp_interval' || c.keyword === 'gna_interval') {
          const ms = ctx.timerMs(c, 1, 0, 4294.967295, (v) => `garp_group ${c.keyword} '${v}' invalid`);
          if (ms !== undefined) { if (c.keyword === 'garp_interval') gg.garpIntervalUs = Math.round(ms * 1000); else gg.gnaIntervalUs = Math.round(ms * 1000); }
        } else if (c.keyword === 'interface') {
          const i = ctx.need(c, 1);
          if (i !== undefined) { if (!ctx.ifs.exists(i)) ctx.error(`WARNING - interface ${i} specified for garp_group doesn't exist`, c.loc); else gg.interfaces.push(i); }
        } else if (c.keyword === 'interfaces') {
          const list = (c.values ?? []).flatMap((l) => l.words.map((w) => w.text));
          if (!list.length) ctx.error('Warning - empty garp_group interfaces block', c.loc);
          for (const i of list) { if (!ctx.ifs.exists(i)) ctx.error(`WARNING - interface ${i} specified for garp_group doesn't exist`, c.loc); else gg.interfaces.push(i); }
        } else ctx.bySpec(c, 'garp_group');
      }
      if (!gg.garpIntervalUs && !gg.gnaIntervalUs) ctx.error(`garp group ${cfg.garpGroups.length} does not have any delay set - removing`, n.endLoc ?? n.loc);
      else cfg.garpGroups.push(gg);
      break;
    }
    case 'linkbeat_interfaces':
      for (const l of n.values ?? []) {
        const w = l.words.map((x) => x.text);
        if (!ctx.ifs.exists(w[0]!)) { ctx.error(`unknown interface ${w[0]} specified for linkbeat interface`, l.loc, 3); continue; }
        if (w[1] !== undefined && !['MII', 'ETHTOOL', 'IOCTL'].includes(w[1])) ctx.error(`unknown linkbeat type ${w[1]} for interface ${w[0]}`, l.loc);
        if (w.length > 2) ctx.error(`extra characters ${w[2]} in linkbeat interface`, l.loc);
        cfg.linkbeatInterfaces.push({ name: w[0]!, method: w[1] });
      }
      break;
    case 'interface_up_down_delays':
      for (const l of n.values ?? []) {
        const w = l.words.map((x) => x.text);
        if (!ctx.ifs.exists(w[0]!)) { ctx.error(`unknown interface ${w[0]} specified for up/down delay`, l.loc, 3); continue; }
        if (w.length < 2) { ctx.notice(`No timeouts specified for ${w[0]} up/down delays`, l.loc); continue; }
        if (w.length > 3) { ctx.notice(`Too many parameters for ${w[0]} up/down delays`, l.loc); continue; }
        const down = ctx.values.decimal(w[1]!, 0, 255_000_000, 6, l.loc);
        if (down === undefined) { ctx.notice(`Invalid down delay ${w[1]} for ${w[0]}`, l.loc); continue; }
        const up = w[2] === undefined ? 0 : ctx.values.decimal(w[2], 0, 255_000_000, 6, l.loc);
        if (up === undefined) { ctx.notice(`Invalid up delay ${w[2]} for ${w[0]}`, l.loc); continue; }
        cfg.interfaceUpDownDelays.push({ name: w[0]!, downMs: down / 1000, upMs: up / 1000 });
      }
      break;
    case 'SSL': {
      const ssl: NonNullable<KeepalivedConfig['ssl']> = {};
      if (cfg.ssl) ctx.error('SSL context already specified - replacing', n.loc);
      for (const c of n.children ?? []) {
        const v = c.args[0]?.text;
        const label = c.keyword === 'key' ? 'keyfile' : c.keyword === 'certificate' ? 'certificate' : c.keyword === 'ca' ? 'cafile' : 'password';
        if (v === undefined) { ctx.error(`SSL ${label} missing`, c.loc); continue; }
        if (c.keyword === 'password' || c.keyword === 'ca' || c.keyword === 'certificate' || c.keyword === 'key') ssl[c.keyword] = v;
      }
      cfg.ssl = ssl;
      break;
    }
    case 'bfd_instance': {
        this.define('bfd_instance', n);
      const name = n.args[0]?.text;
      if (!name) { ctx.error('bfd_instance must have a name - skipping', n.loc); break; }
      const b: KeepalivedConfig['bfdInstances'][number] = { name, minRxMs: 10, minTxMs: 10, idleTxMs: 1000, multiplier: 5, passive: false, maxHops: 0, weight: 0, vrrp: false, checker: false, loc: n.loc };
      for (const c of n.children ?? []) {
        switch (c.keyword) {
          case 'neighbor_ip': case 'neighbour_ip': b.neighborIp = ctx.need(c, 1); break;
          case 'source_ip': b.sourceIp = ctx.need(c, 1); break;
          case 'min_rx': { const v = ctx.uint(c, 1, 1, 4294967); if (v !== undefined) b.minRxMs = v; break; }
          case 'min_tx': { const v = ctx.uint(c, 1, 1, 4294967); if (v !== undefined) b.minTxMs = v; break; }
          case 'idle_tx': { const v = ctx.uint(c, 1, 1000, 4294967); if (v !== undefined) b.idleTxMs = v; break; }
          case 'multiplier': { const v = ctx.uint(c, 1, 1, 255); if (v !== undefined) b.multiplier = v; break; }
          case 'passive': b.passive = true; break;
          case 'ttl': case 'hoplimit': { const v = ctx.uint(c, 1, 1, 255); if (v !== undefined) b.ttl = v; break; }
          case 'max_hops': { const v = ctx.int(c, 1, -1, 255); if (v !== undefined) b.maxHops = v; break; }
          case 'weight': { const v = ctx.int(c, 1, -253, 253); if (v !== undefined) b.weight = v; break; }
          case 'vrrp': b.vrrp = true; break;
          case 'checker': b.checker = true; break;
          default: ctx.bySpec(c, 'bfd_instance');
        }
      }
      if (!b.neighborIp) ctx.error(`bfd_instance ${name} has no neighbor_ip - removing`, n.loc);
      else { cfg.bfdInstances.push(b); known.bfd.add(name); }
      break;
    }
    case 'virtual_server_group': { const g = buildVsg(ctx, n); if (g) cfg.virtualServerGroups.push(g); break; }
    case 'virtual_server': {
      this.sawVirtualServer = true;
      const d = buildVirtualServer(ctx, n, known.file);
      if (!d) break;
      const groupKnown = d.vs.addr.kind !== 'group' || cfg.virtualServerGroups.some((g) => g.name === (d.vs.addr as { group: string }).group);
      if (this.retainVirtualServers || !groupKnown) { vss.push(d); break; }
      completeVirtualServer(ctx, cfg, d);
      this.checkedVirtualServers++;
      break;
    }
      default: break;
    }
  }
}

export function buildConfig(ctx: BuildCtx, roots: KwNode[], files: string[], configId: string): BuildResult {
  const b = new ConfigBuilder(ctx, files, configId);
  for (const n of roots) b.add(n);
  return b.finish();
}
