// virtual_rules / static_rules over rtnetlink (RTM_NEWRULE / RTM_DELRULE), as keepalived's
// vrrp_iprule.c netlink_rule() builds them: preference always set, table numbers above 255
// in FRA_TABLE, actions table/goto/nop/blackhole/unreachable/prohibit, `not` = FIB_RULE_INVERT.
import { FlagsNew, rt, type RtNetlinkSocket } from 'netlink';
import type { Rule } from '../config/ast.js';
import { ipToBytes } from '../vrrp/addr.js';
import { rtnl, RTNL_TIMEOUT_MS } from './rtnl.js';
import { netErrorText, protoNumber, tableNumber, u32 } from './routes.js';

const AF_INET = 2;
const AF_INET6 = 10;

const ACTIONS: Record<string, rt.RuleAction> = {
  table: rt.RuleAction.toTbl, nop: rt.RuleAction.nop, blackhole: rt.RuleAction.blackhole,
  unreachable: rt.RuleAction.unreachable, prohibit: rt.RuleAction.prohibit,
};

/** `ip rule`-like text for messages: "from 10.1.0.0/24 lookup 100 pref 100". */
export function describeRule(r: Rule): string {
  const act = r.action === 'table' ? `lookup ${r.table}` : r.action ?? '';
  return [r.from ? `from ${r.from}` : 'from all', r.to ? ` to ${r.to}` : '', r.iif ? ` iif ${r.iif}` : '', r.oif ? ` oif ${r.oif}` : '',
    r.fwmark ? ` fwmark ${r.fwmark}` : '', ` ${act}`, ` pref ${r.preference}`].join('');
}

function prefix(text: string): { bytes: Buffer; len: number } | undefined {
  if (text === 'all') return undefined;
  const [a, l] = text.split('/');
  const bytes = ipToBytes(a!);
  return { bytes, len: l === undefined ? bytes.length * 8 : Number(l) };
}

/** A word after `key` in the rule line (for options the AST keeps only as words). */
const wordAfter = (r: Rule, key: string) => { const i = r.words.indexOf(key); return i >= 0 ? r.words[i + 1] : undefined; };

/** The fib_rule_hdr and attributes; throws on a name it cannot resolve. */
export function encodeRule(r: Rule): { data: rt.Rule; attrs: rt.RuleAttrs } {
  const data: rt.Rule = { family: r.family === 'inet6' ? AF_INET6 : AF_INET };
  const attrs: rt.RuleAttrs = { priority: r.preference };
  const from = r.from ? prefix(r.from) : undefined;
  const to = r.to ? prefix(r.to) : undefined;
  if (from) { data.srcLen = from.len; attrs.src = from.bytes; }
  if (to) { data.dstLen = to.len; attrs.dst = to.bytes; }
  if (r.words.includes('not')) data.flags = { invert: true };
  if (r.iif) attrs.iifname = r.iif;
  if (r.oif) attrs.oifname = r.oif;
  if (r.fwmark) {
    const [mark, mask] = r.fwmark.split('/');
    attrs.fwmark = Number(mark);
    if (mask !== undefined) attrs.fwmask = Number(mask);
  }
  const tos = wordAfter(r, 'tos') ?? wordAfter(r, 'dsfield');
  if (tos !== undefined) data.tos = Number(tos);
  const action = r.action ?? '';
  if (action.startsWith('goto ')) {
    data.action = rt.RuleAction.goto;
    attrs.goto = Number(action.slice(5));
  } else {
    const a = ACTIONS[action];
    if (a === undefined) throw new Error(`unknown rule action ${action}`);
    data.action = a;
  }
  if (action === 'table') {
    const t = tableNumber(r.table);
    data.table = t < 256 ? t : 0;
    if (t >= 256) attrs.table = t;
  }
  const sp = wordAfter(r, 'suppress_prefixlength');
  if (sp !== undefined) attrs.suppressPrefixlen = u32(Number(sp));
  const proto = wordAfter(r, 'protocol');
  if (proto !== undefined) attrs.protocol = protoNumber(proto);
  return { data, attrs };
}

export type RuleResult = { ok: true } | { ok: false; error: string };

export class Rules {
  constructor(private readonly sock: RtNetlinkSocket = rtnl()) {}

  add(r: Rule): Promise<RuleResult> { return this.op('add', r); }
  remove(r: Rule): Promise<RuleResult> { return this.op('delete', r); }

  private async op(kind: 'add' | 'delete', r: Rule): Promise<RuleResult> {
    const what = `cannot ${kind} rule ${describeRule(r)}`;
    let msg: ReturnType<typeof encodeRule>;
    try { msg = encodeRule(r); } catch (e) { return { ok: false, error: `${what}: ${(e as Error).message}` }; }
    try {
      if (kind === 'add') await this.sock.newRule(msg.data, msg.attrs, { flags: FlagsNew.CREATE | FlagsNew.EXCL, timeout: RTNL_TIMEOUT_MS });
      else await this.sock.delRule(msg.data, msg.attrs, { timeout: RTNL_TIMEOUT_MS });
      return { ok: true };
    } catch (e) {
      return { ok: false, error: `${what}: ${netErrorText(e)}` };
    }
  }
}
