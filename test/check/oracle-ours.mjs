// Inside the oracle VM netns: keepalived-ts' CheckRunner on fixtures/check/oracle.conf (specs written out
// by hand until the config mapper exists), real probes, log lines printed keepalived-style; stops once the flaky server is back (at most argv[3] ms).
const dist = process.argv[2] ?? 'dist';
const { CheckRunner, resolveTiming, resolveScriptPath } = await import(`${process.cwd()}/${dist}/src/check/index.js`);
const runMs = Number(process.argv[3] ?? 6000);

const vsTiming = { delayLoopMs: 2000 };
const t = (type, checker) => resolveTiming(type, checker, {}, vsTiming);
const vs = (port, realServers, o = {}) => ({ addr: { kind: 'ip', ip: '10.0.0.1', port }, protocol: 'tcp', quorum: 1, hysteresis: 0, omega: false, smtpAlert: false, realServers, ...o });
const rs = (ip, port, weight, checkers, o = {}) => ({ ip, port, weight, inhibitOnFailure: false, smtpAlert: true, checkers, ...o });
const http = (ip, path, digest, checkerKw = {}) => {
  const { connectTimeoutMs, ...timing } = t('HTTP_GET', { warmupMs: 0, connectTimeoutMs: 10000, ...checkerKw });
  return { type: 'HTTP_GET', conn: { connectIp: ip, connectPort: 8080, connectTimeoutMs }, urls: [{ path, digest, statusCodes: [[200, 299]] }], httpProtocol: '1.0', fastRecovery: false, enableSni: false, ...timing };
};
const ssl = (ip, path, digest) => ({ ...http(ip, path, digest), type: 'SSL_GET', conn: { connectIp: ip, connectPort: 8443, connectTimeoutMs: 10000 } });
const smtp = (ip, port, heloName) => {
  const { connectTimeoutMs, ...timing } = t('SMTP_CHECK', { warmupMs: 0, connectTimeoutMs: 10000 });
  return { type: 'SMTP_CHECK', conn: { connectIp: ip, connectPort: port, connectTimeoutMs }, heloName, ...timing };
};
const tcp = (ip, port) => {
  const { connectTimeoutMs, ...timing } = t('TCP_CHECK', { warmupMs: 0, connectTimeoutMs: 1000, logAllFailures: true });
  return { type: 'TCP_CHECK', conn: { connectIp: ip, connectPort: port, connectTimeoutMs }, ...timing };
};
const misc = (path, dynamic) => {
  const { connectTimeoutMs: _c, ...timing } = t('MISC_CHECK', { warmupMs: 0 });
  // The config step resolves misc_path as keepalived does (/bin/false → /usr/bin/false on usrmerge).
  const resolved = resolveScriptPath(path);
  return { type: 'MISC_CHECK', miscPath: [resolved.ok ? resolved.path : path], miscTimeoutMs: 2000, miscDynamic: dynamic, ...timing };
};
const dnsCheck = (ip, dnsType, dnsName) => {
  const { connectTimeoutMs, ...timing } = t('DNS_CHECK', { warmupMs: 0 });
  return { type: 'DNS_CHECK', conn: { connectIp: ip, connectPort: 53, connectTimeoutMs }, dnsType, dnsName, ...timing };
};
const udp = (ip, port, payloadHex) => {
  const { connectTimeoutMs, ...timing } = t('UDP_CHECK', { warmupMs: 0 });
  return { type: 'UDP_CHECK', conn: { connectIp: ip, connectPort: port, connectTimeoutMs }, payload: Buffer.from(payloadHex, 'hex'), minReplyLength: 0, maxReplyLength: 255, ...timing };
};
const config = [
  vs(80, [
    rs('10.0.0.2', 8080, 1, [http('10.0.0.2', '/ok', '813a6b34c532d35bdaca10855b22d1a6')]),
    rs('10.0.0.3', 8080, 2, [http('10.0.0.3', '/missing')], { inhibitOnFailure: true }),
    rs('10.0.0.7', 8080, 1, [http('10.0.0.7', '/flaky', undefined, { retry: 1, delayBeforeRetryMs: 1000 })]),
    rs('10.0.0.4', 8081, 1, [tcp('10.0.0.4', 8081)]),
  ]),
  vs(81, [rs('10.0.0.5', 9000, 2, [misc('/bin/false', false)])], { quorum: 2, sorryServer: { ip: '10.0.0.9', port: 81, inhibit: false } }),
  vs(82, [rs('10.0.0.6', 9000, 1, [misc('/tmp/kts-exit5.sh', true)])]),
  {
    ...vs(53, [
      rs('10.0.0.8', 53, 1, [dnsCheck('10.0.0.8', 'A', 'example.com')]),
      rs('10.0.0.4', 53, 1, [dnsCheck('10.0.0.4', 'SOA', '.')]),
      rs('10.0.0.4', 54, 1, [udp('10.0.0.4', 54, '6b74730a')]),
    ]),
    protocol: 'udp',
  },
  vs(443, [
    rs('10.0.0.2', 8443, 1, [ssl('10.0.0.2', '/ok', '813a6b34c532d35bdaca10855b22d1a6')]),
    rs('10.0.0.3', 8443, 1, [ssl('10.0.0.3', '/missing')]),
  ]),
  vs(25, [
    rs('10.0.0.8', 25, 1, [smtp('10.0.0.8', 25, 'smtpchecker.keepalived.org')]),
    rs('10.0.0.8', 26, 1, [smtp('10.0.0.8', 26, 'kts.example')]),
  ]),
];
let done;
const finished = new Promise((r) => (done = r));
const runner = new CheckRunner(config, (a) => {
  if (a.type === 'log') {
    console.log(`LOG ${a.text}`);
    // The scenario is over once the flaky server is back (the last state change).
    if (a.text.startsWith('Adding service [10.0.0.7]')) setTimeout(done, 1000);
  } else if (a.type !== 'smtpAlert' && a.type !== 'notifyFifo' && a.type !== 'runScript') {
    console.log(`ACT ${a.type} 10.0.0.1:${a.vs.addr.port}${a.rs ? ` ${a.rs.ip}:${a.rs.port}` : ''}${'weight' in a ? ` ${a.weight}` : ''}`);
  }
});
runner.start();
await Promise.race([finished, new Promise((r) => setTimeout(r, runMs))]);
console.log('STOP');
runner.stop();
process.exit(0);
