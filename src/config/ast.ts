// The typed AST of keepalived.conf: what every module (core, vrrp, check, ipvs) reads.
// After validation (validate.ts) every default keepalived applies is explicit here.
import type { SourceLoc } from './diagnostics.js';

export type Family = 'inet' | 'inet6';

/** A script as written: the script tokeniser's words, then the argv split with escapes. */
export interface Script {
  /** The command line as the user wrote it (after quote removal of the outer word). */
  cmd: string;
  /** argv after keepalived's shell-like escape processing (core/notify.c). */
  argv: string[];
  user?: string;
  group?: string;
  loc: SourceLoc;
}

/** `IP[/PREFIX] [brd ..] [dev IF] [scope S] [label L] ...` (vrrp_ipaddress.c alloc_ipaddress). */
export interface IpAddress {
  family: Family;
  address: string;
  prefixLen: number;
  broadcast?: string;
  dev?: string;
  scope?: string;
  label?: string;
  peer?: string;
  flags: { home?: boolean; nodad?: boolean; mngtmpaddr?: boolean; noprefixroute?: boolean; autojoin?: boolean };
  noTrack: boolean;
  preferredLft?: number | 'forever';
  useVmac?: boolean;
  trackGroup?: string;
  loc: SourceLoc;
}

/** A route line (vrrp_iproute.c): options are kept as words; the common ones are typed. */
export interface Route {
  family: Family;
  /** Destination prefix as written (`0.0.0.0/0`, `default` normalised). */
  dst: string;
  type?: 'unicast' | 'blackhole' | 'unreachable' | 'prohibit' | 'throw';
  src?: string;
  via?: string;
  dev?: string;
  table?: string;
  metric?: number;
  scope?: string;
  protocol?: string;
  nexthops: { via?: string; dev?: string; weight?: number }[];
  noTrack: boolean;
  trackGroup?: string;
  /** Every word of the line, for options not typed above. */
  words: string[];
  loc: SourceLoc;
}

/** A rule line (vrrp_iprule.c). */
export interface Rule {
  family: Family;
  from?: string;
  to?: string;
  table?: string;
  preference: number;
  /** True when keepalived chose the preference (16384 downwards). */
  preferenceDefaulted: boolean;
  fwmark?: string;
  iif?: string;
  oif?: string;
  action?: string;
  noTrack: boolean;
  words: string[];
  loc: SourceLoc;
}

export interface Tracked {
  name: string;
  /** Weight given on the track line; undefined means the tracker's own weight. */
  weight?: number;
  reverse?: boolean;
  loc: SourceLoc;
}

export interface VrrpScript {
  name: string;
  script?: Script;
  intervalMs: number;
  timeoutMs: number;
  weight: number;
  weightReverse: boolean;
  rise: number;
  fall: number;
  user?: string;
  group?: string;
  initFail: boolean;
  loc: SourceLoc;
}

export interface TrackFile {
  name: string;
  file?: string;
  weight: number;
  weightReverse: boolean;
  initFile?: { value: number; overwrite: boolean };
  loc: SourceLoc;
}

export interface TrackProcess {
  name: string;
  process?: string;
  args?: string[];
  /** `param_match`: none (the default: names only), exact (bare keyword, or arguments given), partial, initial. */
  paramMatch: 'none' | 'exact' | 'partial' | 'initial';
  weight: number;
  weightReverse: boolean;
  quorum: number;
  quorumMax?: number;
  delayMs: number;
  terminateDelayMs: number;
  forkDelayMs: number;
  fullCommand: boolean;
  loc: SourceLoc;
}

export interface Notify {
  master?: Script;
  backup?: Script;
  fault?: Script;
  stop?: Script;
  deleted?: Script | true;
  generic?: Script;
  masterRxLowerPri?: Script;
}

