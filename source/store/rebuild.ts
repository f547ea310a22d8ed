/** Replay the event log into projections: rebuild in place, or verify against a fresh replay. */
import {openDatabase, type Db} from './database.js';
import {PROJECTION_TABLES} from './migrations.js';
import {createProjector, replayEvents} from './projection.js';
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

/** Drop and replay all projections in one transaction; bad events are skipped and warned about. */
export function rebuildProjections(store: ForumStore): {events: number; skipped: number} {
	return store.write(() => {
		for (const table of [...PROJECTION_TABLES].reverse()) store.db.exec(`DELETE FROM ${table}`);
		let skipped = 0;
		const events = replayEvents(store.db, store.projector, (bad) => {
			skipped++;
			store.warnSkipped(bad);
		});
		return {events, skipped};
	});
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

function rowsByKey(db: Db, table: string, key: string): Map<string, Record<string, unknown>> {
	const rows = db.prepare<[], Record<string, unknown>>(`SELECT * FROM ${table} ORDER BY ${key}`).all();
	const columns = key.split(', ');
	return new Map(rows.map((row) => [columns.map((column) => String(row[column])).join('/'), row]));
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
 * Replay all events into a fresh in-memory database and list every projection row that
 * differs, every bad event and every gap in the sequence.
 */
export function verifyProjections(store: ForumStore): Verification {
	const fresh = openDatabase(':memory:');
	try {
		const events = store.read(() => {
			// One read transaction: a consistent snapshot even while writers go on.
			return store.db.transaction(() => {
				const badEvents: BadEvent[] = [];
				const count = replayEvents(store.db, createProjector(fresh), (bad) => badEvents.push(bad));
				const differences: ProjectionDifference[] = [];
				for (const table of PROJECTION_TABLES) {
					const expected = rowsByKey(fresh, table, KEYS[table]);
					const actual = rowsByKey(store.db, table, KEYS[table]);
					for (const [key, row] of expected) {
						const other = actual.get(key);
						if (!other || JSON.stringify(other) !== JSON.stringify(row)) differences.push({table, key, expected: row, actual: other});
					}
					for (const [key, row] of actual) {
						if (!expected.has(key)) differences.push({table, key, expected: undefined, actual: row});
					}
				}
				return {events: count, differences, badEvents, gaps: sequenceGaps(store.db)};
			}).deferred();
		});
		return events;
	} finally {
		fresh.close();
	}
}
