// Inside the oracle VM netns: the HTTP servers both daemons check (port 8080); restarted per daemon.
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
const page = Buffer.from('keepalived-ts oracle page\n');
let flaky = 0;
const handler = (s) => {
    s.on('error', () => undefined);
    s.once('data', (d) => {
      const path = d.toString('latin1').split(' ')[1];
      if (path === '/flaky') {
        flaky++;
        const code = flaky > 2 && flaky <= 5 ? '500 Internal Server Error' : '200 OK';
        s.end(`HTTP/1.0 ${code}\r\nContent-Length: 0\r\n\r\n`);
      } else if (path === '/ok') s.end(Buffer.concat([Buffer.from(`HTTP/1.0 200 OK\r\nContent-Length: ${page.length}\r\n\r\n`), page]));
      else s.end('HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n');
    });
};
for (const ip of ['10.0.0.2', '10.0.0.3', '10.0.0.7']) net.createServer(handler).listen(8080, ip);
// TLS on 8443 with the certificate the VM script made (argv[2], argv[3]).
const tlsOpts = { cert: readFileSync(process.argv[2]), key: readFileSync(process.argv[3]) };
for (const ip of ['10.0.0.2', '10.0.0.3']) tls.createServer(tlsOpts, handler).on('tlsClientError', () => undefined).listen(8443, ip);
// SMTP on 10.0.0.8: port 25 behaves, port 26 refuses in its banner.
for (const [port, banner] of [[25, '220 kts ESMTP'], [26, '554 no service']]) {
  net.createServer((s) => {
    s.on('error', () => undefined);
    s.write(`${banner}\r\n`);
    s.on('data', (d) => {
      for (const line of d.toString().split('\r\n')) {
        if (line.startsWith('HELO ')) s.write('250 kts\r\n');
        else if (line === 'QUIT') s.end('221 bye\r\n');
      }
    });
  }).listen(port, '10.0.0.8');
}
// DNS on 10.0.0.8:53: echo the query back as a response with RCODE 0.
const dns = dgram.createSocket('udp4');
dns.on('message', (q, r) => {
  const a = Buffer.from(q);
  a.writeUInt16BE(0x8180, 2);
  dns.send(a, r.port, r.address);
});
await new Promise((r) => dns.bind(53, '10.0.0.8', r));
console.log('servers up');
