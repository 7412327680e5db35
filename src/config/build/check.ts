// Checker blocks (check/check_parser.c, check_api.c, check_http.c, check_*.c):
// virtual_server, real_server, the checkers, virtual_server_group, SSL.
import type { Checker, CheckerCommon, Family, HttpUrl, LvsMethod, Protocol, RealServer, TunnelOpts, VirtualServer, VirtualServerGroup, VsAddress, VsgEntry } from '../ast.js';
import type { KwNode } from '../walker.js';
import { familyOf } from './addresses.js';
import type { BuildCtx } from './context.js';
import { scriptFromWords } from './scripts.js';

export const SCHEDULERS = ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'sh', 'mh', 'dh', 'fo', 'ovf', 'lblcr', 'sed', 'nq', 'twos'];

/** Fields keepalived leaves unset until validate_check_config(). */
export interface VsDraft {
  vs: VirtualServer;
  protocolSet: boolean;
  schedSet: boolean;
  methodSet: boolean;
  smtpAlert?: boolean;
  rsUnset: Map<RealServer, { methodSet: boolean; weightSet: boolean; alpha?: boolean; inhibit?: boolean; smtpAlert?: boolean }>;
  sorryMethodSet: boolean;
}

export function trio(address: string, protocol: Protocol | undefined, port: number): string {
  const p = protocol === 'TCP' ? 'tcp' : protocol === 'UDP' ? 'udp' : protocol === 'SCTP' ? 'sctp' : 'none';
  return `[${address}]:${p}:${port}`;
}

export function vsDisplay(addr: VsAddress, protocol: Protocol | undefined): string {
  if (addr.kind === 'group') return `[${addr.group}]:0`;
  if (addr.kind === 'fwmark') return `FWM ${addr.fwmark}`;
  return trio(addr.address, protocol, addr.port);
}

function parsePort(s: string | undefined): number | undefined {
  if (s === undefined) return 0;
  return /^\d+$/.test(s) && Number(s) <= 65535 ? Number(s) : undefined;
}

/** lvs_method / lb_kind: `NAT | DR | TUN [type ipip|gue port N|gre] [nocsum|csum|remcsum]`. */
function parseMethod(ctx: BuildCtx, n: KwNode, sType: string): { method: LvsMethod; tunnel?: TunnelOpts } | undefined {
  const words = n.args.map((w) => w.text);
  let m = words[0];
  if (m === undefined) { ctx.need(n, 1); return undefined; }
  // keepalived 1.x names: "DR", "NAT", "TUN" only; "LVS_DR" style spellings are not accepted
  if (m !== 'NAT' && m !== 'DR' && m !== 'TUN') {
    ctx.error(`PARSER : unknown [${m}] routing method for ${sType} server.`, ctx.wordLoc(n, 1), undefined, 'use NAT, DR or TUN');
    return undefined;
  }
  const method = m as LvsMethod;
  if (method !== 'TUN') return { method };
  const t: TunnelOpts = {};
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    if (w === 'type') {
      const tt = words[++i];
      if (!tt) { ctx.error(`Missing tunnel type for ${sType} server.`, n.loc); continue; }
      if (tt !== 'ipip' && tt !== 'gue' && tt !== 'gre') { ctx.error(`Unknown tunnel type ${tt} for ${sType} server.`, n.loc); continue; }
      t.type = tt;
    } else if (w === 'port') {
      const p = words[++i];
      if (!p) { ctx.error(`Missing port for ${sType} server gue tunnel.`, n.loc); continue; }
      const v = parsePort(p);
      if (!v) ctx.error(`Invalid gue tunnel port ${p} for ${sType} server.`, n.loc);
      else t.port = v;
    } else if (w === 'nocsum' || w === 'csum' || w === 'remcsum') t.csum = w;
    else ctx.error(`Invalid tunnel option ${w} for ${sType} server.`, n.loc);
  }
  if ((t.type === 'gue') !== (t.port !== undefined)) ctx.error('gue tunnels require port, otherwise cannot have port.', n.loc);
  if (t.type === 'ipip' && t.csum && t.csum !== 'nocsum') ctx.error('ipip tunnels do not support checksum option.', n.loc);
  if (t.type === 'gre' && t.csum === 'remcsum') ctx.error('gre tunnels do not support remote checksum option.', n.loc);
  return { method, tunnel: t };
}

