/** Answer keys for choice and approval questions, the version every write carries, and the kept-text menu. */
import Database from 'better-sqlite3';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import type {Question} from '../../source/forum/types.js';
import type {ForumClient} from '../../source/service/client.js';
import type {CommandInput} from '../../source/service/forum-service.js';
import {KEYS, mountDash, openForum, type Dash, type Forum} from './harness.js';

let forum: Forum;
let dash: Dash | undefined;
let sent: CommandInput[];
let client: ForumClient;

beforeEach(() => {
	forum = openForum();
	sent = [];
	// Record what the dashboard dispatches.
	client = {...forum.client, dispatch: (input) => (sent.push(input), forum.client.dispatch(input))};
});
afterEach(() => {
	dash?.unmount();
	dash = undefined;
	forum.cleanup();
});

const BOB = {type: 'operator', name: 'bob'} as const;

function askWith(ticket: string, question: Question, title = `${ticket} question`): string {
	const result = forum.other.dispatch({type: 'ask', ticket, agentName: 'builder', title, body: `${title} (body)`, priority: 'normal', question, actor: {type: 'agent', name: 'builder'}});
	if (!result.ok) throw new Error(result.rejection.message);
	return result.threadId;
}
const thread = (id: string) => forum.other.getThread(id)!.thread;
const mount = (props = {}) => mountDash({...forum, client}, props);

describe('choice questions', () => {
	it('a digit in the thread view sends that choice as the answer', async () => {
		const id = askWith('CH-1', {kind: 'choice', choices: ['A', 'B', 'C'], recommended: 2});
		dash = await mount();
		await dash.press(KEYS.enter);
		const detail = await dash.waitFor((f) => f.includes('State history'));
		expect(detail).toContain('question: choose one — 1 A · 2 B (recommended) · 3 C');
		expect(detail).toContain('1-3 choose');
		await dash.press('3');
		await dash.waitFor((f) => f.includes('✓ answered CH-1: 3 C'));
		expect(sent.at(-1)).toMatchObject({type: 'answer', threadId: id, choice: 3, ifVersion: 1});
		expect(thread(id).state).toBe('answered');
		expect(thread(id).answer).toMatchObject({kind: 'choice', choice: {index: 3, label: 'C'}});
	});

	it('a then a digit in the queue picks that choice; the prompt lists the options', async () => {
		const id = askWith('CH-2', {kind: 'choice', choices: ['A', 'B', 'C'], recommended: 2});
		dash = await mount();
		await dash.press('a');
		const frame = await dash.waitFor((f) => f.includes('answer CH-2 ›'));
		expect(frame).toContain('1 A · 2 B (recommended) · 3 C — press a number, or type an answer');
		await dash.press('2');
		await dash.waitFor((f) => f.includes('✓ answered CH-2: 2 B'));
		expect(thread(id).answer).toMatchObject({kind: 'choice', choice: {index: 2, label: 'B'}});
	});

	it('text typed into the answer prompt of a choice question answers in words', async () => {
		const id = askWith('CH-3', {kind: 'choice', choices: ['A', 'B'], recommended: null});
		dash = await mount();
		await dash.press('a');
		await dash.type('neither, 2 is wrong');
		await dash.press(KEYS.enter);
		await dash.waitFor((f) => f.includes('✓ answered CH-3'));
		expect(thread(id).answer).toMatchObject({kind: 'text', body: 'neither, 2 is wrong', choice: null});
	});

	it('a digit on an answered thread is refused inline with the current answer, and M amends it', async () => {
		const id = askWith('CH-4', {kind: 'choice', choices: ['A', 'B'], recommended: null});
		forum.other.dispatch({type: 'answer', threadId: id, body: '', choice: 1, actor: BOB});
		dash = await mount();
		await dash.press('4', KEYS.enter);
		const detail = await dash.waitFor((f) => f.includes('State history'));
		expect(detail).toContain('✓ answered by bob: 1 A');
		await dash.press('2');
		await dash.waitFor((f) => f.includes('✗ CH-4 is already answered by bob') && f.includes('M amends it'));
		expect(sent).toHaveLength(0);
		await dash.press('M');
		await dash.waitFor((f) => f.includes('amend the answer of CH-4 ›'));
		await dash.press('2');
		await dash.waitFor((f) => f.includes('✓ amended CH-4: 2 B'));
		expect(thread(id).answer).toMatchObject({choice: {index: 2, label: 'B'}, amendments: 1});
		await dash.press('4', KEYS.enter);
		await dash.waitFor((f) => f.includes('✓ answered by ops: 2 B · amended') && f.includes('★ current amended answer'));
	});
});

