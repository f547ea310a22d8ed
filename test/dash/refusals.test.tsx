import Database from 'better-sqlite3';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import type {ForumClient} from '../../source/service/client.js';
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

describe('refusals are shown inline and the app keeps running', () => {
	it('answering a closed thread says it is closed before anything is typed', async () => {
		const id = forum.ask('CL-1', 'closed already');
		forum.other.dispatch({type: 'close', threadId: id, actor: OPERATOR});
		dash = await mountDash(forum);
		await dash.press('6');
		await dash.waitFor((f) => f.includes('[6 Closed 1]') && f.includes('CL-1'));
		await dash.press('a');
		const frame = await dash.waitFor((f) => f.includes('✗ CL-1 is closed'));
		expect(frame).not.toContain('answer CL-1 ›');
		expect(forum.other.getThread(id)!.posts).toHaveLength(0);
	});

	it('an empty answer is refused and the input stays open for text', async () => {
		const id = forum.ask('EM-1', 'say something');
		dash = await mountDash(forum);
		await dash.press('a', KEYS.enter);
		const frame = await dash.waitFor((f) => f.includes('✗ '));
		expect(frame).toMatch(/✗ .*body/);
		expect(frame).toContain('answer EM-1 ›');
		expect(forum.other.getThread(id)!.thread.state).toBe('new');
	});

	it('a state change after another writer answered meanwhile is refused as stale, naming who did what', async () => {
		const id = forum.ask('IL-1', 'moving target');
		dash = await mountDash(forum);
		await dash.press('s');
		await dash.waitFor((f) => f.includes('[1 triaged]'));
		forum.other.dispatch({type: 'answer', threadId: id, body: 'answered elsewhere', actor: {type: 'operator', name: 'lead'}});
		await dash.press(KEYS.enter);
		const frame = await dash.waitFor((f) => f.includes('✗ '));
		expect(frame).toContain(`✗ thread ${id} changed since version 1: operator lead answered it`);
		expect(forum.other.getThread(id)!.thread.state).toBe('answered');
	});

	it('s on a closed thread says no state change is allowed', async () => {
		const id = forum.ask('CL-2', 'closed');
		forum.other.dispatch({type: 'close', threadId: id, actor: OPERATOR});
		dash = await mountDash(forum);
		await dash.press('6', 's');
		await dash.waitFor((f) => f.includes('✗ CL-2 is closed; no state change is allowed'));
	});

	it('an action with no thread selected says so', async () => {
		dash = await mountDash(forum);
		expect(dash.frame()).toContain('nothing needs a human right now');
		await dash.press('a');
		await dash.waitFor((f) => f.includes('✗ no thread selected'));
	});

	it('a database locked past the wait limit is reported inline, and the next action works', async () => {
		const id = forum.ask('LK-1', 'locked');
		dash = await mountDash(forum, {lockWaitMs: 500, lockRetryMs: 50});
		const locker = new Database(forum.file);
		locker.pragma('busy_timeout = 0');
		locker.exec('BEGIN IMMEDIATE');
		try {
			await dash.press('c', 'y');
			await dash.waitFor((f) => f.includes('waiting for the database'));
			await dash.waitFor((f) => /✗ the database stayed locked by another process for \ds; nothing was sent/.test(f));
		} finally {
			locker.exec('ROLLBACK');
			locker.close();
		}
		expect(forum.other.getThread(id)!.thread.state).toBe('new');
		await dash.press('c', 'y');
		await dash.waitFor((f) => f.includes('✓ closed LK-1'));
		expect(forum.other.getThread(id)!.thread.state).toBe('closed');
	});

	it('a thread that cannot be found shows a message instead of crashing', async () => {
		forum.ask('GONE-1', 'vanishing');
		const client: ForumClient = {...forum.client, getThread: async () => undefined};
		dash = await mountDash({...forum, client});
		await dash.press(KEYS.enter);
		await dash.waitFor((f) => f.includes('thread not found'));
		await dash.press(KEYS.escape);
		await dash.waitFor((f) => f.includes('GONE-1') && !f.includes('thread not found'));
	});

	it('a pane that is too small shows a clear message and q still quits', async () => {
		forum.ask('SM-1', 'small');
		dash = await mountDash(forum, {columns: 40, rows: 8});
		expect(dash.frame()).toContain('pane too small (40x8)');
		await dash.press('q');
		expect(await dash.exited()).toBe(true);
	});
});
