// Plain-data inputs and outputs of the health-check engine (keepalived check/).
// A later step maps the parsed config AST into these; names follow keepalived's keywords.

export type ServiceProtocol = 'tcp' | 'udp' | 'sctp' | 'none';

/** Connection options shared by network checkers (check_api.c install_checker_common_keywords). */
export interface ConnOpts {
  connectIp: string;
  connectPort: number;
  bindto?: string;
  bindPort?: number;
  bindIf?: string;
  /** keepalived default: VS/RS connect_timeout, 5 s. */
  connectTimeoutMs: number;
  /** SO_MARK (fwmark keyword); applied only where the platform allows it. */
  fwmark?: number;
}

/** Timing keywords every periodic checker has, already resolved from checker → RS → VS defaults. */
export interface CheckerTiming {
  delayLoopMs: number;
  /** First run at BOOTSTRAP_DELAY (1 s) + random(0..warmupMs); keepalived default = delay_loop. */
  warmupMs: number;
  retry: number;
  delayBeforeRetryMs: number;
  alpha: boolean;
  logAllFailures: boolean;
}

export interface HttpUrlSpec {
  path: string;
  /** Lower-case 32 hex MD5 of the body, as printed by genhash. */
  digest?: string;
  /** Inclusive ranges; keepalived default 200-299. */
  statusCodes: Array<[number, number]>;
  virtualhost?: string;
  /** JS RegExp source standing in for keepalived's PCRE2 `regex`. */
  regex?: string;
  regexNoMatch?: boolean;
}

export type HttpProtocol = '1.0' | '1.0C' | '1.1';

export interface TlsClientOpts {
  ca?: string;
  certificate?: string;
  key?: string;
  password?: string;
}

export interface HttpGetSpec extends CheckerTiming {
  type: 'HTTP_GET' | 'SSL_GET';
  conn: ConnOpts;
  urls: HttpUrlSpec[];
  /** Checker-level virtualhost, already falling back to RS then VS virtualhost. */
  virtualhost?: string;
  httpProtocol: HttpProtocol;
  fastRecovery: boolean;
  enableSni: boolean;
  tls?: TlsClientOpts;
  /** Bound on body bytes read; beyond it the probe stops reading and fails. */
  maxBodyBytes?: number;
}

export interface TcpCheckSpec extends CheckerTiming {
  type: 'TCP_CHECK';
  conn: ConnOpts;
}

export interface MiscCheckSpec extends CheckerTiming {
  type: 'MISC_CHECK';
  /** misc_path split into argv as keepalived does for quoted scripts. */
  miscPath: string[];
  /** keepalived default: delay_loop. */
  miscTimeoutMs: number;
  miscDynamic: boolean;
  uid?: number;
  gid?: number;
}

export interface SmtpCheckSpec extends CheckerTiming {
  type: 'SMTP_CHECK';
  conn: ConnOpts;
  /** keepalived default SMTP_DEFAULT_HELO "smtpchecker.keepalived.org". */
  heloName: string;
}

export type DnsType = 'A' | 'NS' | 'CNAME' | 'SOA' | 'MX' | 'TXT' | 'AAAA';

export interface DnsCheckSpec extends CheckerTiming {
  type: 'DNS_CHECK';
  conn: ConnOpts;
  dnsType: DnsType;
  dnsName: string;
}

export interface UdpCheckSpec extends CheckerTiming {
  type: 'UDP_CHECK';
  conn: ConnOpts;
  payload?: Buffer;
  /** require_reply: bytes and keepalived's reply_mask (set bits are ignored: an `x` nibble is 0xf). */
  requireReply?: { bytes: Buffer; mask: Buffer };
  minReplyLength: number;
  maxReplyLength: number;
}

export interface PingCheckSpec extends CheckerTiming {
  type: 'PING_CHECK';
  conn: ConnOpts;
}

export interface FileCheckSpec extends CheckerTiming {
  type: 'FILE_CHECK';
  trackFileName: string;
  filePath: string;
  /** value × weight (× -1 when reverse) is added to the RS weight; ≤ -(IPVS weight) fault. */
  weight: number;
  reverse: boolean;
}

export interface BfdCheckSpec extends CheckerTiming {
  type: 'BFD_CHECK';
  name: string;
}

export type CheckerSpec =
  | HttpGetSpec | TcpCheckSpec | MiscCheckSpec | SmtpCheckSpec | DnsCheckSpec
  | UdpCheckSpec | PingCheckSpec | FileCheckSpec | BfdCheckSpec;

