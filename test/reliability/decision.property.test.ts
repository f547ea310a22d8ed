/**
 * Properties of the decision: random histories of questions (text, choice, approval), answers,
 * amendments, follow-ups, state changes and writes carrying random versions, run through
 * decide + evolve as dispatch does. A ledger built independently from the emitted events says
 * what the decision must be; the rules must agree after every step.
 */
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {decisionOf} from '../../source/forum/answers.js';
import {decide, evolve} from '../../source/forum/rules.js';
import type {Actor, Command, CommandBody, EventDraft, Question, StoredEvent, Thread} from '../../source/forum/types.js';
import {stamp} from '../helpers/threads.js';
import {figure} from './support.js';

const T0 = Date.parse('2026-11-25T12:00:00.000Z');
const THREAD_IDS = ['t-a', 't-b'] as const;
const RUNS = 300;

const actorArb: fc.Arbitrary<Actor> = fc.record({type: fc.constantFrom('agent', 'operator', 'human'), name: fc.constantFrom('ops', 'alice', 'builder')}) as fc.Arbitrary<Actor>;
const questionArb: fc.Arbitrary<Question> = fc.oneof(
	fc.constant({kind: 'text'} as Question),
	fc.constant({kind: 'approval'} as Question),
	fc.integer({min: 2, max: 9}).chain((n) =>
		fc.option(fc.integer({min: 1, max: n}), {nil: null}).map((recommended) => ({kind: 'choice', choices: Array.from({length: n}, (_, i) => `opt ${i + 1}`), recommended}) as Question),
	),
);
const threadIdArb = fc.constantFrom(...THREAD_IDS);
const answerArb: fc.Arbitrary<CommandBody> = fc
	.record({
		threadId: threadIdArb,
		body: fc.constantFrom('', 'because', 'Yes, drop it.'),
		how: fc.oneof(
			fc.constant({}),
			fc.record({choice: fc.oneof(fc.integer({min: 0, max: 10}), fc.constantFrom('opt 2', 'OPT 1', 'nope'))}),
			fc.record({approved: fc.boolean()}),
		),
		amend: fc.boolean(),
	})
	.map(({threadId, body, how, amend}) => ({type: 'answer' as const, threadId, body, ...how, ...(amend ? {amend} : {})}));
const bodyArb: fc.Arbitrary<CommandBody> = fc.oneof(
	{arbitrary: answerArb, weight: 12},
	{arbitrary: fc.record({type: fc.constant('post' as const), threadId: threadIdArb, body: fc.constantFrom('more?', 'context')}), weight: 4},
	{arbitrary: fc.record({type: fc.constant('change_state' as const), threadId: threadIdArb, state: fc.constantFrom('answered', 'waiting_human', 'waiting_operator', 'triaged', 'answered', 'waiting_human')}), weight: 4},
	{arbitrary: fc.record({type: fc.constant('assign' as const), threadId: threadIdArb, assignee: actorArb, note: fc.constant('')}), weight: 2},
	{arbitrary: fc.record({type: fc.constant('change_priority' as const), threadId: threadIdArb, priority: fc.constantFrom('low', 'high')}), weight: 2},
	{arbitrary: fc.record({type: fc.constant('close' as const), threadId: threadIdArb}), weight: 1},
) as fc.Arbitrary<CommandBody>;
/** A step may carry a version: how many events back from the thread's newest it was read. */
const stepArb = fc.record({body: bodyArb, actor: actorArb, versionBack: fc.oneof({arbitrary: fc.constant(undefined), weight: 4}, {arbitrary: fc.integer({min: 0, max: 6}), weight: 1})});
const historyArb = fc.record({questions: fc.tuple(questionArb, questionArb), steps: fc.array(stepArb, {minLength: 1, maxLength: 60, size: 'large'})});

interface Ledger {
	question: Question;
	/** The decision as the events tell it: set by an answer mark, dropped when the thread waits again. */
	answer: {body: string; kind: string; label: string | null; approved: boolean | null; amendments: number} | null;
	state: string;
	/** Sequences of this thread's events, and those that matter for staleness. */
	sequences: number[];
	significant: number[];
}

