/**
 * The thread filter: one parser for the dashboard's `/` and `metawsm forum list --filter`.
 *
 *   agent:etl ticket:OPS- assignee:me state:new,waiting_human priority:>=high escalated:yes drop "two words"
 *
 * Every term must hold. `field:value` terms:
 * - `agent:` `ticket:` `assignee:` match the start of the name, ignoring ASCII case
 *   (`ticket:OPS-` matches OPS-7); `assignee:me` is the viewer, `assignee:none` unassigned;
 * - `state:` one state or several with commas (any of them);
 * - `priority:` a priority, optionally after `=`, `>=`, `<=`, `>` or `<` (urgent > high > normal > low);
 * - `escalated:` yes or no.
 * Other words match anywhere in the title, body, ticket or agent, ignoring case. Double quotes
 * keep spaces and colons in one word or value (`"12:30"`, `agent:"night shift"`); a quote left
 * open runs to the end. Pure: imports only the forum's types and rules.
 */
import {isAssignedTo, PRIORITY_RANK} from './rules.js';
import {PRIORITIES, THREAD_STATES, type Priority, type Thread, type ThreadState} from './types.js';

export const FILTER_FIELDS = ['agent', 'ticket', 'assignee', 'state', 'priority', 'escalated'] as const;
export type FilterField = (typeof FILTER_FIELDS)[number];

/** Longest filter accepted, in characters: a filter is typed, not a document. */
export const MAX_FILTER_CHARS = 1000;

export const PRIORITY_OPERATORS = ['>=', '<=', '=', '>', '<'] as const;
export type PriorityOperator = (typeof PRIORITY_OPERATORS)[number];

export type AssigneeTerm = {kind: 'me'} | {kind: 'none'} | {kind: 'prefix'; prefix: string};

/** A parsed filter. Prefixes are ASCII-lower-cased, words lower-cased. */
export interface ThreadQuery {
	/** The filter as typed, trimmed. */
	text: string;
	agents: string[];
	tickets: string[];
	assignees: AssigneeTerm[];
	/** Allowed states (several `state:` terms intersect); undefined: any. */
	states?: ThreadState[];
	/** Allowed priorities (several `priority:` terms intersect); undefined: any. */
	priorities?: Priority[];
	escalated?: boolean;
	words: string[];
}

export interface FilterError {
	/** The field the problem is in; absent for a problem with the whole filter. */
	field?: string;
	message: string;
}

export type FilterParse = {ok: true; query: ThreadQuery} | {ok: false; error: FilterError};

/** The query that matches every thread. */
export const EVERYTHING: ThreadQuery = Object.freeze({text: '', agents: [], tickets: [], assignees: [], words: []}) as ThreadQuery;

/** Lower-case A-Z only: the same folding as SQLite's LIKE, so the SQL and this agree exactly. */
export function asciiLower(text: string): string {
	return text.replace(/[A-Z]+/g, (run) => run.toLowerCase());
}

const show = (text: string) => JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);

interface Token {
	/** Lower-cased field name, when the token is `name:value` with an unquoted name. */
	field?: string;
	/** The name as typed, for messages. */
	name?: string;
	value: string;
}

function tokenize(input: string): Token[] {
	const tokens: Token[] = [];
	let i = 0;
	while (i < input.length) {
		while (i < input.length && /\s/u.test(input[i]!)) i++;
		if (i >= input.length) break;
		let text = '';
		let quoted = false;
		let name: string | undefined;
		while (i < input.length && !/\s/u.test(input[i]!)) {
			const char = input[i]!;
			if (char === '"') {
				const end = input.indexOf('"', i + 1);
				text += input.slice(i + 1, end < 0 ? input.length : end);
				i = end < 0 ? input.length : end + 1;
				quoted = true;
				continue;
			}
			if (char === ':' && name === undefined && !quoted && /^[A-Za-z]+$/.test(text)) {
				name = text;
				text = '';
				i++;
				continue;
			}
			text += char;
			i++;
		}
		tokens.push(name === undefined ? {value: text} : {field: name.toLowerCase(), name, value: text});
	}
	return tokens;
}

const fail = (message: string, field?: string): FilterParse => ({ok: false, error: field === undefined ? {message} : {field, message}});

function intersect<T>(known: T[] | undefined, next: readonly T[]): T[] {
	return known === undefined ? [...next] : known.filter((value) => next.includes(value));
}

/** The priorities `op priority` admits: `>=high` is high and urgent. */
export function prioritiesMatching(op: PriorityOperator, priority: Priority): Priority[] {
	const rank = PRIORITY_RANK[priority];
	const test: Record<PriorityOperator, (r: number) => boolean> = {'=': (r) => r === rank, '>=': (r) => r >= rank, '<=': (r) => r <= rank, '>': (r) => r > rank, '<': (r) => r < rank};
	return PRIORITIES.filter((candidate) => test[op](PRIORITY_RANK[candidate]));
}

