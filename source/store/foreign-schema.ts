/** Recognise tables this project did not create, before running any migration on a file. */
import type {Db} from './database.js';

/** Tables only the original creates; any of them in a file means the file is the original's. */
export const ORIGINAL_ONLY_TABLES = [
	'schema_migrations',
	'runs',
	'run_tickets',
	'steps',
	'agents',
	'events',
	'run_briefs',
	'guidance_requests',
	'doc_sync_states',
	'operator_run_states',
	'run_pull_requests',
	'run_review_feedback',
	'forum_control_threads',
	'forum_outbox',
	'forum_thread_reads',
	'forum_thread_queue_view',
	'forum_projection_events',
] as const;

/** What a file holds that this project did not create; undefined when nothing foreign is there. */
export type ForeignSchema =
	/** The original's forum tables (recognised by their columns, e.g. forum_threads.opened_at). */
	| 'original_forum'
	/** The original's other tables (runs, steps, schema_migrations, ...), no forum yet. */
	| 'original'
	/** forum_* tables of unknown shape. */
	| 'unknown_forum';

export function columns(db: Db, table: string): Set<string> {
	return new Set(db.prepare<[], {name: string}>(`SELECT name FROM pragma_table_info('${table}')`).all().map((row) => row.name));
}

/** Look at a file's tables (reads only): does it hold tables this project did not create? */
export function foreignSchema(db: Db): ForeignSchema | undefined {
	const tables = new Set(db.prepare<[], {name: string}>(`SELECT name FROM sqlite_master WHERE type IN ('table', 'view')`).all().map((row) => row.name));
	if (tables.has('forum_threads') && columns(db, 'forum_threads').has('opened_at')) return 'original_forum';
	if (tables.has('forum_events') && !columns(db, 'forum_events').has('command_id')) return 'original_forum';
	if (ORIGINAL_ONLY_TABLES.some((table) => tables.has(table))) return 'original';
	if ([...tables].some((table) => table.startsWith('forum_'))) return 'unknown_forum';
	return undefined;
}
