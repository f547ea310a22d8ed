/** Replay the event log into projections: rebuild beside the live ones and swap, or verify against a fresh replay. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {openDatabase, type Db} from './database.js';
import {PROJECTION_TABLES} from './migrations.js';
import {createProjector, replayEvents} from './projection.js';
import {decodeEventRow, type EventRow} from './rows.js';
import type {BadEvent} from '../forum/event-shape.js';
import type {ForumStore} from './store.js';

const KEYS: Record<(typeof PROJECTION_TABLES)[number], string> = {
	forum_threads: 'thread_id',
	forum_thread_views: 'thread_id',
	forum_posts: 'sequence',
	forum_assignments: 'sequence',
	forum_state_transitions: 'sequence',
	forum_thread_stats: 'ticket, run_id, state',
};

/** Progress of a long replay: events done of the total (the total may grow while writers go on). */
export type ProgressListener = (done: number, total: number) => void;

export interface RebuildOptions {
	/** Longest a batch holds the write lock, ms (default 50): writers wait at most about this. */
	batchMs?: number;
	/**
	 * Pause between batches with the lock free, ms (default 30). Without it the rebuild takes the
	 * lock again at once, and a writer sleeping in SQLite's busy handler (retries up to 100 ms
	 * apart) would keep missing the moment it was free.
	 */
	gapMs?: number;
	onProgress?: ProgressListener;
}

export interface RebuildResult {
	events: number;
	skipped: number;
	/** The longest this rebuild held the write lock at once, ms. */
	longestLockMs: number;
	/** The same per step: making the new tables, a replay batch, the catch-up and swap, emptying the old tables. */
	longestLockByStepMs: Record<'create' | 'batch' | 'swap' | 'retire', number>;
}

