/** The wait clock (rules.ts startsWait): what starts an agent's wait, and what does not. */
import {describe, expect, it} from 'vitest';
import {blockedCost, decide, evolve, isEscalated, waitedMs, waitedMinutes} from '../../source/forum/rules.js';
import type {Actor, CommandBody, StoredEvent, Thread} from '../../source/forum/types.js';
import {agent, command, operator, stamp, T0} from '../helpers/threads.js';

const sla = {escalationMinutes: 30};
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();
const human: Actor = {type: 'human', name: 'alice'};

type Body = CommandBody extends infer B ? (B extends {threadId?: string} ? Omit<B, 'threadId'> : B) : never;
type Step = [minute: number, body: Body, actor?: Actor];

/** Play steps through decide and evolve (as dispatch does), each at its minute. */
function play(steps: Step[]): Thread {
	let thread: Thread | undefined;
	let sequence = 0;
	for (const [minute, body, actor = operator] of steps) {
		const now = at(minute);
		const cmd = {...command({threadId: 't-1', ...body} as CommandBody, actor), commandId: `c-${sequence}`};
		const decision = decide(thread, cmd, {now, docsSync: false, sla});
		if (!decision.ok) throw new Error(decision.rejection.message);
		for (const draft of decision.events) {
			sequence++;
			thread = evolve(thread, stamp(draft, cmd, {sequence, now, threadId: 't-1', ticket: 'OPS-7', agentName: 'builder'}) as StoredEvent);
		}
	}
	return thread!;
}

const asked: Step = [0, {type: 'ask', ticket: 'OPS-7', agentName: 'builder', title: 'May I?', body: 'B', priority: 'normal'}, agent];

describe('the wait clock', () => {
	const table: {name: string; steps: Step[]; waitingSince: string}[] = [
		{name: 'starts with the question', steps: [asked], waitingSince: at(0)},
		{name: 'an assignment does not move it', steps: [asked, [40, {type: 'assign', assignee: operator, note: ''}]], waitingSince: at(0)},
		{name: 'a priority change does not move it', steps: [asked, [40, {type: 'change_priority', priority: 'high'}]], waitingSince: at(0)},
		{name: 'an operator post does not move it', steps: [asked, [40, {type: 'post', body: 'Looking.'}]], waitingSince: at(0)},
		{name: "the agent's own post while it waits does not move it", steps: [asked, [40, {type: 'post', body: 'Any news?'}, agent]], waitingSince: at(0)},
		{name: 'a move between waiting states does not move it', steps: [asked, [10, {type: 'change_state', state: 'triaged'}], [20, {type: 'change_state', state: 'waiting_human'}]], waitingSince: at(0)},
		{name: 'an escalation does not move it', steps: [asked, [31, {type: 'request_escalation', waitedMinutes: 31}, {type: 'system', name: 'sla'}]], waitingSince: at(0)},
		{name: 'an answer ends the wait (the value stays: the last wait)', steps: [asked, [5, {type: 'answer', body: 'Yes.'}]], waitingSince: at(0)},
		{name: "the agent's follow-up on an answered thread starts a new wait", steps: [asked, [5, {type: 'answer', body: 'Yes.'}], [50, {type: 'post', body: 'Staging too?'}, agent]], waitingSince: at(50)},
		{name: 'a human post on an answered thread does not', steps: [asked, [5, {type: 'answer', body: 'Yes.'}], [50, {type: 'post', body: 'FYI'}, human]], waitingSince: at(0)},
		{name: 'an operator moving an answered thread back to waiting_human starts a new wait', steps: [asked, [5, {type: 'answer', body: 'Yes.'}], [60, {type: 'change_state', state: 'waiting_human'}]], waitingSince: at(60)},
		{name: 'so does moving it back to waiting_operator', steps: [asked, [5, {type: 'answer', body: 'Yes.'}], [60, {type: 'change_state', state: 'waiting_operator'}]], waitingSince: at(60)},
		{name: 'closing an answered thread does not', steps: [asked, [5, {type: 'answer', body: 'Yes.'}], [60, {type: 'close'}]], waitingSince: at(0)},
	];
	for (const row of table) {
		it(row.name, () => {
			expect(play(row.steps).waitingSince).toBe(row.waitingSince);
		});
	}

	it('assigning a thread that waited 40 minutes (SLA 30) leaves it escalated and its wait at 40m', () => {
		const thread = play([asked, [40, {type: 'assign', assignee: operator, note: 'mine'}]]);
		expect(thread.updatedAt).toBe(at(40));
		expect(isEscalated(thread, at(40), sla)).toBe(true);
		expect(waitedMinutes(thread, at(40))).toBe(40);
	});

	it('no wait is shown for an answered or closed thread', () => {
		expect(waitedMs(play([asked, [5, {type: 'answer', body: 'Yes.'}]]), at(9))).toBeNull();
		expect(waitedMs(play([asked, [5, {type: 'close'}]]), at(9))).toBeNull();
		expect(waitedMs(play([asked, [5, {type: 'change_state', state: 'waiting_operator'}]]), at(9))).toBe(9 * 60_000);
	});
});

describe('blocked cost', () => {
	it('is the minutes blocked times the priority weight (low 1, normal 2, high 4, urgent 8)', () => {
		const base = play([asked]);
		const cost = (priority: Thread['priority']) => blockedCost({...base, priority}, at(10));
		expect([cost('low'), cost('normal'), cost('high'), cost('urgent')]).toEqual([10, 20, 40, 80]);
	});

	it('is 0 once the agent has its answer', () => {
		expect(blockedCost(play([asked, [5, {type: 'answer', body: 'Yes.'}]]), at(60))).toBe(0);
	});
});
