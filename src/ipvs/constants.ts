// Numbers of the kernel's IPVS Generic Netlink interface, from
// include/uapi/linux/ip_vs.h (Linux 6.x; unchanged since 5.3 added tun_*).

export const IPVS_GENL_NAME = 'IPVS';
export const IPVS_GENL_VERSION = 0x1;

/** enum IPVS_CMD_* */
export const IpvsCmd = {
  NEW_SERVICE: 1,
  SET_SERVICE: 2,
  DEL_SERVICE: 3,
  GET_SERVICE: 4,
  NEW_DEST: 5,
  SET_DEST: 6,
  DEL_DEST: 7,
  GET_DEST: 8,
  NEW_DAEMON: 9,
  DEL_DAEMON: 10,
  GET_DAEMON: 11,
  SET_CONFIG: 12,
  GET_CONFIG: 13,
  SET_INFO: 14,
  GET_INFO: 15,
  ZERO: 16,
  FLUSH: 17,
} as const;
export type IpvsCmdNumber = (typeof IpvsCmd)[keyof typeof IpvsCmd];

/** enum IPVS_CMD_ATTR_*: first level of every command. */
export const CmdAttr = {
  SERVICE: 1,
  DEST: 2,
  DAEMON: 3,
  TIMEOUT_TCP: 4,
  TIMEOUT_TCP_FIN: 5,
  TIMEOUT_UDP: 6,
} as const;

/** enum IPVS_SVC_ATTR_*: inside IPVS_CMD_ATTR_SERVICE. */
export const SvcAttr = {
  AF: 1, // u16
  PROTOCOL: 2, // u16
  ADDR: 3, // binary, up to 16 bytes (union nf_inet_addr)
  PORT: 4, // u16, network byte order
  FWMARK: 5, // u32
  SCHED_NAME: 6, // string, IP_VS_SCHEDNAME_MAXLEN
  FLAGS: 7, // struct ip_vs_flags { u32 flags; u32 mask; }
  TIMEOUT: 8, // u32 seconds
  NETMASK: 9, // u32: IPv4 mask (network order) or IPv6 prefix length
  STATS: 10, // nested, 32-bit counters
  PE_NAME: 11, // string, IP_VS_PENAME_MAXLEN
  STATS64: 12, // nested, 64-bit counters
} as const;

/** enum IPVS_DEST_ATTR_*: inside IPVS_CMD_ATTR_DEST. */
export const DestAttr = {
  ADDR: 1, // binary, up to 16 bytes
  PORT: 2, // u16, network byte order
  FWD_METHOD: 3, // u32, IP_VS_CONN_F_FWD_MASK bits
  WEIGHT: 4, // u32 (signed int in the kernel)
  U_THRESH: 5, // u32
  L_THRESH: 6, // u32
  ACTIVE_CONNS: 7, // u32
  INACT_CONNS: 8, // u32
  PERSIST_CONNS: 9, // u32
  STATS: 10, // nested
  ADDR_FAMILY: 11, // u16
  STATS64: 12, // nested
  TUN_TYPE: 13, // u8
  TUN_PORT: 14, // u16, network byte order
  TUN_FLAGS: 15, // u16
} as const;

/** enum IPVS_DAEMON_ATTR_*: inside IPVS_CMD_ATTR_DAEMON. */
export const DaemonAttr = {
  STATE: 1, // u32
  MCAST_IFN: 2, // string, IP_VS_IFNAME_MAXLEN
  SYNC_ID: 3, // u32
  SYNC_MAXLEN: 4, // u16
  MCAST_GROUP: 5, // u32 (struct in_addr)
  MCAST_GROUP6: 6, // binary in6_addr
  MCAST_PORT: 7, // u16
  MCAST_TTL: 8, // u8
} as const;

/** enum IPVS_STATS_ATTR_* (u32 in STATS except bytes; u64 in STATS64). */
export const StatsAttr = {
  CONNS: 1,
  INPKTS: 2,
  OUTPKTS: 3,
  INBYTES: 4,
  OUTBYTES: 5,
  CPS: 6,
  INPPS: 7,
  OUTPPS: 8,
  INBPS: 9,
  OUTBPS: 10,
  PAD: 11,
} as const;

/** enum IPVS_INFO_ATTR_*: top level of the GET_INFO reply. */
export const InfoAttr = {
  VERSION: 1, // u32, 0x010201 = 1.2.1
  CONN_TAB_SIZE: 2, // u32
} as const;

/** IP_VS_SVC_F_* */
export const SvcFlag = {
  PERSISTENT: 0x0001,
  HASHED: 0x0002,
  ONEPACKET: 0x0004,
  SCHED1: 0x0008, // IP_VS_SVC_F_SCHED_SH_FALLBACK / _MH_FALLBACK
  SCHED2: 0x0010, // IP_VS_SVC_F_SCHED_SH_PORT / _MH_PORT
  SCHED3: 0x0020,
} as const;

/** IP_VS_CONN_F_* forwarding methods (mask IP_VS_CONN_F_FWD_MASK = 7). */
export const ConnFwd = {
  MASQ: 0,
  LOCALNODE: 1,
  TUNNEL: 2,
  DROUTE: 3,
  BYPASS: 4,
} as const;
export const CONN_F_FWD_MASK = 0x0007;

/** IP_VS_CONN_F_TUNNEL_TYPE_* */
export const TunType = { IPIP: 0, GUE: 1, GRE: 2 } as const;
/** IP_VS_TUNNEL_ENCAP_FLAG_* */
export const TunFlag = { CSUM: 1 << 0, REMCSUM: 1 << 1 } as const;

/** IP_VS_STATE_* */
export const DaemonState = { NONE: 0, MASTER: 1, BACKUP: 2 } as const;

export const IP_VS_SCHEDNAME_MAXLEN = 16;
export const IP_VS_PENAME_MAXLEN = 16;
export const IP_VS_IFNAME_MAXLEN = 16;

export const AF_INET = 2;
export const AF_INET6 = 10;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_SCTP = 132;
