// IPVS over Generic Netlink: the thin I/O adapter. It resolves the "IPVS"
// family and turns every reply (data, ACK, errno, or garbage) into a typed
// result or an IpvsError naming the virtual/real server. Calls made in the
// same turn of the event loop go out together, many messages per datagram
// (nlmsg.ts frames and matches them). Nothing escapes as a raw exception.
// The raw socket only: the package's index also loads its rtnetlink, nl80211 and WireGuard tables
// (about 12 MiB of RSS in the checker child, which needs none of them).
import type { NetlinkMessage } from 'netlink';
import { RawNetlinkSocket } from 'netlink/dist/raw.js';
import { encodeAttrs, decodeAttrs, getS32, getStr, getU16, str, type Attr, AttrDecodeError } from './attrs.js';
import {
  decodeDaemon, decodeDest, decodeInfo, decodeService, decodeTimeouts,
  encodeDaemon, encodeDaemonKey, encodeDest, encodeDestKey, encodeService, encodeServiceKey, encodeTimeouts,
  type IpvsDaemon, type IpvsDaemonState, type IpvsDest, type IpvsInfo, type IpvsService, type IpvsServiceKey, type IpvsTimeouts,
} from './codec.js';
import { CmdAttr, IPVS_GENL_NAME, IPVS_GENL_VERSION, IpvsCmd } from './constants.js';
import { IpvsError, NO_IPVS_MESSAGE, describeOp, kernelError, type IpvsErrorContext, type IpvsOp } from './errors.js';
import type { IpvsTable } from './format.js';
import { RequestTracker, type Completion, type Outcome, type TrackedRequest } from './nlmsg.js';

// linux/netlink.h, linux/genetlink.h
const NETLINK_GENERIC = 16;
const NLMSG_ERROR = 2;
const GENL_ID_CTRL = 16;
const CTRL_CMD_GETFAMILY = 3;
const CTRL_ATTR_FAMILY_ID = 1;
const CTRL_ATTR_FAMILY_NAME = 2;
const GENL_HDRLEN = 4;
const ENOENT = 2;

export interface IpvsClientOptions {
  /** Deadline for the kernel to answer anything while requests are in flight; it answers in microseconds, so this only catches a wedged socket. */
  timeoutMs?: number;
}

interface Reply {
  /** Attribute payloads (after the genl header) of each data message. */
  payloads: Buffer[];
}

/** Socket buffers asked for; the kernel caps them at net.core.[rw]mem_max (and doubles what it grants). */
const SOCKET_BUFFER = 1 << 20;
/** Receive buffer one reply may take in the worst case (an error echoing a ~150-byte request, as skb truesize). */
const REPLY_COST = 1536;

type Tag = (outcome: Outcome) => void;

/** Commands answered with data: they ask for their own ACK wherever they sit in a datagram. */
const GET_CMDS = new Set<number>([IpvsCmd.GET_SERVICE, IpvsCmd.GET_DEST, IpvsCmd.GET_DAEMON, IpvsCmd.GET_CONFIG, IpvsCmd.GET_INFO]);

/**
 * The socket side: a raw netlink socket of the `netlink` package (our own framing), one tracker,
 * a flush per event-loop turn, and a stall timer. Kept referenced only while requests are pending.
 */
