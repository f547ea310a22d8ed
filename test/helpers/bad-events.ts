/** Writing rows into forum_events behind the forum's back, as a broken writer or a hand edit would. */
import Database from 'better-sqlite3';

export const NOT_JSON = '{not json';

export interface BadRow {
	threadId: string;
	eventType?: string;
	payloadJson: string;
}

/** Insert a row copying the envelope of the thread's first event; returns its sequence. */
export function insertBadEvent(file: string, row: BadRow): number {
	const db = new Database(file);
	try {
		db.pragma('busy_timeout = 5000');
		const opened = db.prepare<[string], Record<string, unknown>>('SELECT * FROM forum_events WHERE thread_id = ? ORDER BY sequence LIMIT 1').get(row.threadId);
		if (!opened) throw new Error(`no events for thread ${row.threadId}`);
		const unique = `bad-${Math.random().toString(36).slice(2)}`;
		const info = db
			.prepare(
				`INSERT INTO forum_events (event_id, event_type, event_version, occurred_at, thread_id, run_id, ticket, agent_name,
					actor_type, actor_name, correlation_id, causation_id, command_id, payload_json)
				 VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			)
			.run(unique, row.eventType ?? 'forum.post.added', opened['occurred_at'], row.threadId, opened['run_id'], opened['ticket'], opened['agent_name'], opened['actor_type'], opened['actor_name'], unique, unique, unique, row.payloadJson);
		return Number(info.lastInsertRowid);
	} finally {
		db.close();
	}
}

/** Delete events by sequence, leaving a gap. */
export function deleteEvents(file: string, first: number, last = first): void {
	const db = new Database(file);
	try {
		db.pragma('busy_timeout = 5000');
		db.prepare('DELETE FROM forum_events WHERE sequence BETWEEN ? AND ?').run(first, last);
	} finally {
		db.close();
	}
}
