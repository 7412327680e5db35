// Address, route and rule lines (keepalived vrrp_ipaddress.c, vrrp_iproute.c, vrrp_iprule.c).
import * as net from 'node:net';
import type { Family, IpAddress, Route, Rule } from '../ast.js';
import { ConfigErr, type SourceLoc } from '../diagnostics.js';
import type { ValueLine } from '../walker.js';
import type { BuildCtx } from './context.js';

export function familyOf(ip: string): Family | undefined {
  const v = net.isIP(ip);
  return v === 4 ? 'inet' : v === 6 ? 'inet6' : undefined;
}

/** `IP[/PREFIX]` as keepalived parse_ipaddress(): inet_pton, and the default prefix of the family. */
export function parseIpPrefix(ctx: BuildCtx, str: string, loc: SourceLoc, report = true): { address: string; prefixLen: number; family: Family } | undefined {
  const slash = str.indexOf('/');
  const addr = slash >= 0 ? str.slice(0, slash) : str;
  const family = familyOf(addr);
  if (!family) {
    if (report) ctx.error(`VRRP parsed invalid IP ${str}. skipping IP...`, loc);
    return undefined;
  }
  const max = family === 'inet' ? 32 : 128;
  let prefixLen = max;
  if (slash >= 0) {
    const p = str.slice(slash + 1);
    // read_unsigned(0..max) reports first, then the address parser
    const v = report ? ctx.values.uint(p, 0, max, loc) : (/^\d+$/.test(p) && Number(p) <= max ? Number(p) : undefined);
    if (v !== undefined) prefixLen = v;
    else if (report) ctx.error(`Invalid address prefix len ${p} for address ${str} - using ${max}`, loc);
  }
  return { address: addr, prefixLen, family };
}

const SCOPES = new Set(['site', 'link', 'host', 'nowhere', 'global']);

/** One address line of virtual_ipaddress, virtual_ipaddress_excluded or static_ipaddress. */
export function parseIpAddressLine(ctx: BuildCtx, line: ValueLine, opts: { static: boolean; defaultDev?: string }): IpAddress | undefined {
  const words = line.words.map((w) => w.text);
  const loc = line.loc;
  const first = words[0];
  if (first === undefined) return undefined;
  const p = parseIpPrefix(ctx, first, loc);
  if (!p) return undefined;
  const a: IpAddress = { family: p.family, address: p.address, prefixLen: p.prefixLen, flags: {}, noTrack: false, loc };
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    const param = (): string | undefined => {
      const v = words[i + 1];
      if (v === undefined) { ctx.error(`No ${w} parameter specified for ${first}`, loc); return undefined; }
      i++;
      return v;
    };
    switch (w) {
      case 'dev': {
        const d = param();
        if (d === undefined) return undefined;
        if (a.dev) { ctx.error(`Cannot specify ipaddress device more than once for ${first}`, loc); return undefined; }
        if (!ctx.interfaceExists(d, loc)) { ctx.error(`WARNING - interface ${d} for ip address ${first} doesn't exist`, loc); return undefined; }
        a.dev = d;
        break;
      }
      case 'scope': {
        const s = param();
        if (s === undefined) return undefined;
        if (SCOPES.has(s) || /^\d+$/.test(s)) a.scope = s;
        else ctx.error(`Invalid scope '${s}' specified for ${first} - ignoring`, loc);
        break;
      }
      case 'brd': case 'broadcast': {
        const b = param();
        if (b === undefined) return undefined;
        // keepalived prints the keyword, not the value, here (vrrp_ipaddress.c)
        if (a.family === 'inet6') { ctx.error(`VRRP is trying to assign a broadcast ${w} to the IPv6 address ${first} !!?? WTF... skipping VIP...`, loc); return undefined; }
        if (b !== '+' && b !== '-' && familyOf(b) !== 'inet') { ctx.error(`VRRP is trying to assign invalid broadcast ${b}. skipping VIP...`, loc); return undefined; }
        a.broadcast = b;
        break;
      }
      case 'label': {
        const l = param();
        if (l === undefined) return undefined;
        if (l.length > 15) { ctx.error(`Address label ${l} is longer than maximum length 15 - removing address`, loc); return undefined; }
        a.label = l;
        break;
      }
      case 'peer': {
        const pe = param();
        if (pe === undefined) return undefined;
        const pp = parseIpPrefix(ctx, pe, loc, false);
        if (a.peer) ctx.error(`Peer ${pe} - another peer has already been specified`, loc);
        else if (!pp) ctx.error(`Invalid peer address ${pe}`, loc);
        else if (pp.family !== a.family) ctx.error(`Peer address ${pe} does not match address family`, loc);
        else a.peer = pe;
        break;
      }
      case 'home': a.flags.home = true; break;
      case '-nodad': a.flags.nodad = true; break;
      case 'mngtmpaddr': a.flags.mngtmpaddr = true; break;
      case 'noprefixroute': a.flags.noprefixroute = true; break;
      case 'autojoin': a.flags.autojoin = true; break;
      case 'no_track': a.noTrack = true; break;
      case 'preferred_lft': {
        const v = param();
        if (v === undefined) return undefined;
        if (v === 'forever') a.preferredLft = 'forever';
        else if (/^\d+$/.test(v)) a.preferredLft = Number(v);
        else ctx.error(`preferred_lft ${v} is invalid`, loc);
        break;
      }
      case 'track_group':
        if (opts.static) { const g = param(); if (g !== undefined) a.trackGroup = g; break; }
        ctx.error(`Unknown configuration entry '${w}' for ip address - ignoring`, loc);
        break;
      case 'use_vmac':
        if (!opts.static) { a.useVmac = true; break; }
        ctx.error(`Unknown configuration entry '${w}' for ip address - ignoring`, loc);
        break;
      default:
        ctx.error(`Unknown configuration entry '${w}' for ip address - ignoring`, loc);
    }
  }
  if (a.broadcast && a.peer) { ctx.error('Cannot specify broadcast and peer addresses - ignoring broadcast address', loc); a.broadcast = undefined; }
  if (opts.static && !a.dev && !opts.defaultDev) {
    ctx.error(`Static address ${first} requires either an interface or default_interface to be specified`, loc, 3);
    return undefined;
  }
  if (a.family === 'inet6' && a.scope) { ctx.error(`Cannot specify scope for IPv6 addresses (${first}) - ignoring scope`, loc); a.scope = undefined; }
  if (a.family === 'inet6' && a.label) { ctx.error(`Cannot specify label for IPv6 addresses (${first}) - ignoring label`, loc); a.label = undefined; }
  if (a.family === 'inet6' && a.preferredLft === undefined) a.preferredLft = a.prefixLen === 128 ? 0 : 'forever';
  return a;
}

