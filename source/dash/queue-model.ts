/**
 * The queue as data: which threads are in which section, in what order. Pure and cheap
 * enough to rebuild on every change with 10k threads (one pass, numeric sort keys).
 */
import {EVERYTHING, isEverything, matchesQuery, parseFilter, type ThreadQuery} from '../forum/filter.js';
import {blockedCost, compareQueueKeys, isAssignedTo, isEscalatedBy, isUnanswered, isUnseen, needsHuman, PRIORITY_RANK, slaCutoffs, slaMinutesFor, waitKey, type QueueKey, type SlaRule} from '../forum/rules.js';
import {PRIORITIES, THREAD_STATES, type Priority, type Thread, type ThreadState} from '../forum/types.js';

export type SectionId = 'needs_human' | 'needs_me' | 'waiting_operator' | 'answered' | 'open' | 'closed' | 'snoozed';

export interface Section {
	id: SectionId;
	label: string;
	/** Whether a thread belongs here; `mine` is `needsMe` for the viewer and `snoozed` isSnoozed now, computed once per thread. */
	includes(thread: Thread, mine: boolean, snoozed: boolean): boolean;
}

/** Sections in tab order; number keys 1..n select them. Snoozed threads leave Needs human and Needs me for Snoozed. */
export const SECTIONS: readonly Section[] = [
	{id: 'needs_human', label: 'Needs human', includes: (t, _mine, snoozed) => needsHuman(t.state) && !snoozed},
	{id: 'needs_me', label: 'Needs me', includes: (_t, mine, snoozed) => mine && !snoozed},
	{id: 'waiting_operator', label: 'Waiting op', includes: (t) => t.state === 'waiting_operator'},
	{id: 'answered', label: 'Answered', includes: (t) => t.state === 'answered'},
	{id: 'open', label: 'All open', includes: (t) => t.state !== 'closed'},
	{id: 'closed', label: 'Closed', includes: (t) => t.state === 'closed'},
	{id: 'snoozed', label: 'Snoozed', includes: (_t, _mine, snoozed) => snoozed},
];

export type OrderId = 'default' | 'blocked' | 'newest' | 'updated';

/** The orders `o` cycles through, in that order, with the name the status line gives them. */
export const ORDERS: readonly {id: OrderId; label: string}[] = [
	{id: 'default', label: 'default'},
	{id: 'blocked', label: 'blocked cost'},
	{id: 'newest', label: 'newest'},
	{id: 'updated', label: 'recently updated'},
];

export function orderLabel(order: OrderId): string {
	return ORDERS.find((entry) => entry.id === order)?.label ?? order;
}

/** The next order after `order` (`o`). */
export function nextOrder(order: OrderId): OrderId {
	const index = ORDERS.findIndex((entry) => entry.id === order);
	return ORDERS[(index + 1) % ORDERS.length]!.id;
}

export interface QueueEntry {
	thread: Thread;
	escalated: boolean;
	unseen: boolean;
	/** Snoozed now (its snooze not yet past). */
	snoozed: boolean;
}

export interface QueueInput {
	threads: Iterable<Thread>;
	/** Last seen sequence per thread for this viewer. */
	seen: ReadonlyMap<string, number>;
	/** The viewer (operator) name: "assigned to me". */
	me: string;
	now: string;
	sla: SlaRule;
	/** A filter in forum/filter.ts syntax (an invalid one filters nothing: the caller shows why); empty for all. */
	filter: string;
	/**
	 * default: escalated, priority, longest waiting (QUEUE_ORDER); blocked: minutes blocked ×
	 * priority weight, highest first; newest: asked most recently first; updated: most recently updated first.
	 */
	order?: OrderId;
	/**
	 * Closed threads in the forum when `threads` holds only a page of them (the stats
	 * projection's count): the header and the Closed tab show it. Default: those in `threads`.
	 */
	closedCount?: number;
}

