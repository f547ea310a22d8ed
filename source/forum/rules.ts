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
import {answerFromPost, answerMark, decisionHeadline, questionFromPayload, questionToPayload, reusedAnswer, staleness} from './answers.js';
import {formatAge} from './age.js';
import {isSnoozed, SNOOZABLE_STATES} from './snooze.js';
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
	/** With an answer's `reuses`: the earlier thread as it is now (undefined when there is none). */
	reused?: Thread;
}

export type Verdict = {ok: true; events: EventDraft[]} | {ok: false; rejection: Rejection};

const ESCALATING_STATES: readonly ThreadState[] = ['new', 'waiting_human'];

export function slaMinutesFor(priority: Priority, sla: SlaRule): number {
	return sla.byPriority?.[priority] ?? sla.escalationMinutes;
}

/**
 * The agent is blocked on the thread: it is open and not answered. (In `triaged` and
 * `waiting_operator` the agent still waits; only `new` and `waiting_human` escalate.)
 */
export function isAgentWaiting(state: ThreadState): boolean {
	return state !== 'answered' && state !== 'closed';
}

/**
 * The wait clock, as evolve keeps it: a thread starts waiting when it opens, and again when it
 * leaves `answered` for an open state (the agent's follow-up, or an operator moving it back).
 * Nothing else moves it: not an assignment, a priority change, a post (an agent's "any news?"
 * on a thread it already waits on included), a move between waiting states, nor an escalation.
 */
export function startsWait(from: ThreadState, to: ThreadState): boolean {
	return from === 'answered' && isAgentWaiting(to);
}

/** Milliseconds the agent has waited at `now` (since waitingSince); null when it is not waiting. */
export function waitedMs(thread: Pick<Thread, 'state' | 'waitingSince'>, now: string): number | null {
	if (!isAgentWaiting(thread.state)) return null;
	return Math.max(0, Date.parse(now) - Date.parse(thread.waitingSince));
}

/** Whole minutes since the agent started waiting (the current or, for an answered thread, the last wait). */
export function waitedMinutes(thread: Pick<Thread, 'waitingSince'>, now: string): number {
	return Math.max(0, Math.floor((Date.parse(now) - Date.parse(thread.waitingSince)) / 60_000));
}

/**
 * DESIGN.md: a thread in `new` or `waiting_human` is escalated when its priority is
 * high/urgent or the agent has waited at least the SLA minutes (counted from waitingSince,
 * not the last update: assigning a thread or changing its priority does not hide a breach).
 * Not while it is snoozed: the operator chose to look later. Its clock keeps running, so a
 * snooze that ends past the SLA escalates at once.
 */
export function isEscalated(
	thread: Pick<Thread, 'state' | 'priority' | 'waitingSince'> & Partial<Pick<Thread, 'snoozedUntil'>>,
	now: string,
	sla: SlaRule,
): boolean {
	if (!ESCALATING_STATES.includes(thread.state)) return false;
	if (thread.snoozedUntil && isSnoozed({snoozedUntil: thread.snoozedUntil}, now)) return false;
	if (ESCALATING_PRIORITIES.includes(thread.priority)) return true;
	const waited = Date.parse(now) - Date.parse(thread.waitingSince);
	return waited >= slaMinutesFor(thread.priority, sla) * 60_000;
}

/** Milliseconds past the SLA deadline (negative: time left). */
export function msPastSla(thread: Pick<Thread, 'priority' | 'waitingSince'>, now: string, sla: SlaRule): number {
	return Date.parse(now) - Date.parse(thread.waitingSince) - slaMinutesFor(thread.priority, sla) * 60_000;
}

/**
 * What one blocked minute of each priority costs in the blocked-cost order: each step up
 * doubles it, so an urgent question blocked 10 minutes (80) outranks a normal one blocked 30 (60).
 */
export const PRIORITY_WEIGHT: Readonly<Record<Priority, number>> = {low: 1, normal: 2, high: 4, urgent: 8};