/** Sleep without an event loop (rebuild is synchronous, like better-sqlite3). */
function pause(ms: number): void {
	if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

const SUFFIX = '__rebuild';
/** Events read per page; the batch's time is checked after each, so a page must be short even on a loaded machine. */
const REPLAY_PAGE = 50;
/** Old projections after the swap, dropped table by table once the new ones are live. */
const RETIRED = '__retired';

/** Index names alternate between two forms, since the new tables' indexes exist beside the old ones. */
const otherIndexName = (name: string) => (name.endsWith('__r') ? name.slice(0, -3) : `${name}__r`);

/**
 * Replay every event into new projection tables beside the live ones, in batches of at most
 * `batchMs` under the write lock (writers go on between them), then, under one short lock,
 * replay the events committed meanwhile and swap the new tables in. A write that lands
 * between batches is in the log, so the catch-up replays it: the result is a full replay.
 */
export function rebuildProjections(store: ForumStore, options: RebuildOptions = {}): RebuildResult {
	const db = store.db;
	const batchMs = options.batchMs ?? 50;
	const gapMs = options.gapMs ?? 30;
	const longest = {create: 0, batch: 0, swap: 0, retire: 0};
	/** One write transaction, timed: the figure the rebuild promises to keep small. */
	const locked = <T>(step: keyof typeof longest, fn: () => T): T => {
		const started = performance.now();
		try {
			return store.write(fn);
		} finally {
			longest[step] = Math.max(longest[step], performance.now() - started);
		}
	};
	const tables = [...PROJECTION_TABLES];
	// The new tables are filled before their references are: foreign keys are checked by the replay's rules, not here.
	// Checkpoints in the gaps, outside any lock: SQLite's automatic one would otherwise run inside
	// a commit, the rebuild's or (worse) an agent's, copying tens of MB while the caller waits.
	const autocheckpoint = db.pragma('wal_autocheckpoint', {simple: true}) as number;
	db.pragma('wal_autocheckpoint = 0');
	const rest = () => {
		store.checkpointWal();
		pause(gapMs);
	};
	const foreignKeys = db.pragma('foreign_keys', {simple: true}) as number;
	db.pragma('foreign_keys = OFF');
	// A rename must not rewrite other tables' REFERENCES: the new tables take the old names, so they stay right.
	db.pragma('legacy_alter_table = ON');
	try {
		locked('create', () => {
			for (const table of tables) {
				db.exec(`DROP TABLE IF EXISTS ${table}${SUFFIX}`);
				db.exec(`DROP TABLE IF EXISTS ${table}${RETIRED}`);
			}
			for (const table of tables) {
				const {sql} = db.prepare<[string], {sql: string}>(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?`).get(table)!;
				// Only the table's own name: its REFERENCES name the live tables, which the new ones become.
				db.exec(sql.replace(new RegExp(`^CREATE TABLE "?${table}"?`), `CREATE TABLE ${table}${SUFFIX}`));
				for (const index of db.prepare<[string], {name: string; sql: string}>(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL`).all(table)) {
					db.exec(index.sql.replace(new RegExp(`^CREATE (UNIQUE )?INDEX "?${index.name}"? ON "?${table}"?`), (_match, unique: string | undefined) => `CREATE ${unique ?? ''}INDEX ${otherIndexName(index.name)} ON ${table}${SUFFIX}`));
				}
			}
		});
		const projector = createProjector(db, {suffix: SUFFIX});
		const page = db.prepare<[number, number], EventRow>('SELECT * FROM forum_events WHERE sequence > ? ORDER BY sequence LIMIT ?');
		const last = db.prepare<[], {sequence: number | null}>('SELECT MAX(sequence) AS sequence FROM forum_events');
		let cursor = 0;
		let events = 0;
		let skipped = 0;
		/** Replay events after the cursor until `stopAt` (ms, performance.now) or the log's end; true at the end. */
		const replay = (stopAt: number): boolean => {
			for (;;) {
				const rows = page.all(cursor, REPLAY_PAGE);
				for (const row of rows) {
					cursor = row.sequence;
					const decoded = decodeEventRow(row);
					if (!decoded.ok) {
						skipped++;
						store.warnSkipped(decoded.bad);
						continue;
					}
					projector.apply(decoded.event, projector.load(decoded.event.thread_id));
					events++;
				}
				if (rows.length < REPLAY_PAGE) return true;
				if (performance.now() >= stopAt) return false;
			}
		};
		for (;;) {
			const done = locked('batch', () => replay(performance.now() + batchMs));
			options.onProgress?.(events + skipped, Math.max(events + skipped, last.get()?.sequence ?? 0));
			if (done) break;
			rest();
		}
		rest();
		// The swap: what was committed since the last batch, then the new tables take the live names.
		locked('swap', () => {
			replay(Number.POSITIVE_INFINITY);
			for (const table of tables) db.exec(`ALTER TABLE ${table} RENAME TO ${table}${RETIRED}`);
			for (const table of tables) db.exec(`ALTER TABLE ${table}${SUFFIX} RENAME TO ${table}`);
		});
		options.onProgress?.(events + skipped, events + skipped);
		// The old tables emptied in short batches, then dropped: one DROP of a large table would hold the lock while it frees every page.
		for (const table of [...tables].reverse()) {
			const retired = `${table}${RETIRED}`;
			const chunk = db.prepare(`DELETE FROM ${retired} WHERE rowid IN (SELECT rowid FROM ${retired} LIMIT 500)`);
			while (locked('retire', () => chunk.run().changes) > 0) rest();
			locked('retire', () => db.exec(`DROP TABLE ${retired}`));
		}
		return {events, skipped, longestLockMs: Math.max(...Object.values(longest)), longestLockByStepMs: longest};
	} finally {
		db.pragma('legacy_alter_table = OFF');
		db.pragma(`wal_autocheckpoint = ${autocheckpoint}`);
		db.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
	}
}

export interface ProjectionDifference {
	table: string;
	key: string;
	/** The row a replay produces (undefined: the row should not exist). */
	expected: Record<string, unknown> | undefined;
	/** The row the database holds (undefined: the row is missing). */
	actual: Record<string, unknown> | undefined;
}

/** Sequence numbers missing between 1 and the last one, as inclusive ranges. */
export interface SequenceGap {
	first: number;
	last: number;
}