describe('the decision under random histories', () => {
	it(`agrees with a ledger of the events for ${RUNS} histories`, () => {
		const totals = {answers: 0, amendments: 0, stale: 0, mismatches: 0, refusedAnswered: 0};
		fc.assert(
			fc.property(historyArb, ({questions, steps}) => {
				const threads = new Map<string, Thread>();
				const ledgers = new Map<string, Ledger>();
				let sequence = 0;
				const run = (command: Command, index: number) => {
					const now = new Date(T0 + index * 60_000).toISOString();
					const threadId = command.threadId!;
					const before = threads.get(threadId);
					const since = before && command.ifVersion !== undefined ? pastEvents.filter((e) => e.thread_id === threadId && e.sequence > command.ifVersion!) : [];
					const verdict = decide(before, command, {now, docsSync: index % 2 === 0, sla: {escalationMinutes: 30}, since});
					const ledger = ledgers.get(threadId);
					// A write on a version older than a change that matters is refused as stale, and only then.
					if (before && ledger && command.ifVersion !== undefined) {
						const changed = ledger.significant.some((s) => s > command.ifVersion!);
						// Malformed input is refused first; anything well formed is refused as stale.
						if (changed) expect(verdict.ok ? 'applied' : verdict.rejection.code).toMatch(/^(stale|invalid_input)$/);
						else if (!verdict.ok) expect(verdict.rejection.code).not.toBe('stale');
					}
					if (!verdict.ok) {
						if (verdict.rejection.code === 'stale') totals.stale++;
						if (verdict.rejection.code === 'answer_mismatch') totals.mismatches++;
						if (verdict.rejection.code === 'already_answered') totals.refusedAnswered++;
						// A state change never answers.
						if (command.type === 'change_state' && command.state === 'answered' && before && before.state !== 'closed' && before.state !== 'answered') {
							expect(['answer_required', 'stale']).toContain(verdict.rejection.code);
						}
						return;
					}
					let thread = before;
					for (const draft of verdict.events as EventDraft[]) {
						sequence++;
						const event = stamp(draft, command, {sequence, now, threadId, ticket: 'OPS-9', agentName: 'builder'});
						pastEvents.push(event);
						const book: Ledger = ledgers.get(threadId) ?? {question: {kind: 'text'}, answer: null, state: 'new', sequences: [], significant: []};
						book.sequences.push(sequence);
						if (event.event_type === 'forum.thread.opened') book.question = (event.payload.question as Question | undefined) ?? {kind: 'text'};
						if (event.event_type === 'forum.post.added' && event.payload.answer) {
							const mark = event.payload.answer;
							totals.answers++;
							if (mark.amends) totals.amendments++;
							// The mark fits the question: a choice names one of its options, an approval only answers an approval.
							if (mark.kind === 'choice') {
								expect(book.question.kind).toBe('choice');
								if (book.question.kind === 'choice') expect(book.question.choices[mark.choice!.index - 1]).toBe(mark.choice!.label);
							}
							if (mark.kind === 'approval') expect(book.question.kind).toBe('approval');
							expect(mark.amends !== null).toBe(book.answer !== null);
							book.answer = {
								body: event.payload.body,
								kind: mark.kind,
								label: mark.choice?.label ?? null,
								approved: mark.approved,
								amendments: mark.amends ? (book.answer?.amendments ?? 0) + 1 : 0,
							};
							book.significant.push(sequence);
						}
						if (event.event_type === 'forum.state.changed') {
							book.state = event.payload.to_state;
							if (!['answered', 'closed'].includes(event.payload.to_state)) book.answer = null;
							book.significant.push(sequence);
						}
						if (event.event_type === 'forum.thread.closed' || event.event_type === 'forum.assigned') book.significant.push(sequence);
						ledgers.set(threadId, book);
						thread = evolve(thread, event);
					}
					if (thread) threads.set(threadId, thread);
					for (const [id, current] of threads) {
						const book = ledgers.get(id)!;
						const decision = decisionOf(current);
						// Never answered without a decision, never a decision the events do not show.
						if (current.state === 'answered') expect(decision).not.toBeNull();
						expect(decision === null ? null : {body: decision.body, kind: decision.kind, label: decision.choice?.label ?? null, approved: decision.approved, amendments: decision.amendments}).toEqual(
							['answered', 'closed'].includes(book.state) ? book.answer : null,
						);
						expect(current.lastSequence).toBe(book.sequences.at(-1));
					}
				};
				const pastEvents: StoredEvent[] = [];
				THREAD_IDS.forEach((threadId, i) =>
					run({type: 'ask', threadId, ticket: 'OPS-9', agentName: 'builder', title: 'Q', body: 'B', priority: 'normal', question: questions[i], commandId: `open-${i}`, actor: {type: 'agent', name: 'builder'}} as Command, 0),
				);
				steps.forEach((step, index) => {
					const book = ledgers.get(step.body.type === 'ask' ? '' : (step.body as {threadId: string}).threadId);
					const ifVersion = step.versionBack === undefined || !book ? undefined : book.sequences[Math.max(0, book.sequences.length - 1 - step.versionBack)];
					run({...step.body, commandId: `c-${index}`, actor: step.actor, ...(ifVersion !== undefined ? {ifVersion} : {})} as Command, index + 1);
				});
			}),
			{numRuns: RUNS},
		);
		figure('decision properties', totals);
		// The generator must reach every interesting place, or the property proves little.
		expect(totals.answers).toBeGreaterThan(RUNS);
		expect(totals.amendments).toBeGreaterThan(10);
		expect(totals.stale).toBeGreaterThan(10);
		expect(totals.mismatches).toBeGreaterThan(10);
		expect(totals.refusedAnswered).toBeGreaterThan(10);
	});
});