/** Common checker keywords (check_api.c install_checker_common_keywords). */
function commonKeyword(ctx: BuildCtx, c: KwNode, ck: CheckerCommon): boolean {
  switch (c.keyword) {
    case 'connect_ip': { const a = ctx.need(c, 1); if (a === undefined) break; if (!familyOf(a)) ctx.error(`Invalid connect_ip address ${a} - ignoring`, c.loc); else ck.connectIp = a; break; }
    case 'connect_port': { const p = ctx.uint(c, 1, 1, 65535, (s) => `Invalid checker connect_port '${s}'`); if (p !== undefined) ck.connectPort = p; break; }
    case 'bindto': { const a = ctx.need(c, 1); if (a === undefined) break; if (!familyOf(a)) ctx.error(`Invalid bindto address ${a} - ignoring`, c.loc); else ck.bindto = a; break; }
    case 'bind_port': { const p = ctx.uint(c, 1, 1, 65535, (s) => `Invalid checker bind_port '${s}'`); if (p !== undefined) ck.bindPort = p; break; }
    case 'bind_if': { const i = ctx.need(c, 1); if (i === undefined) break; if (i.length >= 16) ctx.error(`Interface name ${i} is too long - ignoring`, c.loc); else ck.bindIf = i; break; }
    case 'connect_timeout': { const ms = ctx.timerMs(c, 1, 0.000001, 4294.967295, (s) => `connect_timeout ${s} invalid - ignoring`); if (ms !== undefined) ck.connectTimeoutMs = ms; break; }
    case 'fwmark': { const f = ctx.uint(c, 1, 0, 4294967295, (s) => `Invalid fwmark connection value '${s}'`); if (f !== undefined) ck.fwmark = f; break; }
    case 'retry': case 'nb_get_retry': { const r = ctx.uint(c, 1, 0, 4294967295, (s) => c.keyword === 'retry' ? `Invalid retry connection value '${s}'` : `Invalid nb_get_retry value '${s}'`); if (r !== undefined) ck.retry = r; break; }
    case 'delay_before_retry': { const ms = ctx.timerMs(c, 1, 0, 4294.967295, (s) => `Invalid delay_before_retry connection value '${s}'`); if (ms !== undefined) ck.delayBeforeRetryMs = ms; break; }
    case 'warmup': { const ms = ctx.timerMs(c, 1, 0, 4294.967295, (s) => `Invalid warmup connection value '${s}'`); if (ms !== undefined) ck.warmupMs = ms; break; }
    case 'delay_loop': { const ms = ctx.timerMs(c, 1, 0.000001, 4294.967295, (s) => `delay_loop '${s}' is invalid - ignoring`); if (ms !== undefined) ck.delayLoopMs = ms; break; }
    case 'alpha': ck.alpha = ctx.bool(c, (s) => `Invalid alpha parameter ${s}`); break;
    case 'log_all_failures': ck.logAllFailures = ctx.bool(c, (s) => `Invalid log_all_failures parameter ${s}`); break;
    default: return false;
  }
  return true;
}

function parseStatusCodes(ctx: BuildCtx, c: KwNode): [number, number][] {
  const out: [number, number][] = [];
  for (const w of c.args) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(w.text);
    const lo = m ? Number(m[1]) : NaN;
    const hi = m ? Number(m[2] ?? m[1]) : NaN;
    if (!m || lo < 100 || hi > 599 || lo > hi) { ctx.error(`Invalid HTTP_GET status code '${w.text}'`, c.loc, undefined, 'status codes are 100..599, or a range such as 200-299'); continue; }
    out.push([lo, hi]);
  }
  return out;
}

function buildUrl(ctx: BuildCtx, n: KwNode, digests: Set<string>): HttpUrl | undefined {
  const u: HttpUrl = { statusCodes: [], regexNoMatch: false, regexOptions: [], loc: n.loc };
  for (const c of n.children ?? []) {
    switch (c.keyword) {
      case 'path': u.path = ctx.need(c, 1); break;
      case 'digest': {
        const d = ctx.need(c, 1);
        if (d === undefined) break;
        if (u.digest) { ctx.error(`Digest '${d}' is a duplicate`, c.loc, undefined, 'one digest per url block'); break; }
        if (d.length !== 32) { ctx.error(`digest '${d}' character length should be 32 rather than ${d.length}`, c.loc, undefined, "a digest is the MD5 genhash prints: 32 hex digits"); break; }
        // keepalived converts pairs from the last one backwards and names the first bad pair it meets
        let badPair = -1;
        for (let i = 15; i >= 0 && badPair < 0; i--) if (!/^[0-9a-fA-F]{2}$/.test(d.slice(2 * i, 2 * i + 2))) badPair = i;
        if (badPair >= 0) { ctx.error(`Unable to interpret hex digit in '${d.slice(0, 2 * badPair + 2)}' at offset ${2 * badPair}/${2 * badPair + 1}`, c.loc); break; }
        digests.add(d.toLowerCase());
        u.digest = d.toLowerCase();
        break;
      }
      case 'status_code': u.statusCodes.push(...parseStatusCodes(ctx, c)); break;
      case 'virtualhost': { const v = c.args[0]?.text; if (!v) ctx.error('Missing HTTP_GET virtualhost name', c.loc); else u.virtualhost = v; break; }
      case 'regex': u.regex = ctx.need(c, 1); break;
      case 'regex_no_match': u.regexNoMatch = true; break;
      case 'regex_options': u.regexOptions = c.args.map((w) => w.text); break;
      case 'regex_min_offset': u.regexMinOffset = ctx.uint(c, 1, 0, 4294967295); break;
      case 'regex_max_offset': u.regexMaxOffset = ctx.uint(c, 1, 0, 4294967295); break;
      case 'tls_compliant': u.tlsCompliant = ctx.bool(c); break;
      default: ctx.bySpec(c, 'url');
    }
  }
  if (!u.path) { ctx.error('HTTP/SSL_GET checker url has no path - ignoring', n.loc); return undefined; }
  if (!u.statusCodes.length && !u.digest) u.statusCodes.push([200, 299]);
  return u;
}

