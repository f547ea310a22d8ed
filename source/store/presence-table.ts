/**
 * Presence through the forum's SQLite file (forum_presence): every dashboard on this host sees
 * the others within a poll. Its own connection with a short busy timeout: a locked database
 * skips a write (retried on the next tick) rather than holding up the dashboard's frame.
 */
import Database from 'better-sqlite3';
import {checkPresenceEntry, PRESENCE_HEARTBEAT_MS, PRESENCE_MAX_ENTRIES, PRESENCE_TTL_MS, type PresenceEntry} from '../forum/presence.js';
import type {PresenceChannel, PresenceSpot} from '../service/presence.js';

export interface SqlitePresenceOptions {
	file: string;
	session: string;
	operator: string;
	/** How often to look for others' changes, ms (default 200: shown within a second). */
	pollMs?: number;
	/** Lock wait of a presence write, ms (default 20). */
	busyTimeoutMs?: number;
	now?: () => number;
}

interface Row {
	session: string;
	thread_id: string;
	operator: string;
	activity: string;
	expires_at: number;
}

export function sqlitePresence(options: SqlitePresenceOptions): PresenceChannel {
	const now = options.now ?? Date.now;
	const db = new Database(options.file, {fileMustExist: true, timeout: options.busyTimeoutMs ?? 20});
	const upsert = db.prepare(
		`INSERT INTO forum_presence (session, thread_id, operator, activity, since, expires_at) VALUES (?, ?, ?, ?, ?, ?)
		 ON CONFLICT (session) DO UPDATE SET thread_id = excluded.thread_id, operator = excluded.operator, activity = excluded.activity,
			since = CASE WHEN forum_presence.thread_id = excluded.thread_id THEN forum_presence.since ELSE excluded.since END, expires_at = excluded.expires_at`,
	);
	const remove = db.prepare(`DELETE FROM forum_presence WHERE session = ?`);
	// Rows long past their expiry (a dashboard killed with SIGKILL): anyone may sweep them.
	const sweep = db.prepare(`DELETE FROM forum_presence WHERE expires_at < ?`);
	const live = db.prepare<[number, number], Row>(`SELECT session, thread_id, operator, activity, expires_at FROM forum_presence WHERE expires_at > ? LIMIT ?`);
	const listeners = new Set<(entries: PresenceEntry[]) => void>();
	let spot: PresenceSpot | undefined;
	/** The write still owed to the table (a locked database skipped it). */
	let owed = false;
	let renewedAt = 0;
	let shown = '';
	let closed = false;

	const write = () => {
		try {
			if (spot) upsert.run(options.session, spot.threadId, options.operator, spot.activity, new Date(now()).toISOString(), now() + PRESENCE_TTL_MS);
			else remove.run(options.session);
			owed = false;
			renewedAt = now();
		} catch {
			// Busy (another writer holds the lock) or gone: the next tick tries again.
			owed = true;
		}
	};

	const read = () => {
		let rows: Row[];
		try {
			rows = live.all(now(), PRESENCE_MAX_ENTRIES);
		} catch {
			return;
		}
		const entries = rows.flatMap((row) => {
			const entry = checkPresenceEntry({session: row.session, threadId: row.thread_id, operator: row.operator, activity: row.activity, expiresAt: row.expires_at}, now());
			return entry ? [entry] : [];
		});
		// Only a change of who is where is news; a renewed expiry is not.
		const text = JSON.stringify(entries.map((entry) => [entry.session, entry.threadId, entry.operator, entry.activity]).sort());
		if (text === shown) return;
		shown = text;
		for (const listener of listeners) listener(entries);
	};

	let lastVersion = -1;
	let lastRead = 0;
	const tick = () => {
		if (closed) return;
		if (owed || (spot && now() - renewedAt >= PRESENCE_HEARTBEAT_MS)) write();
		let version = lastVersion;
		try {
			version = db.pragma('data_version', {simple: true}) as number;
		} catch {
			// Read again next tick.
		}
		// Others' commits change data_version; expiries need a look now and then even without one.
		if (version !== lastVersion || now() - lastRead >= 1000) {
			lastVersion = version;
			lastRead = now();
			read();
		}
	};
	const timer = setInterval(tick, options.pollMs ?? 200);
	timer.unref();
	const sweeper = setInterval(() => {
		try {
			sweep.run(now() - 60_000);
		} catch {
			// Busy: another time.
		}
	}, 30_000);
	sweeper.unref();
	// A dashboard that exits any other way (process.exit, an uncaught error) still withdraws.
	const onExit = () => {
		if (closed) return;
		closed = true;
		try {
			remove.run(options.session);
			db.close();
		} catch {
			// Expires by itself.
		}
	};
	process.on('exit', onExit);

	return {
		session: options.session,
		set(next) {
			if (closed) return;
			if (next?.threadId === spot?.threadId && next?.activity === spot?.activity) return;
			spot = next;
			write();
			read();
		},
		subscribe(listener) {
			listeners.add(listener);
			shown = '';
			read();
			return () => void listeners.delete(listener);
		},
		async close() {
			clearInterval(timer);
			clearInterval(sweeper);
			process.off('exit', onExit);
			onExit();
		},
	};
}
