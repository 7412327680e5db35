// Gratuitous ARP (IPv4) and unsolicited Neighbour Advertisement (IPv6) frames,
// byte-for-byte as keepalived 2.2.7 builds them (vrrp_arp.c, vrrp_ndisc.c), and
// a thin AF_PACKET sender over the keepalived_net addon.
import { ipv4ToBytes, ipv6ToBytes } from '../vrrp/addr.js';
import { internetChecksum, onesSum } from '../vrrp/checksum.js';
import { macToBuffer } from './inet.js';
import { loadNative, nativeError, type NativeError, type NativeNet } from './native.js';

const ETH_P_ARP = 0x0806;
const ETH_P_IP = 0x0800;
const ETH_P_IPV6 = 0x86dd;
const ARPHRD_ETHER = 1;
const ARPOP_REQUEST = 1;
const IPPROTO_ICMPV6 = 58;
const ND_NEIGHBOR_ADVERT = 136;
const ND_OPT_TARGET_LINKADDR = 2;
const NDISC_HOPLIMIT = 255;
const ND_NA_FLAG_ROUTER = 0x80;
const ND_NA_FLAG_OVERRIDE = 0x20;
const BROADCAST = Buffer.alloc(6, 0xff);

/**
 * 42-byte Ethernet ARP request: dst broadcast, sender = target = VIP, target MAC broadcast
 * (keepalived's send_gratuitous_arp_immediate); `mac` is the interface MAC or the VMAC.
 */
export function buildGratuitousArp(mac: string, vip: string): Buffer {
  const hw = macToBuffer(mac);
  const ip = ipv4ToBytes(vip);
  const f = Buffer.alloc(42);
  BROADCAST.copy(f, 0);
  hw.copy(f, 6);
  f.writeUInt16BE(ETH_P_ARP, 12);
  f.writeUInt16BE(ARPHRD_ETHER, 14);
  f.writeUInt16BE(ETH_P_IP, 16);
  f[18] = 6;
  f[19] = 4;
  f.writeUInt16BE(ARPOP_REQUEST, 20);
  hw.copy(f, 22);
  ip.copy(f, 28);
  BROADCAST.copy(f, 32);
  ip.copy(f, 38);
  return f;
}

/**
 * 86-byte unsolicited NA (RFC 4861 §7.2.6): Ethernet to 33:33:00:00:00:01, IPv6 from the
 * VIP to ff02::1 with hop limit 255, override flag (+ router flag when the interface
 * forwards, as keepalived's gna_router), target link-layer address option.
 */
export function buildUnsolicitedNa(mac: string, vip: string, router = false): Buffer {
  const hw = macToBuffer(mac);
  const src = ipv6ToBytes(vip);
  const dst = ipv6ToBytes('ff02::1');
  const icmpLen = 24 + 8;
  const f = Buffer.alloc(14 + 40 + icmpLen);
  Buffer.from([0x33, 0x33, 0, 0, 0, 1]).copy(f, 0);
  hw.copy(f, 6);
  f.writeUInt16BE(ETH_P_IPV6, 12);
  f.writeUInt32BE(0x60000000, 14);
  f.writeUInt16BE(icmpLen, 18);
  f[20] = IPPROTO_ICMPV6;
  f[21] = NDISC_HOPLIMIT;
  src.copy(f, 22);
  dst.copy(f, 38);
  const icmp = f.subarray(54);
  icmp[0] = ND_NEIGHBOR_ADVERT;
  icmp[4] = ND_NA_FLAG_OVERRIDE | (router ? ND_NA_FLAG_ROUTER : 0);
  src.copy(icmp, 8);
  icmp[24] = ND_OPT_TARGET_LINKADDR;
  icmp[25] = 1; // length in units of 8 octets
  hw.copy(icmp, 26);
  icmp.writeUInt16BE(icmpv6Checksum(src, dst, icmp), 2);
  return f;
}

/** ICMPv6 checksum over the RFC 8200 §8.1 pseudo-header; the checksum field must be zero. */
export function icmpv6Checksum(src: Buffer, dst: Buffer, icmp: Buffer): number {
  const pseudo = Buffer.alloc(40);
  src.copy(pseudo, 0);
  dst.copy(pseudo, 16);
  pseudo.writeUInt32BE(icmp.length, 32);
  pseudo[39] = IPPROTO_ICMPV6;
  return internetChecksum(icmp, 0, icmp.length, onesSum(pseudo));
}

export type SendResult = { ok: true } | { ok: false; error: string };

/** One AF_PACKET socket shared by every interface, like keepalived's garp_fd / ndisc_fd. */
export class GarpSender {
  private fd: number | undefined;
  constructor(private readonly native: NativeNet = loadNative()) {}

  private socket(): number {
    if (this.fd === undefined) this.fd = this.native.packetSocket();
    return this.fd;
  }

  /** Never throws: errors come back as keepalived's log text. */
  sendGratuitousArp(ifname: string, ifindex: number, mac: string, vip: string): SendResult {
    return this.send(ifindex, () => buildGratuitousArp(mac, vip),
      (e) => `Error ${e.errno} (${e.reason}) sending gratuitous ARP on ${ifname} for ${vip}`);
  }

  sendUnsolicitedNa(ifname: string, ifindex: number, mac: string, vip: string, router = false): SendResult {
    return this.send(ifindex, () => buildUnsolicitedNa(mac, vip, router),
      (e) => `Error ${e.errno} sending ndisc unsolicited neighbour advert on ${ifname} for ${vip}`);
  }

  private send(ifindex: number, build: () => Buffer, describe: (e: NativeError) => string): SendResult {
    try {
      this.native.packetSend(this.socket(), ifindex, build());
      return { ok: true };
    } catch (e) {
      return { ok: false, error: describe(nativeError(e)) };
    }
  }

  close(): void {
    if (this.fd !== undefined) {
      try { this.native.closeFd(this.fd); } catch { /* already closed */ }
      this.fd = undefined;
    }
  }
}