const ROUTE_TYPES = new Set(['unicast', 'blackhole', 'unreachable', 'prohibit', 'throw', 'local', 'broadcast', 'anycast', 'multicast', 'nat']);
/** Route options that take one value (vrrp_iproute.c alloc_route). */
const ROUTE_VALUE_OPTS = new Set([
  'src', 'via', 'gw', 'from', 'dev', 'oif', 'tos', 'dsfield', 'table', 'protocol', 'scope', 'metric', 'priority', 'preference',
  'realms', 'mtu', 'hoplimit', 'advmss', 'rtt', 'rttvar', 'reordering', 'window', 'cwnd', 'ssthresh', 'rto_min', 'initcwnd',
  'initrwnd', 'features', 'quickack', 'congctl', 'fastopen_no_cookie', 'expires', 'pref', 'ttl-propagate', 'track_group', 'vrf', 'as',
]);

/** keepalived's null_strvec() for a value-block line: the word after `words[i-1]` is missing (exit 2). */
function missingWord(ctx: BuildCtx, line: ValueLine, i: number): void {
  const words = line.words.map((w) => w.text);
  ctx.sink.report({
    err: ConfigErr.MISSING_PARAMETER, loc: line.loc, fatalMissingParameter: true,
    message: `*** Configuration line starting \`${words[0]}\` is missing a parameter after keyword \`${words[i - 1]}\` at word position ${i + 1}`,
  });
}

const LOCKABLE = new Set(['mtu', 'hoplimit', 'advmss', 'rtt', 'rttvar', 'reordering', 'window', 'cwnd', 'ssthresh', 'rto_min', 'initcwnd', 'initrwnd']);