/** Parse a filter; an unknown field or a bad value is an error naming the field and what it takes. */
export function parseFilter(input: string): FilterParse {
	const text = input.trim();
	const length = [...text].length;
	if (length > MAX_FILTER_CHARS) return fail(`the filter is ${length} characters; at most ${MAX_FILTER_CHARS}`);
	const query: ThreadQuery = {text, agents: [], tickets: [], assignees: [], words: []};
	for (const token of tokenize(text)) {
		if (token.field === undefined) {
			if (token.value !== '') query.words.push(token.value.toLowerCase());
			continue;
		}
		const field = token.field;
		const value = token.value.trim();
		if (!(FILTER_FIELDS as readonly string[]).includes(field)) {
			return fail(`unknown field ${show(token.name!)}; fields: ${FILTER_FIELDS.join(', ')} (to search for ${show(`${token.name}:${token.value}`)} as text, put it in double quotes)`, token.name);
		}
		if (value === '') return fail(`${field}: needs a value, e.g. ${EXAMPLES[field as FilterField]}`, field);
		switch (field as FilterField) {
			case 'agent':
				query.agents.push(asciiLower(value));
				break;
			case 'ticket':
				query.tickets.push(asciiLower(value));
				break;
			case 'assignee': {
				const lower = asciiLower(value);
				query.assignees.push(lower === 'me' ? {kind: 'me'} : lower === 'none' ? {kind: 'none'} : {kind: 'prefix', prefix: lower});
				break;
			}
			case 'state': {
				const states: ThreadState[] = [];
				for (const part of value.split(',')) {
					const state = asciiLower(part.trim()) as ThreadState;
					if (!THREAD_STATES.includes(state)) return fail(`state: ${show(part.trim())} is not a state; states: ${THREAD_STATES.join(', ')} (several with commas: state:new,waiting_human)`, field);
					states.push(state);
				}
				query.states = intersect(query.states, states);
				break;
			}
			case 'priority': {
				const op = PRIORITY_OPERATORS.find((candidate) => value.startsWith(candidate)) ?? '=';
				const rest = asciiLower(value.slice(value.startsWith(op) ? op.length : 0).trim()) as Priority;
				if (!PRIORITIES.includes(rest)) {
					return fail(`priority: ${show(value)} is not a priority; priorities: ${PRIORITIES.join(', ')}, after =, >=, <=, > or < (e.g. priority:>=high)`, field);
				}
				query.priorities = intersect(query.priorities, prioritiesMatching(op, rest));
				break;
			}
			case 'escalated': {
				const answer = YES_NO[asciiLower(value)];
				if (answer === undefined) return fail(`escalated: ${show(value)} is not yes or no (escalated:yes, escalated:no)`, field);
				// escalated:yes escalated:no: no thread is both.
				if (query.escalated !== undefined && query.escalated !== answer) query.states = [];
				query.escalated = answer;
				break;
			}
		}
	}
	return {ok: true, query};
}

const YES_NO: Record<string, boolean> = {yes: true, no: false, true: true, false: false, y: true, n: false};

const EXAMPLES: Record<FilterField, string> = {
	agent: 'agent:etl',
	ticket: 'ticket:OPS-',
	assignee: 'assignee:me (or none, or a name)',
	state: 'state:new,waiting_human',
	priority: 'priority:>=high',
	escalated: 'escalated:yes',
};

/** True when the query holds no term: it matches everything. */
export function isEverything(query: ThreadQuery): boolean {
	return (
		query.agents.length === 0 &&
		query.tickets.length === 0 &&
		query.assignees.length === 0 &&
		query.states === undefined &&
		query.priorities === undefined &&
		query.escalated === undefined &&
		query.words.length === 0
	);
}

const haystacks = new WeakMap<Thread, string>();

/** What free words search: title, body, ticket and agent, lower-cased (once per thread object). */
function haystack(thread: Thread): string {
	let text = haystacks.get(thread);
	if (text === undefined) {
		text = `${thread.title}\n${thread.body}\n${thread.ticket}\n${thread.agentName}`.toLowerCase();
		haystacks.set(thread, text);
	}
	return text;
}

function assigneeMatches(thread: Thread, term: AssigneeTerm, me: string): boolean {
	if (term.kind === 'me') return isAssignedTo(thread, me);
	if (term.kind === 'none') return thread.assignee === null;
	return thread.assignee !== null && asciiLower(thread.assignee.name).startsWith(term.prefix);
}

/** What a match needs besides the thread: who "me" is, and whether the thread is escalated now. */
export interface MatchFacts {
	me: string;
	escalated: (thread: Thread) => boolean;
}

/** Does the thread hold every term of the query? */
export function matchesQuery(thread: Thread, query: ThreadQuery, facts: MatchFacts): boolean {
	if (query.states && !query.states.includes(thread.state)) return false;
	if (query.priorities && !query.priorities.includes(thread.priority)) return false;
	if (query.agents.length > 0 && !query.agents.every((prefix) => asciiLower(thread.agentName).startsWith(prefix))) return false;
	if (query.tickets.length > 0 && !query.tickets.every((prefix) => asciiLower(thread.ticket).startsWith(prefix))) return false;
	if (!query.assignees.every((term) => assigneeMatches(thread, term, facts.me))) return false;
	if (query.escalated !== undefined && facts.escalated(thread) !== query.escalated) return false;
	if (query.words.length > 0) {
		const text = haystack(thread);
		if (!query.words.every((word) => text.includes(word))) return false;
	}
	return true;
}
