// Inside the checkd VM netns: TCP servers on the real-server addresses (port 8080) that answer and close,
// and, with `traffic IP PORT N`, N client connections through a virtual server (for IPVS counters).
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
  console.log('servers up');
  // Bounded: the VM script kills us well before this.
  setTimeout(() => process.exit(0), 300_000);
}