export function parseRouteLine(ctx: BuildCtx, line: ValueLine): Route | undefined {
  const words = line.words.map((w) => w.text);
  const loc = line.loc;
  const r: Route = { family: 'inet', dst: '', nexthops: [], noTrack: false, words, loc };
  let family: Family | undefined;
  let dest: string | undefined;
  const setFamily = (f: Family | undefined, what: string): boolean => {
    if (!f) return true;
    if (family && family !== f) { ctx.error(`Cannot mix IPv4 and IPv6 addresses for route${what ? ` (${what})` : ''}`, loc); return false; }
    family = f;
    return true;
  };
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === 'inet' || w === 'inet6') { setFamily(w, ''); continue; }
    if (w === 'no_track') { r.noTrack = true; continue; }
    if (w === 'add' || w === 'append' || w === 'prepend' || w === 'lock' || w === 'onlink') continue;
    if (w === 'nexthop') {
      // nexthop via X [dev Y] [weight N] ...
      let nh: Route['nexthops'][number] | undefined;
      for (i++; i < words.length; i++) {
        const x = words[i]!;
        if (x === 'nexthop') { if (nh) r.nexthops.push(nh); nh = {}; continue; }
        nh ??= {};
        if (x === 'via') { const v = words[++i]; if (v) { nh.via = v; if (!setFamily(familyOf(v.split('/')[0]!), v)) return undefined; } }
        else if (x === 'dev') { const d = words[++i]; if (d) { nh.dev = d; if (!ctx.interfaceExists(d, loc)) ctx.error(`WARNING - interface ${d} for VROUTE nexthop doesn't exist`, loc); } }
        else if (x === 'weight') { const n = Number(words[++i]); if (!n) ctx.error('Invalid weight 0 specified for route', loc); else nh.weight = n; }
        else if (x === 'onlink') continue;
      }
      if (nh) r.nexthops.push(nh);
      break;
    }
    if (w === 'or') {
      ctx.error('"or" for routes is deprecated. Please use "nexthop"', loc, undefined, "use 'nexthop via A nexthop via B'");
      const alt = words[++i];
      if (!alt || !familyOf(alt)) { ctx.error(`Invalid "or" address ${alt ?? ''}`, loc); return undefined; }
      r.nexthops.push({ via: r.via }, { via: alt });
      r.via = undefined;
      continue;
    }
    if (ROUTE_VALUE_OPTS.has(w)) {
      // metrics may be locked: `mtu lock 1400` (as ip route)
      if (LOCKABLE.has(w) && words[i + 1] === 'lock') i++;
      const v = words[++i];
      if (v === undefined) { missingWord(ctx, line, i); return undefined; }
      switch (w) {
        case 'src': if (!familyOf(v)) { ctx.error(`invalid route src address ${v}`, loc); return undefined; } if (!setFamily(familyOf(v), '')) return undefined; r.src = v; break;
        case 'gw': case 'via': {
          if (w === 'gw') ctx.error('"gw" for routes is deprecated. Please use "via"', loc, undefined, "use 'via'");
          const f = familyOf(v);
          if (!f) { ctx.error(`invalid route via address ${v}`, loc); return undefined; }
          if (!setFamily(f, '')) return undefined;
          r.via = v;
          break;
        }
        case 'dev': case 'oif':
          if (!ctx.interfaceExists(v, loc)) ctx.error(`WARNING - interface ${v} for VROUTE nexthop doesn't exist`, loc);
          r.dev = v;
          break;
        case 'table': r.table = v; break;
        case 'metric': case 'priority': case 'preference': r.metric = Number(v); break;
        case 'scope': r.scope = v; break;
        case 'protocol': r.protocol = v; break;
        case 'track_group': r.trackGroup = v; break;
        default: break;
      }
      continue;
    }
    let d = w;
    if (w === 'to') d = words[++i] ?? '';
    if (ROUTE_TYPES.has(d)) { r.type = d as Route['type']; d = words[++i] ?? ''; }
    dest = d;
    let dd = d === 'default' || d === 'any' || d === 'all' ? (family === 'inet6' ? '::/0' : '0.0.0.0/0') : d === 'default6' ? '::/0' : d;
    // keepalived's parse_route() reports the address first, then the route
    const p = parseIpPrefix(ctx, dd, loc, true);
    if (!p) { ctx.error(`unknown route keyword ${d}`, loc); return undefined; }
    if (!setFamily(p.family, d)) return undefined;
    dd = `${p.address}/${p.prefixLen}`;
    r.dst = dd;
  }
  if (!dest) { ctx.error('Route must have a destination', loc); return undefined; }
  r.family = family ?? 'inet';
  // Static and virtual routes alike are tracked (vrrp_iproute.c alloc_route()).
  if (!r.noTrack) {
    if (r.protocol && r.protocol !== 'keepalived' && r.protocol !== '18') {
      ctx.error('Route cannot be tracked if protocol is not RTPROT_KEEPALIVED(18), resetting protocol', loc);
    }
    if (!r.dev) {
      ctx.error(`Warning - cannot track route ${dest} with no interface specified, not tracking`, loc, undefined, "add 'dev IF', or 'no_track'");
      r.noTrack = true;
    }
  }
  if (r.trackGroup && !r.dev) {
    ctx.error('Static route cannot have track group if no oif specified', loc);
    r.trackGroup = undefined;
  }
  return r;
}

