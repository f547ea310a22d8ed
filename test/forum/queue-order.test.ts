/** One queue order: the SQL ORDER BY, the rules' comparator and the dashboard's sections agree. */
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {buildQueue} from '../../source/dash/queue-model.js';
import {compareQueue, compareQueueKeys, queueKey} from '../../source/forum/rules.js';
import {PRIORITIES, type ThreadState} from '../../source/forum/types.js';
import {defaultPolicy} from '../../source/policy/policy.js';
import {ForumService} from '../../source/service/forum-service.js';

const NOW = Date.parse('2026-11-25T12:00:00.000Z');
const STATES: readonly ThreadState[] = ['new', 'triaged', 'waiting_operator', 'waiting_human', 'closed'];

const threadSpec = fc.record({
	priority: fc.constantFrom(...PRIORITIES),
	state: fc.constantFrom(...STATES),
	// Whole minutes around the SLA (30 min): ties in updated_at and threads just either side of it.
	minutesAgo: fc.integer({min: 0, max: 90}),
	// Ties on time are broken by id.
	id: fc.stringMatching(/^t-[a-z0-9]{1,4}$/),
});

function forumOf(specs: {priority: (typeof PRIORITIES)[number]; state: ThreadState; minutesAgo: number; id: string}[], sla = 30) {
	let at = NOW;
	const policy = defaultPolicy();
	policy.forum.sla.escalation_minutes = sla;
	const service = new ForumService({db: ':memory:', policy, clock: () => new Date(at)});
	const agent = {type: 'agent' as const, name: 'a'};
	const seen = new Set<string>();
	for (const spec of specs) {
		if (seen.has(spec.id)) continue;
		seen.add(spec.id);
		at = NOW - spec.minutesAgo * 60_000;
		service.dispatch({type: 'ask', threadId: spec.id, ticket: 'T', agentName: 'a', title: 't', body: 'b', priority: spec.priority, actor: agent});
		if (spec.state !== 'new') service.dispatch({type: 'change_state', threadId: spec.id, state: spec.state, actor: agent});
	}
	at = NOW;
	return service;
}

const ids = (threads: {id: string}[]) => threads.map((thread) => thread.id);

describe('the queue order', () => {
	it('the SQL order (escalated first) is the rules comparator order, for any threads', () => {
		fc.assert(
			fc.property(fc.array(threadSpec, {maxLength: 40}), fc.constantFrom(1, 30, 60), (specs, sla) => {
				const service = forumOf(specs, sla);
				try {
					const now = service.now();
					const fromSql = service.listThreads({escalatedFirst: true});
					const fromJs = [...fromSql].reverse().sort((a, b) => compareQueue(a, b, now, service.sla));
					expect(ids(fromSql)).toEqual(ids(fromJs));
				} finally {
					service.close();
				}
			}),
			{numRuns: 60},
		);
	});

	it('the dashboard sections keep the SQL order (Closed: the newest-first order its pages come in)', () => {
		fc.assert(
			fc.property(fc.array(threadSpec, {maxLength: 40}), (specs) => {
				const service = forumOf(specs);
				try {
					const now = service.now();
					const fromSql = service.listThreads({escalatedFirst: true});
					const queue = buildQueue({threads: [...fromSql].reverse(), seen: new Map(), me: 'ops', now, sla: service.sla, filter: ''});
					expect(ids(queue.sections.open.map((entry) => entry.thread))).toEqual(ids(fromSql.filter((thread) => thread.state !== 'closed')));
					// Closed is history, newest first: the order its pages come from the store in.
					expect(ids(queue.sections.closed.map((entry) => entry.thread))).toEqual(ids(service.listThreads({states: ['closed'], recent: true})));
				} finally {
					service.close();
				}
			}),
			{numRuns: 60},
		);
	});

	it('`list` (no escalation key) is the same comparator without its first key', () => {
		fc.assert(
			fc.property(fc.array(threadSpec, {maxLength: 40}), (specs) => {
				const service = forumOf(specs);
				try {
					const now = service.now();
					const fromSql = service.listThreads({});
					const fromJs = [...fromSql].reverse().sort((a, b) => compareQueueKeys(queueKey(a, now, service.sla, {escalation: false}), queueKey(b, now, service.sla, {escalation: false})));
					expect(ids(fromSql)).toEqual(ids(fromJs));
				} finally {
					service.close();
				}
			}),
			{numRuns: 60},
		);
	});
});
