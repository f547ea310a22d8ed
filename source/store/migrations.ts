/** Schema, versioned with PRAGMA user_version. Append a migration; never edit a shipped one. */

export const PROJECTION_TABLES = [
	'forum_threads',
	'forum_thread_views',
	'forum_posts',
	'forum_assignments',
	'forum_state_transitions',
	'forum_thread_stats',
] as const;

export const MIGRATIONS: readonly string[] = [
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
];

export const SCHEMA_VERSION = MIGRATIONS.length;
