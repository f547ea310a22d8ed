/** The escalation rule (DESIGN.md) as a table: state × priority × minutes waited. */
import {describe, expect, it} from 'vitest';
import {isEscalated, slaMinutesFor, type SlaRule} from '../../source/forum/rules.js';
import {PRIORITIES, THREAD_STATES, type Priority, type ThreadState} from '../../source/forum/types.js';
import {makeThread, T0} from '../helpers/threads.js';

const sla: SlaRule = {escalationMinutes: 30};
const at = (minutes: number, seconds = 0) => new Date(Date.parse(T0) + minutes * 60_000 + seconds * 1000).toISOString();

const WAITING: readonly ThreadState[] = ['new', 'waiting_human'];
const WAITED = [0, 29, 30, 31, 600] as const;

function expected(state: ThreadState, priority: Priority, waited: number): boolean {
	if (!WAITING.includes(state)) return false;
	if (priority === 'high' || priority === 'urgent') return true;
	return waited >= 30;
}

const table = THREAD_STATES.flatMap((state) => PRIORITIES.flatMap((priority) => WAITED.map((waited) => ({state, priority, waited, escalated: expected(state, priority, waited)}))));

describe('isEscalated with escalation_minutes 30', () => {
	it.each(table)('$state, $priority, waited $waited min → escalated $escalated', ({state, priority, waited, escalated}) => {
		expect(isEscalated(makeThread({state, priority, updatedAt: T0}), at(waited), sla)).toBe(escalated);
	});

	it('counts the wait from the last update, to the millisecond', () => {
		const thread = makeThread({state: 'waiting_human', updatedAt: T0});
		expect(isEscalated(thread, at(29, 59.999), sla)).toBe(false);
		expect(isEscalated(thread, at(30), sla)).toBe(true);
	});

	it('treats a clock behind the last update as no wait at all', () => {
		expect(isEscalated(makeThread({priority: 'low', updatedAt: T0}), at(-60), sla)).toBe(false);
	});
});

describe('per-priority overrides (forum.sla.escalation_minutes_by_priority)', () => {
	const overrides: SlaRule = {escalationMinutes: 30, byPriority: {low: 240, normal: 1}};

	it('uses the override for its priority and the default for the others', () => {
		expect(slaMinutesFor('low', overrides)).toBe(240);
		expect(slaMinutesFor('normal', overrides)).toBe(1);
		expect(slaMinutesFor('high', overrides)).toBe(30);
	});

	it('escalates a normal thread after 1 minute and a low one only after 240', () => {
		expect(isEscalated(makeThread({priority: 'normal'}), at(1), overrides)).toBe(true);
		expect(isEscalated(makeThread({priority: 'low'}), at(239), overrides)).toBe(false);
		expect(isEscalated(makeThread({priority: 'low'}), at(240), overrides)).toBe(true);
	});

	it('never delays high or urgent threads, whatever their override', () => {
		const slow: SlaRule = {escalationMinutes: 30, byPriority: {high: 600, urgent: 600}};
		expect(isEscalated(makeThread({priority: 'high'}), at(0), slow)).toBe(true);
		expect(isEscalated(makeThread({priority: 'urgent'}), at(0), slow)).toBe(true);
	});
});
