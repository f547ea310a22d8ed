/**
 * Issue 6.3: property tests on the pure rules. fast-check generates random command sequences
 * over a few threads; each is run through decide + evolve exactly as dispatch does, and every
 * invariant must hold after every step.
 */
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {canTransition, decide, evolve, isEscalated, TRANSITIONS, type SlaRule} from '../../source/forum/rules.js';
import {ACTOR_TYPES, PRIORITIES, THREAD_STATES} from '../../source/forum/types.js';
import type {Actor, Command, CommandBody, EventDraft, ForumEvent, Priority, Thread, ThreadState} from '../../source/forum/types.js';
import {stamp} from '../helpers/threads.js';
import {figure} from './support.js';

const T0 = Date.parse('2026-11-25T12:00:00.000Z');
const THREAD_IDS = ['t-a', 't-b', 't-c'] as const;
const RUNS = 400;

const actorArb: fc.Arbitrary<Actor> = fc.record({type: fc.constantFrom(...ACTOR_TYPES), name: fc.constantFrom('ops', 'builder', 'alice')});
const bodyArb = fc.oneof(
	{arbitrary: fc.constantFrom('Proceed?', 'yes \u001b]0;x\u0007', "'); DROP TABLE forum_events; --"), weight: 6},
	{arbitrary: fc.constantFrom('', '   \n\t'), weight: 1},
	{arbitrary: fc.string({maxLength: 40}), weight: 1},
);
const threadIdArb = fc.constantFrom(...THREAD_IDS);

const bodyCommandArb: fc.Arbitrary<CommandBody> = fc.oneof(
	fc.record({
		type: fc.constant('ask' as const),
		threadId: threadIdArb,
		ticket: fc.constantFrom('OPS-7', 'API-31'),
		agentName: fc.constant('builder'),
		title: fc.constantFrom('May I drop legacy_users?', 'Retry or quarantine?'),
		body: bodyArb,
		priority: fc.constantFrom(...PRIORITIES),
	}),
	fc.record({type: fc.constant('post' as const), threadId: threadIdArb, body: bodyArb}),
	fc.record({type: fc.constant('answer' as const), threadId: threadIdArb, body: bodyArb}),
	fc.record({type: fc.constant('assign' as const), threadId: threadIdArb, assignee: actorArb, note: fc.constantFrom('', 'DB owner')}),
	fc.record({type: fc.constant('change_state' as const), threadId: threadIdArb, state: fc.constantFrom(...THREAD_STATES)}),
	fc.record({type: fc.constant('change_priority' as const), threadId: threadIdArb, priority: fc.constantFrom(...PRIORITIES)}),
	fc.record({type: fc.constant('close' as const), threadId: threadIdArb}),
	fc.record({type: fc.constant('request_escalation' as const), threadId: threadIdArb, waitedMinutes: fc.nat(500)}),
);

/** One step of a history: a command, who sends it, and how many minutes pass before it. */
const stepArb = fc.record({body: bodyCommandArb, actor: actorArb, minutesLater: fc.nat(90)});

const slaArb: fc.Arbitrary<SlaRule> = fc.record({
	escalationMinutes: fc.integer({min: 1, max: 120}),
	byPriority: fc.dictionary(fc.constantFrom(...PRIORITIES), fc.integer({min: 1, max: 240}), {maxKeys: 2}) as fc.Arbitrary<Partial<Record<Priority, number>>>,
});

interface History {
	steps: {body: CommandBody; actor: Actor; minutesLater: number}[];
	sla: SlaRule;
	docsSync: boolean;
}

/** Histories open every thread first (with random priorities), then run random commands. */
const historyArb: fc.Arbitrary<History> = fc.record({
	opening: fc.tuple(...THREAD_IDS.map(() => fc.constantFrom(...PRIORITIES))),
	steps: fc.array(stepArb, {minLength: 1, maxLength: 80, size: 'large'}),
	sla: slaArb,
	docsSync: fc.boolean(),
}).map(({opening, steps, sla, docsSync}) => ({
	steps: [
		...THREAD_IDS.map((threadId, i) => ({
			body: {type: 'ask' as const, threadId, ticket: 'OPS-7', agentName: 'builder', title: 'Q', body: 'B', priority: opening[i]!},
			actor: {type: 'agent' as const, name: 'builder'},
			minutesLater: 0,
		})),
		...steps,
	],
	sla,
	docsSync,
}));