describe('approval questions', () => {
	it('y then Enter approves without a reason', async () => {
		const id = askWith('AP-1', {kind: 'approval'});
		dash = await mount();
		expect(dash.frame()).toContain('y approve');
		await dash.press('y');
		await dash.waitFor((f) => f.includes('approve AP-1, reason (optional) ›'));
		await dash.press(KEYS.enter);
		await dash.waitFor((f) => f.includes('✓ approved AP-1'));
		expect(thread(id).answer).toMatchObject({kind: 'approval', approved: true, body: ''});
		expect(sent.at(-1)).toMatchObject({approved: true, ifVersion: 1});
	});

	it('n, a reason and Enter deny with that reason; the thread view shows it', async () => {
		const id = askWith('AP-2', {kind: 'approval'});
		dash = await mount();
		await dash.press(KEYS.enter);
		await dash.waitFor((f) => f.includes('State history') && f.includes('y approve  n deny'));
		await dash.press('n');
		await dash.type('not on a Friday');
		await dash.press(KEYS.enter);
		await dash.waitFor((f) => f.includes('✓ denied AP-2'));
		expect(thread(id).answer).toMatchObject({kind: 'approval', approved: false, body: 'not on a Friday'});
		await dash.press('4', KEYS.enter);
		await dash.waitFor((f) => f.includes('✗ denied by ops: not on a Friday'));
	});

	it('Esc in the reason prompt sends nothing', async () => {
		const id = askWith('AP-3', {kind: 'approval'});
		dash = await mount();
		await dash.press('y', KEYS.escape);
		await dash.waitFor((f) => !f.includes('reason (optional)'));
		expect(sent).toHaveLength(0);
		expect(thread(id).state).toBe('new');
	});

	it('y on a text question says it is not an approval question and writes nothing', async () => {
		const id = askWith('TX-1', {kind: 'text'});
		dash = await mount();
		await dash.press('y');
		await dash.waitFor((f) => f.includes('✗ TX-1 is not an approval question'));
		expect(sent).toHaveLength(0);
		expect(thread(id).lastSequence).toBe(1);
	});
});

describe('the state menu and close', () => {
	it('offers no answered, and closed from it asks the same y/N as c', async () => {
		const id = askWith('ST-1', {kind: 'text'});
		dash = await mount();
		await dash.press('s');
		const menu = await dash.waitFor((f) => f.includes('state of ST-1:'));
		expect(menu).not.toMatch(/state of ST-1:.*answered/);
		const closed = menu.match(/(\d) closed/)![1]!;
		await dash.press(closed);
		await dash.waitFor((f) => f.includes('close ST-1 “ST-1 question”? y/N'));
		await dash.press(KEYS.enter);
		await dash.waitFor((f) => f.includes('not closed'));
		expect(thread(id).state).toBe('new');
		await dash.press('s', closed, 'y');
		await dash.waitFor((f) => f.includes('✓ closed ST-1'));
		expect(sent.at(-1)).toMatchObject({type: 'close', ifVersion: 1});
	});

	it('c on a closed thread says it is closed instead of asking', async () => {
		const id = askWith('ST-2', {kind: 'text'});
		forum.other.dispatch({type: 'close', threadId: id, actor: BOB});
		dash = await mount();
		await dash.press('6');
		await dash.waitFor((f) => f.includes('[6 Closed 1]') && f.includes('ST-2'));
		await dash.press('c');
		await dash.waitFor((f) => f.includes('✗ ST-2 is already closed'));
		expect(dash.frame()).not.toContain('y/N');
	});
});