function buildChecker(ctx: BuildCtx, n: KwNode, trackFiles: Set<string>): Checker | undefined {
  const common: CheckerCommon = {};
  const type = n.keyword;
  switch (type) {
    case 'HTTP_GET': case 'SSL_GET': {
      const ck: Extract<Checker, { type: 'HTTP_GET' | 'SSL_GET' }> = { type, urls: [], httpProtocol: '1.0', enableSni: false, fastRecovery: false, loc: n.loc };
      const digests = new Set<string>();
      for (const c of n.children ?? []) {
        if (commonKeyword(ctx, c, ck)) continue;
        switch (c.keyword) {
          case 'url': { const u = buildUrl(ctx, c, digests); if (u) ck.urls.push(u); break; }
          case 'virtualhost': { const v = c.args[0]?.text; if (!v) ctx.error('HTTP_GET virtualhost name missing', c.loc); else ck.virtualhost = v; break; }
          case 'http_protocol': {
            const v = c.args[0]?.text;
            if (!v) ctx.error('Missing http_protocol version', c.loc);
            else if (v === '1.0' || v === '1.0C' || v === '1.1') ck.httpProtocol = v;
            else if (v === '1.0c') ck.httpProtocol = '1.0C';
            else ctx.error(`Invalid http_protocol version ${v}`, c.loc);
            break;
          }
          case 'enable_sni': ck.enableSni = ctx.bool(c, (s) => `Invalid enable_sni parameter ${s}`) ?? false; break;
          case 'fast_recovery': ck.fastRecovery = ctx.bool(c, (s) => `Invalid fast_recovery parameter ${s}`) ?? false; break;
          case 'sni_name': ck.sniName = ctx.need(c, 1); break;
          default: ctx.bySpec(c, type);
        }
      }
      if (!ck.urls.length) { ctx.error('HTTP/SSL_GET checker has no urls specified - ignoring', n.loc); return undefined; }
      return ck;
    }
    case 'TCP_CHECK': case 'PING_CHECK': {
      const ck = { type, loc: n.loc, ...common } as Checker;
      for (const c of n.children ?? []) if (!commonKeyword(ctx, c, ck)) ctx.bySpec(c, type);
      return ck;
    }
    case 'MISC_CHECK': {
      const ck: Extract<Checker, { type: 'MISC_CHECK' }> = { type, miscDynamic: false, loc: n.loc };
      for (const c of n.children ?? []) {
        if (commonKeyword(ctx, c, ck)) continue;
        switch (c.keyword) {
          case 'misc_path': ck.miscPath = scriptFromWords(ctx, c.args, c.loc); if (!c.args.length) ctx.need(c, 1); break;
          case 'misc_timeout': { const t = ctx.uint(c, 1, 0, 4294967295, (s) => `Invalid misc_timeout value '${s}'`); if (t !== undefined) ck.miscTimeoutS = t; break; }
          case 'misc_dynamic': ck.miscDynamic = true; break;
          case 'user': { const u = c.args[0]?.text; if (!u) ctx.error(`No user specified for misc checker script ${ck.miscPath?.cmd ?? ''}`, c.loc); else { ck.user = u; ck.group = c.args[1]?.text; } break; }
          default: ctx.bySpec(c, type);
        }
      }
      if (!ck.miscPath) { ctx.error('No script path has been specified for MISC_CHECKER - skipping', n.loc); return undefined; }
      return ck;
    }
    case 'SMTP_CHECK': {
      const ck: Extract<Checker, { type: 'SMTP_CHECK' }> = { type, loc: n.loc };
      for (const c of n.children ?? []) {
        if (commonKeyword(ctx, c, ck)) continue;
        if (c.keyword === 'helo_name') { const h = c.args[0]?.text; if (!h) ctx.error('SMTP_CHECK helo name missing', c.loc); else ck.heloName = h; }
        else if (c.keyword === 'host') {
          ctx.notice('The SMTP_CHECK host block is deprecated. Please define additional checkers.', c.loc, 'use one SMTP_CHECK per host');
          for (const h of c.children ?? []) if (!commonKeyword(ctx, h, ck)) ctx.bySpec(h, 'host');
        } else ctx.bySpec(c, type);
      }
      return ck;
    }
    case 'DNS_CHECK': {
      const ck: Extract<Checker, { type: 'DNS_CHECK' }> = { type, queryType: 'SOA', name: '.', loc: n.loc };
      let nameSet = false;
      for (const c of n.children ?? []) {
        if (commonKeyword(ctx, c, ck)) continue;
        if (c.keyword === 'type') {
          const t = ctx.need(c, 1);
          if (t === undefined) continue;
          if (['A', 'NS', 'CNAME', 'SOA', 'MX', 'TXT', 'AAAA'].includes(t.toUpperCase())) ck.queryType = t.toUpperCase();
          else ctx.error(`Unknown DNS check type ${t} - ignoring`, c.loc);
        } else if (c.keyword === 'name') {
          const nm = ctx.need(c, 1);
          if (nm === undefined) continue;
          if (nameSet) { ctx.error('DNS_CHECK name already specified - ignoring', c.loc); continue; }
          if (/\.\./.test(nm) || (nm.startsWith('.') && nm !== '.')) { ctx.error(`DNS_CHECK name '${nm}' has empty label - ignoring`, c.loc); continue; }
          ck.name = nm; nameSet = true;
        } else ctx.bySpec(c, type);
      }
      return ck;
    }
    case 'UDP_CHECK': {
      const ck: Extract<Checker, { type: 'UDP_CHECK' }> = { type, minReplyLength: 0, maxReplyLength: 255, loc: n.loc };
      for (const c of n.children ?? []) {
        if (commonKeyword(ctx, c, ck)) continue;
        switch (c.keyword) {
          case 'payload': { const p = c.args[0]?.text; if (!p) ctx.error('UDP_CHECK payload requires a payload', c.loc); else if (!/^([0-9a-fA-F]{2}\s*)+$/.test(c.args.map((w) => w.text).join(''))) ctx.error('Invalid hex string for UDP_CHECK payload', c.loc); else ck.payload = c.args.map((w) => w.text).join(''); break; }
          case 'require_reply': { const p = c.args.map((w) => w.text).join(''); if (!/^([0-9a-fA-FxX]{2})+$/.test(p)) ctx.error('Invalid hex string for UDP_CHECK reply', c.loc); else ck.requireReply = p; break; }
          case 'min_reply_length': { const v = ctx.uint(c, 1, 0, 65535, (s) => `UDP_CHECK min length ${s} not valid - must be between 0 & 65535`); if (v !== undefined) ck.minReplyLength = v; break; }
          case 'max_reply_length': { const v = ctx.uint(c, 1, 0, 65535, (s) => `UDP_CHECK max length ${s} not valid - must be between 0 & 65535`); if (v !== undefined) ck.maxReplyLength = v; break; }
          default: ctx.bySpec(c, type);
        }
      }
      if (ck.minReplyLength > ck.maxReplyLength) ctx.error(`UDP_CHECK min_reply length ${ck.minReplyLength} > max_reply_length ${ck.maxReplyLength} - will always fail`, n.loc);
      return ck;
    }
    case 'FILE_CHECK': {
      const ck: Extract<Checker, { type: 'FILE_CHECK' }> = { type, weightReverse: false, loc: n.loc };
      for (const c of n.children ?? []) {
        if (c.keyword === 'track_file') {
          const f = ctx.need(c, 1);
          if (f !== undefined && !trackFiles.has(f)) ctx.error(`track_file ${f} not found`, c.loc);
          else ck.trackFile = f;
        } else if (c.keyword === 'weight') {
          const w = c.args[0]?.text;
          if (!w) { ctx.error('track file weight missing', c.loc); continue; }
          const v = ctx.values.int(w, -2147483647, 2147483647, c.loc);
          if (v !== undefined) ck.weight = v;
          if (c.args[1]?.text === 'reverse') ck.weightReverse = true;
          else if (c.args[1]) ctx.error(`unknown track file weight option ${c.args[1].text} - ignoring`, c.loc);
        } else ctx.bySpec(c, type);
      }
      if (!ck.trackFile) { ctx.error('FILE_CHECK has no track_file specified - ignoring', n.loc); return undefined; }
      return ck;
    }
    case 'BFD_CHECK': {
      const ck: Extract<Checker, { type: 'BFD_CHECK' }> = { type, loc: n.loc };
      for (const c of n.children ?? []) {
        if (c.keyword === 'name') ck.name = ctx.need(c, 1);
        else if (c.keyword === 'alpha') ck.alpha = ctx.bool(c, (s) => `Invalid alpha parameter ${s}`);
        else ctx.bySpec(c, type);
      }
      ctx.advise('BFD_CHECK is not supported by keepalived-ts: the checker is parsed but never reports the real server up or down', n.loc);
      return ck;
    }
    default:
      return undefined;
  }
}

