// Inside the checkd VM netns: TCP servers on the real-server addresses (port 8080) that answer and close,
// an SMTP sink on 10.9.0.7:25, and, with `traffic IP PORT N`, N client connections through a virtual server.
import net from 'node:net';

const [mode, ip, port, count] = process.argv.slice(2);
if (mode === 'traffic') {
  let ok = 0;
  for (let i = 0; i < Number(count); i++) {
    ok += await new Promise((resolve) => {
      const s = net.connect({ host: ip, port: Number(port), timeout: 3000 });
      const done = (v) => { s.destroy(); resolve(v); };
      s.on('data', () => done(1));
      s.on('timeout', () => done(0));
      s.on('error', () => done(0));
    });
  }
  console.log(`traffic ${ok}/${count}`);
} else {
  for (const a of ['10.9.0.2', '10.9.0.3', '10.9.0.5', '10.9.0.6']) {
    net.createServer((s) => { s.on('error', () => undefined); s.end('kts\n'); }).listen(8080, a);
  }
  // A minimal SMTP server for smtp_alert: prints each message's Subject line.
  net.createServer((s) => {
    s.on('error', () => undefined);
    let data = false;
    let buf = '';
    s.write('220 kts ESMTP\r\n');
    s.on('data', (d) => {
      buf += d.toString('latin1');
      let nl;
      while ((nl = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        if (data) {
          if (line === '.') { data = false; s.write('250 queued\r\n'); } else if (line.startsWith('Subject: ')) console.log(`MAIL ${line}`);
        } else if (line === 'DATA') { data = true; s.write('354 go ahead\r\n'); } else if (line === 'QUIT') s.end('221 bye\r\n');
        else s.write('250 ok\r\n');
      }
    });
  }).listen(25, '10.9.0.7');
  console.log('servers up');
  // Bounded: the VM script kills us well before this.
  setTimeout(() => process.exit(0), 300_000);
}
