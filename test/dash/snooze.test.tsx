/** `z` in the dashboard: the thread leaves Needs human for Snoozed until the time or the agent's next post. */
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {KEYS, mountDash, openForum, type Dash, type Forum} from './harness.js';

let forum: Forum;
let dash: Dash | undefined;

beforeEach(() => {
	forum = openForum();
});
afterEach(() => {
	dash?.unmount();
	dash = undefined;
	forum.cleanup();
});

const thread = (id: string) => forum.other.getThread(id)!.thread;

describe('snooze in the dashboard', () => {
	it('z with the default hides the thread from Needs human, counts it, and lists it under Snoozed with the time left', async () => {
		const id = forum.ask('SZ-1', 'Which region?');
		forum.ask('SZ-2', 'Which colour?');
		dash = await mountDash(forum);
		await dash.waitFor((f) => f.includes('[1 Needs human 2]'));
		expect(dash.selected()).toContain('SZ-1');
		await dash.press('z');
		await dash.waitFor((f) => f.includes('snooze SZ-1 for / until'));
		await dash.press(KEYS.enter);
		const frame = await dash.waitFor((f) => f.includes('[1 Needs human 1]'));
		expect(frame).toContain('(+1 snoozed)');
		expect(frame).not.toMatch(/▶.*SZ-1/);
		const until = Date.parse(thread(id).snoozedUntil!);
		expect(until - Date.now()).toBeGreaterThan(59 * 60_000);
		await dash.press('7');
		const snoozed = await dash.waitFor((f) => f.includes('[7 Snoozed 1]'));
		expect(snoozed).toMatch(/SZ-1.*zz (59m|1h) · Which region\?/);
	});

	it('an agent post brings a snoozed thread back to Needs human', async () => {
		const id = forum.ask('SZ-3', 'Retry or quarantine?');
		dash = await mountDash(forum);
		await dash.press('z');
		await dash.type('2h');
		await dash.press(KEYS.enter);
		await dash.waitFor((f) => f.includes('[1 Needs human 0]'));
		const posted = forum.other.dispatch({type: 'post', threadId: id, body: 'the tests are red now', actor: {type: 'agent', name: 'builder'}});
		expect(posted.ok).toBe(true);
		const frame = await dash.waitFor((f) => f.includes('[1 Needs human 1]'));
		expect(frame).toContain('SZ-3');
		expect(frame).not.toContain('snoozed)');
	});

	it('a bad time keeps the prompt open and says which forms it takes; nothing is written', async () => {
		const id = forum.ask('SZ-4', 'Ship it?');
		dash = await mountDash(forum);
		await dash.press('z');
		await dash.type('later');
		await dash.press(KEYS.enter);
		const frame = await dash.waitFor((f) => f.includes('not understood'));
		expect(frame).toContain('snooze SZ-4 for / until');
		expect(thread(id).snoozedUntil).toBeNull();
	});

	it('Z ends the snooze: the thread is back in Needs human', async () => {
		const id = forum.ask('SZ-5', 'Ship it?');
		forum.other.dispatch({type: 'snooze', threadId: id, until: new Date(Date.now() + 3_600_000).toISOString(), note: '', actor: {type: 'operator', name: 'ops'}});
		dash = await mountDash(forum);
		await dash.waitFor((f) => f.includes('[1 Needs human 0]'));
		await dash.press('7');
		await dash.waitFor((f) => f.includes('[7 Snoozed 1]'));
		await dash.press('Z');
		await dash.waitFor((f) => f.includes('[7 Snoozed 0]'));
		expect(thread(id).snoozedUntil).toBeNull();
		await dash.press('1');
		expect(await dash.waitFor((f) => f.includes('[1 Needs human 1]'))).toContain('SZ-5');
	});

	it('the time passing ends the snooze without any event', async () => {
		let offset = 0;
		forum.cleanup();
		forum = openForum({clock: () => new Date(Date.now() + offset)});
		const id = forum.ask('SZ-6', 'Ship it?');
		forum.other.dispatch({type: 'snooze', threadId: id, until: new Date(Date.now() + 30 * 60_000).toISOString(), note: '', actor: {type: 'operator', name: 'ops'}});
		const events = forum.other.lastSequence();
		dash = await mountDash(forum, {clock: true});
		await dash.waitFor((f) => f.includes('[1 Needs human 0]'));
		offset = 31 * 60_000;
		await dash.waitFor((f) => f.includes('[1 Needs human 1]'), 4000);
		expect(forum.other.lastSequence()).toBe(events);
	});
});