export interface SyncGroup {
  name: string;
  members: string[];
  notify: Notify;
  smtpAlert?: boolean;
  trackInterfaces: Tracked[];
  trackScripts: Tracked[];
  trackFiles: Tracked[];
  trackProcesses: Tracked[];
  trackBfd: Tracked[];
  syncGroupTrackingWeight: boolean;
  notifyPriorityChanges?: boolean;
  loc: SourceLoc;
}

export interface GarpSettings {
  masterDelayS: number;
  masterRepeat: number;
  masterRefreshS: number;
  masterRefreshRepeat: number;
  lowerPrioDelayS: number;
  lowerPrioRepeat: number;
}

export interface UnicastPeer {
  address: string;
  minTtl?: number;
  maxTtl?: number;
}

export type VrrpState = 'MASTER' | 'BACKUP';

export interface VrrpInstance {
  name: string;
  /** `state`: the initial state keepalived wants (derived from priority when absent). */
  state: VrrpState;
  stateConfigured: boolean;
  interface?: string;
  dontTrackPrimary: boolean;
  vrid?: number;
  /** Base priority (1..255); 255 = address owner. */
  priority: number;
  advertIntMs: number;
  version: 2 | 3;
  family: Family;
  vips: IpAddress[];
  evips: IpAddress[];
  vroutes: Route[];
  vrules: Rule[];
  auth?: { type: 'PASS' | 'AH'; pass?: string };
  unicastSrcIp?: string;
  unicastPeers: UnicastPeer[];
  /** True when unicast peers are configured, so the instance runs unicast. */
  unicast: boolean;
  unicastTtl?: number;
  unicastFaultNoPeer: boolean;
  checkUnicastSrc: boolean;
  mcastSrcIp?: string;
  mcastDstIp?: string;
  trackSrcIp: boolean;
  trackInterfaces: Tracked[];
  trackScripts: Tracked[];
  trackFiles: Tracked[];
  trackProcesses: Tracked[];
  trackBfd: Tracked[];
  nopreempt: boolean;
  preemptDelayMs: number;
  notify: Notify;
  smtpAlert: boolean;
  notifyPriorityChanges: boolean;
  garp: GarpSettings;
  garpExtraIfS?: number;
  strict: boolean;
  accept: boolean;
  skipCheckAdvAddr: boolean;
  lowerPrioNoAdvert: boolean;
  higherPrioSendAdvert: boolean;
  downTimerAdverts: number;
  promoteSecondaries: boolean;
  useVmac?: { name?: string; mac?: string };
  useVmacAddr: boolean;
  vmacXmitBase: boolean;
  useIpvlan?: string[];
  syncGroup?: string;
  /** Keywords accepted but not typed above, with their words. */
  other: Record<string, string[]>;
  loc: SourceLoc;
}

export interface GlobalDefs {
  routerId?: string;
  notificationEmail: string[];
  notificationEmailFrom?: string;
  smtpServer?: { host: string; port: number };
  smtpHeloName?: string;
  smtpConnectTimeoutS: number;
  smtpAlert?: boolean;
  smtpAlertVrrp?: boolean;
  smtpAlertChecker?: boolean;
  scriptUser?: { user: string; group?: string; loc?: SourceLoc };
  enableScriptSecurity: boolean;
  vrrpStrict: boolean;
  vrrpSkipCheckAdvAddr: boolean;
  vrrpCheckUnicastSrc: boolean;
  vrrpGarpIntervalUs: number;
  vrrpGnaIntervalUs: number;
  vrrpMcastGroup4: string;
  vrrpMcastGroup6: string;
  vrrpVersion: 2 | 3;
  garp: GarpSettings;
  vrrpMinGarp: boolean;
  vrrpDownTimerAdverts: number;
  vrrpLowerPrioNoAdvert: boolean;
  vrrpHigherPrioSendAdvert: boolean;
  vrrpStartupDelayMs: number;
  lvsFlush: boolean;
  lvsFlushOnStop: boolean;
  lvsTimeouts?: { tcpS?: number; tcpfinS?: number; udpS?: number };
  lvsSyncDaemon?: { interface: string; instance?: string; id?: number; maxlen?: number; port?: number; ttl?: number; group?: string };
  notifyFifo?: { path: string; user?: string; group?: string; script?: Script };
  vrrpNotifyFifo?: { path: string; user?: string; group?: string; script?: Script };
  lvsNotifyFifo?: { path: string; user?: string; group?: string; script?: Script };
  fifoWriteVrrpStatesOnReload: boolean;
  checkerLogAllFailures: boolean;
  dynamicInterfaces: boolean;
  defaultInterface: string;
  startupScript?: Script;
  startupScriptTimeoutS: number;
  shutdownScript?: Script;
  shutdownScriptTimeoutS: number;
  reloadCheckConfig?: string | true;
  maxAutoPriority?: number;
  /** Keywords accepted but not typed above, with their words. */
  other: Record<string, string[]>;
}

