/**
 * Whether a stored event can be read: its type is known and its payload has that type's
 * fields. Extra fields are allowed (the original's events, and newer optional fields). Pure.
 */
import {ACTOR_TYPES, PRIORITIES, QUESTION_KINDS, THREAD_STATES} from './types.js';
import type {EventDraft, EventPayloads, EventType} from './types.js';

interface FieldShape {
	accepts(value: unknown): boolean;
	/** What the field must be, for the reason: "a string", "one of low, normal, high, urgent". */
	expected: string;
	/** The field may be absent (newer optional fields); when present it must fit. */
	optional?: boolean;
}

const text: FieldShape = {accepts: (value) => typeof value === 'string', expected: 'a string'};
const count: FieldShape = {accepts: (value) => typeof value === 'number' && Number.isFinite(value), expected: 'a number'};
const oneOf = (values: readonly string[]): FieldShape => ({
	accepts: (value) => typeof value === 'string' && values.includes(value),
	expected: `one of ${values.join(', ')}`,
});
const orNull = (shape: FieldShape): FieldShape => ({accepts: (value) => value === null || shape.accepts(value), expected: `${shape.expected} or null`});

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isStringOrNull = (value: unknown) => value === undefined || value === null || typeof value === 'string';

/** A choice or approval question (absent: free text). */
const question: FieldShape = {
	optional: true,
	accepts: (value) =>
		isRecord(value) &&
		(value['kind'] === 'approval' ||
			(value['kind'] === 'choice' && Array.isArray(value['choices']) && value['choices'].every((choice) => typeof choice === 'string'))),
	expected: 'a choice question {kind, choices} or an approval {kind}',
};

/** The mark that makes a post the thread's answer. */
const answerMark: FieldShape = {
	optional: true,
	accepts: (value) =>
		isRecord(value) &&
		(QUESTION_KINDS as readonly unknown[]).includes(value['kind']) &&
		(value['choice'] === undefined || value['choice'] === null || isRecord(value['choice'])) &&
		(value['approved'] === undefined || value['approved'] === null || typeof value['approved'] === 'boolean') &&
		isStringOrNull(value['amends']),
	expected: 'an answer mark {kind, choice, approved, amends}',
};

const priority = oneOf(PRIORITIES);
const state = oneOf(THREAD_STATES);
const actorType = oneOf(ACTOR_TYPES);

/** Every event type's fields; typed by EventPayloads, so a new required field must be listed here. */
const SHAPES: {[K in EventType]: {[F in keyof EventPayloads[K]]: FieldShape}} = {
	'forum.thread.opened': {title: text, body: text, priority, question},
	'forum.post.added': {body: text, answer: answerMark},
	'forum.assigned': {
		from_assignee_type: orNull(actorType),
		from_assignee_name: orNull(text),
		to_assignee_type: actorType,
		to_assignee_name: text,
		note: text,
	},
	'forum.state.changed': {from_state: state, to_state: state},
	'forum.priority.changed': {from: priority, to: priority},
	'forum.thread.closed': {},
	'forum.sla.escalation_requested': {state, priority, waited_minutes: count},
	'forum.thread.snoozed': {until: orNull({accepts: (value) => typeof value === 'string' && !Number.isNaN(Date.parse(value)), expected: 'a time'}), note: text},
	'forum.integration.docs_sync.requested': {
		trigger: oneOf(['answered', 'closed']),
		thread_id: text,
		title: text,
		state,
		priority,
		posts_count: count,
		updated_at: text,
		assignee: orNull(text),
	},
};

function isEventType(type: string): type is EventType {
	return Object.hasOwn(SHAPES, type);
}

/** Why `payload` cannot be an `eventType` event, or undefined when it can. */
export function eventShapeProblem(eventType: string, payload: unknown): string | undefined {
	if (!isEventType(eventType)) return 'unknown event type';
	if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return 'payload is not a JSON object';
	const fields = payload as Record<string, unknown>;
	for (const [name, shape] of Object.entries(SHAPES[eventType]) as [string, FieldShape][]) {
		if (!Object.hasOwn(fields, name)) {
			if (shape.optional) continue;
			return `payload has no ${name}`;
		}
		if (!shape.accepts(fields[name])) return `payload ${name} is not ${shape.expected}`;
	}
	return undefined;
}

/** The event, typed, when its type is known and its payload fits; else the reason it cannot be read. */
export function checkEventShape<T extends {event_type: string; payload: unknown}>(event: T): (Omit<T, 'event_type' | 'payload'> & EventDraft) | string {
	return eventShapeProblem(event.event_type, event.payload) ?? (event as Omit<T, 'event_type' | 'payload'> & EventDraft);
}

/** A stored event that cannot be read (skipped by every reader), and why. */
export interface BadEvent {
	sequence: number;
	/** As stored: may be unknown or hostile text. */
	eventType: string;
	reason: string;
}

/** One line naming a bad event: `skipped event #17 (forum.post.added): payload_json does not parse`. */
export function describeBadEvent(bad: BadEvent): string {
	return `skipped event #${bad.sequence} (${bad.eventType}): ${bad.reason}`;
}
