import {describe, expect, it} from 'vitest';
import {
	allowedTransitions,
	canTransition,
	compareQueue,
	decide,
	evolve,
	isEscalated,
	isUnanswered,
	slaCommandId,
	TRANSITIONS,
	type DecideContext,
} from '../../source/forum/rules.js';
import {THREAD_STATES, type CommandBody, type StoredEvent, type Thread, type ThreadState} from '../../source/forum/types.js';
import {agent, command, inState, makeThread, operator, T0} from '../helpers/threads.js';

const context: DecideContext = {now: T0, docsSync: false, sla: {escalationMinutes: 30}};

const EXPECTED_TABLE: Record<ThreadState, ThreadState[]> = {
	new: ['triaged', 'waiting_operator', 'waiting_human', 'answered', 'closed'],
	triaged: ['waiting_operator', 'waiting_human', 'answered', 'closed'],
	waiting_operator: ['waiting_human', 'answered', 'triaged', 'closed'],
	waiting_human: ['waiting_operator', 'answered', 'triaged', 'closed'],
	answered: ['waiting_operator', 'waiting_human', 'closed'],
	closed: [],
};

/** Apply a decision's drafts to a thread the way the service does. */
function applyDrafts(thread: Thread, body: CommandBody, actor = operator): Thread {
	const decision = decide(thread, command(body, actor), context);
	if (!decision.ok) throw new Error(decision.rejection.message);
	let next = thread;
	decision.events.forEach((draft, index) => {
		next = evolve(next, {
			...draft,
			event_id: `e-${index}`,
			event_version: 1,
			occurred_at: context.now,
			thread_id: thread.id,
			run_id: null,
			ticket: thread.ticket,
			agent_name: thread.agentName,
			actor_type: actor.type,
			actor_name: actor.name,
			correlation_id: 'c',
			causation_id: 'c',
			command_id: 'c',
			sequence: thread.lastSequence + index + 1,
		} as StoredEvent)!;
	});
	return next;
}

describe('the transition table', () => {
	it('is exactly the table in DESIGN.md', () => {
		expect(TRANSITIONS).toEqual(EXPECTED_TABLE);
	});

	it('never leads back to new', () => {
		for (const from of THREAD_STATES) expect(canTransition(from, 'new')).toBe(false);
	});
});

describe('change_state on every (from, to) pair', () => {
	for (const from of THREAD_STATES) {
		for (const to of THREAD_STATES) {
			const legal = EXPECTED_TABLE[from].includes(to);
			const label = from === to ? 'is a no-op' : to === 'answered' ? 'is refused: only an answer answers' : legal ? 'is allowed' : 'is refused';
			it(`${from} → ${to} ${label}`, () => {
				const decision = decide(inState(from), command({type: 'change_state', threadId: 't-1', state: to}), context);
				if (from === 'closed') {
					expect(decision).toMatchObject({ok: false, rejection: {code: 'thread_closed'}});
				} else if (from === to) {
					expect(decision).toEqual({ok: true, events: []});
				} else if (to === 'answered') {
					expect(decision).toMatchObject({ok: false, rejection: {code: 'answer_required'}});
				} else if (legal) {
					expect(decision.ok).toBe(true);
					if (!decision.ok) return;
					expect(decision.events[0]).toEqual({event_type: 'forum.state.changed', payload: {from_state: from, to_state: to}});
					if (to === 'closed') expect(decision.events.map((e) => e.event_type)).toContain('forum.thread.closed');
				} else {
					expect(decision).toMatchObject({ok: false, rejection: {code: 'illegal_transition'}});
					if (!decision.ok) {
						expect(decision.rejection.message).toContain(`from ${from} to ${to}`);
						expect(decision.rejection.message).toContain(`allowed: ${allowedTransitions(from).join(', ')}`);
					}
				}
			});
		}
	}
});

describe('every command on a closed thread', () => {
	const bodies: CommandBody[] = [
		{type: 'post', threadId: 't-1', body: 'hello'},
		{type: 'answer', threadId: 't-1', body: 'yes'},
		{type: 'assign', threadId: 't-1', assignee: operator, note: ''},
		{type: 'change_state', threadId: 't-1', state: 'triaged'},
		{type: 'change_priority', threadId: 't-1', priority: 'urgent'},
		{type: 'close', threadId: 't-1'},
		{type: 'request_escalation', threadId: 't-1', waitedMinutes: 60},
	];
	for (const body of bodies) {
		it(`refuses ${body.type} with thread_closed`, () => {
			const decision = decide(inState('closed'), command(body), context);
			expect(decision).toMatchObject({ok: false, rejection: {code: 'thread_closed'}});
			if (!decision.ok) expect(decision.rejection.message).toMatch(/is closed/);
		});
	}
});

