/**
 * Is the database path still the file this process opened? A `mv` of a backup onto it, an
 * `rm`, or a `cp` over it leaves open connections on a file nobody else sees (or on content
 * that no longer matches their WAL). Checked on every poll: device + inode, and the header's
 * mark (`PRAGMA application_id`, which `metawsm forum backup` sets afresh in every backup, so
 * a backup copied over a live file shows up even though its inode stays).
 */
import fs from 'node:fs';

export interface FileIdentity {
	dev: number;
	ino: number;
}

export type FileCheck = {same: true} | {same: false; kind: 'removed' | 'moved' | 'overwritten'};

export function identityOf(file: string): FileIdentity | undefined {
	try {
		const stat = fs.statSync(file);
		return {dev: stat.dev, ino: stat.ino};
	} catch {
		return undefined;
	}
}

const MAGIC = 'SQLite format 3\0';

/** The application_id in the file's SQLite header; undefined when the file has no SQLite header. */
export function headerMark(file: string): number | undefined {
	let fd: number | undefined;
	try {
		fd = fs.openSync(file, 'r');
		const header = Buffer.alloc(72);
		if (fs.readSync(fd, header, 0, 72, 0) < 72) return undefined;
		if (header.toString('latin1', 0, 16) !== MAGIC) return undefined;
		return header.readUInt32BE(68);
	} catch {
		return undefined;
	} finally {
		if (fd !== undefined) fs.closeSync(fd);
	}
}

/** `quick`: device and inode only (a stat); the header's mark is read on polls. */
export function checkIdentity(file: string, opened: FileIdentity & {mark: number | undefined}, quick = false): FileCheck {
	const now = identityOf(file);
	if (!now) return {same: false, kind: 'removed'};
	if (now.dev !== opened.dev || now.ino !== opened.ino) return {same: false, kind: 'moved'};
	if (quick) return {same: true};
	// An empty new database has no header yet: only a changed mark of a real header counts.
	const mark = headerMark(file);
	if (opened.mark !== undefined && mark !== undefined && mark !== opened.mark) return {same: false, kind: 'overwritten'};
	return {same: true};
}

/** The plain-words message for a changed database path. */
export function describeChange(file: string, check: Exclude<FileCheck, {same: true}>): string {
	switch (check.kind) {
		case 'removed':
			return `database file ${file} was removed under this process; nothing is read or written until a database is back at that path`;
		case 'moved':
			return `database file ${file} was replaced under this process (another file was moved to its name); reopened the new file`;
		case 'overwritten':
			return `database file ${file} was overwritten under this process (a backup copied over a live database); stopped using it: stop every metawsm process on it and restore as RELIABILITY.md says`;
	}
}

/**
 * After another file was moved to the database path: SQLite does not checkpoint a moved
 * database on close, so its -wal (and -shm) stay beside the path and would be replayed into the
 * new file. When the -wal there is still the one seen beside the old file, rename both aside
 * (`.replaced-<time>`, kept for recovery). A -wal that came with the new file is left alone.
 */
export function setAsideStaleWal(file: string, walSeen: FileIdentity | undefined): void {
	const wal = identityOf(`${file}-wal`);
	if (!wal || !walSeen || wal.dev !== walSeen.dev || wal.ino !== walSeen.ino) return;
	const suffix = `.replaced-${new Date().toISOString().replace(/[:.]/g, '-')}`;
	for (const extension of ['-wal', '-shm']) {
		try {
			fs.renameSync(`${file}${extension}`, `${file}${extension}${suffix}`);
		} catch {
			// Gone already (another process set it aside first).
		}
	}
}
