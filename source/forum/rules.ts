/**
 * The rulebook: transition table, decide, evolve, escalation. Pure functions of their
 * arguments; the service adds ids, clocks and storage around them.
 */
import type {
	Actor,
	Command,
	EventDraft,
	ForumEvent,
	Priority,
	Rejection,
	Thread,
	ThreadState,
} from './types.js';
import {answerFromPost, answerMark, decisionHeadline, questionFromPayload, questionToPayload, staleness} from './answers.js';
import {formatAge} from './age.js';
import {checkCommand} from './validate.js';

export const TRANSITIONS: Readonly<Record<ThreadState, readonly ThreadState[]>> = {
	new: ['triaged', 'waiting_operator', 'waiting_human', 'answered', 'closed'],
	triaged: ['waiting_operator', 'waiting_human', 'answered', 'closed'],
	waiting_operator: ['waiting_human', 'answered', 'triaged', 'closed'],
	waiting_human: ['waiting_operator', 'answered', 'triaged', 'closed'],
	answered: ['waiting_operator', 'waiting_human', 'closed'],
	closed: [],
};

export function canTransition(from: ThreadState, to: ThreadState): boolean {
	return TRANSITIONS[from].includes(to);
}

/** States a thread in `from` may be moved to by a state change: `answered` only comes from an answer. */
export function allowedTransitions(from: ThreadState): readonly ThreadState[] {
	return TRANSITIONS[from].filter((state) => state !== 'answered');
}

export const PRIORITY_RANK: Readonly<Record<Priority, number>> = {low: 0, normal: 1, high: 2, urgent: 3};

/** SLA settings the escalation rule needs; a slice of the policy. */
export interface SlaRule {
	escalationMinutes: number;
	/** Per-priority overrides of `escalationMinutes`. */
	byPriority?: Partial<Record<Priority, number>>;
}

/** What `decide` may know besides the thread and the command. */
export interface DecideContext {
	/** ISO time the command is decided at. */
	now: string;
	/** Emit `forum.integration.docs_sync.requested` on answer and close. */
	docsSync: boolean;
	sla: SlaRule;
	/** With `command.ifVersion`: the thread's events after that version, oldest first. */
	since?: readonly ForumEvent[];
}

export type Verdict = {ok: true; events: EventDraft[]} | {ok: false; rejection: Rejection};

const ESCALATING_STATES: readonly ThreadState[] = ['new', 'waiting_human'];

export function slaMinutesFor(priority: Priority, sla: SlaRule): number {
	return sla.byPriority?.[priority] ?? sla.escalationMinutes;
}

/** Whole minutes a thread has waited since its last update. */
export function waitedMinutes(thread: Pick<Thread, 'updatedAt'>, now: string): number {
	return Math.max(0, Math.floor((Date.parse(now) - Date.parse(thread.updatedAt)) / 60_000));
}

/**
 * DESIGN.md: a thread in `new` or `waiting_human` is escalated when its priority is
 * high/urgent or it has waited at least the SLA minutes since its last update.
 */
export function isEscalated(
	thread: Pick<Thread, 'state' | 'priority' | 'updatedAt'>,
	now: string,
	sla: SlaRule,
): boolean {
	if (!ESCALATING_STATES.includes(thread.state)) return false;
	if (thread.priority === 'high' || thread.priority === 'urgent') return true;
	const waitedMs = Date.parse(now) - Date.parse(thread.updatedAt);
	return waitedMs >= slaMinutesFor(thread.priority, sla) * 60_000;
}

/** Milliseconds past the SLA deadline (negative: time left). */
export function msPastSla(thread: Pick<Thread, 'priority' | 'updatedAt'>, now: string, sla: SlaRule): number {
	return Date.parse(now) - Date.parse(thread.updatedAt) - slaMinutesFor(thread.priority, sla) * 60_000;
}

/** Threads that need a human: the operator's queue. */
export function needsHuman(state: ThreadState): boolean {
	return state === 'new' || state === 'waiting_human';
}

function refuse(code: Rejection['code'], message: string): Verdict {
	return {ok: false, rejection: {code, message}};
}

function sameActor(a: Actor | null, b: Actor | null): boolean {
	return a !== null && b !== null && a.type === b.type && a.name === b.name;
}

function docsSyncDraft(thread: Thread, trigger: 'answered' | 'closed', now: string, postsCount: number): EventDraft {
	return {
		event_type: 'forum.integration.docs_sync.requested',
		payload: {
			trigger,
			thread_id: thread.id,
			title: thread.title,
			state: trigger,
			priority: thread.priority,
			posts_count: postsCount,
			updated_at: now,
			assignee: thread.assignee ? `${thread.assignee.type}:${thread.assignee.name}` : null,
		},
	};
}

function closeDrafts(thread: Thread, context: DecideContext): EventDraft[] {
	const drafts: EventDraft[] = [
		{event_type: 'forum.state.changed', payload: {from_state: thread.state, to_state: 'closed'}},
		{event_type: 'forum.thread.closed', payload: {}},
	];
	if (context.docsSync) drafts.push(docsSyncDraft(thread, 'closed', context.now, thread.postsCount));
	return drafts;
}