function buildRealServer(ctx: BuildCtx, n: KwNode, d: VsDraft, trackFiles: Set<string>): void {
  const ip = n.args[0]?.text;
  if (ip === undefined) { ctx.need(n, 1); return; }
  const port = parsePort(n.args[1]?.text);
  const family = familyOf(ip);
  if (!family || port === undefined) { ctx.error(`Invalid real server ip address/port ${ip}/${n.args[1]?.text ?? ''} - skipping`, n.loc); return; }
  const rs: RealServer = {
    address: ip, port, family, weight: 1, lvsMethod: 'NAT', uthreshold: 0, lthreshold: 0, inhibitOnFailure: false, alpha: false,
    smtpAlert: true, checkers: [], loc: n.loc,
  };
  const un = { methodSet: false, weightSet: false } as { methodSet: boolean; weightSet: boolean; alpha?: boolean; inhibit?: boolean; smtpAlert?: boolean };
  for (const c of n.children ?? []) {
    switch (c.keyword) {
      case 'weight': {
        const s = ctx.need(c, 1);
        if (s === undefined) break;
        const w = ctx.values.uint(s, 0, 2147483647, ctx.wordLoc(c, 1));
        if (w === undefined) ctx.error(`Real server weight ${s} is outside range 0-2147483647`, c.loc);
        else { rs.weight = w; un.weightSet = true; }
        break;
      }
      case 'lvs_method': { const m = parseMethod(ctx, c, 'real'); if (m) { rs.lvsMethod = m.method; rs.tunnel = m.tunnel; un.methodSet = true; } break; }
      case 'uthreshold': { const v = ctx.uint(c, 1, 0, 4294967295, (s) => `Invalid real_server uthreshold '${s}' - ignoring`); if (v !== undefined) rs.uthreshold = v; break; }
      case 'lthreshold': { const v = ctx.uint(c, 1, 0, 4294967295, (s) => `Invalid real_server lthreshold '${s}' - ignoring`); if (v !== undefined) rs.lthreshold = v; break; }
      case 'inhibit_on_failure': un.inhibit = ctx.bool(c, (s) => `Invalid inhibit_on_failure parameter ${s}`); break;
      case 'alpha': un.alpha = ctx.bool(c, (s) => `Invalid alpha parameter ${s}`); break;
      case 'notify_up': case 'notify_down': {
        const key = c.keyword === 'notify_up' ? 'notifyUp' : 'notifyDown';
        if (rs[key]) { ctx.error(`(${d.vs.display}) ${c.keyword} script already specified - ignoring ${c.args[0]?.text ?? ''}`, c.loc); break; }
        rs[key] = scriptFromWords(ctx, c.args, c.loc);
        if (!c.args.length) ctx.need(c, 1);
        break;
      }
      case 'retry': { const v = ctx.uint(c, 1, 0, 4294967295, (s) => `retry value invalid - ${s}`); if (v !== undefined) rs.retry = v; break; }
      case 'delay_before_retry': { const v = ctx.timerMs(c, 1, 0, 4294.967295, (s) => `real server delay_before_retry '${s}' invalid - ignoring`); if (v !== undefined) rs.delayBeforeRetryMs = v; break; }
      case 'warmup': { const v = ctx.timerMs(c, 1, 0, 4294.967295, (s) => `real server warmup '${s}' invalid - ignoring`); if (v !== undefined) rs.warmupMs = v; break; }
      case 'connect_timeout': { const v = ctx.timerMs(c, 1, 0.000001, 4294.967295, (s) => `real server connect_timeout ${s} invalid - ignoring`); if (v !== undefined) rs.connectTimeoutMs = v; break; }
      case 'delay_loop': { const v = ctx.timerMs(c, 1, 0.000001, 4294.967295, (s) => `real server delay_loop '${s}' invalid - ignoring`); if (v !== undefined) rs.delayLoopMs = v; break; }
      case 'smtp_alert': un.smtpAlert = ctx.bool(c, (s) => `Invalid real_server smtp_alert parameter ${s}`); break;
      case 'virtualhost': { const v = c.args[0]?.text; if (!v) ctx.error('real server virtualhost missing', c.loc); else rs.virtualhost = v; break; }
      case 'snmp_name': break;
      default: {
        const ck = buildChecker(ctx, c, trackFiles);
        if (ck) rs.checkers.push(ck);
        else if (!['HTTP_GET', 'SSL_GET', 'TCP_CHECK', 'MISC_CHECK', 'SMTP_CHECK', 'DNS_CHECK', 'UDP_CHECK', 'PING_CHECK', 'FILE_CHECK', 'BFD_CHECK'].includes(c.keyword)) ctx.bySpec(c, 'real_server');
      }
    }
  }
  if (d.vs.addr.kind !== 'group' && d.vs.addr.family !== family && rs.lvsMethod !== 'TUN') {
    ctx.error(`Address family of virtual server and real server ${ip} don't match - skipping real server.`, n.loc);
    return;
  }
  d.vs.realServers.push(rs);
  d.rsUnset.set(rs, un);
}