/** Minutes the agent has been blocked × its priority's weight; 0 when it is not waiting. */
export function blockedCost(thread: Pick<Thread, 'state' | 'priority' | 'waitingSince'>, now: string): number {
	const waited = waitedMs(thread, now);
	return waited === null ? 0 : (waited / 60_000) * (PRIORITY_WEIGHT[thread.priority] ?? 1);
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
			let given = command;
			let reuses: {thread_id: string; post_id: string} | undefined;
			if (command.reuses) {
				const reuse = reusedAnswer(thread, context.reused, command.reuses.threadId, command.reuses.postId);
				if (!reuse.ok) return reuse;
				reuses = reuse.reuses;
				given = {...command, ...reuse.fields, body: command.body.trim() === '' ? reuse.fields.body : command.body};
			}
			const fit = answerMark(thread, given);
			if (!fit.ok) return fit;
			const mark = {...fit.mark, ...(command.context ? {context: command.context} : {}), ...(reuses ? {reuses} : {})};
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
			const drafts: EventDraft[] = [{event_type: 'forum.post.added', payload: {body: given.body, answer: mark}}];
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
		case 'snooze': {
			const snoozed = isSnoozed(thread, context.now);
			if (command.until === null) {
				if (!snoozed) return {ok: true, events: []};
				return {ok: true, events: [{event_type: 'forum.thread.snoozed', payload: {until: null, note: command.note}}]};
			}
			if (!SNOOZABLE_STATES.includes(thread.state)) {
				return refuse('not_snoozable', `thread ${thread.id} is ${thread.state}; only an open question waiting for a decision (${SNOOZABLE_STATES.join(', ')}) can be snoozed`);
			}
			if (Date.parse(command.until) <= Date.parse(context.now)) {
				return refuse('invalid_input', `snooze until ${command.until.slice(0, 40)} is not after now (${context.now}); give a later time`);
			}
			const until = new Date(Date.parse(command.until)).toISOString();
			if (snoozed && thread.snoozedUntil === until) return {ok: true, events: []};
			return {ok: true, events: [{event_type: 'forum.thread.snoozed', payload: {until, note: command.note}}]};
		}
		case 'request_escalation': {
			if (!isEscalated(thread, context.now, context.sla)) {
				return refuse('not_escalatable', `thread ${thread.id} is not past its SLA (state ${thread.state}, priority ${thread.priority})`);
			}
			if (thread.escalatedAt !== null) {
				return refuse('not_escalatable', `thread ${thread.id} was already escalated at ${thread.escalatedAt} in this wait (since ${thread.waitingSince})`);
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
		case 'snooze':
			return 'snoozes';
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
			waitingSince: at,
			stateChanges: 0,
			lastPostAt: null,
			lastPostBy: null,
			escalatedAt: null,
			closedAt: null,
			lastSequence: sequence,
			snoozedUntil: null,
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
			// The agent spoke: whatever it says, the operator should see it now.
			if (actor.type === 'agent') next.snoozedUntil = null;
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
			// One escalation per wait: a move between waiting states keeps the mark, a new wait clears it.
			if (startsWait(thread.state, event.payload.to_state)) {
				next.waitingSince = at;
				next.escalatedAt = null;
			}
			next.updatedAt = at;
			// Decided or closed: nothing is left to look at later.
			if (event.payload.to_state === 'answered' || event.payload.to_state === 'closed') next.snoozedUntil = null;
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
			next.snoozedUntil = null;
			break;
		case 'forum.thread.snoozed':
			// Not activity on the thread: the wait and SLA clocks keep running through a snooze.
			next.snoozedUntil = event.payload.until;
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

/**
 * The queue order as data: escalated first, then priority (urgent first), then longest waiting
 * (oldest waitingSince), then id. The JS comparator below and the store's SQL ORDER BY are both
 * built from this list.
 */
export const QUEUE_ORDER = [
	{key: 'escalated', descending: true},
	{key: 'rank', descending: true},
	{key: 'waitingSince', descending: false},
	{key: 'id', descending: false},
] as const;

/** What a thread sorts by, computed once (10k threads sort on these, not on dates). */
export interface QueueKey {
	/** 1 when escalated at the time of sorting; 0 otherwise (or when the order leaves escalation out). */
	escalated: number;
	rank: number;
	/** ISO time (toISOString): compared as text, as SQL compares it. */
	waitingSince: string;
	id: string;
}

export function queueKey(thread: Thread, now: string, sla: SlaRule, options: {escalation?: boolean} = {}): QueueKey {
	const escalated = options.escalation !== false && isEscalated(thread, now, sla) ? 1 : 0;
	return {escalated, rank: PRIORITY_RANK[thread.priority], waitingSince: thread.waitingSince, id: thread.id};
}

export function compareQueueKeys(a: QueueKey, b: QueueKey): number {
	for (const {key, descending} of QUEUE_ORDER) {
		const x = a[key];
		const y = b[key];
		if (x !== y) return (x < y ? -1 : 1) * (descending ? -1 : 1);
	}
	return 0;
}

/** Queue order of two threads (see QUEUE_ORDER). */
export function compareQueue(a: Thread, b: Thread, now: string, sla: SlaRule): number {
	return compareQueueKeys(queueKey(a, now, sla), queueKey(b, now, sla));
}

/**
 * The instant before which a waiting thread of `priority` has passed its SLA (ISO): a thread is
 * escalated when its `waitingSince` is at or before it. Lets SQL decide escalation as isEscalated does.
 */
export function slaCutoff(priority: Priority, now: string, sla: SlaRule): string {
	return new Date(Date.parse(now) - slaMinutesFor(priority, sla) * 60_000).toISOString();
}

/** Every priority's cutoff at `now` (see slaCutoff). */
export function slaCutoffs(now: string, sla: SlaRule): Record<Priority, string> {
	return {low: slaCutoff('low', now, sla), normal: slaCutoff('normal', now, sla), high: slaCutoff('high', now, sla), urgent: slaCutoff('urgent', now, sla)};
}

/**
 * isEscalated, judged against precomputed cutoffs by comparing ISO text (as the SQL order does):
 * no dates parsed per thread. `now` (ISO) judges the snooze, as isEscalated does.
 */
export function isEscalatedBy(thread: Pick<Thread, 'state' | 'priority' | 'waitingSince'> & Partial<Pick<Thread, 'snoozedUntil'>>, cutoffs: Record<Priority, string>, now?: string): boolean {
	if (!ESCALATING_STATES.includes(thread.state)) return false;
	if (now !== undefined && thread.snoozedUntil && thread.snoozedUntil > now) return false;
	return ESCALATING_PRIORITIES.includes(thread.priority) || thread.waitingSince <= cutoffs[thread.priority];
}

/** States in which a thread can escalate. */
export const ESCALATING: readonly ThreadState[] = ESCALATING_STATES;
/** Priorities that escalate at once. */
export const ESCALATING_PRIORITIES: readonly Priority[] = ['high', 'urgent'];

/**
 * The escalation command id for the thread as it is: concurrent SLA passes send the same one, so
 * only one lands. It names the state (every new wait starts with a state change, so no two waits
 * share one); a second escalation in the same wait after a move between states gets a new id but
 * is refused by the rule (escalatedAt is kept for the whole wait): one escalation per wait.
 */
export function slaCommandId(thread: Pick<Thread, 'id' | 'stateChanges'>): string {
	return `sla:${thread.id}:${thread.stateChanges}`;
}

/** Names one wait of one thread (the bell rings once per escalated wait). */
export function waitKey(thread: Pick<Thread, 'id' | 'waitingSince'>): string {
	return `${thread.id}:${thread.waitingSince}`;
}

/** Assigned to `me` as an operator or human (an agent of that name is someone else). */
export function isAssignedTo(thread: Pick<Thread, 'assignee'>, me: string): boolean {
	return thread.assignee !== null && thread.assignee.type !== 'agent' && thread.assignee.name === me;
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