/**
 * Decide what a command does to a thread: the events to append, or why it is refused.
 * `thread` is undefined when no thread has the command's id.
 */
export function decide(thread: Thread | undefined, command: Command, context: DecideContext): Verdict {
	const invalid = checkCommand(command);
	if (invalid) return {ok: false, rejection: invalid};

	if (command.type === 'ask') {
		if (thread) return refuse('thread_exists', `thread ${thread.id} already exists; omit --thread-id to get a new id`);
		const question = questionToPayload(command.question);
		return {
			ok: true,
			events: [
				{
					event_type: 'forum.thread.opened',
					payload: {
						title: command.title,
						body: command.body,
						priority: command.priority,
						...(question ? {question} : {}),
						...(command.agentPane ? {agent_pane: command.agentPane} : {}),
					},
				},
			],
		};
	}

	if (!thread) {
		return refuse('unknown_thread', `no thread with id ${command.threadId}; see \`metawsm forum list\``);
	}
	if (command.ifVersion !== undefined) {
		const stale = staleness(thread, command.ifVersion, context.since ?? [], context.now);
		if (stale) return {ok: false, rejection: stale};
	}
	if (thread.state === 'closed') {
		return refuse('thread_closed', `thread ${thread.id} is closed; a closed thread takes no ${describe(command.type)}`);
	}

	switch (command.type) {
		case 'post': {
			const drafts: EventDraft[] = [{event_type: 'forum.post.added', payload: {body: command.body}}];
			// An agent speaking on an answered thread is a follow-up: it needs a human again.
			if (command.actor.type === 'agent' && thread.state === 'answered') {
				drafts.push({event_type: 'forum.state.changed', payload: {from_state: 'answered', to_state: 'waiting_human'}});
			}
			return {ok: true, events: drafts};
		}
		case 'answer': {
			const fit = answerMark(thread, command);
			if (!fit.ok) return fit;
			const mark = command.context ? {...fit.mark, context: command.context} : fit.mark;
			const current = thread.state === 'answered' ? thread.answer : null;
			if (command.amend) {
				if (!current) {
					return refuse('nothing_to_amend', `thread ${thread.id} has no current answer to amend (state ${thread.state}); answer it without amending`);
				}
				mark.amends = current.eventId;
			} else if (current) {
				const ago = formatAge(Date.parse(context.now) - Date.parse(current.at));
				return refuse(
					'already_answered',
					`thread ${thread.id} was already answered by ${current.author.type} ${current.author.name} ${ago} ago ("${decisionHeadline(current).slice(0, 60)}"); amend that answer to replace it`,
				);
			}
			const drafts: EventDraft[] = [{event_type: 'forum.post.added', payload: {body: command.body, answer: mark}}];
			if (thread.state !== 'answered') {
				if (!canTransition(thread.state, 'answered')) {
					return refuse('illegal_transition', `thread ${thread.id} cannot go from ${thread.state} to answered`);
				}
				drafts.push({event_type: 'forum.state.changed', payload: {from_state: thread.state, to_state: 'answered'}});
			}
			if (context.docsSync) drafts.push(docsSyncDraft({...thread, state: 'answered'}, 'answered', context.now, thread.postsCount + 1));
			return {ok: true, events: drafts};
		}
		case 'assign': {
			if (sameActor(thread.assignee, command.assignee)) return {ok: true, events: []};
			return {
				ok: true,
				events: [
					{
						event_type: 'forum.assigned',
						payload: {
							from_assignee_type: thread.assignee?.type ?? null,
							from_assignee_name: thread.assignee?.name ?? null,
							to_assignee_type: command.assignee.type,
							to_assignee_name: command.assignee.name,
							note: command.note,
						},
					},
				],
			};
		}
		case 'change_state': {
			if (command.state === thread.state) return {ok: true, events: []};
			if (command.state === 'answered') {
				return refuse('answer_required', `thread ${thread.id} becomes answered only through an answer, which records the decision the agent gets`);
			}
			if (!canTransition(thread.state, command.state)) {
				const allowed = allowedTransitions(thread.state).join(', ');
				return refuse(
					'illegal_transition',
					`thread ${thread.id} cannot go from ${thread.state} to ${command.state} (allowed: ${allowed})`,
				);
			}
			if (command.state === 'closed') return {ok: true, events: closeDrafts(thread, context)};
			return {
				ok: true,
				events: [{event_type: 'forum.state.changed', payload: {from_state: thread.state, to_state: command.state}}],
			};
		}
		case 'change_priority': {
			if (command.priority === thread.priority) return {ok: true, events: []};
			return {
				ok: true,
				events: [{event_type: 'forum.priority.changed', payload: {from: thread.priority, to: command.priority}}],
			};
		}
		case 'close':
			return {ok: true, events: closeDrafts(thread, context)};
		case 'request_escalation': {
			if (!isEscalated(thread, context.now, context.sla)) {
				return refuse('not_escalatable', `thread ${thread.id} is not past its SLA (state ${thread.state}, priority ${thread.priority})`);
			}
			if (thread.escalatedAt !== null) {
				return refuse('not_escalatable', `thread ${thread.id} was already escalated at ${thread.escalatedAt} in this state`);
			}
			return {
				ok: true,
				events: [
					{
						event_type: 'forum.sla.escalation_requested',
						payload: {state: thread.state, priority: thread.priority, waited_minutes: command.waitedMinutes},
					},
				],
			};
		}
	}
}

