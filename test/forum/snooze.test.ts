import {describe, expect, it} from 'vitest';
import {decide, evolve, isEscalated, type DecideContext} from '../../source/forum/rules.js';
import {isSnoozed, parseSnoozeTime, snoozeRemainingSeconds} from '../../source/forum/snooze.js';
import type {CommandBody, StoredEvent, Thread} from '../../source/forum/types.js';
import {agent, command, inState, makeThread, operator, T0} from '../helpers/threads.js';

const context: DecideContext = {now: T0, docsSync: false, sla: {escalationMinutes: 30}};
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

function apply(thread: Thread, body: CommandBody, actor = operator, now = T0): Thread {
	const verdict = decide(thread, command(body, actor), {...context, now});
	if (!verdict.ok) throw new Error(verdict.rejection.message);
	let next = thread;
	verdict.events.forEach((draft, index) => {
		next = evolve(next, {
			...draft,
			event_id: `e-${next.lastSequence + 1}`,
			event_version: 1,
			occurred_at: now,
			thread_id: thread.id,
			run_id: null,
			ticket: thread.ticket,
			agent_name: thread.agentName,
			actor_type: actor.type,
			actor_name: actor.name,
			correlation_id: 'c',
			causation_id: 'c',
			command_id: 'c',
			sequence: next.lastSequence + index + 1,
		} as StoredEvent)!;
	});
	return next;
}

const snooze = (until: string | null): CommandBody => ({type: 'snooze', threadId: 't-1', until, note: ''});

describe('snooze: the rule', () => {
	it('snoozes an open question until the given time, with one forum.thread.snoozed event', () => {
		const verdict = decide(makeThread(), command(snooze(at(30))), context);
		expect(verdict).toEqual({ok: true, events: [{event_type: 'forum.thread.snoozed', payload: {until: at(30), note: ''}}]});
	});

	it('refuses an answered thread as not_snoozable, and a closed one as thread_closed', () => {
		const answered = decide(inState('answered'), command(snooze(at(30))), context);
		expect(answered.ok ? undefined : answered.rejection.code).toBe('not_snoozable');
		const closed = decide(inState('closed'), command(snooze(at(30))), context);
		expect(closed.ok ? undefined : closed.rejection.code).toBe('thread_closed');
	});

	it('refuses a time that is not after now', () => {
		const verdict = decide(makeThread(), command(snooze(at(-1))), context);
		expect(verdict.ok ? undefined : verdict.rejection.code).toBe('invalid_input');
	});

	it('ends by itself when the time passes: no event, judged at read time', () => {
		const thread = apply(makeThread(), snooze(at(30)));
		expect(isSnoozed(thread, at(29))).toBe(true);
		expect(snoozeRemainingSeconds(thread, at(29))).toBe(60);
		expect(isSnoozed(thread, at(30))).toBe(false);
		expect(snoozeRemainingSeconds(thread, at(31))).toBe(0);
	});

	it('ends when the agent posts, not when an operator does', () => {
		const snoozed = apply(makeThread(), snooze(at(30)));
		expect(apply(snoozed, {type: 'post', threadId: 't-1', body: 'note to self'}).snoozedUntil).toBe(at(30));
		expect(apply(snoozed, {type: 'post', threadId: 't-1', body: 'any news?'}, agent).snoozedUntil).toBeNull();
	});

	it('ends when the thread is answered or closed', () => {
		const snoozed = apply(makeThread(), snooze(at(30)));
		expect(apply(snoozed, {type: 'answer', threadId: 't-1', body: 'yes'}).snoozedUntil).toBeNull();
		expect(apply(snoozed, {type: 'close', threadId: 't-1'}).snoozedUntil).toBeNull();
	});

	it('a clear (until null) ends a snooze; on a thread not snoozed it writes nothing', () => {
		const snoozed = apply(makeThread(), snooze(at(30)));
		expect(apply(snoozed, snooze(null)).snoozedUntil).toBeNull();
		expect(decide(makeThread(), command(snooze(null)), context)).toEqual({ok: true, events: []});
	});

	it('does not reset the wait clock (updatedAt) and does not escalate while snoozed', () => {
		const old = makeThread({state: 'waiting_human', updatedAt: at(-40)});
		const snoozed = apply(old, snooze(at(30)));
		expect(snoozed.updatedAt).toBe(at(-40));
		expect(isEscalated(snoozed, T0, context.sla)).toBe(false);
		// The snooze over, the 40+ minutes it waited count: escalated at once.
		expect(isEscalated(snoozed, at(30), context.sla)).toBe(true);
	});

	it('a snoozed thread is not escalatable (the SLA pass leaves it alone)', () => {
		const snoozed = apply(makeThread({state: 'waiting_human', priority: 'urgent'}), snooze(at(30)));
		const verdict = decide(snoozed, command({type: 'request_escalation', threadId: 't-1', waitedMinutes: 0}), context);
		expect(verdict.ok ? undefined : verdict.rejection.code).toBe('not_escalatable');
	});
});

describe('snooze: the time an operator writes', () => {
	it('takes durations: 30m, 2h, 1d, 1h30m', () => {
		expect(parseSnoozeTime('30m', T0)).toEqual({ok: true, until: at(30)});
		expect(parseSnoozeTime('2h', T0)).toEqual({ok: true, until: at(120)});
		expect(parseSnoozeTime('1d', T0)).toEqual({ok: true, until: at(1440)});
		expect(parseSnoozeTime('1h30m', T0)).toEqual({ok: true, until: at(90)});
	});

	it('takes a clock time today, tomorrow when it has passed, in the local zone', () => {
		// T0 is 12:00Z; at +02:00 it is 14:00 local.
		expect(parseSnoozeTime('14:30', T0, {offsetMinutes: 120})).toEqual({ok: true, until: at(30)});
		expect(parseSnoozeTime('13:00', T0, {offsetMinutes: 120})).toEqual({ok: true, until: at(23 * 60)});
	});

	it('takes an ISO time', () => {
		expect(parseSnoozeTime('2026-11-25T15:00:00Z', T0)).toEqual({ok: true, until: '2026-11-25T15:00:00.000Z'});
	});

	it('refuses anything else, naming the accepted forms', () => {
		for (const bad of ['soon', '30', '25:00', '0m', '']) {
			const parsed = parseSnoozeTime(bad, T0);
			expect(parsed.ok).toBe(false);
			if (!parsed.ok) expect(parsed.message).toMatch(/30m, 2h, 1d|time of day|zero/);
		}
		const past = parseSnoozeTime('2026-11-25T11:00:00Z', T0);
		expect(past.ok ? '' : past.message).toContain('in the past');
		const far = parseSnoozeTime('60d', T0);
		expect(far.ok ? '' : far.message).toContain('30 days');
	});
});
