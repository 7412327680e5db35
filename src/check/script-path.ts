// How keepalived fixes a script's argv[0] before running it (lib/notify.c check_script_secure):
// bare names are searched in PATH, then the path is canonicalised with realpath(), keeping the
// original file name when it still names the same file (programs that look at argv[0]).
import { realpathSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export type ScriptPath = { ok: true; path: string; logs: string[] } | { ok: false; logs: string[] };

function findInPath(file: string, pathEnv: string): string | null {
  for (const dir of pathEnv.split(':')) {
    const p = join(dir || '.', file);
    try {
      if (statSync(p).isFile()) return p;
    } catch {
      // next directory
    }
  }
  return null;
}

export function resolveScriptPath(argv0: string, pathEnv = process.env.PATH ?? '/usr/bin:/bin'): ScriptPath {
  const logs: string[] = [];
  let file = argv0;
  if (!file.includes('/')) {
    const found = findInPath(file, pathEnv);
    if (!found) return { ok: false, logs: [`Cannot find script ${file} in path - disabling`] };
    logs.push(`WARNING - script \`${file}\` resolved by path search to \`${found}\`. Please specify full path.`);
    file = found;
  }
  let real: string;
  try {
    real = realpathSync(file);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return { ok: false, logs: [...logs, `Script ${file} cannot be accessed - ${e.code === 'ENOENT' ? 'No such file or directory' : e.message}`] };
  }
  if (real === file) return { ok: true, path: file, logs };
  if (basename(real) === basename(file)) return { ok: true, path: real, logs };
  // Keep the name the script was called by when it is the same file in the resolved directory.
  const renamed = join(dirname(real), basename(file));
  try {
    const a = statSync(real);
    const b = statSync(renamed);
    if (a.dev === b.dev && a.ino === b.ino) return { ok: true, path: renamed, logs };
  } catch {
    // fall back to the real path
  }
  return { ok: true, path: real, logs };
}
