// glibc strerror() texts for the errors file opening can hit; libuv words some differently
// (ELOOP: "too many symbolic links encountered"), and keepalived prints glibc's (%m).
const GLIBC: Readonly<Record<string, string>> = {
  EPERM: 'Operation not permitted',
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EEXIST: 'File exists',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  ENOSPC: 'No space left on device',
  EROFS: 'Read-only file system',
  ELOOP: 'Too many levels of symbolic links',
  ENAMETOOLONG: 'File name too long',
  ENXIO: 'No such device or address',
};

/** The C errno (positive) and glibc's text for a node fs error. */
export function cError(e: unknown): { errno: number; text: string } {
  const err = e as NodeJS.ErrnoException;
  const errno = err.errno !== undefined ? Math.abs(err.errno) : 0;
  const text = (err.code && GLIBC[err.code]) ?? err.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '');
  return { errno, text };
}
