// Raw VRRP sockets (IP protocol 112) per interface and family, set up as keepalived's
// open_vrrp_read_socket()/open_vrrp_send_socket() (vrrp.c). IPv4 uses raw-socket
// (the kernel hands us the IP header, so TTL and destination are read from it);
// IPv6 uses the keepalived_net addon, because hop limit and destination only arrive as
// recvmsg ancillary data and the source address needs sendmsg IPV6_PKTINFO.
import { createRequire } from 'node:module';
import { bytesToIpv6, ipv6ToBytes } from '../vrrp/addr.js';
import { decodeIp4, encodeIp4Header, IPPROTO_VRRP } from './ip4-header.js';
import { loadNative, nativeError, type NativeNet } from './native.js';
import * as so from './sockopt.js';

export const VRRP_MCAST_GROUP4 = '224.0.0.18';
export const VRRP_MCAST_GROUP6 = 'ff02::12';
/** RFC 5798 §5.1.1.3 / §5.1.2.3: adverts leave with TTL / hop limit 255. */
export const VRRP_IP_TTL = 255;

export interface VrrpReceived {
  payload: Buffer;
  srcIp: string;
  dstIp: string;
  /** TTL (IPv4) or hop limit (IPv6); -1 if the kernel did not report it. */
  ttl: number;
  ifindex: number;
}

export interface VrrpSocketOptions {
  family: 4 | 6;
  ifname: string;
  ifindex: number;
  /** vrrp_mcast_group4 / vrrp_mcast_group6; default 224.0.0.18 / ff02::12. */
  mcastGroup?: string;
  /** unicast_src_ip: when set with unicastPeers the socket is unicast (bound to it, no group joined). */
  unicastSrcIp?: string;
  unicastPeers?: string[];
  /** unicast_ttl (default 255). */
  unicastTtl?: number;
  /** Source for IPv4 multicast adverts (keepalived: mcast_src_ip or the interface's primary address). Required for IPv4 multicast. */
  srcIp?: string;
  /** 112, or 51 for auth_type AH (IPv4 only). */
  protocol?: number;
  /** vrrp_rx_bufs_multiplier etc. end up here; 0 = kernel default. */
  rxBufSize?: number;
  onPacket: (p: VrrpReceived) => void;
  /** Malformed input and send/receive failures, as a message naming the peer or interface. */
  onError?: (message: string) => void;
}

export interface VrrpSocket {
  readonly family: 4 | 6;
  readonly unicast: boolean;
  /** Sends one VRRP payload to the group, or to every unicast peer. Resolves to the error messages (empty = all sent). */
  sendAdvert(payload: Buffer): Promise<string[]>;
  /** Sends to one destination (a peer or the group). Resolves to an error message or undefined. */
  sendTo(payload: Buffer, dstIp: string): Promise<string | undefined>;
  close(): void;
}

/** Opens the socket pair; throws a clear Error naming the interface if the kernel refuses. */
export function openVrrpSocket(opts: VrrpSocketOptions): VrrpSocket {
  const o = { ...opts, unicastPeers: opts.unicastPeers ?? [] };
  return o.family === 4 ? new Vrrp4Socket(o) : new Vrrp6Socket(o);
}

type Opts = VrrpSocketOptions & { unicastPeers: string[] };

abstract class Base implements VrrpSocket {
  abstract readonly family: 4 | 6;
  readonly unicast: boolean;
  readonly group: string;
  protected closed = false;
  constructor(protected readonly o: Opts) {
    this.unicast = o.unicastPeers.length > 0;
    this.group = o.mcastGroup ?? (o.family === 4 ? VRRP_MCAST_GROUP4 : VRRP_MCAST_GROUP6);
  }
  protected get ttl(): number { return this.unicast ? (this.o.unicastTtl ?? VRRP_IP_TTL) : VRRP_IP_TTL; }
  protected report(msg: string): void { this.o.onError?.(msg); }
  /** Delivery filter equivalent to keepalived binding the read socket to the group or unicast_src_ip. */
  protected wanted(dstIp: string): boolean {
    if (!this.unicast) return dstIp === this.group;
    return this.o.unicastSrcIp === undefined || dstIp === this.o.unicastSrcIp;
  }
  async sendAdvert(payload: Buffer): Promise<string[]> {
    const dsts = this.unicast ? this.o.unicastPeers : [this.group];
    const errs = await Promise.all(dsts.map((d) => this.sendTo(payload, d)));
    return errs.filter((e): e is string => e !== undefined);
  }
  abstract sendTo(payload: Buffer, dstIp: string): Promise<string | undefined>;
  abstract close(): void;
}

