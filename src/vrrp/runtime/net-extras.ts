// What the VRRP child does to the network around the VRRP core: static_ipaddress/static_routes/
// static_rules at start, VMAC interfaces, virtual_routes/virtual_rules following mastership, and the
// accept-mode (no_accept / vrrp_strict) nftables rules. VrrpRuntime calls these hooks at fixed points;
// each hook logs its own failures and never throws into the runtime.
import type { KeepalivedConfig, VrrpInstance as ConfInstance } from '../../config/ast.js';
import type { Logger } from '../../log/logger.js';
import type { InterfaceFacts } from '../config-map.js';
import type { VrrpInstanceParams } from '../params.js';
import { FIREWALL_DEFAULT_LOG } from '../../net/nftables.js';
import { AcceptMode } from './extras/accept-mode.js';
import { Routing } from './extras/routing.js';
import { VmacSet } from './extras/vmacs.js';

export interface NetExtrasContext {
  logger: Logger;
  /** Live interface facts (the runtime keeps them current from netlink events); hooks may add entries (VMACs). */
  facts: () => Map<string, InterfaceFacts>;
}

export interface NetExtras {
  /** Start-up, before any instance: static addresses, routes and rules; firewall tables. */
  start(cfg: KeepalivedConfig): Promise<void>;
  /**
   * Start-up and reload, after interface facts are read and before instances are mapped: create what the
   * instances need to exist first (VMAC interfaces). Returns the config the instances run with: each moved
   * onto its VMAC (interface, VIP devs) where it has one.
   */
  prepare(cfg: KeepalivedConfig): Promise<KeepalivedConfig>;
  /**
   * Around each addVips/removeVips action, with its addresses (VIPs and eVIPs): becoming MASTER adds all,
   * leaving removes all, a reload of a MASTER removes the ones it dropped and adds all again.
   * Before adding: accept-mode drop rules first.
   */
  beforeAddVips(conf: ConfInstance, params: VrrpInstanceParams, addrs: readonly string[]): Promise<void>;
  /** After the VIPs were added: virtual routes and rules. */
  afterAddVips(conf: ConfInstance, params: VrrpInstanceParams, addrs: readonly string[]): Promise<void>;
  /** Before VIPs are removed: the instance's virtual rules and routes when no VIP is left. */
  beforeRemoveVips(conf: ConfInstance, params: VrrpInstanceParams, addrs: readonly string[]): Promise<void>;
  /** After the VIPs were removed: their drop rules. */
  afterRemoveVips(conf: ConfInstance, params: VrrpInstanceParams, addrs: readonly string[]): Promise<void>;
  /** The instance is gone (removed by a reload, or daemon stop), after its VIPs were handled. */
  instanceGone(conf: ConfInstance, params: VrrpInstanceParams): Promise<void>;
  /** SIGHUP with the new config, after instances were matched/started. */
  reload(cfg: KeepalivedConfig): Promise<void>;
  /** Daemon stop, after every instance has stopped. */
  stop(): Promise<void>;
}

/** No network extras: the runtime's hooks do nothing (unit tests of the runtime without netlink). */
export const NO_NET_EXTRAS: NetExtras = {
  start: async () => {},
  prepare: async (cfg) => cfg,
  beforeAddVips: async () => {},
  afterAddVips: async () => {},
  beforeRemoveVips: async () => {},
  afterRemoveVips: async () => {},
  instanceGone: async () => {},
  reload: async () => {},
  stop: async () => {},
};

/** Runs a hook; anything it throws is logged, never passed to the runtime (VRRP state must not suffer). */
async function guarded(log: Logger, what: string, f: () => Promise<void>): Promise<void> {
  try { await f(); } catch (e) { log.err(`${what}: ${(e as Error).message}`); }
}

/** vrrp_complete_instance(): the first instance needing a firewall without `nftables` configured says so (once per load). */
function firewallDefaultNote(cfg: KeepalivedConfig, log: Logger): void {
  if ('nftables' in cfg.global.other) return;
  if (cfg.vrrpInstances.some((v) => !v.accept || v.useVmac)) log.info(FIREWALL_DEFAULT_LOG);
}

/** keepalived's order: drop rules, VIPs, routes, rules on becoming MASTER; the reverse on leaving. */
export function createNetExtras(ctx: NetExtrasContext): NetExtras {
  const log = ctx.logger;
  const accept = new AcceptMode(log);
  const vmacs = new VmacSet(log, ctx.facts, { add: (spec) => accept.addVmac(spec), remove: (spec) => accept.removeVmac(spec) });
  const routing = new Routing(log, ctx.facts);
  /** The config as prepare() last moved it (reload reconciles masters against it). */
  let prepared: KeepalivedConfig | undefined;
  /** The addresses each instance holds now (set while MASTER). */
  const held = new Map<string, Set<string>>();
  const heldOf = (iname: string) => held.get(iname) ?? new Set<string>();
  return {
    start: (cfg) => guarded(log, 'static addresses, routes and rules', async () => {
      firewallDefaultNote(cfg, log);
      accept.configure(cfg.global);
      await routing.setStatic(cfg);
    }),
    prepare: async (cfg) => {
      try {
        prepared = await vmacs.prepare(cfg);
      } catch (e) {
        log.err(`VMAC set-up failed: ${(e as Error).message}`);
        prepared = cfg;
      }
      return prepared;
    },
    beforeAddVips: (conf, p, addrs) => guarded(log, `(${p.iname}) accept mode`,
      () => accept.set(p.iname, AcceptMode.dropVips(conf, p.interface, new Set([...heldOf(p.iname), ...addrs])))),
    afterAddVips: (conf, p, addrs) => guarded(log, `(${p.iname}) virtual routes`, async () => {
      held.set(p.iname, new Set([...heldOf(p.iname), ...addrs]));
      await routing.setVirtual(p.iname, { routes: conf.vroutes, rules: conf.vrules });
    }),
    beforeRemoveVips: (_conf, p, addrs) => guarded(log, `(${p.iname}) virtual routes`, async () => {
      if ([...heldOf(p.iname)].every((a) => addrs.includes(a))) await routing.setVirtual(p.iname, undefined);
    }),
    afterRemoveVips: (conf, p, addrs) => guarded(log, `(${p.iname}) accept mode`, async () => {
      const left = new Set([...heldOf(p.iname)].filter((a) => !addrs.includes(a)));
      if (left.size) held.set(p.iname, left);
      else held.delete(p.iname);
      await accept.set(p.iname, AcceptMode.dropVips(conf, p.interface, left));
    }),
    instanceGone: (_conf, p) => guarded(log, `(${p.iname}) VMAC`, () => vmacs.instanceGone(p.iname)),
    reload: (cfg) => guarded(log, 'reload of static and virtual routes', async () => {
      firewallDefaultNote(cfg, log);
      await routing.setStatic(cfg);
      // A MASTER kept by the reload: its virtual routes/rules and drop entries follow the new config.
      const byName = new Map((prepared ?? cfg).vrrpInstances.map((v) => [v.name, v]));
      for (const iname of routing.holders()) {
        const v = byName.get(iname);
        if (v) await routing.setVirtual(iname, { routes: v.vroutes, rules: v.vrules });
      }
      for (const iname of accept.holders()) {
        const v = byName.get(iname);
        if (v) await accept.set(iname, AcceptMode.dropVips(v, v.interface ?? cfg.global.defaultInterface, heldOf(iname)));
      }
    }),
    stop: () => guarded(log, 'network clean-up at stop', async () => {
      await accept.stop();
      await routing.stop();
      await vmacs.stop();
    }),
  };
}
