/** Bulk actions through ink-testing-library on a real database: Space and * mark, A p s c act on all marked. */
import Database from 'better-sqlite3';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
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
	client = {...forum.client, dispatch: (input) => (sent.push(input), forum.client.dispatch(input))};
});
afterEach(() => {
	dash?.unmount();
	dash = undefined;
	forum.cleanup();
});

const mount = (props = {}) => mountDash({...forum, client}, props);
const stateOf = (id: string) => forum.other.getThread(id)!.thread.state;
const rowOf = (ticket: string) => dash!.lines().find((line) => line.includes(ticket)) ?? '';
/** Five threads in a known order (urgent first). */
function five(): string[] {
	return ['urgent', 'high', 'normal', 'normal', 'low'].map((priority, index) => forum.ask(`B-${index + 1}`, `question ${index + 1}`, {priority: priority as 'urgent'}));
}

describe('marking threads', () => {
	it('Space marks the row (a ✓ column appears) and moves to the next; Space on it again unmarks it', async () => {
		five();
		dash = await mount();
		expect(rowOf('B-1')).not.toContain('✓');
		await dash.press(' ');
		expect(rowOf('B-1')).toMatch(/^ •!?✓ urgent/);
		expect(dash.selected()).toContain('B-2');
		expect(dash.lines().at(-2)).toContain('✓ 1 marked:');
		await dash.press('k', ' ');
		await dash.waitFor(() => !rowOf('B-1').includes('✓'));
		expect(dash.lines().at(-2)).not.toContain('marked');
	});

	it('* marks every thread shown under the filter, * again unmarks them; Esc clears marks first, then the filter', async () => {
		five();
		forum.ask('OTHER-1', 'unrelated');
		dash = await mount();
		await dash.press('/');
		await dash.type('question');
		await dash.press(KEYS.enter);
		await dash.press('*');
		await dash.waitFor((frame) => frame.includes('marked all 5 shown'));
		for (let i = 1; i <= 5; i++) expect(rowOf(`B-${i}`)).toContain('✓');
		await dash.press('*');
		await dash.waitFor((frame) => frame.includes('unmarked 5'));
		await dash.press('*', KEYS.escape);
		await dash.waitFor((frame) => frame.includes('marks cleared'));
		expect(dash.frame()).not.toContain('OTHER-1');
		await dash.press(KEYS.escape);
		await dash.waitFor((frame) => frame.includes('filter cleared') && frame.includes('OTHER-1'));
	});

	it('marks survive live updates; a marked thread that leaves the view drops its mark and says so', async () => {
		const ids = five();
		dash = await mount();
		await dash.press(' ', ' ');
		forum.ask('LIVE-1', 'asked while marked', {priority: 'urgent'});
		await dash.waitFor((frame) => frame.includes('LIVE-1'));
		expect(rowOf('B-1')).toContain('✓');
		expect(rowOf('B-2')).toContain('✓');
		forum.other.dispatch({type: 'answer', threadId: ids[1]!, body: 'done', actor: {type: 'operator', name: 'bob'}});
		await dash.waitFor((frame) => frame.includes('1 mark dropped: B-2 no longer shown here'));
		expect(rowOf('B-1')).toContain('✓');
		await dash.press('j');
		expect(dash.lines().at(-2)).toContain('✓ 1 marked:');
	});
});

