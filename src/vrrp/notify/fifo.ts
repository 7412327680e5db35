// notify_fifo / vrrp_notify_fifo / lvs_notify_fifo writer: keepalived's line format, never
// blocking the daemon. Opened read-write and non-blocking as keepalived's fifo_open() does, so lines
// written before a reader opens wait in the pipe; when the pipe is full a line is dropped and that
// is logged once.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';

/** `INSTANCE "VI_1" MASTER 100`, `GROUP "G1" BACKUP 0`, and the *_PRIORITY / MASTER_RX_LOWER_PRI kinds. */
export function fifoLine(kind: 'INSTANCE' | 'GROUP', name: string, state: string, priority: number): string {
  return `${kind} "${name}" ${state} ${priority}\n`;
}

export class FifoWriter {
  private fd: number | undefined;
  private warned = false;

  constructor(private readonly path: string, private readonly log: (text: string) => void) {}

  /** Creates the FIFO if it is missing (keepalived does, mode 0600), owned by the FIFO's user (keepalived's fifo->uid/gid). */
  ensure(owner: { uid?: number; gid?: number } = {}): void {
    try {
      const st = fs.statSync(this.path);
      if (!st.isFIFO()) this.log(`notify FIFO ${this.path} exists and is not a FIFO`);
    } catch {
      try {
        // node has no mkfifo(3); coreutils' mkfifo does what keepalived's call does
        execFileSync('mkfifo', ['-m', '600', this.path], { stdio: 'ignore' });
      } catch (e) { this.log(`Unable to create notify FIFO ${this.path} - ${(e as Error).message}`); return; }
      if (owner.uid === undefined && owner.gid === undefined) return;
      try { fs.chownSync(this.path, owner.uid ?? -1, owner.gid ?? -1); } catch { this.log(`Failed to set uid:gid for fifo ${this.path}`); }
    }
  }

  write(line: string): boolean {
    if (this.fd === undefined) {
      try {
        this.fd = fs.openSync(this.path, fs.constants.O_RDWR | fs.constants.O_NONBLOCK | fs.constants.O_NOFOLLOW);
        this.warned = false;
      } catch (e) {
        if (!this.warned) this.log(`Unable to open notify FIFO ${this.path} - ${(e as Error).message}`);
        this.warned = true;
        return false;
      }
    }
    try {
      fs.writeSync(this.fd, line);
      return true;
    } catch (e) {
      // EAGAIN: the pipe is full (no reader, or a slow one): the line is dropped
      const full = (e as NodeJS.ErrnoException).code === 'EAGAIN';
      if (!this.warned) this.log(`Write to notify FIFO ${this.path} failed - ${full ? 'FIFO full (no reader?), line dropped' : (e as Error).message}`);
      this.warned = true;
      return false;
    }
  }

  close(): void {
    if (this.fd !== undefined) { try { fs.closeSync(this.fd); } catch { /* closed */ } }
    this.fd = undefined;
  }
}