function describe(type: Command['type']): string {
	switch (type) {
		case 'post':
		case 'answer':
			return 'posts or answers';
		case 'assign':
			return 'assignments';
		case 'change_priority':
			return 'priority changes';
		case 'change_state':
		case 'close':
			return 'state changes';
		case 'request_escalation':
			return 'escalations';
		case 'ask':
			return 'asks';
	}
}

/** Apply one event to a thread. `thread.opened` creates it; others on a missing thread are ignored. */
export function evolve(thread: Thread | undefined, event: ForumEvent & {sequence?: number}): Thread | undefined {
	const at = event.occurred_at;
	const actor: Actor = {type: event.actor_type, name: event.actor_name};
	const sequence = event.sequence ?? (thread?.lastSequence ?? 0);
	if (event.event_type === 'forum.thread.opened') {
		return {
			id: event.thread_id,
			ticket: event.ticket,
			runId: event.run_id,
			agentName: event.agent_name,
			title: event.payload.title,
			body: event.payload.body,
			question: questionFromPayload(event.payload.question),
			answer: null,
			state: 'new',
			priority: event.payload.priority,
			assignee: null,
			postsCount: 0,
			createdBy: actor,
			createdAt: at,
			updatedAt: at,
			stateSince: at,
			stateChanges: 0,
			lastPostAt: null,
			lastPostBy: null,
			escalatedAt: null,
			closedAt: null,
			lastSequence: sequence,
		};
	}
	if (!thread) return undefined;
	const next: Thread = {...thread, lastSequence: sequence};
	switch (event.event_type) {
		case 'forum.post.added':
			next.postsCount += 1;
			next.lastPostAt = at;
			next.lastPostBy = actor;
			next.updatedAt = at;
			if (event.payload.answer) {
				next.answer = answerFromPost(
					event.payload.answer,
					{body: event.payload.body, author: actor, at, eventId: event.event_id, sequence},
					thread.answer,
				);
			}
			break;
		case 'forum.assigned':
			next.assignee = {type: event.payload.to_assignee_type, name: event.payload.to_assignee_name};
			next.updatedAt = at;
			break;
		case 'forum.state.changed':
			next.state = event.payload.to_state;
			next.stateSince = at;
			next.stateChanges += 1;
			next.escalatedAt = null;
			next.updatedAt = at;
			if (event.payload.to_state === 'closed') next.closedAt = at;
			// Waiting again (a follow-up, or moved back): the old answer no longer decides anything.
			else if (event.payload.to_state !== 'answered') next.answer = null;
			break;
		case 'forum.priority.changed':
			next.priority = event.payload.to;
			next.updatedAt = at;
			break;
		case 'forum.thread.closed':
			next.state = 'closed';
			next.closedAt = at;
			next.updatedAt = at;
			break;
		case 'forum.sla.escalation_requested':
			// A signal about the thread, not activity on it: the wait clock keeps running.
			next.escalatedAt = at;
			break;
		case 'forum.integration.docs_sync.requested':
			break;
	}
	return next;
}

/** Queue order: escalated first, then priority (urgent first), then longest waiting. */
export function compareQueue(a: Thread, b: Thread, now: string, sla: SlaRule): number {
	const escalated = Number(isEscalated(b, now, sla)) - Number(isEscalated(a, now, sla));
	if (escalated !== 0) return escalated;
	const priority = PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority];
	if (priority !== 0) return priority;
	if (a.updatedAt !== b.updatedAt) return a.updatedAt < b.updatedAt ? -1 : 1;
	return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The SLA episode a thread is in: escalation command ids include it so each breach fires once. */
export function slaCommandId(thread: Pick<Thread, 'id' | 'stateChanges'>): string {
	return `sla:${thread.id}:${thread.stateChanges}`;
}

/** An agent spoke last: the question, or a follow-up after the last human or operator post. */
export function isUnanswered(thread: Pick<Thread, 'lastPostBy' | 'state'>): boolean {
	if (thread.state === 'closed') return false;
	return thread.lastPostBy === null || thread.lastPostBy.type === 'agent' || thread.lastPostBy.type === 'system';
}

/** The thread has events the viewer has not seen. */
export function isUnseen(thread: Pick<Thread, 'lastSequence'>, seenSequence: number | undefined): boolean {
	return thread.lastSequence > (seenSequence ?? 0);
}