describe('bulk actions', () => {
	it('marking 3 threads and c y closes those 3 and no other, after one confirmation with the count', async () => {
		const ids = five();
		dash = await mount();
		await dash.press(' ', 'j', ' ', 'j', ' ');
		const shown = new Map(ids.map((id) => [id, forum.other.getThread(id)!.thread.lastSequence]));
		await dash.press('c');
		const asked = await dash.waitFor((frame) => frame.includes('close 3 threads? y/N'));
		expect(asked).toContain('B-1 B-3 B-5');
		await dash.press('y');
		await dash.waitFor((frame) => frame.includes('✓ closed 3'));
		expect(ids.map(stateOf)).toEqual(['closed', 'new', 'closed', 'new', 'closed']);
		// One close per thread, each with its own command id and the version its row showed.
		const closes = sent.filter((input) => input.type === 'close');
		expect(closes).toHaveLength(3);
		expect(new Set(closes.map((input) => input.commandId)).size).toBe(3);
		for (const input of closes) expect(input.ifVersion).toBe(shown.get((input as {threadId: string}).threadId));
		expect(dash.lines().at(-2)).not.toContain('marked');
	});

	it('c then n closes nothing', async () => {
		const ids = five();
		dash = await mount();
		await dash.press(' ', ' ', 'c');
		await dash.waitFor((frame) => frame.includes('close 2 threads? y/N'));
		await dash.press('n');
		await dash.waitFor((frame) => frame.includes('not closed'));
		expect(ids.map(stateOf).every((state) => state === 'new')).toBe(true);
		expect(rowOf('B-1')).toContain('✓');
	});

	it('a thread changed by someone else after the confirmation opened is refused as stale, named in the summary, and stays marked', async () => {
		const ids = five();
		dash = await mount();
		await dash.press(' ', ' ', 'c');
		await dash.waitFor((frame) => frame.includes('close 2 threads? y/N'));
		forum.other.dispatch({type: 'assign', threadId: ids[1]!, assignee: {type: 'operator', name: 'bob'}, note: '', actor: {type: 'operator', name: 'bob'}});
		await dash.press('y');
		await dash.waitFor((f) => f.includes('✗ closed 1 · refused 1, still marked: B-2 stale (operator bob assigned it to operator:bob'));
		expect(ids.map(stateOf).slice(0, 2)).toEqual(['closed', 'new']);
		expect(rowOf('B-2')).toContain('✓');
	});

	it('A assigns every marked thread (Enter: to me), p sets their priority, s moves their state', async () => {
		const ids = five();
		dash = await mount();
		/** Mark these rows (wherever the last action sorted them). */
		const mark = async (...tickets: string[]) => {
			for (const ticket of tickets) {
				await dash!.press('g');
				while (!dash!.selected().includes(ticket)) await dash!.press('j');
				await dash!.press(' ');
			}
		};
		await mark('B-2', 'B-3');
		await dash.press('A');
		await dash.waitFor((frame) => frame.includes('assign 2 threads to ›'));
		await dash.press(KEYS.enter);
		await dash.waitFor((frame) => frame.includes('✓ assigned to ops 2'));
		expect(ids.map((id) => forum.other.getThread(id)!.thread.assignee?.name ?? '-')).toEqual(['-', 'ops', 'ops', '-', '-']);
		// What landed is unmarked: the next action starts from new marks.
		expect(dash.lines().at(-2)).not.toContain('marked');
		await mark('B-2', 'B-3');
		await dash.press('p');
		await dash.waitFor((frame) => frame.includes('priority of 2 threads:'));
		await dash.press('4');
		await dash.waitFor((frame) => frame.includes('✓ priority urgent 2'));
		expect(ids.map((id) => forum.other.getThread(id)!.thread.priority)).toEqual(['urgent', 'urgent', 'urgent', 'normal', 'low']);
		await mark('B-2', 'B-3');
		await dash.press('s');
		await dash.waitFor((frame) => frame.includes('state of 2 threads:'));
		await dash.press('1');
		await dash.waitFor((frame) => frame.includes('✓ → triaged 2'));
		expect(ids.map(stateOf)).toEqual(['new', 'triaged', 'triaged', 'new', 'new']);
	});

	it('closed from the state menu asks the same one confirmation', async () => {
		const ids = five();
		dash = await mount();
		await dash.press(' ', ' ', 's');
		const menu = await dash.waitFor((frame) => frame.includes('state of 2 threads:'));
		const index = /(\d) closed/.exec(menu)![1]!;
		await dash.press(index);
		await dash.waitFor((frame) => frame.includes('close 2 threads? y/N'));
		await dash.press('y');
		await dash.waitFor((frame) => frame.includes('✓ closed 2'));
		expect(ids.map(stateOf).slice(0, 3)).toEqual(['closed', 'closed', 'new']);
	});

	it('in the thread view the keys act on the open thread, not on the marks', async () => {
		const ids = five();
		dash = await mount();
		await dash.press(' ', KEYS.enter);
		await dash.waitFor((frame) => frame.includes('State history'));
		await dash.press('c');
		await dash.waitFor((frame) => frame.includes('close B-2 “question 2”? y/N'));
		await dash.press('y');
		await dash.waitFor((frame) => frame.includes('✓ closed B-2'));
		expect(ids.map(stateOf).slice(0, 2)).toEqual(['new', 'closed']);
	});

	it('under a held lock the frame keeps drawing and every marked thread lands once it is released', async () => {
		const ids = five();
		dash = await mount({lockRetryMs: 50});
		await dash.press('*', 'c');
		await dash.waitFor((frame) => frame.includes('close 5 threads? y/N'));
		const locker = new Database(forum.file);
		try {
			locker.exec('BEGIN IMMEDIATE');
			await dash.press('y');
			await dash.waitFor((frame) => frame.includes('⏳ close 5 threads 0/5: waiting for the database… 0s (Esc stops the rest)'));
			await dash.waitFor((frame) => frame.includes('waiting for the database… 1s'));
			await dash.press('?');
			await dash.waitFor((frame) => frame.includes(' Keys: '));
			await dash.press('x');
			expect(ids.map(stateOf).every((state) => state === 'new')).toBe(true);
			locker.exec('ROLLBACK');
			await dash.waitFor((frame) => frame.includes('✓ closed 5'));
		} finally {
			if (locker.inTransaction) locker.exec('ROLLBACK');
			locker.close();
		}
		expect(ids.map(stateOf).every((state) => state === 'closed')).toBe(true);
		// Retries of one write reuse its command id: five commands, five ids.
		expect(new Set(sent.filter((input) => input.type === 'close').map((input) => input.commandId)).size).toBe(5);
	});

	it('Esc while a bulk write waits stops the rest: the summary says what was not sent, and those stay marked', async () => {
		const ids = five();
		dash = await mount({lockRetryMs: 50});
		await dash.press(' ', ' ', ' ', 'c');
		await dash.waitFor((frame) => frame.includes('close 3 threads? y/N'));
		const locker = new Database(forum.file);
		try {
			locker.exec('BEGIN IMMEDIATE');
			await dash.press('y');
			await dash.waitFor((frame) => frame.includes('waiting for the database'));
			await dash.press(KEYS.escape);
			await dash.waitFor((frame) => frame.includes('closed 0 · not sent 3, still marked: stopped waiting for the database'));
		} finally {
			locker.exec('ROLLBACK');
			locker.close();
		}
		expect(ids.map(stateOf).every((state) => state === 'new')).toBe(true);
		expect(['B-1', 'B-2', 'B-3'].every((ticket) => rowOf(ticket).includes('✓'))).toBe(true);
	});
});

describe('many marked threads', () => {
	it('a bulk close of 300 threads leaves the keys and the frame working while it runs', async () => {
		const ids = Array.from({length: 300}, (_, i) => forum.ask(`M-${i}`, `question ${i}`));
		dash = await mount();
		await dash.press('*', 'c');
		await dash.waitFor((frame) => frame.includes('close 300 threads? y/N'));
		const started = Date.now();
		await dash.write('y');
		await dash.waitFor((frame) => /⏳ close 300 threads \d+\/300/.test(frame));
		// A key pressed mid-way is handled mid-way: the help opens while the writes go on.
		await dash.write('?');
		const during = await dash.waitFor((frame) => frame.includes(' Keys: '));
		expect(during).toMatch(/⏳ close 300 threads \d+\/300/);
		await dash.write('x');
		await dash.waitFor((frame) => frame.includes('✓ closed 300'), 30_000);
		console.info(`bulk close of 300 threads: ${Date.now() - started} ms`);
		expect(ids.every((id) => stateOf(id) === 'closed')).toBe(true);
	}, 60_000);
});
