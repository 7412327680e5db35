import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, childLogFileName } from '../../src/log/logger.js';
import { parseLogFacility, LOG_DAEMON } from '../../src/log/facility.js';
import { consoleTimestamp, logFileTimestamp } from '../../src/log/timestamp.js';
import { startDgramListener } from './dgram-listener.js';
import { SyslogTransport } from '../../src/log/syslog-transport.js';

// glibc syslog() header for a local socket: <PRI>Mmm dd hh:mm:ss Ident[pid]: text
const HEADER = /^<(\d+)>([A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d) ([^[]+)\[(\d+)\]: (.*)$/s;

describe('syslog over a real unix datagram socket', () => {
  const cases: Array<[string, number]> = [['0', 16], ['7', 23], ['local3', 19], ['user', 1], ['daemon', 3]];
  it.each(cases)('-S %s gives facility %d with the right severities, ident, pid and text', async (arg, facility) => {
    const dir = mkdtempSync(join(tmpdir(), 'kats-log-'));
    const sock = join(dir, 'log.sock');
    try {
      const listener = await startDgramListener(sock, 3, 10);
      const parsed = parseLogFacility(arg);
      expect(parsed).toBe(facility);
      const logger = createLogger({ ident: 'Keepalived_vrrp', pid: 4242, facility: parsed!, syslog: true, syslogSocket: sock, console: false, detailLevel: 0 });
      logger.info('(VI_1) Entering MASTER STATE');
      logger.err(`error for ${arg}`);
      logger.alert('VRRP child process(12) died: Respawning');
      await logger.close();
      const got = await listener.done;
      expect(got).toHaveLength(3);
      const parsedLines = got.map((l) => HEADER.exec(l));
      expect(parsedLines.every(Boolean)).toBe(true);
      expect(parsedLines.map((m) => Number(m![1]))).toEqual([facility * 8 + 6, facility * 8 + 3, facility * 8 + 1]);
      expect(parsedLines.map((m) => m![3])).toEqual(['Keepalived_vrrp', 'Keepalived_vrrp', 'Keepalived_vrrp']);
      expect(parsedLines.map((m) => m![4])).toEqual(['4242', '4242', '4242']);
      expect(parsedLines.map((m) => m![5])).toEqual(['(VI_1) Entering MASTER STATE', `error for ${arg}`, 'VRRP child process(12) died: Respawning']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('default facility is daemon; bad facility names are rejected', () => {
    expect(LOG_DAEMON).toBe(3);
    for (const bad of ['8', 'local8', 'kern', '', 'Local3', ' 3']) expect(parseLogFacility(bad)).toBeUndefined();
  });

  it('-G: nothing reaches the socket; detail lines need -D', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kats-log-'));
    const sock = join(dir, 'log.sock');
    try {
      const listener = await startDgramListener(sock, 1, 10);
      const quiet = createLogger({ ident: 'Keepalived', facility: 3, syslog: false, syslogSocket: sock, console: false, detailLevel: 2 });
      quiet.info('must not be sent');
      await quiet.close();
      const plain = createLogger({ ident: 'Keepalived', facility: 3, syslog: true, syslogSocket: sock, console: false, detailLevel: 0 });
      plain.detail('detail hidden');
      plain.info('shown');
      await plain.close();
      const got = await listener.done;
      expect(got.map((l) => HEADER.exec(l)![5])).toEqual(['shown']);
      expect(HEADER.exec(got[0]!)![4]).toBe(String(process.pid));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('syslog socket recreated (journald/rsyslog restart)', () => {
  it('a new socket at the same path gets the next messages', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kats-log-'));
    const sock = join(dir, 'log.sock');
    try {
      const first = await startDgramListener(sock, 1, 10);
      const t = new SyslogTransport({ ident: 'Keepalived', pid: 7, socketPath: sock, socketRecheckMs: 0 });
      t.send(30, 'before restart');
      expect((await first.done).map((l) => l.replace(/^<30>.{15} /, ''))).toEqual(['Keepalived[7]: before restart']);
      const second = await startDgramListener(sock, 1, 10);
      t.send(30, 'after restart');
      await t.close();
      expect((await second.done).map((l) => l.replace(/^<30>.{15} /, ''))).toEqual(['Keepalived[7]: after restart']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('console and log file format', () => {
  it('console lines carry strftime %c in the C locale, as samples/live.log', () => {
    const lines: string[] = [];
    const at = new Date(2026, 10, 23, 5, 50, 28);
    const logger = createLogger({ ident: 'Keepalived', facility: 3, syslog: false, console: true, consoleWrite: (l) => lines.push(l), detailLevel: 1, now: () => at });
    logger.info('Starting Keepalived');
    logger.detail('a detail');
    logger.extraDetail('hidden at -D');
    expect(lines).toEqual(['Mon Nov 23 05:50:28 2026: Starting Keepalived\n', 'Mon Nov 23 05:50:28 2026: a detail\n']);
    expect(consoleTimestamp(new Date(2026, 10, 3, 7, 5, 9))).toBe('Tue Nov  3 07:05:09 2026');
    expect(logFileTimestamp(new Date(2026, 10, 3, 7, 5, 9, 12))).toBe('Tue Nov 03 07:05:09.012000000 2026');
  });

  it('-g writes timestamped lines to the log file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kats-log-'));
    try {
      const file = join(dir, 'keepalived.log');
      const at = new Date(2026, 10, 23, 5, 50, 28, 5);
      const logger = createLogger({ ident: 'Keepalived', facility: 3, syslog: false, console: false, logFile: file, detailLevel: 0, now: () => at });
      logger.info('Stopping');
      await logger.close();
      expect(readFileSync(file, 'utf8')).toBe('Mon Nov 23 05:50:28.005000000 2026: Stopping\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('child log file names get the process suffix before the extension', () => {
    expect(childLogFileName('/tmp/keepalived.log', 'vrrp')).toBe('/tmp/keepalived_vrrp.log');
    expect(childLogFileName('/var/log/ka', 'healthcheckers')).toBe('/var/log/ka_healthcheckers');
    expect(childLogFileName('/var/l.d/ka', 'vrrp')).toBe('/var/l.d/ka_vrrp');
  });
});