interface RawSocket {
  on(ev: 'message', cb: (buf: Buffer, src: string) => void): void;
  on(ev: 'error', cb: (err: Error) => void): void;
  setOption(level: number, option: number, value: Buffer | number, length?: number): void;
  send(buf: Buffer, offset: number, length: number, address: string, cb: (err: Error | null, bytes: number) => void): void;
  pauseRecv(): void;
  close(): void;
}
interface RawSocketModule { createSocket(o: { addressFamily?: number; protocol?: number; bufferSize?: number }): RawSocket }
const raw = createRequire(import.meta.url)('raw-socket') as RawSocketModule;

function setBuf(s: RawSocket, level: number, opt: number, value: Buffer): void {
  s.setOption(level, opt, value, value.length);
}

class Vrrp4Socket extends Base {
  readonly family = 4 as const;
  private readonly rx: RawSocket;
  private readonly tx: RawSocket;

  constructor(o: Opts) {
    super(o);
    const proto = o.protocol ?? IPPROTO_VRRP;
    const where = `${o.ifname} (IPv4)`;
    try {
      this.rx = raw.createSocket({ protocol: proto, bufferSize: 65535 });
      this.tx = raw.createSocket({ protocol: proto });
    } catch (e) {
      throw new Error(`cant open raw socket on ${where}: ${(e as Error).message}`);
    }
    try {
      const { rx, tx } = this;
      if (o.rxBufSize) setBuf(rx, so.SOL_SOCKET, so.SO_RCVBUF, so.intOpt(o.rxBufSize));
      setBuf(rx, so.IPPROTO_IP, so.IP_MULTICAST_ALL, so.intOpt(0));
      setBuf(rx, so.SOL_SOCKET, so.SO_BINDTODEVICE, so.ifnameOpt(o.ifname));
      if (!this.unicast) setBuf(rx, so.IPPROTO_IP, so.IP_ADD_MEMBERSHIP, so.ipMreqn(this.group, o.ifindex));
      // Send socket: we build the IP header (TOS 0xc0, TTL, source) like vrrp_build_ip4().
      tx.pauseRecv();
      setBuf(tx, so.SOL_SOCKET, so.SO_RCVBUF, so.intOpt(0));
      setBuf(tx, so.IPPROTO_IP, so.IP_MULTICAST_ALL, so.intOpt(0));
      setBuf(tx, so.IPPROTO_IP, so.IP_HDRINCL, so.intOpt(1));
      setBuf(tx, so.SOL_SOCKET, so.SO_BINDTODEVICE, so.ifnameOpt(o.ifname));
      if (!this.unicast) {
        setBuf(tx, so.IPPROTO_IP, so.IP_MULTICAST_IF, so.ipMreqn(null, o.ifindex));
        setBuf(tx, so.IPPROTO_IP, so.IP_MULTICAST_LOOP, so.intOpt(0));
      }
      setBuf(tx, so.IPPROTO_IP, so.IP_TOS, so.intOpt(0xc0));
    } catch (e) {
      this.close();
      throw new Error(`cannot set up VRRP socket on ${where}: ${(e as Error).message}`);
    }
    this.rx.on('message', (buf) => this.receive(buf));
    this.rx.on('error', (e) => this.report(`VRRP receive error on ${o.ifname}: ${e.message}`));
    this.tx.on('error', (e) => this.report(`VRRP send error on ${o.ifname}: ${e.message}`));
  }

  private receive(buf: Buffer): void {
    const d = decodeIp4(buf);
    if (!d.ok) {
      const src = buf.length >= 16 ? `${buf[12]}.${buf[13]}.${buf[14]}.${buf[15]}` : 'unknown source';
      this.report(`invalid IPv4 packet from ${src} on ${this.o.ifname}: ${d.error}`);
      return;
    }
    if (!this.wanted(d.header.dstIp)) return;
    this.o.onPacket({ payload: d.payload, srcIp: d.header.srcIp, dstIp: d.header.dstIp, ttl: d.header.ttl, ifindex: this.o.ifindex });
  }

  sendTo(payload: Buffer, dstIp: string): Promise<string | undefined> {
    const src = this.unicast ? this.o.unicastSrcIp ?? this.o.srcIp : this.o.srcIp;
    if (!src) return Promise.resolve(`(${this.o.ifname}) no source address for VRRP advert to ${dstIp}`);
    let packet: Buffer;
    try {
      packet = Buffer.concat([encodeIp4Header({ srcIp: src, dstIp, ttl: this.ttl, protocol: this.o.protocol }, payload.length), payload]);
    } catch (e) {
      return Promise.resolve(`(${this.o.ifname}) cannot build advert to ${dstIp}: ${(e as Error).message}`);
    }
    return new Promise((resolve) => {
      if (this.closed) return resolve(`(${this.o.ifname}) send on closed VRRP socket`);
      this.tx.send(packet, 0, packet.length, dstIp, (err) => {
        resolve(err ? `(${this.o.ifname}) send advert error to ${dstIp}: ${err.message}` : undefined);
      });
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of [this.rx, this.tx]) { try { s?.close(); } catch { /* already closed */ } }
  }
}

const isLinkScope = (ip: string) => /^fe[89ab]/i.test(ip) || /^ff[0-9a-f]2/i.test(ip);

class Vrrp6Socket extends Base {
  readonly family = 6 as const;
  private readonly n: NativeNet;
  private rxFd = -1;
  private txFd = -1;
  private recvHandle: object | undefined;

