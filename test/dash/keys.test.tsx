import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {KEYMAP, PROMPT_MODES} from '../../source/dash/keymap.js';
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

const stateOf = (id: string) => forum.other.getThread(id)?.thread.state;

describe('moving through the queue', () => {
	it('j and the down arrow select the next thread, k and the up arrow the previous', async () => {
		forum.ask('OPS-1', 'first question', {priority: 'urgent'});
		forum.ask('OPS-2', 'second question', {priority: 'high'});
		dash = await mountDash(forum);
		expect(dash.selected()).toContain('OPS-1');
		await dash.press('j');
		expect(dash.selected()).toContain('OPS-2');
		await dash.press('k');
		expect(dash.selected()).toContain('OPS-1');
		await dash.press(KEYS.down);
		expect(dash.selected()).toContain('OPS-2');
		await dash.press(KEYS.up);
		expect(dash.selected()).toContain('OPS-1');
	});

	it('g goes to the first thread and G to the last', async () => {
		for (let i = 1; i <= 5; i++) forum.ask(`Q-${i}`, `question ${i}`);
		dash = await mountDash(forum);
		await dash.press('G');
		expect(dash.selected()).toContain('Q-5');
		await dash.press('g');
		expect(dash.selected()).toContain('Q-1');
	});

	it('PgDn and PgUp move a page of rows, and only a window of rows is drawn', async () => {
		for (let i = 10; i < 60; i++) forum.ask(`P-${i}`, `question ${i}`);
		dash = await mountDash(forum);
		const rows = () => dash!.lines().filter((line) => /P-\d\d/.test(line)).length;
		// 30 rows: header, tabs, the column header and 16 list rows, 8 preview lines (one mentions the ticket), hints, status.
		expect(rows()).toBeLessThanOrEqual(18);
		await dash.press(KEYS.pageDown);
		expect(dash.selected()).toContain('P-26');
		await dash.press(KEYS.pageUp);
		expect(dash.selected()).toContain('P-10');
	});

	it('Tab, Shift-Tab and number keys switch sections', async () => {
		const answered = forum.ask('ANS-1', 'will be answered');
		forum.other.dispatch({type: 'answer', threadId: answered, body: 'yes', actor: OPERATOR});
		forum.ask('NEW-1', 'still waiting');
		dash = await mountDash(forum);
		expect(dash.frame()).toContain('[1 Needs human 1]');
		await dash.press(KEYS.tab);
		expect(dash.frame()).toContain('[2 Needs me 0]');
		await dash.press(KEYS.shiftTab);
		expect(dash.frame()).toContain('[1 Needs human 1]');
		await dash.press('4');
		expect(dash.frame()).toContain('[4 Answered 1]');
		expect(dash.selected()).toContain('ANS-1');
	});

	it('a thread inserted above the cursor does not move the selection', async () => {
		forum.ask('LOW-1', 'first', {priority: 'low'});
		forum.ask('LOW-2', 'second', {priority: 'low'});
		dash = await mountDash(forum);
		await dash.press('j');
		expect(dash.selected()).toContain('LOW-2');
		forum.ask('URG-1', 'urgent, sorts on top', {priority: 'urgent'});
		await dash.waitFor((frame) => frame.includes('URG-1'));
		expect(dash.selected()).toContain('LOW-2');
	});

	it('the first thread, selected without a key press, stays selected when a thread is inserted above it', async () => {
		forum.ask('LOW-1', 'first', {priority: 'low'});
		dash = await mountDash(forum);
		expect(dash.selected()).toContain('LOW-1');
		forum.ask('URG-1', 'urgent, sorts on top', {priority: 'urgent'});
		await dash.waitFor((frame) => frame.includes('URG-1'));
		expect(dash.selected()).toContain('LOW-1');
	});
});

describe('the detail pane', () => {
	it('Enter opens the whole conversation with authors and state history; Esc goes back', async () => {
		const id = forum.ask('OPS-7', 'May I drop table legacy_users?', {body: 'No reads for 90 days.'});
		forum.other.dispatch({type: 'post', threadId: id, body: 'Which environment?', actor: OPERATOR});
		forum.other.dispatch({type: 'change_state', threadId: id, state: 'waiting_human', actor: {type: 'agent', name: 'builder'}});
		dash = await mountDash(forum);
		await dash.press(KEYS.enter);
		const frame = await dash.waitFor((f) => f.includes('State history'));
		expect(frame).toContain('builder (agent)');
		expect(frame).toContain('No reads for 90 days.');
		expect(frame).toContain('ops (operator)');
		expect(frame).toContain('Which environment?');
		expect(frame).toContain('new → waiting_human by agent builder');
		await dash.press(KEYS.escape);
		expect(dash.frame()).toContain('[1 Needs human 1]');
		expect(dash.frame()).not.toContain('State history');
	});

	it('j and k scroll a long conversation', async () => {
		const id = forum.ask('LONG-1', 'long thread');
		for (let i = 1; i <= 20; i++) forum.other.dispatch({type: 'post', threadId: id, body: `post number ${i}`, actor: OPERATOR});
		dash = await mountDash(forum);
		await dash.press(KEYS.enter);
		await dash.waitFor((f) => f.includes('post number 1\n') || f.includes('post number 1 '));
		expect(dash.frame()).not.toContain('post number 20');
		await dash.press('G');
		await dash.waitFor((f) => f.includes('post number 20'));
		await dash.press('g');
		await dash.waitFor((f) => f.includes('LONG-1 · builder'));
	});

	it('opening a thread marks it seen for this operator', async () => {
		const id = forum.ask('SEEN-1', 'look at me');
		dash = await mountDash(forum);
		expect(dash.selected()).toMatch(/^▶•/);
		await dash.press(KEYS.enter);
		await dash.waitFor((f) => f.includes('State history'));
		await dash.press(KEYS.escape);
		await dash.waitFor(() => /^▶ /.test(dash!.selected()));
		expect((await forum.client.seenCursors(OPERATOR.name)).get(id)).toBeGreaterThan(0);
	});
});

