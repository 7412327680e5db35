// A minimal SMTP listener for tests. serveSmtp() answers one connection and records its commands and
// DATA; `mode` bends its behaviour (ok, silent, reject-rcpt, multiline). Run as a program inside a lab
// namespace (`node smtp-sink.mjs PORT OUT_FILE`) it appends each mail's session as one JSON line to
// OUT_FILE and prints `listening`; it ends on SIGTERM.
import { createServer } from 'node:net';
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Serves one SMTP connection; returns its session record ({ commands, data }), or undefined when silent. */
export function serveSmtp(sock, mode = 'ok', onMail = () => {}) {
  if (mode === 'silent') return undefined;
  const s = { commands: [], data: '' };
  let inData = false;
  let buf = '';
  sock.write(mode === 'multiline' ? '220-test.example ESMTP\r\n220 ready\r\n' : '220 test.example ESMTP\r\n');
  sock.on('data', (c) => {
    buf += c.toString('latin1');
    for (let i = buf.indexOf('\r\n'); i >= 0; i = buf.indexOf('\r\n')) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 2);
      if (inData) {
        if (line === '.') { inData = false; sock.write('250 queued\r\n'); onMail(s); } else s.data += `${line}\n`;
        continue;
      }
      s.commands.push(line);
      const verb = line.split(/[ :]/)[0].toUpperCase();
      if (verb === 'DATA') { inData = true; sock.write('354 go ahead\r\n'); }
      else if (verb === 'QUIT') { sock.end('221 bye\r\n'); }
      else if (verb === 'RCPT' && mode === 'reject-rcpt') sock.write('550 no such user\r\n');
      else if (verb === 'HELO' && mode === 'multiline') sock.write('250-hello\r\n250 ok\r\n');
      else sock.write('250 ok\r\n');
    }
  });
  sock.on('error', () => {});
  return s;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [port, out] = process.argv.slice(2);
  const server = createServer((sock) => { serveSmtp(sock, 'ok', (s) => appendFileSync(out, `${JSON.stringify(s)}\n`)); });
  server.listen(Number(port), '0.0.0.0', () => console.log('listening'));
  process.on('SIGTERM', () => { server.close(); process.exit(0); });
}
