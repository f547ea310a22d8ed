/**
 * docs-sync's file-system rules: the docs root and documents are never reached through a
 * symbolic link (a repository can ship one pointing at a private file), documents are 0644 and
 * directories 0755 whatever the umask, and a ticket whose document would collide case-
 * insensitively with an existing one (`OPS-7.md` and `ops-7.md` on macOS) is refused.
 */
import fs from 'node:fs';
import path from 'node:path';

export const DOC_FILE_MODE = 0o644;
export const DOC_DIR_MODE = 0o755;

/** Characters that look like a path separator in a file name (fraction slash, division slash, fullwidth solidus...). */
// eslint-disable-next-line no-misleading-character-class
export const SLASH_LOOKALIKES = /[\u2044\u2215\u2571\u2572\u29f5\u29f8\u29f9\ufe68\uff0f\uff3c\u2216\u27cb\u27cd]/u;

/** The directories docs-sync must not find a link at: the root and, for a relative root, each directory from the working directory down to it. */
function guardedDirectories(root: string, cwd: string): string[] {
	const resolved = path.resolve(cwd, root);
	const relative = path.relative(cwd, resolved);
	if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return [resolved];
	const parts = relative.split(path.sep);
	return parts.map((_, index) => path.join(cwd, ...parts.slice(0, index + 1)));
}

/** Why the docs root cannot be used (a directory on the way is a symbolic link or not a directory), or undefined. */
export function docsRootProblem(root: string, cwd = process.cwd()): string | undefined {
	for (const dir of guardedDirectories(root, cwd)) {
		let stat: fs.Stats;
		try {
			stat = fs.lstatSync(dir);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
			throw error;
		}
		if (stat.isSymbolicLink()) return `${dir} is a symbolic link; docs-sync never follows links (remove it, or point forum.docs_sync.root at a real directory)`;
		// Not a directory: writing fails and docs-sync stops before the event (and retries), as for any unwritable root.
		if (!stat.isDirectory()) return undefined;
	}
	return undefined;
}

/** mkdir -p of the root, each new directory 0755 whatever the umask. */
export function makeDocsRoot(root: string): void {
	const missing: string[] = [];
	for (let dir = path.resolve(root); !fs.existsSync(dir); dir = path.dirname(dir)) {
		missing.unshift(dir);
		if (path.dirname(dir) === dir) break;
	}
	for (const dir of missing) {
		fs.mkdirSync(dir, {mode: DOC_DIR_MODE});
		fs.chmodSync(dir, DOC_DIR_MODE);
	}
}

/** Why a document path cannot be written: it is a link (or not a file), or it collides case-insensitively with another document. */
export function docFileProblem(file: string): string | undefined {
	let stat: fs.Stats | undefined;
	try {
		stat = fs.lstatSync(file);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
	}
	if (stat?.isSymbolicLink()) return `${file} is a symbolic link; docs-sync never follows links and left its target unread and unchanged (remove the link)`;
	if (stat && !stat.isFile()) return `${file} is not a regular file`;
	const name = path.basename(file);
	const folded = fold(name);
	let entries: string[] = [];
	try {
		entries = fs.readdirSync(path.dirname(file));
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
	}
	const other = entries.find((entry) => entry !== name && !entry.startsWith('.') && fold(entry) === folded);
	if (other) return `its document ${name} would collide with the existing ${other} on a case-insensitive file system`;
	return undefined;
}

function fold(name: string): string {
	return name.normalize('NFKC').toLowerCase();
}

/** Read a document without following a link; undefined when there is none. */
export function readDocNoFollow(file: string): string | undefined {
	let fd: number;
	try {
		fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
		throw error;
	}
	try {
		return fs.readFileSync(fd, 'utf8');
	} finally {
		fs.closeSync(fd);
	}
}

/** Create a new file exclusively (never through a link), mode 0644 whatever the umask. */
export function createDocFile(file: string): number {
	const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, DOC_FILE_MODE);
	fs.fchmodSync(fd, DOC_FILE_MODE);
	return fd;
}