export type CheckerType = CheckerSpec['type'];

export interface RealServerSpec {
  ip: string;
  port: number;
  /** 0..IPVS_WEIGHT_LIMIT; keepalived default: VS weight (1). */
  weight: number;
  inhibitOnFailure: boolean;
  notifyUp?: string[];
  notifyDown?: string[];
  smtpAlert: boolean;
  checkers: CheckerSpec[];
}

export interface SorryServerSpec {
  ip: string;
  port: number;
  inhibit: boolean;
}

export type VirtualServerAddr =
  | { kind: 'ip'; ip: string; port: number }
  | { kind: 'fwmark'; fwmark: number }
  | { kind: 'group'; name: string; port: number };

export interface VirtualServerSpec {
  addr: VirtualServerAddr;
  protocol: ServiceProtocol;
  quorum: number;
  hysteresis: number;
  quorumUp?: string[];
  quorumDown?: string[];
  sorryServer?: SorryServerSpec;
  omega: boolean;
  smtpAlert: boolean;
  /** ha_suspend: checkers run only while the VS address is present on this host (not for fwmark/group). */
  haSuspend?: boolean;
  realServers: RealServerSpec[];
}

/** What a probe reports. `reason` is keepalived's message fragment (e.g. "HTTP status code error to"). */
/** `logs` are extra lines the adapter wants logged (e.g. a spawn errno), emitted before the epilog. */
export type ProbeResult =
  | { ok: true; detail?: string; weight?: number; exitStatus?: number; logs?: string[]; lengthMismatch?: LengthMismatch }
  | { ok: false; reason: string; exitStatus?: number; signal?: string; timedOut?: boolean; logs?: string[]; lengthMismatch?: LengthMismatch };

/** HTTP: Content-Length and the body bytes actually received differ (logged once per distinct difference). */
export interface LengthMismatch {
  contentLength: number;
  rxBytes: number;
}

/** A checker's state carried across a reload (keepalived migrate_checkers / migrate_misc_check). */
export interface CheckerCarry {
  isUp: boolean;
  hasRun: boolean;
  retryIt: number;
  /** MISC_CHECK: the last exit code (misc_dynamic weight is recomputed from it). */
  lastExitCode?: number;
  /** FILE_CHECK: the weight contribution of the file's last value. */
  curWeight?: number;
}

/** A real server the new config keeps: its alive flag and, per new checker, the matching old checker's state. */
export interface RsCarry {
  alive: boolean;
  checkers: Array<CheckerCarry | undefined>;
}

/** Identifies one checker: indices into the config, stable across a run. */
export interface CheckerRef {
  vs: number;
  rs: number;
  checker: number;
}

export type CheckEvent =
  | { type: 'probeResult'; checkerId: string; result: ProbeResult }
  | { type: 'timer'; timerId: string }
  /** A local address appeared/disappeared (netlink); drives ha_suspend (update_checker_activity). */
  | { type: 'address'; ip: string; present: boolean }
  | { type: 'stop' };

export type CheckAction =
  | { type: 'addVirtualServer'; vs: VirtualServerSpec }
  | { type: 'removeVirtualServer'; vs: VirtualServerSpec }
  | { type: 'runProbe'; checkerId: string; spec: CheckerSpec; urlIndex?: number }
  | { type: 'scheduleTimer'; timerId: string; delayMs: number }
  | { type: 'addRealServer'; vs: VirtualServerSpec; rs: { ip: string; port: number }; weight: number }
  | { type: 'removeRealServer'; vs: VirtualServerSpec; rs: { ip: string; port: number } }
  | { type: 'setWeight'; vs: VirtualServerSpec; rs: { ip: string; port: number }; weight: number }
  | { type: 'addSorryServer'; vs: VirtualServerSpec; rs: SorryServerSpec; weight: number }
  | { type: 'removeSorryServer'; vs: VirtualServerSpec; rs: SorryServerSpec }
  | { type: 'runScript'; argv: string[]; why: 'notify_up' | 'notify_down' | 'quorum_up' | 'quorum_down' }
  | { type: 'log'; text: string }
  | { type: 'notifyFifo'; line: string }
  /** `subject` is keepalived's subject after its "[router_id] " prefix, which the mailer adds. */
  | { type: 'smtpAlert'; subject: string; body: string };