describe('commands on an open thread, in every open state', () => {
	for (const state of THREAD_STATES.filter((s) => s !== 'closed')) {
		it(`${state}: an operator post adds a post and keeps the state`, () => {
			const after = applyDrafts(inState(state), {type: 'post', threadId: 't-1', body: 'noted'});
			expect(after.state).toBe(state);
			expect(after.postsCount).toBe(1);
		});

		it(`${state}: answer adds a post and moves to answered`, () => {
			const decision = decide(inState(state), command({type: 'answer', threadId: 't-1', body: 'yes'}), context);
			expect(decision.ok).toBe(true);
			if (!decision.ok) return;
			const types = decision.events.map((e) => e.event_type);
			expect(types[0]).toBe('forum.post.added');
			if (state === 'answered') expect(types).toEqual(['forum.post.added']);
			else expect(decision.events[1]).toEqual({event_type: 'forum.state.changed', payload: {from_state: state, to_state: 'answered'}});
		});

		it(`${state}: an empty answer is invalid input`, () => {
			const decision = decide(inState(state), command({type: 'answer', threadId: 't-1', body: '   \n'}), context);
			expect(decision).toMatchObject({ok: false, rejection: {code: 'invalid_input'}});
		});

		it(`${state}: assign records from and to`, () => {
			const decision = decide(inState(state), command({type: 'assign', threadId: 't-1', assignee: {type: 'human', name: 'alice'}, note: 'db owner'}), context);
			expect(decision).toEqual({
				ok: true,
				events: [
					{
						event_type: 'forum.assigned',
						payload: {from_assignee_type: null, from_assignee_name: null, to_assignee_type: 'human', to_assignee_name: 'alice', note: 'db owner'},
					},
				],
			});
		});

		it(`${state}: priority change emits from and to, same priority is a no-op`, () => {
			expect(decide(inState(state), command({type: 'change_priority', threadId: 't-1', priority: 'urgent'}), context)).toEqual({
				ok: true,
				events: [{event_type: 'forum.priority.changed', payload: {from: 'normal', to: 'urgent'}}],
			});
			expect(decide(inState(state), command({type: 'change_priority', threadId: 't-1', priority: 'normal'}), context)).toEqual({ok: true, events: []});
		});

		it(`${state}: close emits state.changed to closed then thread.closed`, () => {
			const decision = decide(inState(state), command({type: 'close', threadId: 't-1'}), context);
			expect(decision.ok && decision.events.map((e) => e.event_type)).toEqual(['forum.state.changed', 'forum.thread.closed']);
		});
	}
});

describe('decide', () => {
	it('opens a thread on ask and refuses an ask for an existing id', () => {
		const ask = command({type: 'ask', threadId: 't-1', ticket: 'OPS-7', agentName: 'builder', title: 'Q?', body: 'why', priority: 'high'}, agent);
		expect(decide(undefined, ask, context)).toEqual({
			ok: true,
			events: [{event_type: 'forum.thread.opened', payload: {title: 'Q?', body: 'why', priority: 'high'}}],
		});
		expect(decide(makeThread(), ask, context)).toMatchObject({ok: false, rejection: {code: 'thread_exists'}});
	});

	it('refuses any command on an unknown thread with unknown_thread', () => {
		const decision = decide(undefined, command({type: 'post', threadId: 't-x', body: 'hi'}), context);
		expect(decision).toMatchObject({ok: false, rejection: {code: 'unknown_thread'}});
	});

	it('turns an agent post on an answered thread into a follow-up that needs a human', () => {
		const after = applyDrafts(inState('answered'), {type: 'post', threadId: 't-1', body: 'one more thing'}, agent);
		expect(after.state).toBe('waiting_human');
	});

	it('assigning the current assignee again is a no-op', () => {
		const thread = makeThread({assignee: {type: 'operator', name: 'ops'}});
		expect(decide(thread, command({type: 'assign', threadId: 't-1', assignee: {type: 'operator', name: 'ops'}, note: ''}), context)).toEqual({ok: true, events: []});
	});

	it('emits docs-sync requests on answer and close only when enabled', () => {
		const on = {...context, docsSync: true};
		const answer = decide(inState('new'), command({type: 'answer', threadId: 't-1', body: 'yes'}), on);
		const close = decide(inState('answered'), command({type: 'close', threadId: 't-1'}), on);
		expect(answer.ok && answer.events.at(-1)).toMatchObject({event_type: 'forum.integration.docs_sync.requested', payload: {trigger: 'answered', posts_count: 1}});
		expect(close.ok && close.events.at(-1)).toMatchObject({event_type: 'forum.integration.docs_sync.requested', payload: {trigger: 'closed'}});
		const off = decide(inState('new'), command({type: 'answer', threadId: 't-1', body: 'yes'}), context);
		expect(off.ok && off.events.map((e) => e.event_type)).not.toContain('forum.integration.docs_sync.requested');
	});

	it('rejects a bad priority, state or actor type as invalid input', () => {
		const bad = [
			command({type: 'change_priority', threadId: 't-1', priority: 'critical' as never}),
			command({type: 'change_state', threadId: 't-1', state: 'done' as never}),
			{...command({type: 'close', threadId: 't-1'}), actor: {type: 'robot' as never, name: 'x'}},
		];
		for (const c of bad) expect(decide(inState('new'), c, context)).toMatchObject({ok: false, rejection: {code: 'invalid_input'}});
	});
});

