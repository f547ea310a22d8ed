/**
 * `metawsm forum import`: the Go original's forum log into this forum's log and projections.
 * Each original event keeps its event id, so importing again adds only what is new; a
 * checkpoint (forum_checkpoints `import:<absolute source path>`) remembers how far the
 * original's sequence was read, so a re-run reads only the tail.
 */
import fs from 'node:fs';
import path from 'node:path';
import {ACTOR_TYPES, PRIORITIES, THREAD_STATES, type ActorType, type AnswerMark, type EventEnvelope, type ForumEvent, type PostAddedPayload, type Priority, type ThreadState} from '../forum/types.js';
import {OriginalDatabase, type OriginalEventRow} from '../store/original.js';
import type {ForumStore} from '../store/store.js';

/** Original events per BEGIN IMMEDIATE transaction: short enough not to hold the write lock long. */
export const DEFAULT_IMPORT_BATCH = 200;

/** How this project marks an answer post (the decision as a first-class record); the original's answers are free text. */
export const TEXT_ANSWER: AnswerMark = {kind: 'text', choice: null, approved: null, amends: null};

/** Why an original event was not imported. */
export type SkipReason =
	| 'unknown_event_type'
	| 'unsupported_event_version'
	| 'unreadable_time'
	| 'unreadable_payload'
	| 'unknown_state'
	| 'empty_assignee'
	| 'docs_sync_request'
	| 'thread_id_taken'
	| 'no_opened_event';

export type Conversion = {ok: true; events: ForumEvent[]} | {ok: false; reason: SkipReason};

export interface ImportSummary {
	source: string;
	target: string;
	/** Original events read in this run (after the checkpoint). */
	read: number;
	/** Events appended to this forum's log (a close becomes two). */
	imported: number;
	/** Original events left out, by reason. */
	skipped: Partial<Record<SkipReason, number>>;
	/** Threads opened by this run's events. */
	threads: number;
	batches: number;
	/** The original's sequence read up to (the checkpoint after this run). */
	checkpoint: number;
	/** True when the checkpoint was past the original's log (a replaced file) and the import restarted at 0. */
	restarted: boolean;
	/** Longest write transaction, in ms. */
	longestBatchMs: number;
	ms: number;
}

/** The checkpoint name for an original at `file`. */
export function importCheckpointName(file: string): string {
	return `import:${realPath(file)}`;
}

function realPath(file: string): string {
	try {
		return fs.realpathSync(file);
	} catch {
		return path.resolve(file);
	}
}

function member<T extends string>(list: readonly T[], value: unknown): T | undefined {
	return typeof value === 'string' && (list as readonly string[]).includes(value.trim().toLowerCase()) ? (value.trim().toLowerCase() as T) : undefined;
}

