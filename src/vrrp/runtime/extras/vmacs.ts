// The VMAC interfaces of the running config: created before the instances are mapped (they must exist
// for the sockets), kept while an instance needs them, deleted when the last user goes (reload) and at
// stop, as keepalived's netlink_link_add_vmac() / netlink_link_del_vmac(). rp_filter is cleared with
// the first IPv4 VMAC and restored at stop (vrrp_if_config.c clear_rp_filter / restore_rp_filter).
import type { KeepalivedConfig } from '../../../config/ast.js';
import type { Logger } from '../../../log/logger.js';
import { Links } from '../../../net/links.js';
import { clearRpFilter, restoreRpFilter, Vmacs, type VmacSpec } from '../../../net/vmac.js';
import type { InterfaceFacts } from '../../config-map.js';
import { planVmacs } from './vmac-plan.js';

export class VmacSet {
  private readonly vmacs = new Vmacs();
  private readonly links = new Links();
  /** VMACs we created or adopted, by name, with the instances that use them. */
  private readonly owned = new Map<string, { spec: VmacSpec; users: Set<string> }>();
  /** The VMAC names the last prepare()d config needs. */
  private needed = new Set<string>();

  /** global_defs disable_local_igmp: IPv4 VMACs keep their IGMP reports (keepalived skips firewall_add_vmac). */
  private keepIgmp = false;

  constructor(
    private readonly log: Logger,
    private readonly facts: () => Map<string, InterfaceFacts>,
    /** The VMAC multicast report rules (keepalived's firewall_add_vmac / firewall_remove_vmac). */
    private readonly reports: { add(spec: VmacSpec): Promise<void>; remove(spec: VmacSpec): Promise<void> },
  ) {}

  /** Creates the VMACs the config needs; returns the config with the instances moved onto them. */
  async prepare(cfg: KeepalivedConfig): Promise<KeepalivedConfig> {
    const wants = cfg.vrrpInstances.some((v) => v.useVmac || v.useVmacAddr || [...v.vips, ...v.evips].some((a) => a.useVmac));
    if (!wants && !this.owned.size) return cfg;
    const l = await this.links.list();
    const links = l.ok ? new Map(l.links.map((x) => [x.ifname, x])) : new Map();
    // A name is free unless a non-VMAC interface has it (a VMAC we own or one left by a previous run is reused).
    const plan = planVmacs(cfg, (n) => links.has(n) && !this.owned.has(n) && links.get(n)?.parentIfindex === undefined);
    for (const e of plan.errors) this.log.err(e);
    this.keepIgmp = 'disable_local_igmp' in cfg.global.other;
    this.needed = new Set(plan.vmacs.keys());
    for (const [name, want] of plan.vmacs) {
      const have = this.owned.get(name);
      if (have && have.spec.parent === want.spec.parent && have.spec.family === want.spec.family && have.spec.mac === want.spec.mac && links.has(name)) {
        have.users = want.users;
        continue;
      }
      if (have) await this.delete(name);
      if (want.spec.family === 4) for (const t of clearRpFilter()) this.log.info(t);
      const r = await this.vmacs.create(want.spec);
      if (!r.ok) { this.log.info(r.error); continue; }
      for (const w of r.warnings) this.log.info(w);
      this.log.detail(`(${want.spec.iname}): Success creating VMAC interface ${name}`);
      this.owned.set(name, { spec: want.spec, users: want.users });
      // before any socket joins a multicast group on it
      if (want.spec.family === 6 || !this.keepIgmp) await this.reports.add(want.spec);
    }
    // A VMAC the new config no longer uses stays until its instance is gone (its priority-0 advert goes out on it).
    await this.refreshFacts();
    return plan.config;
  }

  /**
   * The instance is gone (a reload removed it, or one of the same name now runs differently): a VMAC it
   * used that the current config no longer needs is deleted when its last user goes.
   */
  async instanceGone(iname: string): Promise<void> {
    for (const [name, o] of [...this.owned]) {
      if (this.needed.has(name) || !o.users.delete(iname) || o.users.size) continue;
      await this.delete(name);
    }
  }

  async stop(): Promise<void> {
    this.needed.clear();
    for (const name of [...this.owned.keys()]) await this.delete(name);
    for (const t of restoreRpFilter()) this.log.info(t);
  }

  private async delete(name: string): Promise<void> {
    const o = this.owned.get(name);
    if (!o) return;
    this.owned.delete(name);
    await this.reports.remove(o.spec);
    const r = await this.vmacs.remove(o.spec);
    if (!r.ok) this.log.info(r.error);
    this.facts().delete(name);
  }

  /**
   * The runtime's interface facts for each VMAC: its own ifindex, virtual MAC and link state, and the
   * parent's addresses first: keepalived sends IPv4 adverts from the configured interface's primary
   * address (VRRP_PKT_SADDR) and gives an IPv6 VMAC the parent's link-local (set_link_local_address).
   */
  private async refreshFacts(): Promise<void> {
    if (!this.owned.size) return;
    const l = await this.links.list();
    if (!l.ok) { this.log.err(l.error); return; }
    const facts = this.facts();
    for (const [name, o] of this.owned) {
      let link = l.links.find((x) => x.ifname === name);
      if (!link) continue;
      // A macvlan just set up reports RUNNING a moment later; wait for it (bounded) rather than start in FAULT.
      for (let i = 0; i < 20 && !link.up && l.links.find((x) => x.ifname === o.spec.parent)?.up; i++) {
        await new Promise((r) => setTimeout(r, 25));
        link = (await this.links.byName(name)) ?? link;
      }
      const parent = facts.get(o.spec.parent);
      const own = facts.get(name);
      const vips = (own?.ipv4 ?? []).filter((ip) => !parent?.ipv4.includes(ip));
      const ll = o.spec.linkLocal ?? parent?.ipv6LinkLocal;
      facts.set(name, {
        ifindex: link.ifindex, up: link.up, ...(link.mac ? { mac: link.mac } : {}),
        ipv4: [...(parent?.ipv4 ?? []), ...vips],
        ...(ll ? { ipv6LinkLocal: ll } : {}),
      });
    }
  }
}