class Transport {
  private readonly tracker: RequestTracker<Tag>;
  private flushScheduled = false;
  private stall: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly sock: RawNetlinkSocket, private readonly timeoutMs: number) {
    const rcv = sock.getRecvBufferSize();
    const snd = sock.getSendBufferSize();
    const maxInFlight = Math.max(16, Math.min(1024, Math.floor(rcv / REPLY_COST)));
    const maxBytes = Math.max(8192, Math.min(snd - 1024, 1 << 17));
    this.tracker = new RequestTracker<Tag>(sock.address().port, maxInFlight, maxBytes);
    sock.on('message', (buf: Buffer) => this.onDatagram(buf));
    sock.on('truncatedMessage', () => this.failInFlight({ kind: 'malformed', reason: 'truncated netlink reply' }));
    // An 'error' event with no listener would crash the process; ENOBUFS here means replies were lost.
    sock.on('error', (e: Error) => this.failInFlight({ kind: 'io', reason: `netlink socket: ${e.message}` }));
    sock.unref();
  }

  request(req: Omit<TrackedRequest<Tag>, 'tag'>): Promise<Outcome> {
    if (this.closed) return Promise.resolve({ kind: 'io', reason: 'client closed' });
    return new Promise<Outcome>((resolve) => {
      if (this.tracker.pending === 0) this.sock.ref();
      this.tracker.enqueue({ ...req, tag: resolve });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // setImmediate: every call made while the current replies are handled joins the next datagram.
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.closed) return;
    for (let d = this.tracker.takeDatagram(); d; d = this.tracker.takeDatagram()) {
      this.sock.send(d, {}, (err) => {
        if (err) this.failInFlight({ kind: 'io', reason: `sendmsg: ${err.message}` });
      });
    }
    this.armStall();
  }

  private armStall(): void {
    if (this.stall) clearTimeout(this.stall);
    this.stall = undefined;
    if (this.tracker.inFlightCount === 0) return;
    this.stall = setTimeout(() => {
      this.stall = undefined;
      this.failInFlight({ kind: 'io', reason: 'Timeout has been reached' });
    }, this.timeoutMs);
  }

  private onDatagram(buf: Buffer): void {
    let done: Completion<Tag>[];
    try {
      done = this.tracker.receive(buf);
    } catch (e) {
      done = this.tracker.failAll({ kind: 'malformed', reason: (e as Error).message }, false);
    }
    this.complete(done);
  }

  private failInFlight(outcome: Extract<Outcome, { kind: 'io' | 'malformed' }>): void {
    this.complete(this.tracker.failAll(outcome, false));
  }

  private complete(done: Completion<Tag>[]): void {
    for (const c of done) c.tag(c.outcome);
    if (this.tracker.pending === 0 && !this.closed) this.sock.unref();
    if (done.length) {
      this.armStall();
      if (this.tracker.pending > this.tracker.inFlightCount) this.schedule();
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.stall) clearTimeout(this.stall);
    const left = this.tracker.failAll({ kind: 'io', reason: 'client closed' }, true);
    this.sock.close();
    for (const c of left) c.tag(c.outcome);
  }
}

/** An outcome as the reply payloads, or the IpvsError naming the servers. */
export function outcomePayloads(o: Outcome, op: IpvsOp, ctx: IpvsErrorContext): Buffer[] {
  switch (o.kind) {
    case 'ok': return o.payloads.map((p) => {
      if (p.length < GENL_HDRLEN) throw toIpvsError(new AttrDecodeError(`reply of ${p.length} bytes, shorter than the genl header`), op, ctx);
      return p.subarray(GENL_HDRLEN);
    });
    case 'errno': throw kernelError(op, o.errno, ctx);
    case 'malformed': throw toIpvsError(new AttrDecodeError(o.reason), op, ctx);
    case 'io': throw toIpvsError(new Error(o.reason), op, ctx);
  }
}

/** genl headers by command and version: sent read-only (copied into each datagram), so one each. */
const genlHeaders = new Map<number, Buffer>();
function genlHeader(cmd: number, version: number): Buffer {
  const key = (cmd << 8) | version;
  let h = genlHeaders.get(key);
  if (!h) genlHeaders.set(key, h = Buffer.from([cmd, version, 0, 0]));
  return h;
}

/** Positive errno of an NLMSG_ERROR (0 = ACK); throws AttrDecodeError when too short. */
function errnoOf(m: NetlinkMessage): number {
  if (m.data.length < 4) throw new AttrDecodeError(`netlink error message of ${m.data.length} bytes`);
  return -getS32(m.data, 'netlink error');
}

/** Any failure as an IpvsError: decode trouble is a malformed reply, anything else socket trouble. */
export function toIpvsError(e: unknown, op: IpvsOp, ctx: IpvsErrorContext): IpvsError {
  if (e instanceof IpvsError) return e;
  const what = describeOp(op, ctx);
  if (e instanceof AttrDecodeError) return new IpvsError(`cannot ${what}: malformed reply from the kernel: ${e.message}`, op, 'malformed');
  return new IpvsError(`cannot ${what}: ${(e as Error)?.message ?? String(e)}`, op, 'io');
}

/**
 * The attribute payloads of a reply (sans I/O): NLMSG_ERROR with an errno
 * becomes the IpvsError naming the servers; a foreign type or a short
 * message becomes AttrDecodeError (reported as a malformed reply).
 */
export function replyPayloads(msgs: NetlinkMessage[], familyId: number, op: IpvsOp, ctx: IpvsErrorContext): Buffer[] {
  const payloads: Buffer[] = [];
  for (const m of msgs) {
    if (m.type === NLMSG_ERROR) {
      const errno = errnoOf(m);
      if (errno !== 0) throw kernelError(op, errno, ctx);
      continue;
    }
    if (m.type !== familyId) throw new AttrDecodeError(`reply of netlink type ${m.type}, expected ${familyId}`);
    if (m.data.length < GENL_HDRLEN) throw new AttrDecodeError(`reply of ${m.data.length} bytes, shorter than the genl header`);
    payloads.push(m.data.subarray(GENL_HDRLEN));
  }
  return payloads;
}

export class IpvsClient {
  private closed = false;