export interface Queue {
	/** Rows per section, filtered and in queue order. */
	sections: Record<SectionId, QueueEntry[]>;
	/** Threads per state, unfiltered (the header's counts). */
	stateCounts: Record<ThreadState, number>;
	/** Escalated threads, unfiltered. */
	escalations: number;
	/** One key per escalated wait (rules.ts waitKey), unfiltered: the bell rings for new ones. */
	escalationKeys: Set<string>;
	/** Escalated threads with no escalation event recorded yet: work for the SLA scheduler. */
	unrecordedEscalations: number;
	/** Epoch ms when the next thread crosses its SLA or wakes from a snooze; the queue must be rebuilt then. */
	nextEscalationAt: number;
	/** Threads snoozed now that would otherwise need a human, unfiltered: how many Needs human hides. */
	snoozedHidden: number;
	total: number;
}

let lastQuery: {text: string; query: ThreadQuery} = {text: '', query: EVERYTHING};

/** The filter text as a query (the last one kept: the queue is rebuilt often with the same filter). */
export function queryOf(filter: string): ThreadQuery {
	if (filter === lastQuery.text) return lastQuery.query;
	const parsed = parseFilter(filter);
	const query = parsed.ok ? parsed.query : EVERYTHING;
	lastQuery = {text: filter, query};
	return query;
}

export const isMine = isAssignedTo;

/**
 * "Needs me": assigned to me, not answered or closed, and unseen or still unanswered. Assigning a
 * thread to myself keeps it here (it is seen then, but the agent still waits).
 */
export function needsMe(thread: Thread, seenSequence: number | undefined, me: string): boolean {
	if (thread.state === 'closed' || thread.state === 'answered' || !isMine(thread, me)) return false;
	return isUnanswered(thread) || isUnseen(thread, seenSequence);
}

interface Keyed {
	entry: QueueEntry;
	key: QueueKey;
	mine: boolean;
	/** For the blocked-cost order. */
	cost: number;
}

const byId = (a: Keyed, b: Keyed) => (a.key.id < b.key.id ? -1 : a.key.id > b.key.id ? 1 : 0);
const descendingText = (x: string, y: string) => (x > y ? -1 : x < y ? 1 : 0);

const COMPARATORS: Record<OrderId, (a: Keyed, b: Keyed) => number> = {
	default: (a, b) => compareQueueKeys(a.key, b.key),
	blocked: (a, b) => b.cost - a.cost || compareQueueKeys(a.key, b.key),
	newest: (a, b) => descendingText(a.entry.thread.createdAt, b.entry.thread.createdAt) || byId(a, b),
	updated: (a, b) => descendingText(a.entry.thread.updatedAt, b.entry.thread.updatedAt) || byId(a, b),
};

