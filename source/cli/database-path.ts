/**
 * Which database a command uses, and whether it may create it.
 *
 * Default rule: `.metawsm/forum.db` when that file exists (what `import` writes), else
 * `.metawsm/metawsm.db` (the path this project has always used). `--db` and `METAWSM_DB`
 * override it. Paths are made absolute, so messages and the status bar say which file.
 */
import fs from 'node:fs';
import path from 'node:path';

/** The Go original's file, and this project's default on a fresh repository. */
export const SHARED_DB_PATH = '.metawsm/metawsm.db';
/** This project's own file next to the original's: where `import` writes by default. */
export const FORUM_DB_PATH = '.metawsm/forum.db';

/** Commands that only read: a missing database is an error for them, never created. */
export const READ_COMMANDS: ReadonlySet<string> = new Set(['list', 'thread', 'watch', 'status', 'dash', 'rebuild']);

/** The default database path (relative to the working directory) by the rule above. */
export function defaultDbPath(cwd = process.cwd()): string {
	return fs.existsSync(path.resolve(cwd, FORUM_DB_PATH)) ? FORUM_DB_PATH : SHARED_DB_PATH;
}

/** `file` made absolute; `:memory:` stays as it is. */
export function absoluteDbPath(file: string): string {
	return file === ':memory:' ? file : path.resolve(file);
}
