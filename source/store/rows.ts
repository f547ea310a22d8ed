/** Row shapes and their conversion to domain values. */
import {checkEventShape, describeBadEvent, type BadEvent} from '../forum/event-shape.js';
import type {ActorType, Answer, Priority, Question, StoredEvent, Thread, ThreadState} from '../forum/types.js';

export interface EventRow {
	sequence: number;
	event_id: string;
	event_type: string;
	event_version: number;
	occurred_at: string;
	thread_id: string;
	run_id: string | null;
	ticket: string;
	agent_name: string;
	actor_type: string;
	actor_name: string;
	correlation_id: string;
	causation_id: string;
	command_id: string;
	payload_json: string;
}

export interface ThreadRow {
	thread_id: string;
	ticket: string;
	run_id: string | null;
	agent_name: string;
	title: string;
	body: string;
	created_by_type: string;
	created_by_name: string;
	created_at: string;
	state: string;
	priority: string;
	assignee_type: string | null;
	assignee_name: string | null;
	posts_count: number;
	last_post_at: string | null;
	last_post_by_type: string | null;
	last_post_by_name: string | null;
	updated_at: string;
	state_since: string;
	waiting_since: string;
	state_changes: number;
	escalated_at: string | null;
	closed_at: string | null;
	last_sequence: number;
	question_json: string | null;
	answer_json: string | null;
	snoozed_until: string | null;
}

export type DecodedEvent = {ok: true; event: StoredEvent} | {ok: false; bad: BadEvent};

/** A row as a forum event, or why it is not one (payload_json does not parse, unknown type, wrong payload shape). */
export function decodeEventRow(row: EventRow): DecodedEvent {
	let payload: unknown;
	try {
		payload = JSON.parse(row.payload_json);
	} catch {
		return {ok: false, bad: {sequence: row.sequence, eventType: row.event_type, reason: 'payload_json does not parse'}};
	}
	const event = checkEventShape({
		sequence: row.sequence,
		event_id: row.event_id,
		event_type: row.event_type,
		event_version: 1 as const,
		occurred_at: row.occurred_at,
		thread_id: row.thread_id,
		run_id: row.run_id,
		ticket: row.ticket,
		agent_name: row.agent_name,
		actor_type: row.actor_type as ActorType,
		actor_name: row.actor_name,
		correlation_id: row.correlation_id,
		causation_id: row.causation_id,
		command_id: row.command_id,
		payload,
	});
	if (typeof event === 'string') return {ok: false, bad: {sequence: row.sequence, eventType: row.event_type, reason: event}};
	return {ok: true, event: event as StoredEvent};
}

/** A row known to be good (written by this process); throws naming the sequence when it is not. */
export function eventFromRow(row: EventRow): StoredEvent {
	const decoded = decodeEventRow(row);
	if (!decoded.ok) throw new Error(describeBadEvent(decoded.bad));
	return decoded.event;
}

export function eventToRow(event: StoredEvent): EventRow {
	const {payload, ...envelope} = event;
	return {...envelope, payload_json: JSON.stringify(payload)};
}

export function threadFromRow(row: ThreadRow): Thread {
	return {
		id: row.thread_id,
		ticket: row.ticket,
		runId: row.run_id,
		agentName: row.agent_name,
		title: row.title,
		body: row.body,
		state: row.state as ThreadState,
		priority: row.priority as Priority,
		assignee: row.assignee_type && row.assignee_name ? {type: row.assignee_type as ActorType, name: row.assignee_name} : null,
		postsCount: row.posts_count,
		createdBy: {type: row.created_by_type as ActorType, name: row.created_by_name},
		createdAt: row.created_at,
		updatedAt: row.updated_at,
		stateSince: row.state_since,
		// '' only in rows loaded from a snapshot of a forum before schema 5 (a remote view of an older serve).
		waitingSince: row.waiting_since || row.created_at,
		stateChanges: row.state_changes,
		lastPostAt: row.last_post_at,
		lastPostBy:
			row.last_post_by_type && row.last_post_by_name ? {type: row.last_post_by_type as ActorType, name: row.last_post_by_name} : null,
		escalatedAt: row.escalated_at,
		closedAt: row.closed_at,
		lastSequence: row.last_sequence,
		question: row.question_json ? (JSON.parse(row.question_json) as Question) : {kind: 'text'},
		answer: row.answer_json ? (JSON.parse(row.answer_json) as Answer) : null,
		snoozedUntil: row.snoozed_until ?? null,
	};
}

/** The question column: null for free text, as threads opened before questions had kinds. */
export function questionJson(question: Question): string | null {
	return question.kind === 'text' ? null : JSON.stringify(question);
}

export function answerJson(answer: Answer | null): string | null {
	return answer ? JSON.stringify(answer) : null;
}

/** Columns of forum_thread_views joined with the thread's immutable record. */
export const THREAD_COLUMNS = `v.thread_id, v.ticket, v.run_id, v.agent_name, v.title, t.body,
	t.created_by_type, t.created_by_name, v.created_at, v.state, v.priority, v.assignee_type, v.assignee_name,
	v.posts_count, v.last_post_at, v.last_post_by_type, v.last_post_by_name, v.updated_at, v.state_since,
	v.waiting_since, v.state_changes, v.escalated_at, v.closed_at, v.last_sequence, t.question_json, v.answer_json, v.snoozed_until`;
