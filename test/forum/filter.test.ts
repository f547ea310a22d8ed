/** The thread filter (forum/filter.ts): what each term means, and what it refuses. */
import {describe, expect, it} from 'vitest';
import {MAX_FILTER_CHARS, matchesQuery, parseFilter, prioritiesMatching, type ThreadQuery} from '../../source/forum/filter.js';
import type {Thread} from '../../source/forum/types.js';
import {makeThread} from '../helpers/threads.js';

function query(text: string): ThreadQuery {
	const parsed = parseFilter(text);
	if (!parsed.ok) throw new Error(parsed.error.message);
	return parsed.query;
}

function error(text: string): {field?: string; message: string} {
	const parsed = parseFilter(text);
	if (parsed.ok) throw new Error(`${text} parsed`);
	return parsed.error;
}

const facts = {me: 'ops', escalated: (thread: Thread) => thread.priority === 'urgent'};
const matches = (text: string, overrides: Partial<Thread>) => matchesQuery(makeThread(overrides), query(text), facts);

describe('parsing', () => {
	const table: [string, Partial<ThreadQuery>][] = [
		['', {words: [], agents: []}],
		['agent:etl', {agents: ['etl']}],
		['Agent:ETL', {agents: ['etl']}],
		['ticket:OPS-', {tickets: ['ops-']}],
		['assignee:me', {assignees: [{kind: 'me'}]}],
		['assignee:none', {assignees: [{kind: 'none'}]}],
		['assignee:Al', {assignees: [{kind: 'prefix', prefix: 'al'}]}],
		['state:new', {states: ['new']}],
		['state:new,waiting_human', {states: ['new', 'waiting_human']}],
		['state:new,waiting_human state:waiting_human,answered', {states: ['waiting_human']}],
		['priority:high', {priorities: ['high']}],
		['priority:=high', {priorities: ['high']}],
		['priority:>=high', {priorities: ['high', 'urgent']}],
		['priority:<=normal', {priorities: ['low', 'normal']}],
		['priority:>normal', {priorities: ['high', 'urgent']}],
		['priority:<normal', {priorities: ['low']}],
		['priority:>urgent', {priorities: []}],
		['escalated:yes', {escalated: true}],
		['escalated:no', {escalated: false}],
		['Drop TABLE', {words: ['drop', 'table']}],
		['"drop table" legacy', {words: ['drop table', 'legacy']}],
		['"12:30"', {words: ['12:30']}],
		['12:30', {words: ['12:30']}],
		['agent:"night shift"', {agents: ['night shift']}],
		['"unclosed quote runs on', {words: ['unclosed quote runs on']}],
		['迁移 数据库 🚀', {words: ['迁移', '数据库', '🚀']}],
		['  agent:etl   \t drop  ', {agents: ['etl'], words: ['drop'], text: 'agent:etl   \t drop'}],
	];
	for (const [text, expected] of table) {
		it(`${JSON.stringify(text)} → ${JSON.stringify(expected)}`, () => {
			expect(query(text)).toMatchObject(expected);
		});
	}

	it('the priority operators are each a set of priorities', () => {
		expect(prioritiesMatching('>=', 'low')).toEqual(['low', 'normal', 'high', 'urgent']);
		expect(prioritiesMatching('<', 'low')).toEqual([]);
	});
});