  constructor(o: Opts) {
    super(o);
    this.n = loadNative();
    const n = this.n;
    const where = `${o.ifname} (IPv6)`;
    const proto = o.protocol ?? IPPROTO_VRRP;
    try {
      this.rxFd = n.ip6RawSocket(proto);
      this.txFd = n.ip6RawSocket(proto);
      const rx = this.rxFd;
      const tx = this.txFd;
      if (o.rxBufSize) n.setsockoptInt(rx, so.SOL_SOCKET, so.SO_RCVBUF, o.rxBufSize);
      n.setsockoptInt(rx, so.IPPROTO_IPV6, so.IPV6_MULTICAST_ALL, 0);
      n.setsockoptBuf(rx, so.SOL_SOCKET, so.SO_BINDTODEVICE, so.ifnameOpt(o.ifname));
      if (!this.unicast) {
        n.setsockoptBuf(rx, so.IPPROTO_IPV6, so.IPV6_ADD_MEMBERSHIP, so.ipv6Mreq(this.group, o.ifindex));
        n.bind6(rx, ipv6ToBytes(this.group), o.ifindex);
      } else if (o.unicastSrcIp) {
        n.bind6(rx, ipv6ToBytes(o.unicastSrcIp), isLinkScope(o.unicastSrcIp) ? o.ifindex : 0);
      }
      n.setsockoptInt(rx, so.IPPROTO_IPV6, so.IPV6_RECVHOPLIMIT, 1);
      n.setsockoptInt(rx, so.IPPROTO_IPV6, so.IPV6_RECVPKTINFO, 1);
      // Send socket: the kernel computes the VRRP checksum at offset 6 (if_setsockopt_ipv6_checksum).
      n.setsockoptInt(tx, so.SOL_SOCKET, so.SO_RCVBUF, 0);
      n.setsockoptInt(tx, so.IPPROTO_IPV6, so.IPV6_MULTICAST_ALL, 0);
      n.setsockoptInt(tx, so.IPPROTO_IPV6, so.IPV6_CHECKSUM, 6);
      n.setsockoptBuf(tx, so.SOL_SOCKET, so.SO_BINDTODEVICE, so.ifnameOpt(o.ifname));
      if (!this.unicast) {
        n.setsockoptInt(tx, so.IPPROTO_IPV6, so.IPV6_MULTICAST_HOPS, VRRP_IP_TTL);
        n.setsockoptInt(tx, so.IPPROTO_IPV6, so.IPV6_MULTICAST_IF, o.ifindex);
        n.setsockoptInt(tx, so.IPPROTO_IPV6, so.IPV6_MULTICAST_LOOP, 0);
      } else {
        n.setsockoptInt(tx, so.IPPROTO_IPV6, so.IPV6_UNICAST_HOPS, this.ttl);
      }
      n.setsockoptInt(tx, so.IPPROTO_IPV6, so.IPV6_TCLASS, 0xc0);
      this.recvHandle = n.recvStart(rx, (payload, srcOrErr, dst, hopLimit, ifindex) => {
        if (payload === null) return this.report(`VRRP receive error on ${o.ifname}: ${String(srcOrErr)}`);
        const dstIp = bytesToIpv6(dst!);
        if (!this.wanted(dstIp)) return;
        this.o.onPacket({ payload, srcIp: bytesToIpv6(srcOrErr as Buffer), dstIp, ttl: hopLimit ?? -1, ifindex: ifindex || o.ifindex });
      });
    } catch (e) {
      this.close();
      throw new Error(`cannot set up VRRP socket on ${where}: ${(e as Error).message}`);
    }
  }

  sendTo(payload: Buffer, dstIp: string): Promise<string | undefined> {
    if (this.closed) return Promise.resolve(`(${this.o.ifname}) send on closed VRRP socket`);
    const src = this.unicast ? this.o.unicastSrcIp : this.o.srcIp;
    try {
      this.n.send6(this.txFd, payload, ipv6ToBytes(dstIp), isLinkScope(dstIp) ? this.o.ifindex : 0,
        src ? ipv6ToBytes(src) : null, this.o.ifindex);
      return Promise.resolve(undefined);
    } catch (e) {
      const ne = nativeError(e);
      return Promise.resolve(`(${this.o.ifname}) send advert error ${ne.errno} (${ne.reason}) to ${dstIp}`);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.recvHandle) this.n.recvStop(this.recvHandle);
    for (const fd of [this.rxFd, this.txFd]) if (fd >= 0) { try { this.n.closeFd(fd); } catch { /* already closed */ } }
  }
}