export function buildVirtualServer(ctx: BuildCtx, n: KwNode, trackFiles: Set<string>): VsDraft | undefined {
  const a0 = n.args[0]?.text;
  const a1 = n.args[1]?.text;
  if (a0 === undefined) { ctx.need(n, 1); return undefined; }
  let addr: VsAddress;
  if (a0 === 'group') {
    if (a1 === undefined) { ctx.need(n, 2); return undefined; }
    addr = { kind: 'group', group: a1 };
  } else if (a0 === 'fwmark') {
    const f = a1 === undefined ? undefined : ctx.values.uint(a1, 0, 4294967295, ctx.wordLoc(n, 2));
    if (f === undefined) { ctx.error(`virtual server fwmark '${a1 ?? ''}' must be in [0, 4294967295] - ignoring`, n.loc); return undefined; }
    addr = { kind: 'fwmark', fwmark: f, family: 'inet' };
  } else {
    const fam = familyOf(a0);
    const port = parsePort(a1);
    // keepalived drops a port of 0 before parsing (check_data.c alloc_vs)
    const portStr = a1 !== undefined && /[^0]/.test(a1) ? a1 : undefined;
    if (!fam || port === undefined) { ctx.error(`Invalid virtual server IP address${portStr ? '/port' : ''} ${a0}${portStr ? '/' + portStr : ''} - skipping`, n.loc); return undefined; }
    addr = { kind: 'ip', address: a0, port, family: fam };
  }
  const vs: VirtualServer = {
    addr, display: vsDisplay(addr, undefined), protocol: 'TCP', protocolSet: false, lvsSched: 'wlc', lvsMethod: 'NAT', flags: {},
    persistenceTimeoutS: 0, delayLoopMs: 60_000, connectTimeoutMs: 5_000, inhibitOnFailure: false, alpha: false, omega: false,
    quorum: 1, hysteresis: 0, haSuspend: false, smtpAlert: false, weight: 1, sorryServerInhibit: false, realServers: [], loc: n.loc,
  };
  const d: VsDraft = { vs, protocolSet: false, schedSet: false, methodSet: false, rsUnset: new Map(), sorryMethodSet: false };
  let familyFromKeyword: Family | undefined;
  for (const c of n.children ?? []) {
    switch (c.keyword) {
      case 'ip_family': {
        const f = ctx.need(c, 1);
        if (f !== 'inet' && f !== 'inet6') { if (f !== undefined) ctx.error(`unknown address family ${f}`, c.loc); break; }
        if (addr.kind === 'ip' && addr.family !== f) ctx.error(`Virtual server specified family ${f} conflicts with server family`, c.loc);
        else { familyFromKeyword = f; vs.ipFamily = f; if (addr.kind === 'fwmark') addr.family = f; }
        break;
      }
      case 'retry': { const v = ctx.uint(c, 1, 0, 4294967295, (s) => `retry value invalid - ${s}`); if (v !== undefined) vs.retry = v; break; }
      case 'delay_before_retry': { const v = ctx.timerMs(c, 1, 0, 4294.967295, (s) => `virtual server delay before retry '${s}' invalid - ignoring`); if (v !== undefined) vs.delayBeforeRetryMs = v; break; }
      case 'warmup': { const v = ctx.timerMs(c, 1, 0, 4294.967295, (s) => `virtual server warmup '${s}' invalid - ignoring`); if (v !== undefined) vs.warmupMs = v; break; }
      case 'connect_timeout': { const v = ctx.timerMs(c, 1, 0.000001, 4294.967295, (s) => `virtual server connect_timeout ${s} invalid - ignoring`); if (v !== undefined) vs.connectTimeoutMs = v; break; }
      case 'delay_loop': { const v = ctx.timerMs(c, 1, 0.000001, 4294.967295, (s) => `virtual server delay loop '${s}' invalid - ignoring`); if (v !== undefined) vs.delayLoopMs = v; break; }
      case 'inhibit_on_failure': vs.inhibitOnFailure = ctx.bool(c, (s) => `Invalid inhibit_on_failure parameter ${s}`) ?? false; break;
      case 'lb_algo': case 'lvs_sched': {
        const s = ctx.need(c, 1);
        if (s === undefined) break;
        if (!SCHEDULERS.includes(s)) ctx.error(`Invalid lvs_scheduler '${s}' - ignoring`, ctx.wordLoc(c, 1), undefined, `schedulers: ${SCHEDULERS.join(' ')}`);
        else { vs.lvsSched = s; d.schedSet = true; }
        break;
      }
      case 'hashed': vs.flags.hashed = true; break;
      case 'ops': vs.flags.ops = true; break;
      case 'flag-1': vs.flags.flag1 = true; break;
      case 'flag-2': vs.flags.flag2 = true; break;
      case 'flag-3': vs.flags.flag3 = true; break;
      case 'sh-port': case 'sh-fallback': case 'mh-port': case 'mh-fallback': {
        const sched = c.keyword.slice(0, 2);
        if (d.schedSet && vs.lvsSched !== sched) { ctx.error(`${c.keyword} only applies to ${sched} scheduler - ignoring`, c.loc); break; }
        if (c.keyword === 'sh-port') vs.flags.shPort = true;
        else if (c.keyword === 'sh-fallback') vs.flags.shFallback = true;
        else if (c.keyword === 'mh-port') vs.flags.mhPort = true;
        else vs.flags.mhFallback = true;
        break;
      }
      case 'lb_kind': case 'lvs_method': { const m = parseMethod(ctx, c, 'virtual'); if (m) { vs.lvsMethod = m.method; vs.tunnel = m.tunnel; d.methodSet = true; } break; }
      case 'persistence_engine': vs.persistenceEngine = ctx.need(c, 1); break;
      case 'persistence_timeout': {
        if (!c.args.length) { vs.persistenceTimeoutS = 360; break; }
        const v = ctx.values.uint(c.args[0]!.text, 1, 2678400, ctx.wordLoc(c, 1));
        if (v === undefined) ctx.error('persistence_timeout invalid', c.loc);
        else vs.persistenceTimeoutS = v;
        break;
      }
      case 'persistence_granularity': {
        const g = ctx.need(c, 1);
        if (g === undefined) break;
        vs.persistenceGranularity = g;
        if (!vs.persistenceTimeoutS) vs.persistenceTimeoutS = 360;
        break;
      }
      case 'protocol': {
        const p = ctx.need(c, 1);
        if (p === undefined) break;
        const up = p.toUpperCase();
        if (up === 'TCP' || up === 'UDP' || up === 'SCTP') { vs.protocol = up; d.protocolSet = true; }
        else ctx.error(`Unknown protocol ${p} - ignoring`, c.loc);
        break;
      }
      case 'ha_suspend': vs.haSuspend = true; break;
      case 'smtp_alert': d.smtpAlert = ctx.bool(c, (s) => `Invalid virtual_server smtp_alert parameter ${s}`); break;
      case 'virtualhost': { const v = c.args[0]?.text; if (!v) ctx.error('virtual server virtualhost missing', c.loc); else vs.virtualhost = v; break; }
      case 'snmp_name': break;
      case 'alpha': vs.alpha = true; break;
      case 'omega': vs.omega = true; break;
      case 'quorum_up': case 'quorum_down': {
        const key = c.keyword === 'quorum_up' ? 'quorumUp' : 'quorumDown';
        if (vs[key]) { ctx.error(`(${vs.display}) ${c.keyword} script already specified - ignoring ${c.args[0]?.text ?? ''}`, c.loc); break; }
        vs[key] = scriptFromWords(ctx, c.args, c.loc);
        if (!c.args.length) ctx.need(c, 1);
        break;
      }
      case 'quorum': {
        const s = ctx.need(c, 1);
        if (s === undefined) break;
        const v = ctx.values.uint(s, 1, 4294967295, ctx.wordLoc(c, 1));
        if (v === undefined) { ctx.error(`Quorum ${s} must be in [1, 4294967295]. Setting to 1.`, c.loc); vs.quorum = 1; }
        else vs.quorum = v;
        break;
      }
      case 'hysteresis': { const v = ctx.uint(c, 1, 0, 4294967295, (s) => `Hysteresis ${s} must be in [0, 4294967295] - ignoring`); if (v !== undefined) vs.hysteresis = v; break; }
      case 'weight': { const s = ctx.need(c, 1); if (s === undefined) break; const v = ctx.values.uint(s, 1, 2147483647, ctx.wordLoc(c, 1)); if (v === undefined) ctx.error(`Virtual server weight ${s} is outside range 1-2147483647`, c.loc); else vs.weight = v; break; }
      case 'sorry_server': {
        const ip = c.args[0]?.text;
        if (ip === undefined) { ctx.need(c, 1); break; }
        const fam = familyOf(ip);
        const port = parsePort(c.args[1]?.text);
        if (!fam || port === undefined) { ctx.error(`Invalid sorry server IP address ${ip} - skipping`, c.loc); break; }
        vs.sorryServer = { address: ip, port, family: fam };
        break;
      }
      case 'sorry_server_inhibit':
        if (!vs.sorryServer) ctx.error('Ignoring sorry_server inhibit used before or without sorry_server', c.loc);
        else vs.sorryServerInhibit = true;
        break;
      case 'sorry_server_lvs_method': {
        if (!vs.sorryServer) { ctx.error('sorry_server forwarding used without sorry_server', c.loc); break; }
        const m = parseMethod(ctx, c, 'sorry');
        if (m) { vs.sorryServerLvsMethod = m.method; d.sorryMethodSet = true; }
        break;
      }
      case 'real_server': buildRealServer(ctx, c, d, trackFiles); break;
      default: ctx.bySpec(c, 'virtual_server');
    }
  }
  void familyFromKeyword;
  if (vs.sorryServer && addr.kind !== 'group' && vs.sorryServer.family !== addr.family) {
    ctx.error(`Address family of virtual server and sorry server ${vs.sorryServer.address} don't match - skipping sorry server.`, n.loc);
    vs.sorryServer = undefined;
  }
  if (addr.kind === 'fwmark' && !vs.ipFamily) {
    const f = vs.sorryServer?.family ?? vs.realServers[0]?.family;
    if (f) addr.family = f;
  }
  return d;
}

