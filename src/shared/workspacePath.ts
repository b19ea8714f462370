// Confines a user-supplied path to the workspace folder. The path comes from workspace settings, which
// a cloned repository can set, so a training run must not be a way to read ~/.ssh or /etc through
// `../..`, an absolute path or a symlink that points out of the folder.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DatasetError } from './datasetInfo';

function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' ? false : !rel.startsWith('..' + path.sep) && rel !== '..' && !path.isAbsolute(rel);
}

/**
 * The real path of the regular file `userPath` (relative to `workspaceRoot`, or absolute but inside it).
 * Checked twice: lexically (catches `..` and absolute paths before touching the disk) and after
 * resolving symlinks (catches links, of the file or of a folder on the way, that lead outside).
 * Errors are DatasetErrors naming `userPath` as written.
 */
export function resolveInWorkspace(userPath: string | undefined, workspaceRoot: string | undefined): string {
  if (!userPath || !userPath.trim()) throw new DatasetError('csv: no file is set (csvPath is empty)');
  const shown = userPath;
  if (!workspaceRoot) {
    throw new DatasetError(`${shown}: a csv dataset needs an open workspace folder (the path is relative to it)`, shown);
  }
  const root = path.resolve(workspaceRoot);
  const candidate = path.resolve(root, userPath);
  if (!isInside(root, candidate)) {
    throw new DatasetError(`${shown}: the csv file must be inside the workspace folder ${root}`, shown);
  }
  let real: string;
  let realRoot: string;
  try {
    realRoot = fs.realpathSync(root);
  } catch {
    throw new DatasetError(`${shown}: the workspace folder ${root} does not exist`, shown);
  }
  try {
    real = fs.realpathSync(candidate);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DatasetError(
      code === 'ENOENT' ? `${shown}: file not found in the workspace folder` : `${shown}: cannot open (${code})`,
      shown,
    );
  }
  if (!isInside(realRoot, real)) {
    throw new DatasetError(`${shown}: resolves (through a symbolic link) to ${real}, outside the workspace folder`, shown);
  }
  if (!fs.statSync(real).isFile()) throw new DatasetError(`${shown}: not a regular file`, shown);
  return real;
}
