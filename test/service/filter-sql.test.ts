/** The filter in SQL (store.ts querySql) and in JS (filter.ts matchesQuery) pick the same threads. */
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {matchesQuery, parseFilter} from '../../source/forum/filter.js';
import {isEscalated} from '../../source/forum/rules.js';
import {PRIORITIES, type Actor} from '../../source/forum/types.js';
import {defaultPolicy} from '../../source/policy/policy.js';
import {ForumService} from '../../source/service/forum-service.js';
import {ForumStore} from '../../source/store/store.js';

const NOW = Date.parse('2026-11-25T12:00:00.000Z');
const NAMES = ['etl', 'ETL-night', 'builder', 'b_x', '100%', 'Émile'];
const TICKETS = ['OPS-7', 'ops-12', 'API-3', 'OPS_1', 'WEB-%'];
const ASSIGNEES = [null, 'ops', 'alice', 'Al%'];

const threadSpec = fc.record({
	agent: fc.constantFrom(...NAMES),
	ticket: fc.constantFrom(...TICKETS),
	priority: fc.constantFrom(...PRIORITIES),
	state: fc.constantFrom('new', 'triaged', 'waiting_human', 'answered', 'closed'),
	assignee: fc.constantFrom(...ASSIGNEES),
	assigneeType: fc.constantFrom<Actor['type']>('operator', 'agent'),
	minutesAgo: fc.integer({min: 0, max: 90}),
	title: fc.constantFrom('Drop the table?', 'Which icon set?', 'Backfill 数据库?'),
});

const term = fc.oneof(
	fc.constantFrom('agent:etl', 'agent:b_', 'agent:100%', 'agent:é', 'agent:É', 'agent:x'),
	fc.constantFrom('ticket:OPS-', 'ticket:ops_', 'ticket:WEB-%', 'ticket:api'),
	fc.constantFrom('assignee:me', 'assignee:none', 'assignee:al', 'assignee:Al%'),
	fc.constantFrom('state:new', 'state:new,waiting_human', 'state:closed', 'state:answered,triaged'),
	fc.constantFrom('priority:>=high', 'priority:<normal', 'priority:=urgent', 'priority:>low', 'priority:<=normal'),
	fc.constantFrom('escalated:yes', 'escalated:no'),
	fc.constantFrom('drop', 'ICON', '数据库', '"the table"'),
);

describe('the filter in SQL', () => {
	it('lists exactly the threads the JS matcher accepts, for any threads and filter', () => {
		fc.assert(
			fc.property(fc.array(threadSpec, {maxLength: 25}), fc.array(term, {maxLength: 4}), (specs, terms) => {
				let at = NOW;
				const policy = defaultPolicy();
				const service = new ForumService({db: ':memory:', policy, clock: () => new Date(at)});
				try {
					const ops: Actor = {type: 'operator', name: 'ops'};
					specs.forEach((spec, index) => {
						at = NOW - spec.minutesAgo * 60_000;
						const asked = service.dispatch({type: 'ask', ticket: spec.ticket, agentName: spec.agent, title: spec.title, body: 'b', priority: spec.priority, actor: {type: 'agent', name: spec.agent}, threadId: `t-${index}`});
						if (!asked.ok) throw new Error(asked.rejection.message);
						if (spec.assignee) service.dispatch({type: 'assign', threadId: asked.threadId, assignee: {type: spec.assigneeType, name: spec.assignee}, note: '', actor: ops});
						if (spec.state === 'answered') service.dispatch({type: 'answer', threadId: asked.threadId, body: 'ok', actor: ops});
						else if (spec.state !== 'new') service.dispatch({type: 'change_state', threadId: asked.threadId, state: spec.state, actor: ops});
					});
					at = NOW;
					const parsed = parseFilter(terms.join(' '));
					if (!parsed.ok) throw new Error(parsed.error.message);
					const now = service.now();
					const fromSql = service.listThreads({query: {query: parsed.query, me: 'ops', now, sla: service.sla}}).map((t) => t.id);
					const fromJs = service
						.listThreads({})
						.filter((t) => matchesQuery(t, parsed.query, {me: 'ops', escalated: (x) => isEscalated(x, now, service.sla)}))
						.map((t) => t.id);
					expect(fromSql).toEqual(fromJs);
				} finally {
					service.close();
				}
			}),
			{numRuns: 150},
		);
	});

	it('cuts the list after the free words, so --limit counts matching threads', () => {
		let tick = NOW;
		const service = new ForumService({db: ':memory:', clock: () => new Date((tick += 1000))});
		try {
			const agent: Actor = {type: 'agent', name: 'etl'};
			for (let i = 0; i < 6; i++) service.dispatch({type: 'ask', ticket: 'OPS-1', agentName: 'etl', title: i % 2 === 0 ? `drop ${i}` : `keep ${i}`, body: 'b', priority: 'normal', actor: agent});
			const parsed = parseFilter('agent:etl drop');
			if (!parsed.ok) throw new Error(parsed.error.message);
			const listed = service.listThreads({query: {query: parsed.query, me: 'ops', now: service.now(), sla: service.sla}, limit: 2});
			expect(listed.map((t) => t.title)).toEqual(['drop 0', 'drop 2']);
		} finally {
			service.close();
		}
	});
});

describe('list --filter stays an indexed query', () => {
	it('the plan searches the thread view by state (open states), never scans it', () => {
		const store = new ForumStore(':memory:');
		const service = new ForumService({db: ':memory:', store});
		try {
			const parsed = parseFilter('agent:etl ticket:OPS- assignee:me priority:>=high escalated:yes drop');
			if (!parsed.ok) throw new Error(parsed.error.message);
			const captured: string[] = [];
			const {db} = store;
			const prepare = db.prepare.bind(db);
			// Catch the SQL the store runs, then ask SQLite how it would run it.
			db.prepare = ((sql: string) => {
				if (sql.startsWith('SELECT') && sql.includes('forum_thread_views v')) captured.push(sql);
				return prepare(sql);
			}) as typeof db.prepare;
			service.listThreads({states: ['new', 'triaged', 'waiting_operator', 'waiting_human', 'answered'], query: {query: parsed.query, me: 'ops', now: service.now(), sla: service.sla}});
			db.prepare = prepare;
			expect(captured).toHaveLength(1);
			const params = (captured[0]!.match(/\?/g) ?? []).map(() => 'x');
			const plan = prepare(`EXPLAIN QUERY PLAN ${captured[0]}`).all(...params).map((row) => (row as {detail: string}).detail);
			expect(plan.join('\n')).toMatch(/SEARCH v USING INDEX forum_thread_views_by_(state|wait) \(state=\?/);
			expect(plan.join('\n')).not.toMatch(/SCAN v\b/);
		} finally {
			service.close();
		}
	});
});