export function buildVsg(ctx: BuildCtx, n: KwNode): VirtualServerGroup | undefined {
  const name = n.args[0]?.text;
  if (name === undefined) { ctx.need(n, 1); return undefined; }
  const g: VirtualServerGroup = { name, entries: [], loc: n.loc };
  for (const l of n.values ?? []) {
    const w = l.words.map((x) => x.text);
    if (w[0] === 'fwmark') {
      const f = w[1] === undefined ? undefined : ctx.values.uint(w[1], 0, 4294967295, l.loc);
      if (f === undefined) { ctx.error(`(${name}): fwmark '${w[1] ?? ''}' must be in [0, 4294967295] - ignoring`, l.loc); continue; }
      const fam = w[2];
      if (fam !== undefined && fam !== 'inet' && fam !== 'inet6') { ctx.error(`(${name}): fwmark '${f}' family ${fam} unknown - ignoring`, l.loc); continue; }
      g.entries.push({ kind: 'fwmark', fwmark: f, family: fam as Family | undefined, loc: l.loc });
      continue;
    }
    const e = parseVsgRange(w[0]!, w[1]);
    if (!e) { ctx.error(`Invalid virtual server group IP address ${w[0]}${w[1] ? ' ' + w[1] : ''} - skipping`, l.loc); continue; }
    g.entries.push({ ...e, loc: l.loc });
  }
  if (!g.entries.length) { ctx.error(`virtual server group ${name} has no entries - removing`, n.loc); return undefined; }
  return g;
}

