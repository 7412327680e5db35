// What the VRRP child does to the network around the VRRP core: static_ipaddress/static_routes/
// static_rules at start, VMAC interfaces, virtual_routes/virtual_rules following mastership, and the
// accept-mode (no_accept / vrrp_strict) nftables rules. VrrpRuntime calls these hooks at fixed points;
// each hook logs its own failures and never throws into the runtime.
import type { KeepalivedConfig, VrrpInstance as ConfInstance } from '../../config/ast.js';
import type { Logger } from '../../log/logger.js';
import type { InterfaceFacts } from '../config-map.js';
import type { VrrpInstanceParams } from '../params.js';

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
   * instances need to exist first (VMAC interfaces). Returns the interface each instance should run on,
   * by instance name, where it differs from the configured one.
   */
  prepare(cfg: KeepalivedConfig): Promise<Map<string, string>>;
  /** After the instance's VIPs were added (becoming MASTER). */
  afterAddVips(conf: ConfInstance, params: VrrpInstanceParams): Promise<void>;
  /** Before the instance's VIPs are removed (leaving MASTER, stop). */
  beforeRemoveVips(conf: ConfInstance, params: VrrpInstanceParams): Promise<void>;
  /** The instance is gone (removed by a reload, or daemon stop), after its VIPs were handled. */
  instanceGone(conf: ConfInstance, params: VrrpInstanceParams): Promise<void>;
  /** SIGHUP with the new config, after instances were matched/started. */
  reload(cfg: KeepalivedConfig): Promise<void>;
  /** Daemon stop, after every instance has stopped. */
  stop(): Promise<void>;
}

/** No network extras configured: the runtime's default until the config asks for some. */
export const NO_NET_EXTRAS: NetExtras = {
  start: async () => {},
  prepare: async () => new Map(),
  afterAddVips: async () => {},
  beforeRemoveVips: async () => {},
  instanceGone: async () => {},
  reload: async () => {},
  stop: async () => {},
};

export function createNetExtras(_ctx: NetExtrasContext): NetExtras {
  return NO_NET_EXTRAS;
}
