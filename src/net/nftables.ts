// Accept mode (RFC 5798 §6.1 Accept_Mode): an instance without `accept` (no_accept, or
// vrrp_strict below priority 255) must not accept packets addressed to its VIPs while it
// owns them. keepalived's vrrp_nftables.c builds table `keepalived` with a `vips` set and
// drop rules in input/output chains (priority -1), then adds VIPs to the set while master
// (vrrp.c vrrp_handle_accept_mode). Same ruleset here, applied through `nft -f -`.
// The rule text is pure (tested as text); NftRunner is the one place that runs nft.
import { spawn } from 'node:child_process';

export type IpFamily = 4 | 6;

export interface NftSettings {
  /** global_defs `nftables [TABLE]` (default keepalived). */
  table: string;
  /** `nftables_priority` (default -1). */
  priority: number;
  /** `nftables_counters`: a counter on each drop rule. */
  counters: boolean;
}

export const NFT_DEFAULTS: NftSettings = { table: 'keepalived', priority: -1, counters: false };

const nftFamily = (f: IpFamily) => (f === 4 ? 'ip' : 'ip6');
const LINK_LOCAL_RANGE = 'fe80::-febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff';

/**
 * The table keepalived creates on first use (nft_setup_ipv4 / nft_setup_ipv6). `add table`
 * before `delete table` makes the delete safe when no old table exists.
 */
