// Received-advert validation in the order of keepalived vrrp_check_packet() (vrrp.c), texts as keepalived
// (HEAD wording, which names the sender). Never throws: every input ends in exactly one RejectReason or ok.
import { compareIp, isMulticast, ipToBytes, type Family } from './addr.js';
import {
  VRRP_AUTH_AH, VRRP_AUTH_NONE, VRRP_AUTH_PASS, VRRP_AUTH_LEN, VRRP_HEADER_LEN, VRRP_IP_TTL, VRRP_PKT_ADVERT,
  IPPROTO_AH, advertLength, checksumOk, decodeAdvert, decodeIpv4Packet, type VrrpAdvert,
} from './packet.js';
import type { VrrpStats } from './stats.js';

/**
 * What a raw socket hands over: a whole IPv4 datagram (IP-level checks included), or a VRRP payload with
 * the addresses and TTL / hop limit taken from the IP header or ancillary data (null or -1: not reported).
 * The second form is src/net's VrrpReceived as is.
 */
export type ReceivedPacket =
  | { family: 4; packet: Buffer }
  | { family: 4 | 6; payload: Buffer; srcIp: string; dstIp: string; ttl: number | null };

export type RejectReason =
  | 'too_short' | 'unknown_vrid' | 'ah_mismatch' | 'ah_unsupported' | 'packet_len' | 'ttl' | 'version'
  | 'invalid_authtype' | 'authtype_mismatch' | 'auth_failure' | 'advert_interval' | 'invalid_type'
  | 'addr_count' | 'ip_len' | 'checksum' | 'cast_mismatch' | 'addr_list' | 'not_peer' | 'peer_ttl';

export const REJECT_REASONS: readonly RejectReason[] = [
  'too_short', 'unknown_vrid', 'ah_mismatch', 'ah_unsupported', 'packet_len', 'ttl', 'version',
  'invalid_authtype', 'authtype_mismatch', 'auth_failure', 'advert_interval', 'invalid_type',
  'addr_count', 'ip_len', 'checksum', 'cast_mismatch', 'addr_list', 'not_peer', 'peer_ttl',
];

/** keepalived counter bumped for each reason (null: keepalived only logs). */
export const REJECT_COUNTER: Record<RejectReason, keyof VrrpStats | null> = {
  too_short: null, unknown_vrid: 'vrid_err', ah_mismatch: 'authtype_mismatch', ah_unsupported: 'auth_failure',
  packet_len: 'packet_len_err', ttl: 'ip_ttl_err', version: 'vers_err', invalid_authtype: 'invalid_authtype',
  authtype_mismatch: 'authtype_mismatch', auth_failure: 'auth_failure', advert_interval: 'advert_interval_err',
  invalid_type: 'invalid_type_rcvd', addr_count: 'addr_list_err', ip_len: 'packet_len_err', checksum: 'chk_err',
  cast_mismatch: 'addr_list_err', addr_list: 'addr_list_err', not_peer: null, peer_ttl: 'ip_ttl_err',
};

export interface UnicastPeer {
  ip: string;
  minTtl: number;
  maxTtl: number;
}

/** keepalived unicast_chksum_compat: 'none' may auto-switch to 'auto'; 'config'/'auto' use the old checksum. */
export type ChecksumCompat = 'none' | 'never' | 'config' | 'auto';

export interface CheckConfig {
  iname: string;
  family: Family;
  version: 2 | 3;
  vrid: number;
  authType: number;
  /** auth_pass zero-padded to 8 bytes. */
  authPass: Buffer;
  advertIntCs: number;
  vips: readonly string[];
  unicast: boolean;
  unicastPeers: readonly UnicastPeer[];
  checkUnicastSrc: boolean;
  v3ChecksumAsV2: boolean;
  unicastChecksumCompat: ChecksumCompat;
  mcastGroup4: string;
}

export type CheckResult =
  | {
      ok: true;
      advert: VrrpAdvert;
      srcIp: string;
      /** TTL / hop limit seen, null when the socket did not report it. */
      ttl: number | null;
      /** Checksum matched only with the pre-1.3.6 pseudo-header: switch this instance to 'auto'. */
      switchToOldChecksum: boolean;
      /** v3 Max Adver Int differs from ours (RFC 5798 §6.4.3 says log only). */
      intervalMismatch: string | null;
    }
  | { ok: false; reason: RejectReason; detail: string; srcIp: string | null; vrid: number | null };

const AH_HEADER_LEN = 24; // keepalived ipsec_ah_t

/**
 * Validate one received packet for one instance. `checkVipAddr` is false only for keepalived's
 * skip_check_adv_addr case (same master as last time). Counters in `stats` are bumped as keepalived does.
 */