/** What the property checks keep per thread, built only from the emitted events. */
interface Ledger {
	posts: number;
	states: ThreadState[];
	closedAtSequence: number | undefined;
	/** When the agent started waiting: the question, or the thread leaving answered for an open state. */
	waitStart: string;
}

/** The escalation rule as DESIGN.md and #13 word it (waited since the wait began), written independently of rules.ts. */
function escalatedByDefinition(thread: Pick<Thread, 'state' | 'priority'>, waitStart: string, now: string, sla: SlaRule): boolean {
	if (thread.state !== 'new' && thread.state !== 'waiting_human') return false;
	if (thread.priority === 'high' || thread.priority === 'urgent') return true;
	const minutes = sla.byPriority?.[thread.priority] ?? sla.escalationMinutes;
	return Date.parse(now) - Date.parse(waitStart) >= minutes * 60_000;
}

/** Run a history the way dispatch does (decide, stamp, evolve), checking every invariant at every step. */
function play(history: History): {applied: number; refused: number; events: number} {
	const threads = new Map<string, Thread>();
	const ledgers = new Map<string, Ledger>();
	let sequence = 0;
	let clock = T0;
	let applied = 0;
	let refused = 0;
	history.steps.forEach((step, index) => {
		clock += step.minutesLater * 60_000;
		const now = new Date(clock).toISOString();
		const command = {...step.body, commandId: `c-${index}`, actor: step.actor} as Command;
		const threadId = command.threadId!;
		const before = threads.get(threadId);
		const context = {now, docsSync: history.docsSync, sla: history.sla};
		const decision = decide(before, command, context);

		// decide is a function of its arguments.
		expect(decide(before, command, context)).toEqual(decision);

		if (before?.state === 'closed') {
			// Closed is final: every command on a closed thread is refused.
			expect(decision.ok).toBe(false);
			// Malformed input is refused first; anything well formed is refused for the closed thread.
			if (!decision.ok) expect([command.type === 'ask' ? 'thread_exists' : 'thread_closed', 'invalid_input']).toContain(decision.rejection.code);
		}
		if (command.type === 'request_escalation' && before && before.state !== 'closed' && decision.ok) {
			expect(escalatedByDefinition(before, ledgers.get(threadId)!.waitStart, now, history.sla)).toBe(true);
			expect(before.escalatedAt).toBeNull();
		}
		if (!decision.ok) {
			refused++;
			return;
		}
		applied++;
		let thread = before;
		const ledger = ledgers.get(threadId) ?? {posts: 0, states: [], closedAtSequence: undefined, waitStart: now};
		for (const draft of decision.events as EventDraft[]) {
			sequence++;
			const event = stamp(draft, command, {sequence, now, threadId, ticket: thread?.ticket ?? (command.type === 'ask' ? command.ticket : '?'), agentName: thread?.agentName ?? 'builder'});
			if (event.event_type === 'forum.thread.opened') {
				ledger.states = ['new'];
				ledger.waitStart = now;
			}
			if (event.event_type === 'forum.post.added') ledger.posts++;
			if (event.event_type === 'forum.state.changed') {
				// The history is a path: each change starts where the last ended and is in the table.
				expect(event.payload.from_state).toBe(ledger.states.at(-1));
				expect(canTransition(event.payload.from_state, event.payload.to_state)).toBe(true);
				if (event.payload.from_state === 'answered' && event.payload.to_state !== 'closed') ledger.waitStart = now;
				ledger.states.push(event.payload.to_state);
			}
			if (event.event_type === 'forum.thread.closed') {
				expect(ledger.states.at(-1)).toBe('closed');
				ledger.closedAtSequence = sequence;
			}
			thread = evolve(thread, event as ForumEvent & {sequence: number});
			expect(thread).toBeDefined();
		}
		ledgers.set(threadId, ledger);
		if (thread) threads.set(threadId, thread);

		// After every applied command, for every thread:
		for (const [id, current] of threads) {
			const book = ledgers.get(id)!;
			expect(current.postsCount).toBe(book.posts);
			expect(current.state).toBe(book.states.at(-1));
			expect(current.stateChanges).toBe(book.states.length - 1);
			expect(book.states.slice(1).every((state, i) => TRANSITIONS[book.states[i]!].includes(state))).toBe(true);
			expect(book.states.indexOf('closed')).toSatisfy((at: number) => at === -1 || at === book.states.length - 1);
			expect(current.closedAt !== null).toBe(current.state === 'closed');
			expect(current.waitingSince).toBe(book.waitStart);
			expect(isEscalated(current, now, history.sla)).toBe(escalatedByDefinition(current, book.waitStart, now, history.sla));
		}
	});
	return {applied, refused, events: sequence};
}