export function setupScript(f: IpFamily, s: NftSettings = NFT_DEFAULTS, fresh = true): string {
  const fam = nftFamily(f);
  const c = s.counters ? 'counter ' : '';
  const hook = (h: string) => `type filter hook ${h} priority ${s.priority}; policy accept;`;
  // Not fresh: the table exists already (VMAC rules); the block adds to it.
  const lines = [...(fresh ? [`add table ${fam} ${s.table}`, `delete table ${fam} ${s.table}`] : []), `table ${fam} ${s.table} {`];
  if (f === 4) {
    lines.push(
      '  set vips { type ipv4_addr; }',
      `  chain in { ${hook('input')} ip daddr @vips ${c}drop; }`,
      `  chain out { ${hook('output')} ip saddr @vips ${c}drop; }`,
    );
  } else {
    // Neighbour discovery must still work for the VIPs; link-local VIPs are keyed by interface.
    lines.push(
      '  set vips { type ipv6_addr; }',
      '  set vips_link_local { type ipv6_addr . ifname; }',
      '  set neighbor-discovery { type icmpv6_type; elements = { nd-neighbor-solicit, nd-neighbor-advert }; }',
      `  chain in_link_local { ip6 daddr . iifname @vips_link_local ${c}drop; }`,
      `  chain out_link_local { ip6 saddr . oifname @vips_link_local ${c}drop; }`,
      `  chain in { ${hook('input')} icmpv6 type @neighbor-discovery accept; ip6 daddr ${LINK_LOCAL_RANGE} goto in_link_local; ip6 daddr @vips ${c}drop; }`,
      `  chain out { ${hook('output')} icmpv6 type @neighbor-discovery accept; ip6 saddr ${LINK_LOCAL_RANGE} goto out_link_local; ip6 saddr @vips ${c}drop; }`,
    );
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/**
 * VMACs: the IGMP (IPv4) / MLDv2 (IPv6) reports a VMAC would send carry the virtual MAC and would teach
 * switches the virtual MAC at a backup's port; keepalived (vrrp_nftables.c setup_rule_move_igmp) sends
 * them from the parent interface instead (dup to the parent, drop the original) and drops IPv6 router
 * solicitations from VMACs. This creates that map and those rules (`fresh`: the table is new).
 */
export function vmacSetupScript(f: IpFamily, s: NftSettings = NFT_DEFAULTS, fresh = true): string {
  const fam = nftFamily(f);
  const c = s.counters ? 'counter ' : '';
  const lines = [...(fresh ? [`add table ${fam} ${s.table}`, `delete table ${fam} ${s.table}`] : []), `table ${fam} ${s.table} {`,
    '  map vmac_map { type iface_index : iface_index; }'];
  if (f === 6) lines.push('  set vmac_set { type iface_index; }');
  const report = f === 4 ? 'ip protocol igmp' : 'icmpv6 type mld2-listener-report';
  const rules = [`${report} meta oifkind "macvlan" dup to ${fam} daddr device oif map @vmac_map ${c}drop;`];
  if (f === 6) rules.push(`icmpv6 type nd-router-solicit meta oifkind "macvlan" oif @vmac_set ${c}drop;`);
  lines.push(`  chain out { type filter hook output priority ${s.priority}; policy accept; ${rules.join(' ')} }`, '}');
  return `${lines.join('\n')}\n`;
}

/** `add element` / `delete element` for one VMAC (interface names; nft resolves them to indexes). */
export function vmacElementScript(op: 'add' | 'delete', f: IpFamily, vmac: string, parent: string, s: NftSettings = NFT_DEFAULTS): string {
  const fam = nftFamily(f);
  const lines = [`${op} element ${fam} ${s.table} vmac_map { "${vmac}"${op === 'add' ? ` : "${parent}"` : ''} }`];
  if (f === 6) lines.push(`${op} element ${fam} ${s.table} vmac_set { "${vmac}" }`);
  return `${lines.join('\n')}\n`;
}

export interface DropVip {
  family: IpFamily;
  address: string;
  /** The VIP's interface: link-local IPv6 VIPs are matched with it. */
  ifname: string;
}

const isLinkLocal6 = (v: DropVip) => v.family === 6 && /^fe[89ab]/i.test(v.address);

/** `add element` / `delete element` lines for VIPs of one family. */
export function elementsScript(op: 'add' | 'delete', vips: readonly DropVip[], s: NftSettings = NFT_DEFAULTS): string {
  const out: string[] = [];
  for (const f of [4, 6] as const) {
    const mine = vips.filter((v) => v.family === f);
    const plain = mine.filter((v) => !isLinkLocal6(v)).map((v) => v.address);
    const ll = mine.filter(isLinkLocal6).map((v) => `${v.address} . "${v.ifname}"`);
    if (plain.length) out.push(`${op} element ${nftFamily(f)} ${s.table} vips { ${plain.join(', ')} }`);
    if (ll.length) out.push(`${op} element ${nftFamily(f)} ${s.table} vips_link_local { ${ll.join(', ')} }`);
  }
  return out.length ? `${out.join('\n')}\n` : '';
}

export type NftResult = { ok: true } | { ok: false; error: string };

/** Runs `nft -f -` with the script on stdin, bounded by timeoutMs; never throws. */
export function runNft(script: string, timeoutMs = 5000, nftPath = 'nft'): Promise<NftResult> {
  return new Promise((resolve) => {
    let stderr = '';
    let done = false;
    const finish = (r: NftResult) => { if (!done) { done = true; clearTimeout(timer); resolve(r); } };
    const child = spawn(nftPath, ['-f', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
    const timer = setTimeout(() => { child.kill('SIGKILL'); finish({ ok: false, error: `nft did not finish within ${timeoutMs} ms` }); }, timeoutMs);
    child.stderr.on('data', (d: Buffer) => { if (stderr.length < 4096) stderr += d.toString(); });
    child.on('error', (e) => finish({ ok: false, error: `cannot run ${nftPath}: ${e.message}` }));
    child.on('close', (code) => finish(code === 0 ? { ok: true } : { ok: false, error: `nft failed (exit ${code}): ${stderr.trim().split('\n')[0] ?? ''}` }));
    child.stdin.on('error', () => { /* reported by close/error */ });
    child.stdin.end(script);
  });
}

/**
 * The instance-facing side: setVips() when an instance without accept becomes master,
 * clearVips() when it leaves, cleanup() at shutdown. The table for a family is created
 * on first use, as keepalived does.
 */
export class AcceptModeFirewall {
  /** Families whose table has the VIP drop set and chains. */
  private readonly ready = new Set<IpFamily>();
  /** Families whose table has the VMAC map and rules. */
  private readonly vmacReady = new Set<IpFamily>();
  private readonly tables = () => new Set([...this.ready, ...this.vmacReady]);
  /** Instances holding each element: two instances may share a VIP; it leaves the set with the last. */
  private readonly holders = new Map<string, number>();

  constructor(private readonly s: NftSettings = NFT_DEFAULTS, private readonly run: (script: string) => Promise<NftResult> = (x) => runNft(x)) {}

  private static key(v: DropVip): string { return `${v.family}|${v.address}|${isLinkLocal6(v) ? v.ifname : ''}`; }

  async setVips(vips: readonly DropVip[]): Promise<NftResult> {
    const fresh = vips.filter((v) => !this.holders.has(AcceptModeFirewall.key(v)));
    let setup = '';
    for (const f of new Set(fresh.map((v) => v.family))) if (!this.ready.has(f)) setup += setupScript(f, this.s, !this.vmacReady.has(f));
    const script = setup + elementsScript('add', fresh, this.s);
    const r = script ? await this.run(script) : { ok: true as const };
    if (!r.ok) return r;
    for (const v of fresh) this.ready.add(v.family);
    for (const v of vips) { const k = AcceptModeFirewall.key(v); this.holders.set(k, (this.holders.get(k) ?? 0) + 1); }
    return r;
  }

  async clearVips(vips: readonly DropVip[]): Promise<NftResult> {
    const last: DropVip[] = [];
    for (const v of vips) {
      const k = AcceptModeFirewall.key(v);
      const n = this.holders.get(k);
      if (n === undefined) continue;
      if (n > 1) this.holders.set(k, n - 1);
      else { this.holders.delete(k); last.push(v); }
    }
    const script = elementsScript('delete', last, this.s);
    return script ? this.run(script) : { ok: true };
  }

  /** A VMAC's multicast reports leave from its parent (nft_add_vmac); the table is made on first use. */
  async addVmac(f: IpFamily, vmac: string, parent: string): Promise<NftResult> {
    const setup = this.vmacReady.has(f) ? '' : vmacSetupScript(f, this.s, !this.ready.has(f));
    const r = await this.run(setup + vmacElementScript('add', f, vmac, parent, this.s));
    if (r.ok) this.vmacReady.add(f);
    return r;
  }

  async removeVmac(f: IpFamily, vmac: string): Promise<NftResult> {
    if (!this.vmacReady.has(f)) return { ok: true };
    return this.run(vmacElementScript('delete', f, vmac, '', this.s));
  }

  /** Removes keepalived's tables (shutdown), like nft_end(). */
  async cleanup(): Promise<NftResult> {
    const lines = [...this.tables()].map((f) => `delete table ${nftFamily(f)} ${this.s.table}`);
    this.ready.clear();
    this.vmacReady.clear();
    this.holders.clear();
    return lines.length ? this.run(`${lines.join('\n')}\n`) : { ok: true };
  }
}

/** Whether an instance installs drop rules (vrrp_handle_accept_mode): not owner, not accept. */
export const needsDropRules = (basePriority: number, accept: boolean) => basePriority !== 255 && !accept;

/** keepalived's log line when drop rules are needed and no table is configured (vrrp.c). */
export const FIREWALL_DEFAULT_LOG = 'use_vmac or no_accept/strict specified, but no firewall configured - using nftables';

/**
 * The one warning at start that the VIPs will not answer (keepalived issues #474, #2319:
 * "VIP not pingable" under vrrp_strict is the most reported surprise).
 */
export function acceptModeWarning(iname: string, vips: readonly string[], strict: boolean): string {
  const why = strict ? 'vrrp_strict' : 'no_accept';
  return `(${iname}) Warning - ${why}: traffic addressed to the VIPs (${vips.join(', ')}) is dropped while MASTER `
    + "(nftables table keepalived); add 'accept' to the vrrp_instance to answer it";
}
