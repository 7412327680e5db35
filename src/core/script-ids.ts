// Which uid/gid a script runs as: the script's own `user [group]`, else global_defs script_user, else
// keepalived's default user `keepalived_script` when it exists, else root (keepalived's set_default_script_user()).
import { readFileSync } from 'node:fs';

export interface ScriptIds { uid?: number; gid?: number }

/** A field of the /etc/passwd or /etc/group line for `name` (a number is taken as is); undefined if unknown. */
export function lookupId(file: string, name: string | undefined, field: number): number | undefined {
  if (name === undefined) return undefined;
  if (/^\d+$/.test(name)) return Number(name);
  try {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const parts = line.split(':');
      if (parts[0] === name) return Number(parts[field]);
    }
  } catch {
    // no database: unknown
  }
  return undefined;
}

const DEFAULT_SCRIPT_USER = 'keepalived_script';

export function scriptIds(user: string | undefined, group?: string): ScriptIds {
  const name = user ?? (lookupId('/etc/passwd', DEFAULT_SCRIPT_USER, 2) !== undefined ? DEFAULT_SCRIPT_USER : undefined);
  if (name === undefined) return {};
  const uid = lookupId('/etc/passwd', name, 2);
  const gid = group !== undefined ? lookupId('/etc/group', group, 2) : lookupId('/etc/passwd', name, 3);
  return { ...(uid !== undefined ? { uid } : {}), ...(gid !== undefined ? { gid } : {}) };
}