describe('random command sequences keep every invariant of the rules', () => {
	it(`holds for ${RUNS} random histories of up to 80 commands over ${THREAD_IDS.length} threads`, () => {
		const totals = {histories: 0, applied: 0, refused: 0, events: 0};
		fc.assert(
			fc.property(historyArb, (history) => {
				const outcome = play(history);
				totals.histories++;
				totals.applied += outcome.applied;
				totals.refused += outcome.refused;
				totals.events += outcome.events;
			}),
			{numRuns: RUNS},
		);
		figure('property histories (incl. shrinking)', totals);
		// The generator must reach the interesting places, or the property proves little.
		expect(totals.applied).toBeGreaterThan(RUNS);
		expect(totals.refused).toBeGreaterThan(RUNS);
	});

	it('every state is reached by some history', () => {
		const seen = new Set<ThreadState>();
		fc.assert(
			fc.property(historyArb, (history) => {
				let thread: Thread | undefined;
				history.steps.forEach((step, index) => {
					const command = {...step.body, threadId: 't-a', commandId: `c-${index}`, actor: step.actor} as Command;
					const decision = decide(thread, command, {now: new Date(T0).toISOString(), docsSync: false, sla: history.sla});
					if (!decision.ok) return;
					for (const draft of decision.events) {
						thread = evolve(thread, {...draft, event_id: 'e', event_version: 1, occurred_at: new Date(T0).toISOString(), thread_id: 't-a', run_id: null, ticket: 'T', agent_name: 'a', actor_type: step.actor.type, actor_name: step.actor.name, correlation_id: 'c', causation_id: 'c', command_id: 'c'} as ForumEvent);
					}
					if (thread) seen.add(thread.state);
				});
			}),
			{numRuns: 200},
		);
		expect([...seen].sort()).toEqual([...THREAD_STATES].sort());
	});
});

describe('the escalation rule agrees with its definition', () => {
	it('for any state, priority, SLA and wait', () => {
		fc.assert(
			fc.property(
				fc.constantFrom(...THREAD_STATES),
				fc.constantFrom(...PRIORITIES),
				slaArb,
				fc.integer({min: 0, max: 5 * 24 * 60 * 60_000}),
				(state, priority, sla, waitedMs) => {
					const waitingSince = new Date(T0).toISOString();
					const now = new Date(T0 + waitedMs).toISOString();
					expect(isEscalated({state, priority, waitingSince}, now, sla)).toBe(escalatedByDefinition({state, priority}, waitingSince, now, sla));
				},
			),
			{numRuns: 2000},
		);
	});

	it('flips exactly at the SLA minute for normal and low priority', () => {
		fc.assert(
			fc.property(fc.constantFrom<ThreadState>('new', 'waiting_human'), fc.constantFrom<Priority>('low', 'normal'), slaArb, (state, priority, sla) => {
				const minutes = sla.byPriority?.[priority] ?? sla.escalationMinutes;
				const waitingSince = new Date(T0).toISOString();
				expect(isEscalated({state, priority, waitingSince}, new Date(T0 + minutes * 60_000 - 1).toISOString(), sla)).toBe(false);
				expect(isEscalated({state, priority, waitingSince}, new Date(T0 + minutes * 60_000).toISOString(), sla)).toBe(true);
			}),
			{numRuns: 500},
		);
	});
});