describe('stale writes keep the text', () => {
	it('an answer typed while someone else answered is refused as stale; p sends the text as a post', async () => {
		const id = askWith('SL-1', {kind: 'choice', choices: ['A', 'B'], recommended: null});
		dash = await mount();
		await dash.press('a');
		await dash.type('go with A');
		forum.other.dispatch({type: 'answer', threadId: id, body: '', choice: 'B', actor: BOB});
		await dash.press(KEYS.enter);
		const kept = await dash.waitFor((f) => f.includes('kept for SL-1'));
		expect(kept).toContain('operator bob answered it (B)');
		expect(kept).toContain('“go with A”');
		expect(kept).toMatch(/p post .* e edit .* d discard/);
		expect(thread(id).answer).toMatchObject({choice: {label: 'B'}, author: BOB});
		await dash.press('p');
		await dash.waitFor((f) => f.includes('✓ posted the kept text on SL-1'));
		const detail = forum.other.getThread(id)!;
		expect(detail.posts.at(-1)).toMatchObject({body: 'go with A', authorName: 'ops', answer: null});
		expect(detail.thread.answer).toMatchObject({choice: {label: 'B'}});
		expect(sent.at(-1)).toMatchObject({type: 'post', ifVersion: detail.thread.lastSequence - 1});
	});

	it('e reopens the kept text in the prompt, and d discards it only after y', async () => {
		const id = askWith('SL-2', {kind: 'text'});
		dash = await mount();
		await dash.press('r');
		await dash.type('my note');
		forum.other.dispatch({type: 'close', threadId: id, actor: BOB});
		await dash.press(KEYS.enter);
		await dash.waitFor((f) => f.includes('kept for SL-2') && f.includes('closed it'));
		// Closed: the post is refused too, and the text is still kept.
		await dash.press('p');
		await dash.waitFor((f) => f.includes('kept for SL-2') && f.includes('is closed'));
		await dash.press('e');
		await dash.waitFor((f) => f.includes('post SL-2 › my note'));
		await dash.press(KEYS.enter);
		await dash.waitFor((f) => f.includes('kept for SL-2'));
		await dash.press('d');
		await dash.waitFor((f) => f.includes('discard the kept text (7 characters)?'));
		await dash.press('n');
		await dash.waitFor((f) => f.includes('kept for SL-2'));
		await dash.press('d', 'y');
		await dash.waitFor((f) => f.includes('kept text discarded'));
		expect(forum.other.getThread(id)!.posts).toHaveLength(0);
	});
});

describe('a database locked by another process', () => {
	it('the frame keeps drawing while the answer waits, and the answer lands once the lock is released', async () => {
		const id = askWith('LK-2', {kind: 'text'});
		dash = await mount({lockRetryMs: 50});
		const locker = new Database(forum.file);
		try {
			locker.exec('BEGIN IMMEDIATE');
			await dash.press('a');
			await dash.type('ship it');
			await dash.press(KEYS.enter);
			await dash.waitFor((f) => f.includes('waiting for the database… 0s'));
			// Still drawing: the seconds count up and keys still work.
			await dash.waitFor((f) => f.includes('waiting for the database… 1s'));
			await dash.press('?');
			await dash.waitFor((f) => f.includes(' Keys: ') && f.includes('waiting for the database'));
			await dash.press('x');
			expect(thread(id).state).toBe('new');
			locker.exec('ROLLBACK');
			await dash.waitFor((f) => f.includes('✓ answered LK-2'));
		} finally {
			if (locker.inTransaction) locker.exec('ROLLBACK');
			locker.close();
		}
		expect(thread(id).answer).toMatchObject({kind: 'text', body: 'ship it'});
		// One command id for every attempt: the retries were one command.
		expect(new Set(sent.map((input) => input.commandId)).size).toBe(1);
	});

	it('Esc stops waiting and keeps the text', async () => {
		const id = askWith('LK-3', {kind: 'text'});
		dash = await mount({lockRetryMs: 50});
		const locker = new Database(forum.file);
		try {
			locker.exec('BEGIN IMMEDIATE');
			await dash.press('a');
			await dash.type('later');
			await dash.press(KEYS.enter);
			await dash.waitFor((f) => f.includes('waiting for the database'));
			await dash.press(KEYS.escape);
			await dash.waitFor((f) => f.includes('stopped waiting for the database') && f.includes('“later”'));
		} finally {
			locker.exec('ROLLBACK');
			locker.close();
		}
		await dash.press('e');
		await dash.waitFor((f) => f.includes('answer LK-3 › later'));
		await dash.press(KEYS.enter);
		await dash.waitFor((f) => f.includes('✓ answered LK-3'));
		expect(thread(id).answer?.body).toBe('later');
	});

	it('the editor text survives a lock timeout: kept, then e reopens the editor with it', async () => {
		const id = askWith('LK-4', {kind: 'text'});
		const previous = process.env['EDITOR'];
		process.env['EDITOR'] = `sh -c 'printf "Written in the editor.\\n" | cat - "$0" > "$0.new" && mv "$0.new" "$0"'`;
		const locker = new Database(forum.file);
		try {
			dash = await mount({lockRetryMs: 50, lockWaitMs: 600});
			locker.exec('BEGIN IMMEDIATE');
			await dash.press('e');
			await dash.waitFor((f) => f.includes('the database stayed locked') && f.includes('kept for LK-4: “Written in the editor.”'));
			locker.exec('ROLLBACK');
			// The second time the editor changes nothing: what is sent is the kept text.
			process.env['EDITOR'] = 'true';
			await dash.press('e');
			await dash.waitFor((f) => f.includes('✓ answered LK-4'));
		} finally {
			if (locker.inTransaction) locker.exec('ROLLBACK');
			locker.close();
			if (previous === undefined) delete process.env['EDITOR'];
			else process.env['EDITOR'] = previous;
		}
		expect(thread(id).answer?.body).toBe('Written in the editor.');
	});
});