export interface RootOptions {
  netNamespace?: string;
  netNamespaceIpvs?: string;
  instance?: string;
  usePidDir: boolean;
  childWaitTimeS: number;
  namespaceWithIpsets: boolean;
  linkbeatUsePolling: boolean;
}

export type LvsMethod = 'NAT' | 'DR' | 'TUN';
export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface TunnelOpts {
  type?: 'ipip' | 'gue' | 'gre';
  port?: number;
  csum?: 'nocsum' | 'csum' | 'remcsum';
}

export interface CheckerCommon {
  connectIp?: string;
  connectPort?: number;
  bindto?: string;
  bindPort?: number;
  bindIf?: string;
  connectTimeoutMs?: number;
  fwmark?: number;
  retry?: number;
  delayBeforeRetryMs?: number;
  warmupMs?: number;
  delayLoopMs?: number;
  alpha?: boolean;
  logAllFailures?: boolean;
}

export interface HttpUrl {
  path?: string;
  digest?: string;
  statusCodes: [number, number][];
  virtualhost?: string;
  regex?: string;
  regexNoMatch: boolean;
  regexOptions: string[];
  regexMinOffset?: number;
  regexMaxOffset?: number;
  tlsCompliant?: boolean;
  loc: SourceLoc;
}

export type Checker =
  | ({ type: 'HTTP_GET' | 'SSL_GET'; urls: HttpUrl[]; virtualhost?: string; httpProtocol: '1.0' | '1.0C' | '1.1'; enableSni: boolean; fastRecovery: boolean; sniName?: string; loc: SourceLoc } & CheckerCommon)
  | ({ type: 'TCP_CHECK'; loc: SourceLoc } & CheckerCommon)
  | ({ type: 'MISC_CHECK'; miscPath?: Script; miscTimeoutS?: number; miscDynamic: boolean; user?: string; group?: string; loc: SourceLoc } & CheckerCommon)
  | ({ type: 'SMTP_CHECK'; heloName?: string; loc: SourceLoc } & CheckerCommon)
  | ({ type: 'DNS_CHECK'; queryType: string; name: string; loc: SourceLoc } & CheckerCommon)
  | ({ type: 'UDP_CHECK'; payload?: string; requireReply?: string; minReplyLength: number; maxReplyLength: number; loc: SourceLoc } & CheckerCommon)
  | ({ type: 'PING_CHECK'; loc: SourceLoc } & CheckerCommon)
  | ({ type: 'FILE_CHECK'; trackFile?: string; weight?: number; weightReverse: boolean; loc: SourceLoc } & CheckerCommon)
  | ({ type: 'BFD_CHECK'; name?: string; loc: SourceLoc } & CheckerCommon);

export interface RealServer {
  address: string;
  port: number;
  family: Family;
  weight: number;
  lvsMethod: LvsMethod;
  tunnel?: TunnelOpts;
  uthreshold: number;
  lthreshold: number;
  inhibitOnFailure: boolean;
  alpha: boolean;
  notifyUp?: Script;
  notifyDown?: Script;
  retry?: number;
  delayBeforeRetryMs?: number;
  warmupMs?: number;
  connectTimeoutMs?: number;
  delayLoopMs?: number;
  smtpAlert: boolean;
  virtualhost?: string;
  checkers: Checker[];
  loc: SourceLoc;
}

