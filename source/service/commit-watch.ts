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

/** What a notification was about: a commit (the -wal), or the database file itself (a checkpoint, a swap). */
export type CommitSignal = 'commit' | 'file';

/** After a check, further notifications within this many ms wait for one check at its end: a burst of commits costs one. */
const BURST_MS = 10;

/**
 * Call `onChange` soon after `file`, its -wal or its -journal is written, created, removed or
 * renamed: at once for the first notification, then at most once per BURST_MS while they keep
 * coming (every waiter on a busy database wakes per commit; a burst must not cost one check per
 * commit in each). `onChange` must check what changed: a notification is a hint (our own writes,
 * a checkpoint), never a promise of new events. `file` is set when the database file itself (not
 * only its -wal) was touched: a checkpoint, or another file moved onto the path.
 */
export function watchCommits(file: string, onChange: (signal: CommitSignal) => void): CommitWatch {
	const dir = path.dirname(file);
	const base = path.basename(file);
	const names = new Set([base, `${base}-wal`, `${base}-journal`]);
	let pending: CommitSignal | undefined;
	let timer: NodeJS.Timeout | undefined;
	let immediate: NodeJS.Immediate | undefined;
	let lastCheck = Number.NEGATIVE_INFINITY;
	let watcher: fs.FSWatcher | undefined;
	let closed = false;
	const run = () => {
		timer = undefined;
		immediate = undefined;
		const signal = pending;
		pending = undefined;
		if (closed || !signal) return;
		lastCheck = performance.now();
		onChange(signal);
	};
	const notify = (signal: CommitSignal) => {
		if (closed) return;
		pending = pending === 'file' || signal === 'file' ? 'file' : 'commit';
		if (timer || immediate) return;
		const wait = lastCheck + BURST_MS - performance.now();
		if (wait > 0) timer = setTimeout(run, wait);
		else immediate = setImmediate(run);
	};
	try {
		// Not persistent: the watch alone never keeps a process alive (the fallback timer decides that).
		watcher = fs.watch(dir, {persistent: false}, (_event, name) => {
			// Some platforms give no name: then any change in the directory is worth a full check.
			if (name === null) return notify('file');
			const named = String(name);
			if (names.has(named)) notify(named === base ? 'file' : 'commit');
		});
		watcher.on('error', () => {
			// The directory went away (or the watch broke): the caller's fallback check goes on.
			watcher?.close();
			watcher = undefined;
			notify('file');
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
			if (timer) clearTimeout(timer);
			if (immediate) clearImmediate(immediate);
			watcher?.close();
			watcher = undefined;
		},
	};
}
