/**
 * Wake on commit: every commit writes the database's `-wal` file (the database file itself in
 * rollback-journal mode, and on a checkpoint), so a watch on the directory tells a process of
 * another's commit at once, without polling. The directory, not the files: the -wal may not
 * exist yet, is recreated after the last connection closes, and the database file can be
 * swapped (file-identity.ts); a directory watch sees all of that under one watcher.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface CommitWatch {
	/** Whether notifications arrive (false: the watch could not be set up; poll instead). */
	readonly active: boolean;
	close(): void;
}

/**
 * Call `onChange` (at most once per turn of the event loop) when `file`, its -wal or its
 * -journal is written, created, removed or renamed. `onChange` must check what changed: a
 * notification is a hint (our own writes, a checkpoint), never a promise of new events.
 */
export function watchCommits(file: string, onChange: () => void): CommitWatch {
	const dir = path.dirname(file);
	const base = path.basename(file);
	const names = new Set([base, `${base}-wal`, `${base}-journal`]);
	let scheduled = false;
	let watcher: fs.FSWatcher | undefined;
	let closed = false;
	const signal = () => {
		if (scheduled || closed) return;
		scheduled = true;
		setImmediate(() => {
			scheduled = false;
			if (!closed) onChange();
		});
	};
	try {
		// Not persistent: the watch alone never keeps a process alive (the fallback timer decides that).
		watcher = fs.watch(dir, {persistent: false}, (_event, name) => {
			// Some platforms give no name: then any change in the directory is worth a check.
			if (name === null || names.has(String(name))) signal();
		});
		watcher.on('error', () => {
			// The directory went away (or the watch broke): the caller's fallback check goes on.
			watcher?.close();
			watcher = undefined;
			signal();
		});
	} catch {
		watcher = undefined;
	}
	return {
		get active() {
			return watcher !== undefined;
		},
		close() {
			closed = true;
			watcher?.close();
			watcher = undefined;
		},
	};
}
