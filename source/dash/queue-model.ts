/**
 * The queue as data: which threads are in which section, in what order. Pure and cheap
 * enough to rebuild on every change with 10k threads (one pass, numeric sort keys).
 */
import {compareQueueKeys, isEscalatedBy, isUnanswered, isUnseen, needsHuman, PRIORITY_RANK, slaCutoffs, slaMinutesFor, type QueueKey, type SlaRule} from '../forum/rules.js';
import {PRIORITIES, THREAD_STATES, type Priority, type Thread, type ThreadState} from '../forum/types.js';

export type SectionId = 'needs_human' | 'needs_me' | 'waiting_operator' | 'answered' | 'open' | 'closed';

export interface Section {
	id: SectionId;
	label: string;
	/** Whether a thread belongs here; `mine` is `needsMe` for the viewer, computed once per thread. */
	includes(thread: Thread, mine: boolean): boolean;
}

/** Sections in tab order; number keys 1..n select them. */
export const SECTIONS: readonly Section[] = [
	{id: 'needs_human', label: 'Needs human', includes: (t) => needsHuman(t.state)},
	{id: 'needs_me', label: 'Needs me', includes: (_t, mine) => mine},
	{id: 'waiting_operator', label: 'Waiting op', includes: (t) => t.state === 'waiting_operator'},
	{id: 'answered', label: 'Answered', includes: (t) => t.state === 'answered'},
	{id: 'open', label: 'All open', includes: (t) => t.state !== 'closed'},
	{id: 'closed', label: 'Closed', includes: (t) => t.state === 'closed'},
];

export interface QueueEntry {
	thread: Thread;
	escalated: boolean;
	unseen: boolean;
}

export interface QueueInput {
	threads: Iterable<Thread>;
	/** Last seen sequence per thread for this viewer. */
	seen: ReadonlyMap<string, number>;
	/** The viewer (operator) name: "assigned to me". */
	me: string;
	now: string;
	sla: SlaRule;
	/** Case-insensitive text over title, body, ticket and agent; empty for all. */
	filter: string;
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
	/** One key per escalation episode (`id:stateChanges`), unfiltered: the bell rings for new ones. */
	escalationKeys: Set<string>;
	/** Escalated threads with no escalation event recorded yet: work for the SLA scheduler. */
	unrecordedEscalations: number;
	/** Epoch ms when the next thread crosses its SLA; the queue must be rebuilt then. */
	nextEscalationAt: number;
	total: number;
}

const haystacks = new WeakMap<Thread, string>();

function haystack(thread: Thread): string {
	let text = haystacks.get(thread);
	if (text === undefined) {
		text = `${thread.title}\n${thread.body}\n${thread.ticket}\n${thread.agentName}`.toLowerCase();
		haystacks.set(thread, text);
	}
	return text;
}

export function matchesFilter(thread: Thread, filter: string): boolean {
	const needle = filter.trim().toLowerCase();
	return needle === '' || haystack(thread).includes(needle);
}

export function isMine(thread: Thread, me: string): boolean {
	return thread.assignee !== null && thread.assignee.type !== 'agent' && thread.assignee.name === me;
}

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
}

/** Sections in queue order (QUEUE_ORDER, as the store's SQL sorts), with each thread's sort key computed once. */
export function buildQueue(input: QueueInput): Queue {
	const nowMs = Date.parse(input.now);
	const keyed: Keyed[] = [];
	const stateCounts = Object.fromEntries(THREAD_STATES.map((state) => [state, 0])) as Record<ThreadState, number>;
	const escalationKeys = new Set<string>();
	let nextEscalationAt = Number.POSITIVE_INFINITY;
	let unrecordedEscalations = 0;
	let total = 0;
	const cutoffs = slaCutoffs(input.now, input.sla);
	// The oldest update of each priority among waiting threads not yet escalated: the next to cross.
	const oldest: Partial<Record<Priority, string>> = {};
	for (const thread of input.threads) {
		total += 1;
		stateCounts[thread.state] += 1;
		const waiting = needsHuman(thread.state);
		const escalated = waiting && isEscalatedBy(thread, cutoffs);
		if (escalated) {
			escalationKeys.add(`${thread.id}:${thread.stateChanges}`);
			if (thread.escalatedAt === null) unrecordedEscalations += 1;
		} else if (waiting) {
			const known = oldest[thread.priority];
			if (known === undefined || thread.updatedAt < known) oldest[thread.priority] = thread.updatedAt;
		}
		if (!matchesFilter(thread, input.filter)) continue;
		const seen = input.seen.get(thread.id);
		keyed.push({
			entry: {thread, escalated, unseen: isUnseen(thread, seen)},
			key: {escalated: escalated ? 1 : 0, rank: PRIORITY_RANK[thread.priority], updatedAt: thread.updatedAt, id: thread.id},
			mine: needsMe(thread, seen, input.me),
		});
	}
	keyed.sort((a, b) => compareQueueKeys(a.key, b.key));
	const sections = Object.fromEntries(SECTIONS.map((section) => [section.id, [] as QueueEntry[]])) as Record<SectionId, QueueEntry[]>;
	const lists = SECTIONS.map((section) => sections[section.id]);
	for (const {entry, mine} of keyed) {
		for (let i = 0; i < SECTIONS.length; i++) if (SECTIONS[i]!.includes(entry.thread, mine)) lists[i]!.push(entry);
	}
	// Closed is history, newest first: the order its pages come in (store: `recent`), so a page loaded on scroll goes below.
	sections.closed.sort((a, b) => (a.thread.updatedAt === b.thread.updatedAt ? (a.thread.id < b.thread.id ? 1 : -1) : a.thread.updatedAt < b.thread.updatedAt ? 1 : -1));
	if (input.closedCount !== undefined && input.closedCount > stateCounts.closed) {
		total += input.closedCount - stateCounts.closed;
		stateCounts.closed = input.closedCount;
	}
	for (const priority of PRIORITIES) {
		const updatedAt = oldest[priority];
		if (updatedAt === undefined) continue;
		const due = Date.parse(updatedAt) + slaMinutesFor(priority, input.sla) * 60_000;
		if (due < nextEscalationAt) nextEscalationAt = due;
	}
	// Past nowMs is possible when a due time is in the past but not yet escalated; never loop on it.
	if (nextEscalationAt <= nowMs) nextEscalationAt = nowMs + 1000;
	return {sections, stateCounts, escalations: escalationKeys.size, escalationKeys, unrecordedEscalations, nextEscalationAt, total};
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
