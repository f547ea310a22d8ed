/** Schema, versioned with PRAGMA user_version. Append a migration; never edit a shipped one. */
import type {Db} from './database.js';
import {createProjector, replayEvents} from './projection.js';

export const PROJECTION_TABLES = [
	'forum_threads',
	'forum_thread_views',
	'forum_posts',
	'forum_assignments',
	'forum_state_transitions',
	'forum_thread_stats',
] as const;

/**
 * A migration: SQL, or a function for what SQL alone cannot say. Runs inside the upgrade's
 * transaction. A function that returns 'replay' asks for the projections to be filled again
 * from the events: done once, after the last migration, when every column the projector
 * writes exists.
 */
export type Migration = string | ((db: Db) => void | 'replay');

export const MIGRATIONS: readonly Migration[] = [
	// 1: events (the log and outbox), projections, command ids, cursors.
	`
	CREATE TABLE forum_events (
		sequence INTEGER PRIMARY KEY AUTOINCREMENT,
		event_id TEXT NOT NULL UNIQUE,
		event_type TEXT NOT NULL,
		event_version INTEGER NOT NULL,
		occurred_at TEXT NOT NULL,
		thread_id TEXT NOT NULL,
		run_id TEXT,
		ticket TEXT NOT NULL,
		agent_name TEXT NOT NULL,
		actor_type TEXT NOT NULL,
		actor_name TEXT NOT NULL,
		correlation_id TEXT NOT NULL,
		causation_id TEXT NOT NULL,
		command_id TEXT NOT NULL,
		payload_json TEXT NOT NULL
	);
	CREATE INDEX forum_events_by_thread ON forum_events(thread_id, sequence);
	CREATE INDEX forum_events_by_type ON forum_events(event_type, sequence);

	CREATE TABLE forum_threads (
		thread_id TEXT PRIMARY KEY,
		ticket TEXT NOT NULL,
		run_id TEXT,
		agent_name TEXT NOT NULL,
		title TEXT NOT NULL,
		body TEXT NOT NULL,
		created_by_type TEXT NOT NULL,
		created_by_name TEXT NOT NULL,
		created_at TEXT NOT NULL,
		opened_sequence INTEGER NOT NULL
	);

	CREATE TABLE forum_thread_views (
		thread_id TEXT PRIMARY KEY REFERENCES forum_threads(thread_id),
		ticket TEXT NOT NULL,
		run_id TEXT,
		agent_name TEXT NOT NULL,
		title TEXT NOT NULL,
		state TEXT NOT NULL,
		priority TEXT NOT NULL,
		assignee_type TEXT,
		assignee_name TEXT,
		posts_count INTEGER NOT NULL,
		last_post_at TEXT,
		last_post_by_type TEXT,
		last_post_by_name TEXT,
		created_at TEXT NOT NULL,
		updated_at TEXT NOT NULL,
		state_since TEXT NOT NULL,
		state_changes INTEGER NOT NULL,
		escalated_at TEXT,
		closed_at TEXT,
		last_sequence INTEGER NOT NULL
	);
	CREATE INDEX forum_thread_views_by_state ON forum_thread_views(state, updated_at);
	CREATE INDEX forum_thread_views_by_ticket ON forum_thread_views(ticket, run_id);

	CREATE TABLE forum_posts (
		sequence INTEGER PRIMARY KEY,
		event_id TEXT NOT NULL,
		thread_id TEXT NOT NULL REFERENCES forum_threads(thread_id),
		author_type TEXT NOT NULL,
		author_name TEXT NOT NULL,
		body TEXT NOT NULL,
		created_at TEXT NOT NULL
	);
	CREATE INDEX forum_posts_by_thread ON forum_posts(thread_id, sequence);

	CREATE TABLE forum_assignments (
		sequence INTEGER PRIMARY KEY,
		thread_id TEXT NOT NULL REFERENCES forum_threads(thread_id),
		from_type TEXT,
		from_name TEXT,
		to_type TEXT NOT NULL,
		to_name TEXT NOT NULL,
		note TEXT NOT NULL,
		assigned_by_type TEXT NOT NULL,
		assigned_by_name TEXT NOT NULL,
		assigned_at TEXT NOT NULL
	);
	CREATE INDEX forum_assignments_by_thread ON forum_assignments(thread_id, sequence);

	CREATE TABLE forum_state_transitions (
		sequence INTEGER PRIMARY KEY,
		thread_id TEXT NOT NULL REFERENCES forum_threads(thread_id),
		from_state TEXT NOT NULL,
		to_state TEXT NOT NULL,
		actor_type TEXT NOT NULL,
		actor_name TEXT NOT NULL,
		changed_at TEXT NOT NULL
	);
	CREATE INDEX forum_state_transitions_by_thread ON forum_state_transitions(thread_id, sequence);

	CREATE TABLE forum_thread_stats (
		ticket TEXT NOT NULL,
		run_id TEXT NOT NULL,
		state TEXT NOT NULL,
		thread_count INTEGER NOT NULL,
		PRIMARY KEY (ticket, run_id, state)
	);

	CREATE TABLE forum_commands (
		command_id TEXT PRIMARY KEY,
		command_type TEXT NOT NULL,
		thread_id TEXT NOT NULL,
		first_sequence INTEGER NOT NULL,
		last_sequence INTEGER NOT NULL,
		applied_at TEXT NOT NULL
	);

	CREATE TABLE forum_checkpoints (
		consumer TEXT PRIMARY KEY,
		sequence INTEGER NOT NULL,
		updated_at TEXT NOT NULL
	);

	CREATE TABLE forum_seen (
		thread_id TEXT NOT NULL,
		viewer TEXT NOT NULL,
		sequence INTEGER NOT NULL,
		PRIMARY KEY (thread_id, viewer)
	);
	`,
	// 2: the decision as a record: the question's kind, each answer post's mark, the thread's
	// current answer, and a fingerprint per command id so a reused id with other content is refused.
	`
	ALTER TABLE forum_threads ADD COLUMN question_json TEXT;
	ALTER TABLE forum_thread_views ADD COLUMN answer_json TEXT;
	ALTER TABLE forum_posts ADD COLUMN answer_json TEXT;
	ALTER TABLE forum_commands ADD COLUMN fingerprint TEXT;
	`,
	// 3: version-1 answers were a post plus a state change to answered sharing a
	// correlation id; mark those posts as text answers (the projections are replayed once, after
	// the last migration: today's projector writes later migrations' columns).
	upcastVersionOneAnswers,
	// 4: who this forum is (its id, made once, names it on Redis), transport state (relay epoch),
	// and the signature each remote command id arrived with (a replay with another one is refused).
	`
	CREATE TABLE forum_meta (
		key TEXT PRIMARY KEY,
		value TEXT NOT NULL
	);
	INSERT INTO forum_meta (key, value) VALUES ('forum_id', 'f-' || lower(hex(randomblob(8))));
	CREATE TABLE forum_signed_commands (
		command_id TEXT PRIMARY KEY,
		public_key TEXT NOT NULL,
		signature TEXT NOT NULL,
		command_hash TEXT NOT NULL,
		entry_id TEXT NOT NULL,
		seen_at TEXT NOT NULL
	);
	`,
	// 5: the wait clock (forum/rules.ts startsWait): when the agent started waiting, derived from
	// the events by replay (the original's data has no such field), and an index for the queue
	// order and the SLA cutoffs (state, priority, then the wait's start).
	(db) => {
		db.exec(`
			ALTER TABLE forum_thread_views ADD COLUMN waiting_since TEXT NOT NULL DEFAULT '';
			CREATE INDEX forum_thread_views_by_wait ON forum_thread_views(state, priority, waiting_since);
		`);
		return 'replay';
	},
	// 6: snooze (the thread's snoozed_until, filled by replay: no earlier event snoozes), the
	// agent index that answer reuse looks up candidates by, and "I'm on it" presence: who has a
	// thread's answer prompt open, with an expiry. Presence is not a projection: never replayed.
	`
	ALTER TABLE forum_thread_views ADD COLUMN snoozed_until TEXT;
	CREATE INDEX forum_thread_views_by_agent ON forum_thread_views(agent_name, updated_at);
	CREATE TABLE forum_presence (
		session TEXT PRIMARY KEY,
		thread_id TEXT NOT NULL,
		operator TEXT NOT NULL,
		activity TEXT NOT NULL,
		since TEXT NOT NULL,
		expires_at INTEGER NOT NULL
	);
	`,
	// 7: the Closed section pages newest first (state, updated_at, thread_id) from the index alone,
	// so the dashboard's cost follows the open queue, not the history.
	`
	CREATE INDEX forum_thread_views_by_state_recent ON forum_thread_views(state, updated_at, thread_id);
	`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

function upcastVersionOneAnswers(db: Db): 'replay' {
	db.exec(`
		UPDATE forum_events
		SET payload_json = json_set(payload_json, '$.answer', json('{"kind":"text","choice":null,"approved":null,"amends":null}'))
		WHERE event_type = 'forum.post.added' AND json_valid(payload_json) AND json_extract(payload_json, '$.answer') IS NULL
			AND correlation_id IN (
				SELECT correlation_id FROM forum_events
				WHERE json_valid(payload_json) AND (
					(event_type = 'forum.state.changed' AND json_extract(payload_json, '$.to_state') = 'answered')
					OR (event_type = 'forum.integration.docs_sync.requested' AND json_extract(payload_json, '$.trigger') = 'answered')
				)
			)
	`);
	return 'replay';
}

/** Empty the projections and fill them again from the events (an upgrade's last step). */
export function replayProjections(db: Db): void {
	const count = (db.prepare('SELECT COUNT(*) AS n FROM forum_events').get() as {n: number}).n;
	if (count === 0) return;
	for (const table of [...PROJECTION_TABLES].reverse()) db.exec(`DELETE FROM ${table}`);
	// An unreadable event is reported by rebuild --verify, not fatal to an upgrade.
	replayEvents(db, createProjector(db), () => undefined);
}