describe('evolve', () => {
	it('counts posts and remembers the last author', () => {
		let thread = applyDrafts(makeThread(), {type: 'post', threadId: 't-1', body: 'a'}, agent);
		thread = applyDrafts(thread, {type: 'answer', threadId: 't-1', body: 'b'});
		expect(thread.postsCount).toBe(2);
		expect(thread.lastPostBy).toEqual(operator);
		expect(thread.state).toBe('answered');
	});

	it('keeps the escalation mark through state changes within one wait', () => {
		const escalated = makeThread({state: 'waiting_human', escalatedAt: T0});
		expect(applyDrafts(escalated, {type: 'change_state', threadId: 't-1', state: 'triaged'}).escalatedAt).toBe(T0);
	});

	it('clears the escalation mark when a new wait starts (an answered thread moved back)', () => {
		const answered = makeThread({state: 'answered', escalatedAt: T0});
		expect(applyDrafts(answered, {type: 'change_state', threadId: 't-1', state: 'waiting_human'}).escalatedAt).toBeNull();
	});

	it('ignores events for a thread it never saw opened', () => {
		expect(evolve(undefined, {event_type: 'forum.post.added', payload: {body: 'x'}} as StoredEvent)).toBeUndefined();
	});
});

describe('escalation', () => {
	const sla = {escalationMinutes: 30};
	const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

	it('escalates high and urgent threads in new or waiting_human at once', () => {
		for (const priority of ['high', 'urgent'] as const) {
			expect(isEscalated(makeThread({priority, state: 'new'}), T0, sla)).toBe(true);
			expect(isEscalated(makeThread({priority, state: 'waiting_human'}), T0, sla)).toBe(true);
		}
	});

	it('escalates normal threads after the SLA minutes since the wait began, not before', () => {
		expect(isEscalated(makeThread({state: 'new'}), at(29.99), sla)).toBe(false);
		expect(isEscalated(makeThread({state: 'new'}), at(30), sla)).toBe(true);
	});

	it('never escalates states other than new and waiting_human', () => {
		for (const state of ['triaged', 'waiting_operator', 'answered', 'closed'] as const) {
			expect(isEscalated(makeThread({state, priority: 'urgent'}), at(600), sla)).toBe(false);
		}
	});

	it('honours per-priority overrides', () => {
		expect(isEscalated(makeThread({priority: 'low'}), at(60), {escalationMinutes: 30, byPriority: {low: 120}})).toBe(false);
		expect(isEscalated(makeThread({priority: 'low'}), at(120), {escalationMinutes: 30, byPriority: {low: 120}})).toBe(true);
	});

	it('refuses a second escalation in the same waiting episode', () => {
		const first = decide(makeThread({priority: 'urgent'}), command({type: 'request_escalation', threadId: 't-1', waitedMinutes: 0}), context);
		expect(first.ok).toBe(true);
		const again = decide(makeThread({priority: 'urgent', escalatedAt: T0}), command({type: 'request_escalation', threadId: 't-1', waitedMinutes: 0}), context);
		expect(again).toMatchObject({ok: false, rejection: {code: 'not_escalatable'}});
	});

	it('names each waiting episode in the escalation command id', () => {
		expect(slaCommandId(makeThread({stateChanges: 0}))).not.toBe(slaCommandId(makeThread({stateChanges: 2})));
	});
});

describe('queue order', () => {
	it('puts escalated first, then higher priority, then the longest waiting', () => {
		const now = '2026-11-25T13:00:00.000Z';
		const sla = {escalationMinutes: 30};
		const oldNormal = makeThread({id: 'a', priority: 'normal', waitingSince: '2026-11-25T12:00:00.000Z'}); // escalated by wait
		const freshLow = makeThread({id: 'b', priority: 'low', waitingSince: '2026-11-25T12:59:00.000Z'});
		const freshNormalOld = makeThread({id: 'c', priority: 'normal', state: 'triaged', waitingSince: '2026-11-25T12:40:00.000Z'});
		const freshNormalNew = makeThread({id: 'd', priority: 'normal', state: 'triaged', waitingSince: '2026-11-25T12:50:00.000Z'});
		const urgent = makeThread({id: 'e', priority: 'urgent', waitingSince: '2026-11-25T12:59:30.000Z'});
		const sorted = [freshLow, freshNormalNew, oldNormal, urgent, freshNormalOld].sort((x, y) => compareQueue(x, y, now, sla));
		expect(sorted.map((t) => t.id)).toEqual(['e', 'a', 'c', 'd', 'b']);
	});
});

describe('unanswered', () => {
	it('is true while an agent spoke last and false after a human answer', () => {
		expect(isUnanswered(makeThread())).toBe(true);
		expect(isUnanswered(makeThread({lastPostBy: operator}))).toBe(false);
		expect(isUnanswered(makeThread({lastPostBy: agent}))).toBe(true);
	});
});