export function checkPacket(rx: ReceivedPacket, cfg: CheckConfig, checkVipAddr: boolean, stats: VrrpStats): CheckResult {
  let srcIp: string | null = null;
  let vrid: number | null = null;
  const reject = (reason: RejectReason, detail: string): CheckResult => {
    const counter = REJECT_COUNTER[reason];
    if (counter) stats[counter]++;
    return { ok: false, reason, detail, srcIp, vrid };
  };
  const n = cfg.iname;

  // vrrp_get_header(): enough bytes for the IP, AH and VRRP fixed headers.
  let payload: Buffer;
  let dstIp: string;
  let ttl: number | null;
  let hasAh = false;
  let ipHeaderLen = 0;
  let ipTotalLength = 0;
  let buflen: number;
  if (rx.family !== cfg.family) {
    return reject('too_short', `(${n}) IPv${rx.family} packet received on an IPv${cfg.family} instance`);
  }
  if ('packet' in rx) {
    const ip = decodeIpv4Packet(rx.packet);
    if (!ip.ok) return reject('too_short', ip.detail);
    srcIp = ip.value.srcIp;
    dstIp = ip.value.dstIp;
    ttl = ip.value.ttl;
    hasAh = ip.value.protocol === IPPROTO_AH;
    ipHeaderLen = ip.value.ihl;
    ipTotalLength = ip.value.totalLength;
    const vrrpOff = hasAh ? AH_HEADER_LEN : 0;
    if (ip.value.payload.length < vrrpOff + VRRP_HEADER_LEN) {
      return reject('too_short', `IPv4 VRRP packet${hasAh ? ' with AH' : ''} too short - ${rx.packet.length} bytes from ${srcIp}`);
    }
    payload = ip.value.payload.subarray(vrrpOff);
    buflen = ipHeaderLen + ip.value.payload.length;
  } else {
    srcIp = rx.srcIp;
    dstIp = rx.dstIp;
    ttl = rx.ttl === null || rx.ttl < 0 ? null : rx.ttl;
    payload = rx.payload;
    if (payload.length < VRRP_HEADER_LEN) return reject('too_short', `IPv${rx.family} VRRP packet too short - ${payload.length} bytes from ${srcIp}`);
    buflen = payload.length;
  }
  const from = srcIp;
  const versType = payload[0]!;
  const pktVersion = versType >> 4;
  vrid = payload[1]!;
  const naddr = payload[3]!;

  // Socket demux (vrrp_dispatcher_read): a VRID that is not ours.
  if (vrid !== cfg.vrid) return reject('unknown_vrid', `Unknown VRID(${vrid}) received from ${from}. ignoring...`);

  if (cfg.family === 4 && hasAh !== (cfg.authType === VRRP_AUTH_AH)) {
    return reject('ah_mismatch', hasAh
      ? `(${n}) Received AH header but auth type not AH from ${from}`
      : `(${n}) No AH header but auth type is AH from ${from}`);
  }

  // expected_vrrp_pkt_len() uses the packet's own version nibble.
  const expected = ipHeaderLen + (hasAh ? AH_HEADER_LEN : 0) + advertLength(pktVersion === 2 ? 2 : 3, cfg.family, naddr);
  if (buflen !== expected) {
    return reject('packet_len', `(${n}) vrrp packet from ${from} too ${buflen > expected ? 'long' : 'short'}, length ${buflen} and expect ${expected}`);
  }

  // RFC 3768 §7.1 / RFC 5798 §7.1: TTL/hop limit must be 255 (multicast only in keepalived).
  if (!cfg.unicast && ttl !== null && ttl !== VRRP_IP_TTL) {
    return reject('ttl', `(${n}) invalid TTL/HL from ${from}. Received ${ttl} and expect ${VRRP_IP_TTL}`);
  }

  if (pktVersion !== cfg.version) {
    return reject('version', `(${n}) wrong VRRP version from ${from}. Received ${pktVersion} and expect ${cfg.version}`);
  }

  if (cfg.version === 2) {
    const authType = payload[4]!;
    if (authType !== VRRP_AUTH_NONE && authType !== VRRP_AUTH_PASS && authType !== VRRP_AUTH_AH) {
      return reject('invalid_authtype', `(${n}) Invalid auth type from ${from}: ${authType}`);
    }
    if (authType !== cfg.authType) {
      return reject('authtype_mismatch', `(${n}) received a ${authType} auth from ${from}, expecting ${cfg.authType}!`);
    }
    if (cfg.authType === VRRP_AUTH_PASS && cfg.family === 4) {
      const pw = payload.subarray(payload.length - VRRP_AUTH_LEN);
      if (!pw.equals(cfg.authPass)) return reject('auth_failure', `(${n}) received an invalid passwd from ${from}!`);
    } else if (cfg.authType === VRRP_AUTH_AH) {
      return reject('ah_unsupported', `(${n}) IPSEC-AH authentication is not supported; advert from ${from} dropped`);
    }
    const pktIntS = payload[5]!;
    if (pktIntS * 100 !== cfg.advertIntCs) {
      return reject('advert_interval', `(${n}) advertisement interval mismatch with ${from} mine=${Math.floor(cfg.advertIntCs / 100)} sec rcv'd=${pktIntS} sec`);
    }
  }

  if ((versType & 0x0f) !== VRRP_PKT_ADVERT) {
    return reject('invalid_type', `(${n}) Invalid packet type from ${from}. ${versType & 0x0f} and expect ${VRRP_PKT_ADVERT}`);
  }

  if (checkVipAddr && naddr !== cfg.vips.length) {
    return reject('addr_count', `(${n}) received an unexpected ip number count ${naddr} from ${from}, expected ${cfg.vips.length}!`);
  }

  if ('packet' in rx && ipTotalLength !== buflen) {
    return reject('ip_len', `(${n}) ip_tot_len mismatch against received length from ${from}. ${ipTotalLength} and received ${buflen}`);
  }

  let switchToOldChecksum = false;
  const asV2 = cfg.version === 3 && cfg.family === 4 && cfg.v3ChecksumAsV2;
  const oldCompat = cfg.unicastChecksumCompat === 'config' || cfg.unicastChecksumCompat === 'auto';
  const ckDst = cfg.version === 3 && cfg.family === 4 && oldCompat ? cfg.mcastGroup4 : dstIp;
  if (!checksumOk(payload, cfg.version, cfg.family, from, ckDst, asV2)) {
    // keepalived < 1.3.6 used the multicast group as pseudo-header destination for unicast v3 adverts.
    const canSwitch = cfg.version === 3 && cfg.family === 4 && !asV2 && cfg.unicast &&
      cfg.unicastChecksumCompat === 'none' && ckDst !== cfg.mcastGroup4;
    if (canSwitch && checksumOk(payload, 3, 4, from, cfg.mcastGroup4)) switchToOldChecksum = true;
    else return reject('checksum', `(${n}) Invalid VRRPv${cfg.version} checksum from ${from}`);
  }

  const multicast = isMulticast(dstIp);
  if (multicast === cfg.unicast) {
    return reject('cast_mismatch', `(${n}) Expected ${cfg.unicast ? 'un' : 'mult'}icast packet but received ${cfg.unicast ? 'mult' : 'un'}icast packet from ${from}`);
  }

  const decoded = decodeAdvert(payload, cfg.family);
  if (!decoded.ok) return reject('too_short', `(${n}) ${decoded.detail} from ${from}`); // unreachable after the length check
  const advert = decoded.value;
  stats.advert_rcvd++;

  if (checkVipAddr) {
    const got = new Set(advert.addresses.map((a) => ipToBytes(a).toString('hex')));
    for (const vip of cfg.vips) {
      if (!got.has(ipToBytes(vip).toString('hex'))) {
        return reject('addr_list', `(${n}) ip address associated with VRID ${cfg.vrid} not present in advert from ${from}: ${vip}`);
      }
    }
    if (cfg.unicast && cfg.checkUnicastSrc) {
      const peer = cfg.unicastPeers.find((p) => compareIp(p.ip, from) === 0);
      if (!peer) return reject('not_peer', `(${n}) unicast source address ${from} not a unicast peer`);
      if (ttl !== null && (ttl < peer.minTtl || ttl > peer.maxTtl)) {
        return reject('peer_ttl', `(${n}) TTL/HL ${ttl} from ${from} not in range [${peer.minTtl}, ${peer.maxTtl}]`);
      }
    }
  }

  if (advert.priority === 0) stats.pri_zero_rcvd++;
  const intervalMismatch = cfg.version === 3 && advert.advertIntCs !== cfg.advertIntCs
    ? `(${n}) advertisement interval mismatch ours = ${cfg.advertIntCs} centi-sec rcv'd=${advert.advertIntCs} centi-sec`
    : null;
  return { ok: true, advert, srcIp: from, ttl, switchToOldChecksum, intervalMismatch };
}

/** Sender address without validating anything (demux, skip_check_adv_addr); null if too short. */
export function sourceOf(rx: ReceivedPacket): string | null {
  if (!('packet' in rx)) return rx.srcIp;
  const b = rx.packet;
  return b.length >= 20 ? `${b[12]}.${b[13]}.${b[14]}.${b[15]}` : null;
}