/** Rules without a preference get 16384, 16383, ... per family, as keepalived numbers them. */
export class RulePreferences {
  private next: Record<Family, number> = { inet: 16384, inet6: 16384 };
  take(f: Family): number {
    return this.next[f]--;
  }
}

const RULE_VALUE_OPTS = new Set(['from', 'to', 'table', 'lookup', 'preference', 'priority', 'order', 'tos', 'dsfield', 'fwmark', 'realms',
  'iif', 'dev', 'oif', 'goto', 'suppress_prefixlength', 'suppress_ifgroup', 'uidrange', 'protocol', 'ipproto', 'sport', 'dport', 'tunnel-id', 'type', 'track_group']);

export function parseRuleLine(ctx: BuildCtx, line: ValueLine, prefs: RulePreferences): Rule | undefined {
  const words = line.words.map((w) => w.text);
  const loc = line.loc;
  let family: Family | undefined;
  const r: Rule = { family: 'inet', preference: 0, preferenceDefaulted: false, noTrack: false, words, loc };
  let havePref = false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === 'inet' || w === 'inet6') { family = w; continue; }
    if (w === 'no_track') { r.noTrack = true; continue; }
    if (w === 'not' || w === 'l3mdev') continue;
    if (w === 'nop' || w === 'blackhole' || w === 'prohibit' || w === 'unreachable') { r.action = w; continue; }
    if (!RULE_VALUE_OPTS.has(w)) { ctx.error(`Unknown rule option ${w}`, loc); return undefined; }
    const v = words[++i];
    if (v === undefined) { missingWord(ctx, line, i); return undefined; }
    switch (w) {
      case 'from': case 'to': {
        const p = v === 'all' ? { family: family ?? 'inet' as Family } : parseIpPrefix(ctx, v, loc);
        if (!p) { ctx.error(`Invalid rule ${w} address ${v}`, loc); return undefined; }
        if (family && p.family !== family) { ctx.error('rule specification has mixed IPv4 and IPv6', loc); return undefined; }
        family = p.family;
        if (w === 'from') r.from = v; else r.to = v;
        break;
      }
      case 'table': case 'lookup':
        if (v === '0') { ctx.error('Table 0 is not valid', loc); return undefined; }
        r.table = v; r.action = 'table';
        break;
      case 'preference': case 'priority': case 'order':
        if (!/^\d+$/.test(v)) { ctx.error(`Invalid rule preference ${v} specified`, loc); return undefined; }
        r.preference = Number(v); havePref = true;
        break;
      case 'fwmark': r.fwmark = v; break;
      case 'iif': case 'dev':
        if (!ctx.interfaceExists(v, loc)) ctx.error(`WARNING - interface ${v} for rule doesn't exist`, loc);
        r.iif = v;
        break;
      case 'oif':
        if (!ctx.interfaceExists(v, loc)) ctx.error(`WARNING - interface ${v} for rule doesn't exist`, loc);
        r.oif = v;
        break;
      case 'goto': r.action = `goto ${v}`; break;
      case 'sport': case 'dport':
        // keepalived's sscanf("%hu-%hu") test rejects a single port too (vrrp_iprule.c); the option is then ignored
        if (!/^\d+-\d+$/.test(v)) ctx.error(`invalid ${w} range ${v}`, loc, undefined, 'keepalived 2.2.7 needs a range, e.g. 80-80');
        break;
      default: break;
    }
  }
  if (!r.action) { ctx.error('No action specified for rule - ignoring', loc); return undefined; }
  r.family = family ?? 'inet';
  if (!havePref) {
    r.preference = prefs.take(r.family);
    r.preferenceDefaulted = true;
    ctx.error(`Rule has no preference specified - setting to ${r.preference}. This is probably not what you want.`, loc, undefined, 'add "preference N"');
  }
  return r;
}