/** Sections in queue order (QUEUE_ORDER, as the store's SQL sorts), with each thread's sort key computed once. */
export function buildQueue(input: QueueInput): Queue {
	const nowMs = Date.parse(input.now);
	const keyed: Keyed[] = [];
	const stateCounts = Object.fromEntries(THREAD_STATES.map((state) => [state, 0])) as Record<ThreadState, number>;
	const escalationKeys = new Set<string>();
	let nextEscalationAt = Number.POSITIVE_INFINITY;
	let unrecordedEscalations = 0;
	let snoozedHidden = 0;
	let total = 0;
	const cutoffs = slaCutoffs(input.now, input.sla);
	// The oldest wait of each priority among waiting threads not yet escalated: the next to cross.
	const oldest: Partial<Record<Priority, string>> = {};
	const query = queryOf(input.filter);
	const all = isEverything(query);
	const order = input.order ?? 'default';
	const facts = {me: input.me, escalated: (thread: Thread) => needsHuman(thread.state) && isEscalatedBy(thread, cutoffs)};
	for (const thread of input.threads) {
		total += 1;
		stateCounts[thread.state] += 1;
		// ISO text against ISO text, as the SQL does: no date parsed per thread.
		const snoozed = thread.snoozedUntil !== null && thread.snoozedUntil > input.now;
		if (snoozed) {
			const wakes = Date.parse(thread.snoozedUntil!);
			if (wakes < nextEscalationAt) nextEscalationAt = wakes;
		}
		const waiting = needsHuman(thread.state) && !snoozed;
		if (snoozed && needsHuman(thread.state)) snoozedHidden += 1;
		const escalated = waiting && isEscalatedBy(thread, cutoffs);
		if (escalated) {
			escalationKeys.add(waitKey(thread));
			if (thread.escalatedAt === null) unrecordedEscalations += 1;
		} else if (waiting) {
			const known = oldest[thread.priority];
			if (known === undefined || thread.waitingSince < known) oldest[thread.priority] = thread.waitingSince;
		}
		if (!all && !matchesQuery(thread, query, facts)) continue;
		const seen = input.seen.get(thread.id);
		keyed.push({
			entry: {thread, escalated, unseen: isUnseen(thread, seen), snoozed},
			key: {escalated: escalated ? 1 : 0, rank: PRIORITY_RANK[thread.priority], waitingSince: thread.waitingSince, id: thread.id},
			mine: needsMe(thread, seen, input.me),
			cost: order === 'blocked' ? blockedCost(thread, input.now) : 0,
		});
	}
	keyed.sort(COMPARATORS[order]);
	const sections = Object.fromEntries(SECTIONS.map((section) => [section.id, [] as QueueEntry[]])) as Record<SectionId, QueueEntry[]>;
	const lists = SECTIONS.map((section) => sections[section.id]);
	for (const {entry, mine} of keyed) {
		for (let i = 0; i < SECTIONS.length; i++) if (SECTIONS[i]!.includes(entry.thread, mine, entry.snoozed)) lists[i]!.push(entry);
	}
	// Closed is history, newest first: the order its pages come in (store: `recent`), so a page loaded on scroll goes below.
	sections.closed.sort((a, b) => (a.thread.updatedAt === b.thread.updatedAt ? (a.thread.id < b.thread.id ? 1 : -1) : a.thread.updatedAt < b.thread.updatedAt ? 1 : -1));
	if (input.closedCount !== undefined && input.closedCount > stateCounts.closed) {
		total += input.closedCount - stateCounts.closed;
		stateCounts.closed = input.closedCount;
	}
	for (const priority of PRIORITIES) {
		const since = oldest[priority];
		if (since === undefined) continue;
		const due = Date.parse(since) + slaMinutesFor(priority, input.sla) * 60_000;
		if (due < nextEscalationAt) nextEscalationAt = due;
	}
	// Past nowMs is possible when a due time is in the past but not yet escalated; never loop on it.
	if (nextEscalationAt <= nowMs) nextEscalationAt = nowMs + 1000;
	return {sections, stateCounts, escalations: escalationKeys.size, escalationKeys, unrecordedEscalations, nextEscalationAt, snoozedHidden, total};
}

/**
 * The thread to select after acting on `actedId`: the next one below it (in the order
 * before the action) that still needs a human, else the one now at the same position.
 */
export function nextNeedingHuman(before: readonly string[], actedId: string, after: readonly QueueEntry[]): string | undefined {
	const index = before.indexOf(actedId);
	const present = new Map(after.map((entry) => [entry.thread.id, entry.thread]));
	for (const id of before.slice(index + 1)) {
		const thread = present.get(id);
		if (thread && id !== actedId && needsHuman(thread.state)) return id;
	}
	const firstNeeding = after.find((entry) => entry.thread.id !== actedId && needsHuman(entry.thread.state));
	if (firstNeeding) return firstNeeding.thread.id;
	if (present.has(actedId)) return actedId;
	return after[Math.min(Math.max(index, 0), after.length - 1)]?.thread.id;
}

/**
 * What a section's tab counts: its rows under `filter` (that section's own). An unfiltered Closed
 * counts every closed thread (the stats projection), not only the pages loaded.
 */
export function tabCount(queue: Queue, id: SectionId, filter: string): number {
	const shown = queue.sections[id].length;
	return id === 'closed' && filter === '' ? Math.max(queue.stateCounts.closed, shown) : shown;
}