describe('actions', () => {
	it('a, text and Enter answer the thread and move to the next one that needs a human', async () => {
		const first = forum.ask('A-1', 'first', {priority: 'urgent'});
		forum.ask('A-2', 'second', {priority: 'high'});
		dash = await mountDash(forum);
		await dash.press('a');
		await dash.type('Yes, go ahead.');
		expect(dash.frame()).toContain('answer A-1 › Yes, go ahead.');
		await dash.press(KEYS.enter);
		await dash.waitFor((f) => f.includes('✓ answered A-1'));
		expect(stateOf(first)).toBe('answered');
		expect(forum.other.getThread(first)!.posts.at(-1)).toMatchObject({body: 'Yes, go ahead.', authorName: 'ops', authorType: 'operator'});
		await dash.waitFor(() => dash!.selected().includes('A-2'));
	});

	it('text and Enter arriving in one chunk (fast typing) send the answer', async () => {
		const id = forum.ask('A-3', 'fast typist');
		dash = await mountDash(forum);
		await dash.press('a', 'Quick yes.\r');
		await dash.waitFor((f) => f.includes('✓ answered A-3'));
		expect(forum.other.getThread(id)!.posts.at(-1)!.body).toBe('Quick yes.');
	});

	it('a pasted multi-line text becomes one line and is not sent until Enter', async () => {
		const id = forum.ask('A-4', 'paste');
		dash = await mountDash(forum);
		await dash.press('a', 'line one\rline two\r');
		await dash.waitFor((f) => f.includes('answer A-4 › line one line two'));
		expect(forum.other.getThread(id)!.thread.state).toBe('new');
	});

	it('e answers with the text written in $EDITOR', async () => {
		const id = forum.ask('E-1', 'editor question');
		const previous = process.env['EDITOR'];
		process.env['EDITOR'] = `sh -c 'printf "Written in the editor.\\n" | cat - "$0" > "$0.new" && mv "$0.new" "$0"'`;
		try {
			dash = await mountDash(forum);
			await dash.press('e');
			await dash.waitFor((f) => f.includes('✓ answered E-1'));
		} finally {
			if (previous === undefined) delete process.env['EDITOR'];
			else process.env['EDITOR'] = previous;
		}
		expect(stateOf(id)).toBe('answered');
		expect(forum.other.getThread(id)!.posts.at(-1)!.body).toBe('Written in the editor.');
	});

	it('r adds a post without changing the state', async () => {
		const id = forum.ask('R-1', 'post question');
		dash = await mountDash(forum);
		await dash.press('r');
		await dash.type('Looking into it.');
		await dash.press(KEYS.enter);
		await dash.waitFor((f) => f.includes('✓ posted on R-1'));
		expect(stateOf(id)).toBe('new');
		expect(forum.other.getThread(id)!.posts.at(-1)!.body).toBe('Looking into it.');
	});

	it('A assigns the thread to me by default', async () => {
		const id = forum.ask('AS-1', 'assign me');
		dash = await mountDash(forum);
		await dash.press('A');
		// Empty, with the default shown beside the cursor: typing a name never appends to mine.
		expect(dash.frame()).toContain('assign AS-1 to › █you (ops)');
		await dash.press(KEYS.enter);
		await dash.waitFor((f) => f.includes('✓ assigned AS-1 to ops'));
		expect(forum.other.getThread(id)!.thread.assignee).toEqual({type: 'operator', name: 'ops'});
	});

	it('A with type:name assigns to someone else', async () => {
		const id = forum.ask('AS-2', 'assign dana');
		dash = await mountDash(forum);
		await dash.press('A');
		await dash.press(KEYS.backspace, KEYS.backspace, KEYS.backspace);
		await dash.type('human:dana');
		await dash.press(KEYS.enter);
		await dash.waitFor((f) => f.includes('✓ assigned AS-2 to dana'));
		expect(forum.other.getThread(id)!.thread.assignee).toEqual({type: 'human', name: 'dana'});
	});

	it('s offers only the transitions the rules allow and applies the chosen one', async () => {
		const id = forum.ask('S-1', 'state question');
		forum.other.dispatch({type: 'answer', threadId: id, body: 'done', actor: OPERATOR});
		dash = await mountDash(forum);
		await dash.press('4');
		await dash.press('s');
		const frame = await dash.waitFor((f) => f.includes('state of S-1:'));
		expect(frame).toContain('[1 waiting_operator]');
		expect(frame).toContain('2 waiting_human');
		expect(frame).toContain('3 closed');
		expect(frame).not.toMatch(/state of S-1:.*triaged/);
		await dash.press(KEYS.tab, KEYS.enter);
		await dash.waitFor((f) => f.includes('✓ S-1 → waiting_human'));
		expect(stateOf(id)).toBe('waiting_human');
	});

	it('p changes the priority from a menu', async () => {
		const id = forum.ask('PR-1', 'priority question');
		dash = await mountDash(forum);
		await dash.press('p');
		expect(dash.frame()).toContain('[2 normal]');
		await dash.press('4');
		await dash.waitFor((f) => f.includes('✓ PR-1 priority urgent'));
		expect(forum.other.getThread(id)!.thread.priority).toBe('urgent');
	});

	it('c then y closes the thread', async () => {
		const id = forum.ask('C-1', 'close me');
		dash = await mountDash(forum);
		await dash.press('c');
		expect(dash.frame()).toContain('close C-1 “close me”? y/N');
		await dash.press('y');
		await dash.waitFor((f) => f.includes('✓ closed C-1'));
		expect(stateOf(id)).toBe('closed');
	});

	it('c then n, or Enter, does not close (the default is No)', async () => {
		const id = forum.ask('C-2', 'keep me');
		dash = await mountDash(forum);
		await dash.press('c', 'n');
		await dash.waitFor((f) => f.includes('not closed'));
		await dash.press('c', KEYS.enter);
		await dash.waitFor((f) => f.includes('not closed') && !f.includes('y/N'));
		expect(stateOf(id)).toBe('new');
	});

	it('/ filters over title, body, ticket and agent; Esc clears', async () => {
		forum.ask('F-1', 'about the database', {agent: 'builder'});
		forum.ask('F-2', 'about icons', {agent: 'frontend'});
		forum.ask('F-3', 'something else', {agent: 'tester', body: 'mentions DATABASE in the body'});
		dash = await mountDash(forum);
		await dash.press('/');
		await dash.type('database');
		let frame = await dash.waitFor((f) => f.includes('[1 Needs human 2]'));
		expect(frame).toContain('F-1');
		expect(frame).toContain('F-3');
		expect(frame).not.toContain('F-2 ');
		await dash.press(KEYS.enter);
		await dash.press(KEYS.escape);
		frame = await dash.waitFor((f) => f.includes('[1 Needs human 3]'));
		await dash.press('/');
		await dash.type('frontend');
		frame = await dash.waitFor((f) => f.includes('[1 Needs human 1]'));
		expect(frame).toContain('F-2');
		await dash.press(KEYS.escape);
		await dash.waitFor((f) => f.includes('[1 Needs human 3]'));
	});

	it('? shows every key from the registry, prompts and menus included; any key closes it', async () => {
		forum.ask('H-1', 'help');
		// A pane tall enough for one column: no description is cut.
		dash = await mountDash(forum, {columns: 100, rows: 72});
		await dash.press('?');
		const frame = await dash.waitFor((f) => f.includes('any key closes this help'));
		const modes = ['queue', ...PROMPT_MODES.map((m) => m.mode)];
		for (const binding of KEYMAP.filter((b) => b.views.some((v) => modes.includes(v)))) expect(frame).toContain(binding.description);
		await dash.press('x');
		expect(dash.frame()).not.toContain('any key closes this help');
	});

	it('? in a 60x15 pane pages the keys in one readable column: j and k turn pages, any other key closes', async () => {
		forum.ask('H-2', 'help');
		dash = await mountDash(forum, {columns: 60, rows: 15});
		await dash.press('?');
		const first = await dash.waitFor((f) => /Keys: queue {3}1\/\d+ · j\/k pages · other keys close/.test(f));
		const pages = Number(/ 1\/(\d+) · j\/k/.exec(first)![1]);
		expect(pages).toBeGreaterThan(1);
		// One column: the first key's description is whole, not cut to a few letters.
		expect(first).toContain('next thread (detail: scroll down)');
		await dash.press('j');
		const second = await dash.waitFor((f) => f.includes(` 2/${pages} · j/k`));
		expect(second).not.toContain('next thread (detail: scroll down)');
		await dash.press('k', 'k');
		await dash.waitFor((f) => f.includes(` ${pages}/${pages} · j/k`));
		await dash.press('x');
		await dash.waitFor((f) => !f.includes(' Keys: queue'));
	});

	it('q quits', async () => {
		forum.ask('Q-1', 'quit');
		dash = await mountDash(forum);
		await dash.press('q');
		expect(await dash.exited()).toBe(true);
	});

	it('Ctrl-C quits, even while typing an answer', async () => {
		forum.ask('Q-2', 'quit');
		dash = await mountDash(forum);
		await dash.press('a');
		await dash.type('half an ans');
		await dash.press(KEYS.ctrlC);
		expect(await dash.exited()).toBe(true);
	});
});