/** `A.B.C.D-E`, `A.B.C.D-E.F.G.H`, `A.B.C.D/NN`, `ae00::2-9` with an optional port. */
function parseVsgRange(spec: string, portStr: string | undefined): Omit<Extract<VsgEntry, { kind: 'range' }>, 'loc'> | undefined {
  const port = parsePort(portStr);
  if (port === undefined) return undefined;
  const slash = spec.indexOf('/');
  const dash = spec.indexOf('-');
  if (slash >= 0) {
    const a = spec.slice(0, slash);
    const fam = familyOf(a);
    if (!fam) return undefined;
    return { kind: 'range', family: fam, first: a, last: a + spec.slice(slash), port };
  }
  if (dash < 0) {
    const fam = familyOf(spec);
    return fam ? { kind: 'range', family: fam, first: spec, last: spec, port } : undefined;
  }
  const first = spec.slice(0, dash);
  const endPart = spec.slice(dash + 1);
  const fam = familyOf(first);
  if (!fam) return undefined;
  let last: string;
  if (familyOf(endPart) === fam) last = endPart;
  else if (fam === 'inet' && /^\d{1,3}$/.test(endPart)) last = first.replace(/\d+$/, endPart);
  else if (fam === 'inet6' && /^[0-9a-fA-F]{1,4}$/.test(endPart)) last = first.replace(/[0-9a-fA-F]+$/, endPart);
  else return undefined;
  if (!familyOf(last)) return undefined;
  return { kind: 'range', family: fam, first, last, port };
}
