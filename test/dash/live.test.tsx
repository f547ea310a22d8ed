import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {escalateDue} from '../../source/consumers/sla-scheduler.js';
import {KEYS, mountDash, openForum, OPERATOR, type Dash, type Forum} from './harness.js';

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

describe('live updates', () => {
	it('a thread asked through another connection appears without a key press', async () => {
		dash = await mountDash(forum);
		expect(dash.frame()).toContain('nothing needs a human right now');
		forum.ask('LIVE-1', 'asked elsewhere');
		const frame = await dash.waitFor((f) => f.includes('LIVE-1'));
		expect(frame).toContain('[1 Needs human 1]');
		expect(frame).toContain('asked elsewhere');
	});

	it('a thread answered elsewhere leaves the Needs human section by itself', async () => {
		const id = forum.ask('LIVE-2', 'answer me elsewhere');
		dash = await mountDash(forum);
		expect(dash.frame()).toContain('[1 Needs human 1]');
		forum.other.dispatch({type: 'answer', threadId: id, body: 'done', actor: {type: 'operator', name: 'lead'}});
		await dash.waitFor((f) => f.includes('[1 Needs human 0]') && f.includes('4 Answered 1'));
	});

	it('the status bar shows the database and the last sequence, and follows new events', async () => {
		forum.ask('SEQ-1', 'one');
		dash = await mountDash(forum);
		expect(dash.frame()).toContain(`${forum.file} · seq 1 · redis off`);
		forum.ask('SEQ-2', 'two');
		await dash.waitFor((f) => f.includes('· seq 2 ·'));
	});
});

describe('escalations', () => {
	it('rings the bell once when a thread newly becomes escalated, not for ones already escalated at start', async () => {
		forum.ask('OLD-1', 'already urgent', {priority: 'urgent'});
		let rings = 0;
		dash = await mountDash(forum, {bell: () => rings++});
		expect(rings).toBe(0);
		const id = forum.ask('NEW-1', 'urgent now', {priority: 'urgent'});
		await dash.waitFor((f) => f.includes('NEW-1'));
		await dash.waitFor(() => rings === 1);
		forum.other.dispatch({type: 'post', threadId: id, body: 'still urgent', actor: {type: 'agent', name: 'builder'}});
		await dash.waitFor((f) => /NEW-1 .* 1 /.test(f));
		expect(rings).toBe(1);
	});

	it('rings the bell and marks the row when a waiting thread crosses its SLA while the dashboard is open', async () => {
		forum.cleanup();
		let skewMs = 0;
		forum = openForum({clock: () => new Date(Date.now() + skewMs)});
		forum.ask('SLOW-1', 'normal priority, waiting');
		let rings = 0;
		dash = await mountDash(forum, {bell: () => rings++, clock: true});
		expect(dash.selected()).toMatch(/^▶• /);
		// The other writer asked ten minutes ago; 21 more minutes pass the 30-minute SLA.
		skewMs = 21 * 60_000;
		await dash.waitFor(() => /^▶•!/.test(dash!.selected()));
		await dash.waitFor(() => rings === 1);
		expect(dash.frame()).toContain('escalated 1');
	});

	it('escalated rows are marked and show how long they are past the SLA', async () => {
		const oldClock = Date.now() - 75 * 60_000;
		const {ForumService} = await import('../../source/service/forum-service.js');
		const past = new ForumService({db: forum.file, clock: () => new Date(oldClock)});
		past.dispatch({type: 'ask', ticket: 'SLA-1', agentName: 'etl', title: 'waited long', body: 'b', priority: 'normal', actor: {type: 'agent', name: 'etl'}});
		past.close();
		dash = await mountDash(forum);
		const row = dash.selected();
		expect(row).toMatch(/^▶•!/);
		// 75 minutes waited against a 30-minute SLA.
		expect(row).toMatch(/1h\s+\+45m/);
		expect(dash.frame()).toContain('escalated 1');
	});
});

describe('the SLA scheduler inside the dashboard', () => {
	it('records the escalation event of a thread the queue shows as escalated', async () => {
		const id = forum.ask('ESC-1', 'urgent', {priority: 'urgent'});
		dash = await mountDash(forum, {escalate: () => escalateDue(forum.client)});
		await dash.waitFor(() => forum.other.getThread(id)!.thread.escalatedAt !== null);
		const events = forum.other.eventsAfter(0, {threadId: id, types: ['forum.sla.escalation_requested']});
		expect(events).toHaveLength(1);
		expect(events[0]).toMatchObject({actor_type: 'system', actor_name: 'sla'});
	});

	it('does not run while nothing is escalated', async () => {
		forum.ask('CALM-1', 'normal and fresh');
		let passes = 0;
		dash = await mountDash(forum, {clock: true, escalate: async () => passes++});
		forum.ask('CALM-2', 'another one');
		await dash.waitFor((f) => f.includes('CALM-2'));
		// Past one clock tick, which also retries pending escalations.
		const tickPassed = Date.now() + 1100;
		await dash.waitFor(() => Date.now() > tickPassed, 3000);
		expect(passes).toBe(0);
	});
});

describe('seen and unseen', () => {
	it('marks unseen rows, and a new post makes a seen thread unseen again', async () => {
		const id = forum.ask('UN-1', 'unseen');
		dash = await mountDash(forum);
		expect(dash.selected()).toMatch(/^▶•/);
		await dash.press(KEYS.enter);
		await dash.waitFor((f) => f.includes('State history'));
		await dash.press(KEYS.escape);
		await dash.waitFor(() => /^▶ /.test(dash!.selected()));
		forum.other.dispatch({type: 'post', threadId: id, body: 'more detail', actor: {type: 'agent', name: 'builder'}});
		await dash.waitFor(() => /^▶•/.test(dash!.selected()));
	});

	it('Needs me lists threads assigned to me that are unseen or unanswered; opening one keeps it, answering it takes it out', async () => {
		const mine = forum.ask('ME-1', 'mine');
		forum.other.dispatch({type: 'assign', threadId: mine, assignee: OPERATOR, note: '', actor: OPERATOR});
		const theirs = forum.ask('ME-2', 'theirs');
		forum.other.dispatch({type: 'assign', threadId: theirs, assignee: {type: 'operator', name: 'lead'}, note: '', actor: OPERATOR});
		const answered = forum.ask('ME-3', 'mine but answered');
		forum.other.dispatch({type: 'assign', threadId: answered, assignee: OPERATOR, note: '', actor: OPERATOR});
		forum.other.dispatch({type: 'answer', threadId: answered, body: 'done', actor: OPERATOR});
		dash = await mountDash(forum);
		await dash.press('2');
		let frame = await dash.waitFor((f) => f.includes('[2 Needs me 1]'));
		expect(frame).toContain('ME-1');
		expect(frame).not.toContain('ME-2');
		expect(frame).not.toContain('ME-3 ');
		// Seen but still unanswered: it stays.
		await dash.press(KEYS.enter);
		await dash.waitFor((f) => f.includes('State history'));
		await dash.press(KEYS.escape);
		await dash.waitFor((f) => f.includes('[2 Needs me 1]'));
		await dash.press('a');
		await dash.type('on it');
		await dash.press(KEYS.enter);
		frame = await dash.waitFor((f) => f.includes('[2 Needs me 0]'));
		expect(frame).toContain('nothing assigned to you is unseen or waiting for an answer');
	});
});