function sequenceGaps(db: Db): SequenceGap[] {
	return db
		.prepare<[], SequenceGap>(
			`SELECT previous + 1 AS first, sequence - 1 AS last
			 FROM (SELECT sequence, LAG(sequence, 1, 0) OVER (ORDER BY sequence) AS previous FROM forum_events)
			 WHERE sequence > previous + 1 ORDER BY sequence`,
		)
		.all();
}

/** SQLite's order of key values: integers by value, text by its UTF-8 bytes (BINARY collation). */
function compareKeys(a: unknown[], b: unknown[]): number {
	for (let index = 0; index < a.length; index++) {
		const x = a[index];
		const y = b[index];
		if (x === y) continue;
		if (x === null || x === undefined) return -1;
		if (y === null || y === undefined) return 1;
		if (typeof x === 'number' && typeof y === 'number') return x - y;
		if (typeof x === 'number') return -1;
		if (typeof y === 'number') return 1;
		const order = Buffer.compare(Buffer.from(String(x)), Buffer.from(String(y)));
		if (order !== 0) return order;
	}
	return 0;
}

/**
 * The rows of `table` in two databases that differ, walked side by side in key order: memory
 * stays at one row of each, whatever the size of the forum.
 */
function differingRows(expectedDb: Db, actualDb: Db, table: string, key: string, out: ProjectionDifference[]): void {
	const columns = key.split(', ');
	const rows = (db: Db) => db.prepare<[], Record<string, unknown>>(`SELECT * FROM ${table} ORDER BY ${key}`).iterate();
	const expected = rows(expectedDb);
	const actual = rows(actualDb);
	const keyOf = (row: Record<string, unknown>) => columns.map((column) => row[column]);
	const named = (row: Record<string, unknown>) => columns.map((column) => String(row[column])).join('/');
	let e = expected.next();
	let a = actual.next();
	while (!e.done || !a.done) {
		const order = e.done ? 1 : a.done ? -1 : compareKeys(keyOf(e.value), keyOf(a.value));
		if (order < 0) {
			out.push({table, key: named(e.value!), expected: e.value, actual: undefined});
			e = expected.next();
		} else if (order > 0) {
			out.push({table, key: named(a.value!), expected: undefined, actual: a.value});
			a = actual.next();
		} else {
			if (JSON.stringify(e.value) !== JSON.stringify(a.value)) out.push({table, key: named(e.value!), expected: e.value, actual: a.value});
			e = expected.next();
			a = actual.next();
		}
	}
}

export interface Verification {
	/** Events replayed. */
	events: number;
	differences: ProjectionDifference[];
	/** Rows that cannot be read as events (skipped by every reader). */
	badEvents: BadEvent[];
	gaps: SequenceGap[];
}

/**
 * Replay all events into a fresh database (a temporary file: memory stays bounded) and list
 * every projection row that differs, every bad event and every gap in the sequence.
 */
export function verifyProjections(store: ForumStore, options: {onProgress?: ProgressListener} = {}): Verification {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'metawsm-verify-'));
	const fresh = openDatabase(path.join(dir, 'replay.db'));
	fresh.pragma('synchronous = OFF');
	try {
		return store.read(() => {
			// One read transaction: a consistent snapshot even while writers go on.
			return store.db
				.transaction(() => {
					const total = store.lastSequence();
					const badEvents: BadEvent[] = [];
					// The fresh file is private: one transaction, no fsync per event.
					const count = fresh.transaction(() =>
						replayEvents(store.db, createProjector(fresh), (bad) => badEvents.push(bad), (replayed) => options.onProgress?.(replayed + badEvents.length, total)),
					)();
					options.onProgress?.(total, total);
					const differences: ProjectionDifference[] = [];
					for (const table of PROJECTION_TABLES) differingRows(fresh, store.db, table, KEYS[table], differences);
					return {events: count, differences, badEvents, gaps: sequenceGaps(store.db)};
				})
				.deferred();
		});
	} finally {
		fresh.close();
		fs.rmSync(dir, {recursive: true, force: true});
	}
}
