/** The SLA scheduler against a real SQLite file with a clock the test moves. */
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {escalateDue, startSlaScheduler} from '../../source/consumers/sla-scheduler.js';
import type {Actor} from '../../source/forum/types.js';
import {parsePolicy} from '../../source/policy/policy.js';
import {localClient, type ForumClient} from '../../source/service/client.js';
import {ForumService, type CommandInput} from '../../source/service/forum-service.js';
import {tempDir} from '../helpers/cli.js';

const T0 = Date.parse('2026-11-25T12:00:00.000Z');
const agent: Actor = {type: 'agent', name: 'builder'};
const ops: Actor = {type: 'operator', name: 'ops'};

let dir: string;
let cleanup: () => void;
let file: string;
let nowMs: number;
const services: ForumService[] = [];

/** A service on the shared file whose clock reads `nowMs`. */
function open(policy = parsePolicy({})): {service: ForumService; forum: ForumClient} {
	const service = new ForumService({db: file, policy, clock: () => new Date(nowMs)});
	services.push(service);
	return {service, forum: localClient(service)};
}

function at(minutes: number): void {
	nowMs = T0 + minutes * 60_000;
}

function must(service: ForumService, input: CommandInput): string {
	const result = service.dispatch(input);
	if (!result.ok) throw new Error(result.rejection.message);
	return result.threadId;
}

function ask(service: ForumService, priority: 'low' | 'normal' | 'high' | 'urgent' = 'normal'): string {
	return must(service, {type: 'ask', ticket: 'OPS-7', agentName: 'builder', title: 'May I drop legacy_users?', body: 'No reads for 90 days.', priority, actor: agent});
}

function escalations(service: ForumService, threadId: string): number {
	return service.eventsAfter(0, {threadId, types: ['forum.sla.escalation_requested']}).length;
}

beforeEach(() => {
	({dir, cleanup} = tempDir());
	file = path.join(dir, 'forum.db');
	at(0);
});

afterEach(() => {
	for (const service of services.splice(0)) service.close();
	cleanup();
});

describe('escalateDue', () => {
	it('escalates a normal thread once its SLA minutes have passed, not before', async () => {
		const {service, forum} = open();
		const id = ask(service);
		at(29);
		expect(await escalateDue(forum)).toEqual([]);
		at(30);
		expect(await escalateDue(forum)).toEqual([id]);
		expect(escalations(service, id)).toBe(1);
	});

	it('leaves a snoozed thread alone, and escalates it as soon as the snooze ends if it is past its SLA', async () => {
		const {service, forum} = open();
		at(0);
		const id = ask(service);
		at(20);
		must(service, {type: 'snooze', threadId: id, until: new Date(T0 + 60 * 60_000).toISOString(), note: '', actor: ops});
		at(45);
		expect(await escalateDue(forum)).toEqual([]);
		expect(service.status().escalations).toBe(0);
		at(61);
		expect(await escalateDue(forum)).toEqual([id]);
	});

	it('emits exactly one escalation per breach however many passes follow', async () => {
		const {service, forum} = open();
		const id = ask(service);
		for (const minute of [30, 31, 45, 60, 600]) {
			at(minute);
			await escalateDue(forum);
		}
		expect(escalations(service, id)).toBe(1);
	});

	it('records the state, priority and minutes waited, with a deterministic command id', async () => {
		const {service, forum} = open();
		const id = ask(service);
		at(42);
		await escalateDue(forum);
		const [event] = service.eventsAfter(0, {threadId: id, types: ['forum.sla.escalation_requested']});
		expect(event).toMatchObject({
			payload: {state: 'new', priority: 'normal', waited_minutes: 42},
			command_id: `sla:${id}:0`,
			actor_type: 'system',
			actor_name: 'sla',
		});
	});

	it('escalates a high-priority thread at once', async () => {
		const {service, forum} = open();
		const id = ask(service, 'high');
		expect(await escalateDue(forum)).toEqual([id]);
	});

	it('does not escalate again after a post that leaves the thread in its waiting state', async () => {
		const {service, forum} = open();
		const id = ask(service);
		at(30);
		await escalateDue(forum);
		must(service, {type: 'post', threadId: id, body: 'Looking into it.', actor: ops});
		at(120);
		expect(await escalateDue(forum)).toEqual([]);
		expect(escalations(service, id)).toBe(1);
	});

	it('escalates once per wait: moving between waiting states does not escalate the same wait again', async () => {
		const {service, forum} = open();
		const id = ask(service);
		at(30);
		expect(await escalateDue(forum)).toEqual([id]);
		must(service, {type: 'change_state', threadId: id, state: 'triaged', actor: ops});
		at(300);
		expect(await escalateDue(forum)).toEqual([]);
		must(service, {type: 'change_state', threadId: id, state: 'waiting_human', actor: ops});
		// Escalated by the rule (the agent has waited 300 minutes), but this wait was escalated already.
		expect(service.status().escalations).toBe(1);
		expect(await escalateDue(forum)).toEqual([]);
		expect(escalations(service, id)).toBe(1);
	});

	it('escalates a new wait again: an operator moving an answered thread back to waiting_human', async () => {
		const {service, forum} = open();
		const id = ask(service);
		at(30);
		await escalateDue(forum);
		must(service, {type: 'answer', threadId: id, body: 'Yes.', actor: ops});
		at(100);
		must(service, {type: 'change_state', threadId: id, state: 'waiting_human', actor: ops});
		at(129);
		expect(await escalateDue(forum)).toEqual([]);
		at(130);
		expect(await escalateDue(forum)).toEqual([id]);
		const ids = service.eventsAfter(0, {threadId: id, types: ['forum.sla.escalation_requested']}).map((event) => event.command_id);
		expect(ids).toEqual([`sla:${id}:0`, `sla:${id}:2`]);
	});

	it('an assignment, a priority change and an operator post do not restart the SLA clock', async () => {
		const {service, forum} = open();
		const id = ask(service, 'low');
		at(20);
		must(service, {type: 'assign', threadId: id, assignee: ops, note: '', actor: ops});
		must(service, {type: 'change_priority', threadId: id, priority: 'normal', actor: ops});
		must(service, {type: 'post', threadId: id, body: 'Looking.', actor: ops});
		at(30);
		expect(await escalateDue(forum)).toEqual([id]);
		const [event] = service.eventsAfter(0, {threadId: id, types: ['forum.sla.escalation_requested']});
		expect(event?.payload).toMatchObject({waited_minutes: 30});
	});

	it('escalates a follow-up: an agent post re-opens an answered thread as waiting_human', async () => {
		const {service, forum} = open();
		const id = ask(service, 'urgent');
		await escalateDue(forum);
		must(service, {type: 'answer', threadId: id, body: 'Yes.', actor: ops});
		expect(await escalateDue(forum)).toEqual([]);
		must(service, {type: 'post', threadId: id, body: 'Staging too?', actor: agent});
		expect(await escalateDue(forum)).toEqual([id]);
		expect(escalations(service, id)).toBe(2);
	});

	it('ignores threads that are not waiting on a human', async () => {
		const {service, forum} = open();
		const id = ask(service, 'urgent');
		must(service, {type: 'change_state', threadId: id, state: 'waiting_operator', actor: ops});
		at(600);
		expect(await escalateDue(forum)).toEqual([]);
		expect(escalations(service, id)).toBe(0);
	});

	it('honours per-priority overrides from the policy', async () => {
		const {service, forum} = open(parsePolicy({forum: {sla: {escalation_minutes: 30, escalation_minutes_by_priority: {low: 120}}}}));
		const low = ask(service, 'low');
		const normal = ask(service, 'normal');
		at(30);
		expect(await escalateDue(forum)).toEqual([normal]);
		at(120);
		expect(await escalateDue(forum)).toEqual([low]);
	});

	it('writes nothing when the forum is disabled by policy', async () => {
		const {service} = open();
		const id = ask(service, 'urgent');
		const {forum: disabled} = open(parsePolicy({forum: {enabled: false}}));
		expect(await escalateDue(disabled)).toEqual([]);
		expect(escalations(service, id)).toBe(0);
	});
});