  private constructor(
    private readonly transport: Transport,
    /** The family id the kernel gave "IPVS". */
    readonly familyId: number,
  ) {}

  /** Opens a socket and resolves the IPVS family; rejects with IpvsError (kind 'unavailable') when the kernel has none. */
  static async open(opts: IpvsClientOptions = {}): Promise<IpvsClient> {
    const timeoutMs = opts.timeoutMs ?? 5000;
    let transport: Transport;
    try {
      transport = new Transport(new RawNetlinkSocket(NETLINK_GENERIC, { recvBufferSize: SOCKET_BUFFER, sendBufferSize: SOCKET_BUFFER }), timeoutMs);
    } catch (e) {
      throw new IpvsError(`cannot ${describeOp('open', {})}: ${(e as Error).message}`, 'open', 'io');
    }
    try {
      const parts = [genlHeader(CTRL_CMD_GETFAMILY, 1), encodeAttrs([{ type: CTRL_ATTR_FAMILY_NAME, value: str(IPVS_GENL_NAME) }])];
      const outcome = await transport.request({ type: GENL_ID_CTRL, parts, wantsData: true });
      if (outcome.kind === 'errno' && outcome.errno === ENOENT) throw new IpvsError(NO_IPVS_MESSAGE, 'open', 'unavailable', ENOENT, 'ENOENT');
      const payloads = outcomePayloads(outcome, 'open', {});
      const first = payloads[0];
      if (!first) throw new AttrDecodeError('empty reply to CTRL_CMD_GETFAMILY');
      const attrs = decodeAttrs(first, 'CTRL_CMD_GETFAMILY reply');
      const idB = attrs.get(CTRL_ATTR_FAMILY_ID);
      if (!idB) throw new AttrDecodeError('CTRL_CMD_GETFAMILY reply without CTRL_ATTR_FAMILY_ID');
      const name = attrs.get(CTRL_ATTR_FAMILY_NAME);
      if (name && getStr(name) !== IPVS_GENL_NAME) throw new AttrDecodeError(`asked for family IPVS, got '${getStr(name)}'`);
      return new IpvsClient(transport, getU16(idB, 'family id'));
    } catch (e) {
      transport.close();
      throw toIpvsError(e, 'open', {});
    }
  }

  close(): void {
    if (!this.closed) { this.closed = true; this.transport.close(); }
  }

  /** One request/reply exchange (batched with the others of this turn); rejects only with IpvsError. */
  private async exchange(op: IpvsOp, ctx: IpvsErrorContext, cmd: number, attrs: Attr[], dump = false): Promise<Reply> {
    if (this.closed) throw new IpvsError(`cannot ${describeOp(op, ctx)}: client closed`, op, 'io');
    let parts: Buffer[];
    try {
      parts = [genlHeader(cmd, IPVS_GENL_VERSION), encodeAttrs(attrs)];
    } catch (e) {
      throw toIpvsError(e, op, ctx);
    }
    const outcome = await this.transport.request({ type: this.familyId, parts, dump, wantsData: GET_CMDS.has(cmd) });
    return { payloads: outcomePayloads(outcome, op, ctx) };
  }

  /** Decodes inside the same error wrapping as the exchange. */
  private async query<T>(op: IpvsOp, ctx: IpvsErrorContext, cmd: number, attrs: Attr[], dump: boolean, decode: (p: Buffer[]) => T): Promise<T> {
    const { payloads } = await this.exchange(op, ctx, cmd, attrs, dump);
    try {
      return decode(payloads);
    } catch (e) {
      throw toIpvsError(e, op, ctx);
    }
  }

  private static nested(payload: Buffer, type: number, what: string): Buffer {
    const b = decodeAttrs(payload, what).get(type);
    if (!b) throw new AttrDecodeError(`${what}: no attribute ${type} in the reply`);
    return b;
  }

  private static single(p: Buffer[], what: string): Buffer {
    if (p.length !== 1) throw new AttrDecodeError(`${what}: expected one reply message, got ${p.length}`);
    return p[0]!;
  }

  getInfo(): Promise<IpvsInfo> {
    return this.query('getInfo', {}, IpvsCmd.GET_INFO, [], false, (p) => decodeInfo(IpvsClient.single(p, 'info')));
  }

  listServices(): Promise<IpvsService[]> {
    return this.query('listServices', {}, IpvsCmd.GET_SERVICE, [], true,
      (p) => p.map((m) => decodeService(IpvsClient.nested(m, CmdAttr.SERVICE, 'service dump'))));
  }

