/** Projections: how one stored event changes the read tables. Used by dispatch and by rebuild alike. */
import {evolve} from '../forum/rules.js';
import type {StoredEvent, Thread} from '../forum/types.js';
import type {Db} from './database.js';
import type {BadEvent} from '../forum/event-shape.js';
import {answerJson, decodeEventRow, questionJson, THREAD_COLUMNS, threadFromRow, type EventRow, type ThreadRow} from './rows.js';

const BATCH = 5000;

export interface Projector {
	/** The thread as the projections hold it now. */
	load(threadId: string): Thread | undefined;
	/** Apply one event (already in forum_events) to every projection table; returns the thread after it. */
	apply(event: StoredEvent, before: Thread | undefined): Thread | undefined;
}

/** The projection tables by name, for writing into a copy of them (`forum_threads` + suffix). */
const PROJECTION_NAME = /\bforum_(threads|thread_views|posts|assignments|state_transitions|thread_stats)\b/g;

/** `sql` over the projection tables named with `suffix` (a rebuild's new tables). */
export function withSuffix(sql: string, suffix: string): string {
	return suffix === '' ? sql : sql.replace(PROJECTION_NAME, (name) => `${name}${suffix}`);
}

/** A projector over the projection tables, or with `suffix` over copies of them (see rebuild.ts). */
export function createProjector(source: Db, options: {suffix?: string} = {}): Projector {
	const suffix = options.suffix ?? '';
	const db = {prepare: (sql: string) => source.prepare(withSuffix(sql, suffix))} as Pick<Db, 'prepare'>;
	const loadThread = db.prepare<[string], ThreadRow>(
		`SELECT ${THREAD_COLUMNS} FROM forum_thread_views v JOIN forum_threads t USING (thread_id) WHERE v.thread_id = ?`,
	);
	const insertThread = db.prepare(
		`INSERT INTO forum_threads (thread_id, ticket, run_id, agent_name, title, body, created_by_type, created_by_name, created_at, opened_sequence, question_json)
		 VALUES (@thread_id, @ticket, @run_id, @agent_name, @title, @body, @created_by_type, @created_by_name, @created_at, @opened_sequence, @question_json)`,
	);
	const upsertView = db.prepare(
		`INSERT INTO forum_thread_views (thread_id, ticket, run_id, agent_name, title, state, priority, assignee_type, assignee_name,
			posts_count, last_post_at, last_post_by_type, last_post_by_name, created_at, updated_at, state_since, waiting_since, state_changes,
			escalated_at, closed_at, last_sequence, answer_json, snoozed_until)
		 VALUES (@thread_id, @ticket, @run_id, @agent_name, @title, @state, @priority, @assignee_type, @assignee_name,
			@posts_count, @last_post_at, @last_post_by_type, @last_post_by_name, @created_at, @updated_at, @state_since, @waiting_since, @state_changes,
			@escalated_at, @closed_at, @last_sequence, @answer_json, @snoozed_until)
		 ON CONFLICT (thread_id) DO UPDATE SET state = excluded.state, priority = excluded.priority,
			assignee_type = excluded.assignee_type, assignee_name = excluded.assignee_name, posts_count = excluded.posts_count,
			last_post_at = excluded.last_post_at, last_post_by_type = excluded.last_post_by_type,
			last_post_by_name = excluded.last_post_by_name, updated_at = excluded.updated_at, state_since = excluded.state_since,
			waiting_since = excluded.waiting_since, state_changes = excluded.state_changes, escalated_at = excluded.escalated_at, closed_at = excluded.closed_at,
			last_sequence = excluded.last_sequence, answer_json = excluded.answer_json, snoozed_until = excluded.snoozed_until`,
	);
	const insertPost = db.prepare(
		`INSERT INTO forum_posts (sequence, event_id, thread_id, author_type, author_name, body, created_at, answer_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
	);
	const insertAssignment = db.prepare(
		`INSERT INTO forum_assignments (sequence, thread_id, from_type, from_name, to_type, to_name, note, assigned_by_type, assigned_by_name, assigned_at)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
	);
	const insertTransition = db.prepare(
		`INSERT INTO forum_state_transitions (sequence, thread_id, from_state, to_state, actor_type, actor_name, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
	);
	const bumpStat = db.prepare(
		`INSERT INTO forum_thread_stats (ticket, run_id, state, thread_count) VALUES (?, ?, ?, ?)
		 ON CONFLICT (ticket, run_id, state) DO UPDATE SET thread_count = thread_count + excluded.thread_count`,
	);
	const dropEmptyStats = db.prepare(`DELETE FROM forum_thread_stats WHERE ticket = ? AND run_id = ? AND thread_count = 0`);

	function load(threadId: string): Thread | undefined {
		const row = loadThread.get(threadId);
		return row ? threadFromRow(row) : undefined;
	}

	function apply(event: StoredEvent, before: Thread | undefined): Thread | undefined {
		const after = evolve(before, event);
		if (!after) return undefined;
		const at = event.occurred_at;
		switch (event.event_type) {
			case 'forum.thread.opened':
				insertThread.run({
					thread_id: after.id,
					ticket: after.ticket,
					run_id: after.runId,
					agent_name: after.agentName,
					title: after.title,
					body: after.body,
					created_by_type: after.createdBy.type,
					created_by_name: after.createdBy.name,
					created_at: after.createdAt,
					opened_sequence: event.sequence,
					question_json: questionJson(after.question),
				});
				break;
			case 'forum.post.added':
				insertPost.run(
					event.sequence,
					event.event_id,
					after.id,
					event.actor_type,
					event.actor_name,
					event.payload.body,
					at,
					event.payload.answer ? JSON.stringify(event.payload.answer) : null,
				);
				break;
			case 'forum.assigned': {
				const p = event.payload;
				insertAssignment.run(event.sequence, after.id, p.from_assignee_type, p.from_assignee_name, p.to_assignee_type, p.to_assignee_name, p.note, event.actor_type, event.actor_name, at);
				break;
			}
			case 'forum.state.changed':
				insertTransition.run(event.sequence, after.id, event.payload.from_state, event.payload.to_state, event.actor_type, event.actor_name, at);
				break;
			default:
				break;
		}
		upsertView.run({
			thread_id: after.id,
			ticket: after.ticket,
			run_id: after.runId,
			agent_name: after.agentName,
			title: after.title,
			state: after.state,
			priority: after.priority,
			assignee_type: after.assignee?.type ?? null,
			assignee_name: after.assignee?.name ?? null,
			posts_count: after.postsCount,
			last_post_at: after.lastPostAt,
			last_post_by_type: after.lastPostBy?.type ?? null,
			last_post_by_name: after.lastPostBy?.name ?? null,
			created_at: after.createdAt,
			updated_at: after.updatedAt,
			state_since: after.stateSince,
			waiting_since: after.waitingSince,
			state_changes: after.stateChanges,
			escalated_at: after.escalatedAt,
			closed_at: after.closedAt,
			last_sequence: after.lastSequence,
			answer_json: answerJson(after.answer),
			snoozed_until: after.snoozedUntil,
		});
		const run = after.runId ?? '';
		if (!before) {
			bumpStat.run(after.ticket, run, after.state, 1);
		} else if (before.state !== after.state) {
			bumpStat.run(after.ticket, run, before.state, -1);
			bumpStat.run(after.ticket, run, after.state, 1);
			dropEmptyStats.run(after.ticket, run);
		}
		return after;
	}

	return {load, apply};
}

/** Apply every event of `source` in order to `projector`, skipping bad ones; returns how many were replayed. */
export function replayEvents(source: Db, projector: Projector, onBad: (bad: BadEvent) => void, onPage?: (replayed: number) => void): number {
	const page = source.prepare<[number, number], EventRow>('SELECT * FROM forum_events WHERE sequence > ? ORDER BY sequence LIMIT ?');
	let cursor = 0;
	let count = 0;
	for (;;) {
		const rows = page.all(cursor, BATCH);
		if (rows.length === 0) return count;
		onPage?.(count);
		for (const row of rows) {
			cursor = row.sequence;
			const decoded = decodeEventRow(row);
			if (!decoded.ok) {
				onBad(decoded.bad);
				continue;
			}
			projector.apply(decoded.event, projector.load(decoded.event.thread_id));
			count++;
		}
	}
}

