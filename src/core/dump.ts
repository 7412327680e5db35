// Dump files (SIGUSR1/SIGUSR2/JSON): keepalived writes them in $TMPDIR if absolute, else
// /tmp (lib/utils.c set_tmp_dir). We write a temp file and rename, so a reader never
// sees half a dump.
import { renameSync, writeFileSync, unlinkSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

export function tmpDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env['TMPDIR'];
  return dir && isAbsolute(dir) ? dir : '/tmp';
}

/** Writes tmpDir()/name atomically; returns the path. Throws with the path on failure. */
export function writeDumpFile(name: string, text: string, env: NodeJS.ProcessEnv = process.env): string {
  const path = join(tmpDir(env), name);
  const temp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, text, { mode: 0o644 });
    renameSync(temp, path);
  } catch (e) {
    try { unlinkSync(temp); } catch { /* nothing to clean */ }
    throw new Error(`cannot write dump file ${path}: ${(e as Error).message}`);
  }
  return path;
}