  /** One service by key; undefined when the kernel has none (ESRCH). */
  async getService(key: IpvsServiceKey): Promise<IpvsService | undefined> {
    try {
      return await this.query('getService', { service: key }, IpvsCmd.GET_SERVICE,
        [{ type: CmdAttr.SERVICE, value: encodeServiceKey(key) }], false,
        (p) => decodeService(IpvsClient.nested(IpvsClient.single(p, 'service'), CmdAttr.SERVICE, 'service')));
    } catch (e) {
      if (e instanceof IpvsError && e.kind === 'kernel' && e.code === 'ESRCH') return undefined;
      throw e;
    }
  }

  async addService(s: IpvsService): Promise<void> {
    await this.exchange('addService', { service: s }, IpvsCmd.NEW_SERVICE, [{ type: CmdAttr.SERVICE, value: encodeService(s) }]);
  }

  async editService(s: IpvsService): Promise<void> {
    await this.exchange('editService', { service: s }, IpvsCmd.SET_SERVICE, [{ type: CmdAttr.SERVICE, value: encodeService(s) }]);
  }

  async delService(key: IpvsServiceKey): Promise<void> {
    await this.exchange('delService', { service: key }, IpvsCmd.DEL_SERVICE, [{ type: CmdAttr.SERVICE, value: encodeServiceKey(key) }]);
  }

  /** Removes every virtual and real server (ipvsadm -C). */
  async flush(): Promise<void> {
    await this.exchange('flush', {}, IpvsCmd.FLUSH, []);
  }

  /** Zeroes the counters of one service, or of all. */
  async zero(key?: IpvsServiceKey): Promise<void> {
    const attrs = key ? [{ type: CmdAttr.SERVICE, value: encodeServiceKey(key) }] : [];
    await this.exchange('zero', key ? { service: key } : {}, IpvsCmd.ZERO, attrs);
  }

  listDests(key: IpvsServiceKey): Promise<IpvsDest[]> {
    return this.query('listDests', { service: key }, IpvsCmd.GET_DEST, [{ type: CmdAttr.SERVICE, value: encodeServiceKey(key) }], true,
      (p) => p.map((m) => decodeDest(IpvsClient.nested(m, CmdAttr.DEST, 'real server dump'), key.family)));
  }

  async addDest(key: IpvsServiceKey, d: IpvsDest): Promise<void> {
    await this.exchange('addDest', { service: key, dest: d }, IpvsCmd.NEW_DEST, [
      { type: CmdAttr.SERVICE, value: encodeServiceKey(key) }, { type: CmdAttr.DEST, value: encodeDest(d) }]);
  }

  async editDest(key: IpvsServiceKey, d: IpvsDest): Promise<void> {
    await this.exchange('editDest', { service: key, dest: d }, IpvsCmd.SET_DEST, [
      { type: CmdAttr.SERVICE, value: encodeServiceKey(key) }, { type: CmdAttr.DEST, value: encodeDest(d) }]);
  }

  async delDest(key: IpvsServiceKey, d: Pick<IpvsDest, 'family' | 'address' | 'port'>): Promise<void> {
    await this.exchange('delDest', { service: key, dest: d }, IpvsCmd.DEL_DEST, [
      { type: CmdAttr.SERVICE, value: encodeServiceKey(key) }, { type: CmdAttr.DEST, value: encodeDestKey(d) }]);
  }

  /** Every service with its real servers: what `ipvsadm -Ln` shows. */
  async listAll(): Promise<IpvsTable> {
    const info = await this.getInfo();
    const services = await this.listServices();
    const out: IpvsTable['services'] = [];
    for (const service of services) out.push({ service, dests: await this.listDests(service) });
    return { info, services: out };
  }

  getTimeouts(): Promise<IpvsTimeouts> {
    return this.query('getTimeouts', {}, IpvsCmd.GET_CONFIG, [], false, (p) => decodeTimeouts(IpvsClient.single(p, 'timeouts')));
  }

  /** 0 in a field leaves that timeout unchanged (kernel rule). */
  async setTimeouts(t: IpvsTimeouts): Promise<void> {
    await this.exchange('setTimeouts', {}, IpvsCmd.SET_CONFIG, encodeTimeouts(t));
  }

  listDaemons(): Promise<IpvsDaemon[]> {
    return this.query('listDaemons', {}, IpvsCmd.GET_DAEMON, [], true,
      (p) => p.map((m) => decodeDaemon(IpvsClient.nested(m, CmdAttr.DAEMON, 'sync daemon dump'))));
  }

  async addDaemon(d: IpvsDaemon): Promise<void> {
    await this.exchange('addDaemon', { daemon: d }, IpvsCmd.NEW_DAEMON, [{ type: CmdAttr.DAEMON, value: encodeDaemon(d) }]);
  }

  async delDaemon(state: IpvsDaemonState): Promise<void> {
    await this.exchange('delDaemon', { daemon: { state } }, IpvsCmd.DEL_DAEMON, [{ type: CmdAttr.DAEMON, value: encodeDaemonKey(state) }]);
  }
}
