// virtual_routes / virtual_rules following mastership and static_ipaddress / static_routes /
// static_rules for the daemon's lifetime, as keepalived's netlink_rtlist() / netlink_rulelist() /
// netlink_iplist() use them: virtual ones added on becoming MASTER (after the VIPs), rules removed
// before routes on leaving it; static ones set at start, diffed on reload, removed at stop
// (vrrp_daemon.c stop_vrrp: rules, routes, then addresses). Every failure is logged naming the
// instance and the route or rule; nothing here throws.
import type { IpAddress, KeepalivedConfig, Route, Rule } from '../../../config/ast.js';
import type { Logger } from '../../../log/logger.js';
import { Addresses } from '../../../net/addresses.js';
import { describeRoute, Routes } from '../../../net/routes.js';
import { describeRule, Rules } from '../../../net/rules.js';
import type { InterfaceFacts } from '../../config-map.js';
import { applyVips } from '../vips.js';

const routeKey = (r: Route) => `${r.family} ${describeRoute(r)} ${r.words.join(' ')}`;
const ruleKey = (r: Rule) => `${r.family} ${describeRule(r)} ${r.words.join(' ')}`;
const addrKey = (a: IpAddress) => `${a.address}/${a.prefixLen} ${a.dev ?? ''}`;
/** An entry already there on add, or already gone on delete, is what we wanted. */
const quietAdd = (e: string) => /File exists/.test(e);
const quietRemove = (e: string) => /No such process|No such file or directory|Cannot assign requested address/.test(e);

type NetResult = { ok: true } | { ok: false; error: string };
interface NetOps<T> { add(x: T): Promise<NetResult>; remove(x: T): Promise<NetResult> }

interface Held { routes: Map<string, Route>; rules: Map<string, Rule> }

export class Routing {
  private readonly routes = new Routes();
  private readonly rules = new Rules();
  private readonly addrs = new Addresses();
  /** Virtual routes and rules we set, per instance (only while it is MASTER). */
  private readonly held = new Map<string, Held>();
  private statics: Held & { addrs: Map<string, IpAddress> } = { routes: new Map(), rules: new Map(), addrs: new Map() };
  private defaultDev = 'eth0';

  constructor(private readonly log: Logger, private readonly facts: () => Map<string, InterfaceFacts>) {}

  /** Makes the instance's virtual routes and rules what `want` says (MASTER: the config's; else none). */
  async setVirtual(iname: string, want: { routes: readonly Route[]; rules: readonly Rule[] } | undefined): Promise<void> {
    const h = this.held.get(iname) ?? { routes: new Map(), rules: new Map() };
    const routes = new Map((want?.routes ?? []).map((r) => [routeKey(r), r]));
    const rules = new Map((want?.rules ?? []).map((r) => [ruleKey(r), r]));
    const who = `(${iname})`;
    if (want) {
      await this.syncRoutes(who, h.routes, routes);
      await this.syncRules(who, h.rules, rules);
    } else {
      await this.syncRules(who, h.rules, rules);
      await this.syncRoutes(who, h.routes, routes);
    }
    if (h.routes.size || h.rules.size) this.held.set(iname, h);
    else this.held.delete(iname);
  }

  /** Instances that hold virtual routes or rules now. */
  holders(): string[] { return [...this.held.keys()]; }

  /** Start-up and reload: static entries as configured (entries the reload dropped are removed). */
  async setStatic(cfg: KeepalivedConfig): Promise<void> {
    this.defaultDev = cfg.global.defaultInterface;
    const s = this.statics;
    const addrs = new Map(cfg.staticIpaddress.map((a) => [addrKey(a), a]));
    const gone = [...s.addrs].filter(([k]) => !addrs.has(k)).map(([, a]) => a);
    await this.syncRules('static_rules:', s.rules, new Map(cfg.staticRules.map((r) => [ruleKey(r), r])));
    await this.syncRoutes('static_routes:', s.routes, new Map(cfg.staticRoutes.map((r) => [routeKey(r), r])));
    await this.applyAddrs('remove', gone);
    await this.applyAddrs('add', [...addrs.values()].filter((a) => !s.addrs.has(addrKey(a))));
    s.addrs = addrs;
  }

  async stop(): Promise<void> {
    const s = this.statics;
    await this.syncRules('static_rules:', s.rules, new Map());
    await this.syncRoutes('static_routes:', s.routes, new Map());
    await this.applyAddrs('remove', [...s.addrs.values()]);
    s.addrs.clear();
  }

  private async applyAddrs(kind: 'add' | 'remove', list: IpAddress[]): Promise<void> {
    if (!list.length) return;
    const facts = this.facts();
    await applyVips({ addrs: this.addrs, ifindex: (n) => facts.get(n)?.ifindex, log: (t) => this.log.err(`static_ipaddress: ${t}`) }, kind, list, this.defaultDev);
  }

  private syncRoutes(who: string, have: Map<string, Route>, want: Map<string, Route>): Promise<void> {
    return this.sync(who, this.routes, have, want);
  }

  private syncRules(who: string, have: Map<string, Rule>, want: Map<string, Rule>): Promise<void> {
    return this.sync(who, this.rules, have, want);
  }

  /** Removes what `have` holds and `want` does not, then adds what is missing; `have` follows. */
  private async sync<T>(who: string, ops: NetOps<T>, have: Map<string, T>, want: Map<string, T>): Promise<void> {
    for (const [k, x] of [...have]) {
      if (want.has(k)) continue;
      const res = await ops.remove(x);
      if (!res.ok && !quietRemove(res.error)) this.log.err(`${who} ${res.error}`);
      have.delete(k);
    }
    for (const [k, x] of want) {
      if (have.has(k)) continue;
      const res = await ops.add(x);
      if (res.ok || quietAdd(res.error)) have.set(k, x);
      else this.log.err(`${who} ${res.error}`);
    }
  }
}
