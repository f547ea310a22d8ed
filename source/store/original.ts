/**
 * The Go original's database (`.metawsm/metawsm.db`, see shared UPSTREAM.md): recognise it,
 * and read its forum log without ever writing to it.
 */
import fs from 'node:fs';
import Database from 'better-sqlite3';
import {ForumError} from '../forum/errors.js';
import {BUSY_TIMEOUT_MS, type Db} from './database.js';
import {columns, foreignSchema} from './foreign-schema.js';

/** How far after a post its answering state change may be (one call's events are consecutive). */
const ANSWER_WINDOW = 16;

/** A row of the original's forum_events: every text column NOT NULL, '' for absent values. */
export interface OriginalEventRow {
	sequence: number;
	event_id: string;
	event_type: string;
	event_version: number;
	occurred_at: string;
	thread_id: string;
	run_id: string;
	ticket: string;
	agent_name: string;
	actor_type: string;
	actor_name: string;
	correlation_id: string;
	causation_id: string;
	payload_json: string;
}

const EVENT_COLUMNS = [
	'sequence',
	'event_id',
	'event_type',
	'event_version',
	'occurred_at',
	'thread_id',
	'run_id',
	'ticket',
	'agent_name',
	'actor_type',
	'actor_name',
	'correlation_id',
	'causation_id',
	'payload_json',
] as const;

/** The original's database, opened read-only: this project can never change it. */
export class OriginalDatabase {
	private readonly db: Db;
	/** False when the file has no forum_events yet (an original without its forum ticket). */
	readonly hasForum: boolean;
	private readonly statements;

	constructor(readonly file: string) {
		if (!fs.existsSync(file)) throw new ForumError('runtime', 'import_source_missing', `no database at ${file}`);
		try {
			this.db = new Database(file, {readonly: true, fileMustExist: true});
			this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
			const kind = foreignSchema(this.db);
			if (kind === undefined || kind === 'unknown_forum') {
				const ours = (this.db.pragma('user_version', {simple: true}) as number) > 0;
				throw new ForumError(
					'usage',
					'not_original_database',
					ours
						? `${file} is already a metawsm forum database (this project's); nothing to import — use it with --db`
						: `${file} is not a metawsm (Go) database (no forum_threads.opened_at, no schema_migrations or runs tables)`,
				);
			}
			const eventColumns = columns(this.db, 'forum_events');
			this.hasForum = eventColumns.size > 0;
			const missing = EVENT_COLUMNS.filter((column) => !eventColumns.has(column));
			if (this.hasForum && missing.length > 0) {
				throw new ForumError('runtime', 'original_schema_unknown', `${file}: forum_events lacks column(s) ${missing.join(', ')}; this metawsm (Go) version is not known to the import`);
			}
		} catch (error) {
			this.close();
			if (error instanceof ForumError) throw error;
			throw new ForumError('runtime', 'import_source_unreadable', `cannot read ${file}: ${(error as Error).message}`);
		}
		const db = this.db;
		this.statements = this.hasForum
			? {
					page: db.prepare<[number, number], OriginalEventRow>(`SELECT ${EVENT_COLUMNS.join(', ')} FROM forum_events WHERE sequence > ? ORDER BY sequence LIMIT ?`),
					lastSequence: db.prepare<[], {sequence: number | null}>(`SELECT MAX(sequence) AS sequence FROM forum_events`),
					hasSequence: db.prepare<[number], {one: number}>(`SELECT 1 AS one FROM forum_events WHERE sequence = ?`),
					// The original's answer: a post, then a change to answered sharing its correlation id, written
					// in the same call; a range of the primary key after the post (correlation_id has no index).
					answered: db.prepare<[number, number, string], {one: number}>(
						`SELECT 1 AS one FROM forum_events WHERE sequence > ? AND sequence <= ? AND correlation_id = ?
						 AND event_type = 'forum.state.changed' AND json_extract(payload_json, '$.to_state') = 'answered' LIMIT 1`,
					),
					openedEvent: db.prepare<[string], {event_id: string}>(
						`SELECT event_id FROM forum_events WHERE thread_id = ? AND event_type = 'forum.thread.opened' ORDER BY sequence LIMIT 1`,
					),
				}
			: undefined;
	}

	/** Run reads on one snapshot, so a page and its look-ups agree while the original writes on. */
	snapshot<T>(fn: () => T): T {
		return this.db.transaction(fn).deferred();
	}

	/** Events with sequence > cursor, oldest first. */
	eventsAfter(cursor: number, limit: number): OriginalEventRow[] {
		return this.statements?.page.all(cursor, limit) ?? [];
	}

	lastSequence(): number {
		return this.statements?.lastSequence.get()?.sequence ?? 0;
	}

	hasSequence(sequence: number): boolean {
		return this.statements?.hasSequence.get(sequence) !== undefined;
	}

	/** Is the post with this correlation id (at `sequence`) the original's answer? */
	isAnswer(correlationId: string, sequence: number): boolean {
		if (correlationId === '') return false;
		return this.statements?.answered.get(sequence, sequence + ANSWER_WINDOW, correlationId) !== undefined;
	}

	/** The event id that opened `threadId` in the original. */
	openedEventId(threadId: string): string | undefined {
		return this.statements?.openedEvent.get(threadId)?.event_id;
	}

	close(): void {
		if (this.db?.open) this.db.close();
	}
}