export type VsAddress =
  | { kind: 'ip'; address: string; port: number; family: Family }
  | { kind: 'fwmark'; fwmark: number; family: Family }
  | { kind: 'group'; group: string };

export interface VirtualServer {
  addr: VsAddress;
  /** keepalived's display name, e.g. `[10.0.0.1]:tcp:80`, `FWM 1`, `VSG group1`. */
  display: string;
  ipFamily?: Family;
  protocol: Protocol;
  /**
   * A protocol is in effect for the service: false for a fwmark service (keepalived clears any
   * `protocol` there), so its real servers are named `[ip]:none:port` as keepalived names them.
   */
  protocolSet: boolean;
  lvsSched: string;
  lvsMethod: LvsMethod;
  tunnel?: TunnelOpts;
  flags: { hashed?: boolean; ops?: boolean; flag1?: boolean; flag2?: boolean; flag3?: boolean; shPort?: boolean; shFallback?: boolean; mhPort?: boolean; mhFallback?: boolean };
  persistenceTimeoutS: number;
  persistenceGranularity?: string;
  persistenceEngine?: string;
  delayLoopMs: number;
  connectTimeoutMs: number;
  retry?: number;
  delayBeforeRetryMs?: number;
  warmupMs?: number;
  inhibitOnFailure: boolean;
  alpha: boolean;
  omega: boolean;
  quorum: number;
  hysteresis: number;
  quorumUp?: Script;
  quorumDown?: Script;
  haSuspend: boolean;
  virtualhost?: string;
  smtpAlert: boolean;
  weight: number;
  sorryServer?: { address: string; port: number; family: Family };
  sorryServerInhibit: boolean;
  sorryServerLvsMethod?: LvsMethod;
  realServers: RealServer[];
  loc: SourceLoc;
}

export type VsgEntry =
  | { kind: 'range'; family: Family; first: string; last: string; port: number; loc: SourceLoc }
  | { kind: 'fwmark'; fwmark: number; family?: Family; loc: SourceLoc };

export interface VirtualServerGroup {
  name: string;
  entries: VsgEntry[];
  loc: SourceLoc;
}

export interface SslContext {
  password?: string;
  ca?: string;
  certificate?: string;
  key?: string;
}

export interface GarpGroup {
  garpIntervalUs?: number;
  gnaIntervalUs?: number;
  interfaces: string[];
  loc: SourceLoc;
}

export interface BfdInstance {
  name: string;
  neighborIp?: string;
  sourceIp?: string;
  minRxMs: number;
  minTxMs: number;
  idleTxMs: number;
  multiplier: number;
  passive: boolean;
  ttl?: number;
  maxHops: number;
  weight: number;
  vrrp: boolean;
  checker: boolean;
  loc: SourceLoc;
}

export interface KeepalivedConfig {
  /** Every file read, in order (main file first). */
  files: string[];
  configId: string;
  root: RootOptions;
  global: GlobalDefs;
  staticIpaddress: IpAddress[];
  staticRoutes: Route[];
  staticRules: Rule[];
  vrrpScripts: VrrpScript[];
  trackFiles: TrackFile[];
  trackProcesses: TrackProcess[];
  trackGroups: { name: string; members: string[]; loc: SourceLoc }[];
  garpGroups: GarpGroup[];
  linkbeatInterfaces: { name: string; method?: string }[];
  interfaceUpDownDelays: { name: string; downMs: number; upMs: number }[];
  syncGroups: SyncGroup[];
  vrrpInstances: VrrpInstance[];
  ssl?: SslContext;
  bfdInstances: BfdInstance[];
  virtualServerGroups: VirtualServerGroup[];
  virtualServers: VirtualServer[];
}