/** RFC 3339 with offset (`2026-02-08T18:35:18-08:00`) to this project's UTC ISO form, which sorts as text. */
export function importTime(value: string): string | undefined {
	const ms = Date.parse(value);
	return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function text(value: unknown): string {
	return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
}

/** '' is the original's "absent". */
function absent(value: unknown): string | null {
	const s = text(value);
	return s === '' ? null : s;
}

/**
 * One original event as this project's events (pure). `isAnswer`: the original follows this
 * post with a change to answered sharing its correlation id. `stateOf`: the thread's current
 * state, for a close whose payload lacks from_state.
 */
export function convertOriginalEvent(row: OriginalEventRow, context: {isAnswer: boolean; stateOf: (threadId: string) => ThreadState | undefined}): Conversion {
	if (Number(row.event_version) !== 1) return {ok: false, reason: 'unsupported_event_version'};
	const occurredAt = importTime(row.occurred_at);
	if (!occurredAt) return {ok: false, reason: 'unreadable_time'};
	let payload: Record<string, unknown>;
	try {
		const parsed: unknown = JSON.parse(row.payload_json || '{}');
		if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {ok: false, reason: 'unreadable_payload'};
		payload = parsed as Record<string, unknown>;
	} catch {
		return {ok: false, reason: 'unreadable_payload'};
	}
	const correlation = row.correlation_id || row.event_id;
	const envelope: EventEnvelope = {
		event_id: row.event_id,
		event_version: 1,
		occurred_at: occurredAt,
		thread_id: row.thread_id,
		run_id: absent(row.run_id),
		ticket: row.ticket,
		agent_name: row.agent_name,
		actor_type: member(ACTOR_TYPES, row.actor_type) ?? 'system',
		actor_name: row.actor_name,
		correlation_id: correlation,
		causation_id: row.causation_id || correlation,
		// Not a command dispatched here; the prefix says where the event came from.
		command_id: `import:${correlation}`,
	};
	const priority = (value: unknown): Priority => member(PRIORITIES, value) ?? 'normal';
	const one = (event: ForumEvent): Conversion => ({ok: true, events: [event]});
	switch (row.event_type) {
		case 'forum.thread.opened':
			return one({...envelope, event_type: 'forum.thread.opened', payload: {title: text(payload['title']), body: text(payload['body']), priority: priority(payload['priority'])}});
		case 'forum.post.added': {
			const body: PostAddedPayload = {body: text(payload['body'])};
			// The original's answer is a plain post; here the answer is marked as such.
			const marked: PostAddedPayload = context.isAnswer ? {...body, answer: {...TEXT_ANSWER}} : body;
			return one({...envelope, event_type: 'forum.post.added', payload: marked});
		}
		case 'forum.assigned': {
			const toName = text(payload['to_assignee_name']);
			if (toName === '') return {ok: false, reason: 'empty_assignee'};
			const fromName = absent(payload['from_assignee_name']);
			return one({
				...envelope,
				event_type: 'forum.assigned',
				payload: {
					from_assignee_type: fromName === null ? null : (member<ActorType>(ACTOR_TYPES, payload['from_assignee_type']) ?? 'system'),
					from_assignee_name: fromName,
					to_assignee_type: member(ACTOR_TYPES, payload['to_assignee_type']) ?? 'operator',
					to_assignee_name: toName,
					note: text(payload['note']),
				},
			});
		}
		case 'forum.state.changed': {
			const to = member(THREAD_STATES, payload['to_state']);
			const from = member(THREAD_STATES, payload['from_state']) ?? context.stateOf(row.thread_id);
			if (!to || !from) return {ok: false, reason: 'unknown_state'};
			return one({...envelope, event_type: 'forum.state.changed', payload: {from_state: from, to_state: to}});
		}
		case 'forum.thread.closed': {
			// The original closes with one event; this project with a state change then the close.
			const from = member(THREAD_STATES, payload['from_state']) ?? context.stateOf(row.thread_id);
			if (!from) return {ok: false, reason: 'unknown_state'};
			const closedId = `${row.event_id}:closed`;
			return {
				ok: true,
				events: [
					{...envelope, event_type: 'forum.state.changed', payload: {from_state: from, to_state: 'closed'}},
					{...envelope, event_id: closedId, causation_id: row.event_id, event_type: 'forum.thread.closed', payload: {}},
				],
			};
		}
		case 'forum.priority.changed':
			return one({...envelope, event_type: 'forum.priority.changed', payload: {from: priority(payload['from_priority'] ?? payload['from']), to: priority(payload['to_priority'] ?? payload['to'])}});
		case 'forum.integration.docs_sync.requested':
			// Requests the original's docs-sync already served: imported, this docs-sync would write them again.
			return {ok: false, reason: 'docs_sync_request'};
		default:
			return {ok: false, reason: 'unknown_event_type'};
	}
}

export interface ImportOptions {
	batchSize?: number;
	now?: () => string;
	/** Called after each committed batch (progress). */
	onBatch?: (progress: {read: number; imported: number; checkpoint: number; last: number}) => void;
}

/**
 * Import the original at `from` (a path, or the opened original) into `store`; safe to re-run,
 * also while the original writes.
 */
export function importOriginal(store: ForumStore, from: string | OriginalDatabase, options: ImportOptions = {}): ImportSummary {
	const started = performance.now();
	const batchSize = options.batchSize ?? DEFAULT_IMPORT_BATCH;
	const now = options.now ?? (() => new Date().toISOString());
	const source = typeof from === 'string' ? new OriginalDatabase(from) : from;
	const consumer = importCheckpointName(source.file);
	const summary: ImportSummary = {
		source: realPath(source.file),
		target: path.resolve(store.file),
		read: 0,
		imported: 0,
		skipped: {},
		threads: 0,
		batches: 0,
		checkpoint: 0,
		restarted: false,
		longestBatchMs: 0,
		ms: 0,
	};
	try {
		let cursor = store.checkpoint(consumer);
		// A checkpoint past the original's log: the file was replaced; event ids keep a full re-read idempotent.
		if (cursor > 0 && !source.snapshot(() => source.hasSequence(cursor))) {
			cursor = 0;
			summary.restarted = true;
		}
		summary.checkpoint = cursor;
		// Threads whose original opened event is in this log: only those take the original's later events.
		const owned = new Map<string, boolean>();
		const states = new Map<string, ThreadState>();
		const stateOf = (threadId: string) => states.get(threadId) ?? store.loadThread(threadId)?.state;
		for (;;) {
			const {rows, events, last} = source.snapshot(() => {
				const rows = source.eventsAfter(cursor, batchSize);
				const events: ForumEvent[] = [];
				for (const row of rows) {
					const skip = (reason: SkipReason) => void (summary.skipped[reason] = (summary.skipped[reason] ?? 0) + 1);
					if (row.event_type === 'forum.thread.opened') {
						const mine = store.hasEvent(row.event_id) || (!owned.get(row.thread_id) && store.read(() => store.loadThread(row.thread_id)) === undefined);
						if (!mine) {
							owned.set(row.thread_id, false);
							skip('thread_id_taken');
							continue;
						}
						owned.set(row.thread_id, true);
					} else {
						let mine = owned.get(row.thread_id);
						if (mine === undefined) {
							const opened = source.openedEventId(row.thread_id);
							mine = opened !== undefined && store.hasEvent(opened);
							owned.set(row.thread_id, mine);
						}
						if (!mine) {
							skip(source.openedEventId(row.thread_id) === undefined ? 'no_opened_event' : 'thread_id_taken');
							continue;
						}
					}
					const isAnswer = row.event_type === 'forum.post.added' && source.isAnswer(row.correlation_id, row.sequence);
					const converted = convertOriginalEvent(row, {isAnswer, stateOf});
					if (!converted.ok) {
						skip(converted.reason);
						continue;
					}
					for (const event of converted.events) {
						if (event.event_type === 'forum.thread.opened') states.set(event.thread_id, 'new');
						if (event.event_type === 'forum.state.changed') states.set(event.thread_id, event.payload.to_state);
					}
					events.push(...converted.events);
				}
				return {rows, events, last: source.lastSequence()};
			});
			if (rows.length === 0) break;
			const next = rows.at(-1)!.sequence;
			const batchStarted = performance.now();
			const appended = store.appendImported(events, {consumer, sequence: next, at: now()});
			summary.longestBatchMs = Math.max(summary.longestBatchMs, performance.now() - batchStarted);
			summary.batches++;
			summary.read += rows.length;
			summary.imported += appended.length;
			summary.threads += appended.filter((event) => event.event_type === 'forum.thread.opened').length;
			summary.checkpoint = cursor = next;
			options.onBatch?.({read: summary.read, imported: summary.imported, checkpoint: next, last});
			if (rows.length < batchSize) break;
		}
	} finally {
		if (typeof from === 'string') source.close();
	}
	summary.ms = performance.now() - started;
	return summary;
}