describe('two schedulers on one database', () => {
	it('produce one event when both saw the thread due before either escalated it', async () => {
		const a = open();
		const b = open();
		const id = ask(a.service, 'high');
		// Both list the thread before either dispatches: the second dispatch is a duplicate command id.
		const [fromA, fromB] = await Promise.all([escalateDue(a.forum), escalateDue(b.forum)]);
		expect([...fromA, ...fromB]).toEqual([id]);
		expect(escalations(a.service, id)).toBe(1);
	});

	it('produce one event per breach when running side by side on intervals', async () => {
		const a = open();
		const b = open();
		const id = ask(a.service);
		const seen: string[] = [];
		const stops = [a, b].map(({forum}) => startSlaScheduler(forum, {intervalMs: 10, onEscalated: (threadId) => seen.push(threadId), onError: (error) => seen.push(`error: ${String(error)}`)}));
		try {
			at(31);
			await vi.waitFor(() => expect(seen).toEqual([id]), {timeout: 5000, interval: 10});
			// Many more ticks of both: still one.
			await new Promise((resolve) => setTimeout(resolve, 200));
			expect(seen).toEqual([id]);
			expect(escalations(a.service, id)).toBe(1);
		} finally {
			for (const stop of stops) stop();
		}
	});
});

describe('startSlaScheduler', () => {
	it('reports errors to onError and keeps ticking', async () => {
		const {service, forum} = open();
		const id = ask(service, 'high');
		let failures = 0;
		const flaky: ForumClient = {
			...forum,
			listThreads: async (filter) => {
				if (failures++ === 0) throw new Error('database is locked');
				return forum.listThreads(filter);
			},
		};
		const errors: string[] = [];
		const escalated: string[] = [];
		const stop = startSlaScheduler(flaky, {intervalMs: 10, onError: (error) => errors.push((error as Error).message), onEscalated: (threadId) => escalated.push(threadId)});
		try {
			await vi.waitFor(() => expect(escalated).toEqual([id]), {timeout: 5000, interval: 10});
			expect(errors).toEqual(['database is locked']);
		} finally {
			stop();
		}
	});

	it('stops ticking when stopped', async () => {
		const {service, forum} = open();
		const stop = startSlaScheduler(forum, {intervalMs: 10});
		stop();
		const id = ask(service, 'urgent');
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(escalations(service, id)).toBe(0);
	});
});