describe('refusals name the field and what it takes', () => {
	const table: [string, string | undefined, RegExp][] = [
		['foo:bar', 'foo', /unknown field "foo"; fields: agent, ticket, assignee, state, priority, escalated .*double quotes/],
		['http://example.com', 'http', /unknown field "http"/],
		["priority:>=bogus", "priority", /priority: ">=bogus" is not a priority; priorities: low, normal, high, urgent, after =, >=, <=, > or </],
		['priority:', 'priority', /priority: needs a value, e\.g\. priority:>=high/],
		["priority:>=", "priority", /priority: ">=" is not a priority/],
		['priority:=>high', 'priority', /priority: "=>high" is not a priority/],
		['state:done', 'state', /state: "done" is not a state; states: new, triaged, waiting_operator, waiting_human, answered, closed/],
		['state:new,,closed', 'state', /state: "" is not a state/],
		['escalated:maybe', 'escalated', /escalated: "maybe" is not yes or no/],
		['agent:', 'agent', /agent: needs a value, e\.g\. agent:etl/],
		['agent:""', 'agent', /agent: needs a value/],
	];
	for (const [text, field, message] of table) {
		it(`${JSON.stringify(text)}`, () => {
			const problem = error(text);
			expect(problem.field).toBe(field);
			expect(problem.message).toMatch(message);
		});
	}

	it('a very long filter is refused with its length, not parsed', () => {
		const problem = error('a '.repeat(MAX_FILTER_CHARS));
		expect(problem.message).toBe(`the filter is ${MAX_FILTER_CHARS * 2 - 1} characters; at most ${MAX_FILTER_CHARS}`);
	});

	it('a filter at the limit parses, CJK and emoji counted as one character each', () => {
		expect(parseFilter('数'.repeat(MAX_FILTER_CHARS)).ok).toBe(true);
		expect(parseFilter('🚀'.repeat(MAX_FILTER_CHARS)).ok).toBe(true);
		expect(parseFilter('🚀'.repeat(MAX_FILTER_CHARS + 1)).ok).toBe(false);
	});

	it('a hostile value is quoted in the message, cut to 40 characters', () => {
		const problem = error(`priority:\u001b[2J${'x'.repeat(100)}`);
		expect(problem.message).toContain('"\\u001b[2Jxxx');
		expect(problem.message).not.toContain('\u001b');
		expect(problem.message).toContain('…"');
	});
});

describe('matching', () => {
	it('agent: and ticket: match the start of the name, ignoring ASCII case', () => {
		expect(matches('ticket:OPS-', {ticket: 'OPS-7'})).toBe(true);
		expect(matches('ticket:ops-', {ticket: 'OPS-7'})).toBe(true);
		expect(matches('ticket:PS-', {ticket: 'OPS-7'})).toBe(false);
		expect(matches('agent:etl', {agentName: 'etl-nightly'})).toBe(true);
		expect(matches('agent:etl', {agentName: 'old-etl'})).toBe(false);
	});

	it('assignee:me is the viewer as an operator or human, never an agent of that name', () => {
		expect(matches('assignee:me', {assignee: {type: 'operator', name: 'ops'}})).toBe(true);
		expect(matches('assignee:me', {assignee: {type: 'agent', name: 'ops'}})).toBe(false);
		expect(matches('assignee:me', {assignee: null})).toBe(false);
		expect(matches('assignee:none', {assignee: null})).toBe(true);
		expect(matches('assignee:al', {assignee: {type: 'human', name: 'alice'}})).toBe(true);
	});

	it('state:, priority: and escalated: test the thread', () => {
		expect(matches('state:new,answered', {state: 'answered'})).toBe(true);
		expect(matches('state:new', {state: 'triaged'})).toBe(false);
		expect(matches('priority:>=high', {priority: 'urgent'})).toBe(true);
		expect(matches('priority:>=high', {priority: 'normal'})).toBe(false);
		expect(matches('escalated:yes', {priority: 'urgent'})).toBe(true);
		expect(matches('escalated:no', {priority: 'urgent'})).toBe(false);
		expect(matches('escalated:yes escalated:no', {priority: 'urgent'})).toBe(false);
	});

	it('every word must appear in the title, body, ticket or agent, ignoring case (Unicode too)', () => {
		expect(matches('drop LEGACY', {title: 'May I drop legacy_users?'})).toBe(true);
		expect(matches('drop icons', {title: 'May I drop legacy_users?'})).toBe(false);
		expect(matches('"drop legacy"', {title: 'May I drop legacy_users?'})).toBe(true);
		expect(matches('ÉCOLE', {title: 'école'})).toBe(true);
		expect(matches('数据库', {body: '迁移数据库吗？'})).toBe(true);
		expect(matches('🚀', {title: 'ship 🚀 now'})).toBe(true);
		expect(matches('🚀', {title: 'ship now'})).toBe(false);
	});

	it('every term must hold', () => {
		const thread = {agentName: 'etl', priority: 'high' as const, title: 'Backfill?'};
		expect(matches('agent:etl priority:>=high backfill', thread)).toBe(true);
		expect(matches('agent:etl priority:>=high icons', thread)).toBe(false);
		expect(matches('agent:etl priority:urgent', thread)).toBe(false);
	});
});
