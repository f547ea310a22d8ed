import {describe, expect, it} from 'vitest';
import {buildQueue, nextNeedingHuman, type QueueInput} from '../../source/dash/queue-model.js';
import type {Thread} from '../../source/forum/types.js';
import {makeThread, T0} from '../helpers/threads.js';

const NOW = '2026-11-25T12:20:00.000Z';
const base = (threads: Thread[], extra: Partial<QueueInput> = {}): QueueInput => ({threads, seen: new Map(), me: 'ops', now: NOW, sla: {escalationMinutes: 30}, filter: '', ...extra});
const at = (minutesAfterT0: number) => new Date(Date.parse(T0) + minutesAfterT0 * 60_000).toISOString();
const ids = (entries: {thread: Thread}[]) => entries.map((e) => e.thread.id);

describe('queue order', () => {
	it('puts escalated threads first, then higher priority, then the longest waiting', () => {
		const threads = [
			makeThread({id: 'normal-new', waitingSince: at(10)}),
			makeThread({id: 'normal-old', waitingSince: at(5)}),
			makeThread({id: 'low', priority: 'low', waitingSince: at(1)}),
			makeThread({id: 'urgent', priority: 'urgent', waitingSince: at(15)}),
			// Updated a minute ago (assigned), waiting for 30: the wait decides.
			makeThread({id: 'sla-breach', priority: 'low', waitingSince: at(-30), updatedAt: at(14)}),
		];
		const queue = buildQueue(base(threads));
		expect(ids(queue.sections.needs_human)).toEqual(['urgent', 'sla-breach', 'normal-old', 'normal-new', 'low']);
		expect(queue.escalations).toBe(2);
	});

	it('knows when the next thread crosses its SLA', () => {
		const queue = buildQueue(base([makeThread({id: 'a', waitingSince: at(5), updatedAt: at(14)})]));
		expect(queue.nextEscalationAt).toBe(Date.parse(at(35)));
	});
});

describe('sections', () => {
	it('sort threads by state into Needs human, Waiting op, Answered, All open and Closed', () => {
		const threads = (['new', 'triaged', 'waiting_operator', 'waiting_human', 'answered', 'closed'] as const).map((state) => makeThread({id: state, state}));
		const {sections, stateCounts} = buildQueue(base(threads));
		expect(ids(sections.needs_human).sort()).toEqual(['new', 'waiting_human']);
		expect(ids(sections.waiting_operator)).toEqual(['waiting_operator']);
		expect(ids(sections.answered)).toEqual(['answered']);
		expect(ids(sections.open).sort()).toEqual(['answered', 'new', 'triaged', 'waiting_human', 'waiting_operator']);
		expect(ids(sections.closed)).toEqual(['closed']);
		expect(stateCounts.closed).toBe(1);
	});

	it('Needs me holds threads assigned to me, not answered or closed, that are unseen or still unanswered', () => {
		const me = {type: 'operator' as const, name: 'ops'};
		const threads = [
			makeThread({id: 'mine', assignee: me, lastSequence: 5}),
			// Seen (assigning it to myself marks it seen) but the agent still waits: it needs me.
			makeThread({id: 'mine-seen', assignee: me, lastSequence: 5}),
			// I replied and saw everything since: nothing to do.
			makeThread({id: 'mine-replied-seen', assignee: me, lastSequence: 5, lastPostBy: me, state: 'waiting_operator'}),
			// I replied, then something happened I have not seen.
			makeThread({id: 'mine-replied-unseen', assignee: me, lastSequence: 6, lastPostBy: me, state: 'waiting_operator'}),
			makeThread({id: 'mine-closed', assignee: me, lastSequence: 5, state: 'closed'}),
			makeThread({id: 'mine-answered', assignee: me, lastSequence: 6, lastPostBy: me, state: 'answered'}),
			makeThread({id: 'theirs', assignee: {type: 'operator', name: 'lead'}, lastSequence: 5}),
		];
		const seen = new Map([['mine-seen', 5], ['mine-replied-seen', 5], ['mine-replied-unseen', 5], ['mine-closed', 5]]);
		const {sections} = buildQueue(base(threads, {seen}));
		expect(ids(sections.needs_me).sort()).toEqual(['mine', 'mine-replied-unseen', 'mine-seen']);
	});

	it('the filter matches title, body, ticket and agent, ignoring case', () => {
		const threads = [
			makeThread({id: 'title', title: 'Drop the DATABASE?'}),
			makeThread({id: 'body', body: 'the database is big'}),
			makeThread({id: 'ticket', ticket: 'DB-DATABASE-1'}),
			makeThread({id: 'agent', agentName: 'database-bot'}),
			makeThread({id: 'none', title: 'icons'}),
		];
		const {sections} = buildQueue(base(threads, {filter: ' Database '}));
		expect(ids(sections.open).sort()).toEqual(['agent', 'body', 'ticket', 'title']);
	});
});

describe('after an action', () => {
	it('selects the next thread below that still needs a human', () => {
		const after = buildQueue(base([makeThread({id: 'b', updatedAt: at(1)}), makeThread({id: 'c', updatedAt: at(2)})])).sections.needs_human;
		expect(nextNeedingHuman(['a', 'b', 'c'], 'a', after)).toBe('b');
		expect(nextNeedingHuman(['a', 'b', 'c'], 'b', after)).toBe('c');
	});

	it('falls back to the first thread needing a human when none is below', () => {
		const after = buildQueue(base([makeThread({id: 'a'})])).sections.needs_human;
		expect(nextNeedingHuman(['a', 'z'], 'z', after)).toBe('a');
	});
});
