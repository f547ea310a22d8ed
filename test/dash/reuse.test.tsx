/** Answer reuse: the preview names a similar answered thread of the same ticket or agent, and `R` answers with its decision. */
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import type {Question} from '../../source/forum/types.js';
import {runCli} from '../helpers/cli.js';
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

const BOB = {type: 'operator', name: 'bob'} as const;

function ask(ticket: string, title: string, body: string, options: {agent?: string; question?: Question} = {}): string {
	const agent = options.agent ?? 'builder';
	const result = forum.other.dispatch({type: 'ask', ticket, agentName: agent, title, body, priority: 'normal', ...(options.question ? {question: options.question} : {}), actor: {type: 'agent', name: agent}});
	if (!result.ok) throw new Error(result.rejection.message);
	return result.threadId;
}

function answer(threadId: string, fields: {body?: string; choice?: number; approved?: boolean}) {
	const result = forum.other.dispatch({type: 'answer', threadId, body: fields.body ?? '', ...fields, actor: BOB});
	if (!result.ok) throw new Error(result.rejection.message);
}

describe('answer reuse', () => {
	it('the preview shows "similar, answered … ago" with the earlier decision', async () => {
		const earlier = ask('OPS-7', 'May I drop table legacy_users?', 'It has had no reads for 90 days.');
		answer(earlier, {body: 'Yes, drop it after a backup.'});
		ask('OPS-7', 'Can I drop the legacy_users table?', 'No reads in the last 90 days.');
		dash = await mountDash(forum);
		const frame = await dash.waitFor((f) => f.includes('similar, answered'));
		expect(frame).toMatch(/≈ similar, answered \d+[smh] ago: Yes, drop it after a backup\./);
	});

	it('R answers with that decision, marked as reusing the earlier thread; an agent\'s wait returns it', async () => {
		const earlier = ask('OPS-7', 'May I drop table legacy_users?', 'It has had no reads for 90 days.');
		answer(earlier, {body: 'Yes, drop it after a backup.'});
		const again = ask('OPS-7', 'Can I drop the legacy_users table?', 'No reads in the last 90 days.', {agent: 'cleaner'});
		dash = await mountDash(forum);
		await dash.waitFor((f) => f.includes('similar, answered'));
		await dash.press('R');
		await dash.waitFor((f) => f.includes('answered OPS-7 with the earlier decision'));
		const waited = await runCli(['forum', 'wait', '--thread-id', again, '--json', '--db', forum.file]);
		expect(waited.code).toBe(0);
		const {decision} = JSON.parse(waited.stdout);
		const earlierPost = forum.other.getThread(earlier)!.thread.answer!.eventId;
		expect(decision).toMatchObject({kind: 'text', body: 'Yes, drop it after a backup.', author: {type: 'operator', name: 'ops'}, reuses: {thread_id: earlier, post_id: earlierPost}});
	});

	it('a choice question reuses the earlier choice by its label when the options match (in any order)', async () => {
		const earlier = ask('API-3', 'Flaky test: retry or quarantine?', 'test_sync fails 1 in 5 runs on CI.', {question: {kind: 'choice', choices: ['Retry', 'Quarantine'], recommended: null}});
		answer(earlier, {choice: 2});
		const again = ask('API-3', 'Flaky test: retry or quarantine?', 'test_sync fails 1 in 4 runs on CI.', {question: {kind: 'choice', choices: ['Quarantine', 'Retry'], recommended: null}});
		dash = await mountDash(forum);
		await dash.waitFor((f) => f.includes('similar, answered'));
		await dash.press('R');
		await dash.waitFor((f) => f.includes('answered API-3 with the earlier decision'));
		expect(forum.other.getThread(again)!.thread.answer).toMatchObject({kind: 'choice', choice: {index: 1, label: 'Quarantine'}});
	});

	it('a decision whose options differ is never suggested, so R cannot send it; nothing is written', async () => {
		const earlier = ask('API-4', 'Flaky test: retry or quarantine?', 'test_sync fails 1 in 5 runs on CI.', {question: {kind: 'choice', choices: ['Retry', 'Quarantine'], recommended: null}});
		answer(earlier, {choice: 1});
		const again = ask('API-4', 'Flaky test: retry or quarantine?', 'test_sync fails 1 in 5 runs on CI.', {question: {kind: 'choice', choices: ['Retry', 'Quarantine', 'Delete it'], recommended: null}});
		dash = await mountDash(forum);
		await dash.waitFor((f) => f.includes('Flaky test'));
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(dash.frame()).not.toContain('similar, answered');
		const before = forum.other.lastSequence();
		await dash.press('R');
		await dash.waitFor((f) => f.includes('no similar answered thread'));
		expect(forum.other.lastSequence()).toBe(before);
		expect(forum.other.getThread(again)!.thread.state).toBe('new');
	});

	it('a thread of another ticket and another agent is never suggested', async () => {
		const earlier = ask('WEB-1', 'May I drop table legacy_users?', 'It has had no reads for 90 days.', {agent: 'web'});
		answer(earlier, {body: 'Yes.'});
		ask('OPS-7', 'May I drop table legacy_users?', 'It has had no reads for 90 days.');
		dash = await mountDash(forum);
		await dash.waitFor((f) => f.includes('OPS-7'));
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(dash.frame()).not.toContain('similar, answered');
		await dash.press('R');
		await dash.waitFor((f) => f.includes('no similar answered thread'));
	});

	it('R without a suggestion names why and sends nothing; Enter still opens', async () => {
		ask('OPS-8', 'Which region?', 'eu or us');
		dash = await mountDash(forum);
		await dash.press('R');
		await dash.waitFor((f) => f.includes('no similar answered thread'));
		await dash.press(KEYS.enter);
	});

	it('R is refused when the earlier decision was amended after the preview showed it; the amended decision is not sent', async () => {
		const earlier = ask('OPS-8', 'May I drop table legacy_users?', 'It has had no reads for 90 days.');
		answer(earlier, {body: 'No, archive it.'});
		const again = ask('OPS-8', 'Can I drop the legacy_users table?', 'No reads in the last 90 days.', {agent: 'cleaner'});
		dash = await mountDash(forum);
		await dash.waitFor((f) => f.includes('similar, answered') && f.includes('No, archive it.'));
		const amended = forum.other.dispatch({type: 'answer', threadId: earlier, body: 'Yes, drop it now.', amend: true, actor: BOB});
		expect(amended.ok).toBe(true);
		await dash.press('R');
		await dash.waitFor((f) => f.includes('changed after the preview showed it'));
		expect(forum.other.getThread(again)!.thread.state).toBe('new');
	});

	it('the preview follows an amendment of the earlier decision', async () => {
		const earlier = ask('OPS-9', 'May I drop table legacy_users?', 'It has had no reads for 90 days.');
		answer(earlier, {body: 'No, archive it.'});
		ask('OPS-9', 'Can I drop the legacy_users table?', 'No reads in the last 90 days.', {agent: 'cleaner'});
		dash = await mountDash(forum);
		await dash.waitFor((f) => f.includes('similar, answered') && f.includes('No, archive it.'));
		expect(forum.other.dispatch({type: 'answer', threadId: earlier, body: 'Yes, drop it now.', amend: true, actor: BOB}).ok).toBe(true);
		const frame = await dash.waitFor((f) => f.includes('Yes, drop it now.'));
		expect(frame).not.toContain('No, archive it.');
	});
});
