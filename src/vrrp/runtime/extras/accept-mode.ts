// Accept mode in the running daemon (keepalived vrrp.c vrrp_handle_accept_mode): an instance that is
// not the address owner and has no `accept` (no_accept, or vrrp_strict's default) puts its VIPs in the
// nftables drop set before adding them on becoming MASTER, and takes them out after removing them; the
// table goes at stop (firewall_fini). The same table carries the VMACs' multicast report rules.
// Failures (nft missing, refused) are logged with the instance.
import type { GlobalDefs, VrrpInstance as ConfInstance } from '../../../config/ast.js';
import type { Logger } from '../../../log/logger.js';
import { vmacName, type VmacSpec } from '../../../net/vmac.js';
import { AcceptModeFirewall, NFT_DEFAULTS, needsDropRules, runNft, type DropVip, type NftResult, type NftSettings } from '../../../net/nftables.js';

/** global_defs nftables [TABLE], nftables_priority, nftables_counters. */
export function nftSettings(g: GlobalDefs): NftSettings {
  const prio = Number(g.other['nftables_priority']?.[0]);
  return {
    table: g.other['nftables']?.[0] ?? NFT_DEFAULTS.table,
    priority: Number.isInteger(prio) ? prio : NFT_DEFAULTS.priority,
    counters: 'nftables_counters' in g.other,
  };
}

export class AcceptMode {
  private fw: AcceptModeFirewall | undefined;
  private settings: NftSettings = NFT_DEFAULTS;
  /** Drop-set entries each instance holds now. */
  private readonly held = new Map<string, DropVip[]>();

  constructor(private readonly log: Logger, private readonly run: (script: string) => Promise<NftResult> = (x) => runNft(x)) {}

  configure(g: GlobalDefs): void {
    const s = nftSettings(g);
    if (this.fw && JSON.stringify(s) === JSON.stringify(this.settings)) return;
    // A changed table name or priority takes effect from the next mastership; held entries stay where they are.
    if (!this.fw || !this.held.size) { this.settings = s; this.fw = new AcceptModeFirewall(s, this.run); }
  }

  /** Of the addresses the instance holds, those to drop when it needs drop rules, else none. */
  static dropVips(conf: ConfInstance, ifname: string, holding: ReadonlySet<string>): DropVip[] {
    if (!needsDropRules(conf.priority, conf.accept)) return [];
    return [...conf.vips, ...conf.evips].filter((a) => holding.has(a.address)).map((a) => ({ family: a.family === 'inet6' ? 6 : 4, address: a.address, ifname: a.dev ?? ifname }));
  }

  /** Sets the instance's drop entries to `want` (MASTER: dropVips(); leaving: none). */
  async set(iname: string, want: DropVip[]): Promise<void> {
    const fw = this.fw ?? (this.fw = new AcceptModeFirewall(this.settings, this.run));
    const have = this.held.get(iname) ?? [];
    const key = (v: DropVip) => `${v.family}|${v.address}|${v.ifname}`;
    const wantKeys = new Set(want.map(key));
    const haveKeys = new Set(have.map(key));
    const drop = have.filter((v) => !wantKeys.has(key(v)));
    const add = want.filter((v) => !haveKeys.has(key(v)));
    if (drop.length) {
      const r = await fw.clearVips(drop);
      if (!r.ok) this.log.err(`(${iname}) cannot remove the accept-mode drop rules for ${drop.map((v) => v.address).join(', ')}: ${r.error}`);
    }
    let kept = have.filter((v) => wantKeys.has(key(v)));
    if (add.length) {
      const r = await fw.setVips(add);
      if (r.ok) kept = [...kept, ...add];
      else this.log.err(`(${iname}) cannot install the accept-mode drop rules for ${add.map((v) => v.address).join(', ')}: ${r.error}`);
    }
    if (kept.length) this.held.set(iname, kept);
    else this.held.delete(iname);
  }

  holders(): string[] { return [...this.held.keys()]; }

  /** A new VMAC: its IGMP/MLD reports are sent from the parent (keepalived firewall_add_vmac). */
  async addVmac(spec: VmacSpec): Promise<void> {
    const fw = this.fw ?? (this.fw = new AcceptModeFirewall(this.settings, this.run));
    const r = await fw.addVmac(spec.family, vmacName(spec.vrid, spec.name), spec.parent);
    if (!r.ok) this.log.err(`(${spec.iname}) cannot add the VMAC ${vmacName(spec.vrid, spec.name)} multicast report rules: ${r.error}`);
  }

  async removeVmac(spec: VmacSpec): Promise<void> {
    const r = await this.fw?.removeVmac(spec.family, vmacName(spec.vrid, spec.name));
    if (r && !r.ok) this.log.err(`(${spec.iname}) cannot remove the VMAC ${vmacName(spec.vrid, spec.name)} multicast report rules: ${r.error}`);
  }

  async stop(): Promise<void> {
    this.held.clear();
    const r = await this.fw?.cleanup();
    if (r && !r.ok) this.log.err(`cannot remove nftables table ${this.settings.table}: ${r.error}`);
  }
}
