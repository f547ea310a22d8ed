/** The defects a new user hit (issue 12), each as the behaviour that now holds. */
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {bindingsOf, keyTable} from '../../source/dash/keymap.js';
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

/** Write raw bytes in one read, as tmux send-keys, key repeat over ssh or a paste deliver them. */
async function chunk(text: string, until: (frame: string) => boolean): Promise<void> {
	await dash!.write(text);
	await dash!.waitFor(until);
}

describe('keys arriving in one read', () => {
	it('"jjj" in one chunk moves three rows', async () => {
		for (let i = 1; i <= 5; i++) forum.ask(`Q-${i}`, `question ${i}`);
		dash = await mountDash(forum);
		await chunk('jjj', () => dash!.selected().includes('Q-4'));
	});

	it('three Down arrows in one chunk move three rows', async () => {
		for (let i = 1; i <= 5; i++) forum.ask(`Q-${i}`, `question ${i}`);
		dash = await mountDash(forum);
		await chunk(KEYS.down.repeat(3), () => dash!.selected().includes('Q-4'));
	});

	it('a key that opens a prompt, then text and Enter in the same chunk, answers', async () => {
		const id = forum.ask('Q-1', 'question 1');
		dash = await mountDash(forum);
		await chunk('aShip it.\r', (f) => f.includes('✓ answered Q-1'));
		expect(forum.other.getThread(id)!.posts.at(-1)!.body).toBe('Ship it.');
	});

	it('z and Enter in one chunk snooze with the default time (the Enter is not lost in the empty prompt)', async () => {
		const id = forum.ask('Q-1', 'question 1');
		dash = await mountDash(forum);
		await chunk('z\r', (f) => f.includes('✓ snoozed Q-1 until'));
		expect(forum.other.getThread(id)!.thread.snoozedUntil).not.toBeNull();
	});

	it('A and Enter in one chunk assign to me', async () => {
		forum.ask('Q-1', 'question 1');
		dash = await mountDash(forum);
		await chunk('A\r', (f) => f.includes('✓ assigned Q-1 to ops'));
	});
});

describe('Needs me', () => {
	it('assigning a thread to yourself puts it in Needs me', async () => {
		forum.ask('ME-1', 'mine soon');
		dash = await mountDash(forum);
		expect(dash.frame()).toContain('2 Needs me 0');
		await dash.press('A', KEYS.enter);
		await dash.waitFor((f) => f.includes('✓ assigned ME-1 to ops'));
		await dash.press('2');
		await dash.waitFor((f) => f.includes('[2 Needs me 1]') && dash!.selected().includes('ME-1'));
	});
});

describe('the filter keeps your place', () => {
	it('puts the cursor on the first match, and Esc brings it back to the thread it was on', async () => {
		for (let i = 10; i < 40; i++) forum.ask(`F-${i}`, `question ${i}`);
		dash = await mountDash(forum);
		for (let i = 0; i < 11; i++) await dash.press('j');
		expect(dash.selected()).toContain('F-21');
		await dash.press('/');
		// Quoted: one phrase (unquoted, "question" and "3" would each have to appear anywhere).
		await dash.type('"question 3"');
		await dash.waitFor(() => dash!.selected().includes('F-30'));
		await dash.press(KEYS.escape);
		await dash.waitFor(() => dash!.selected().includes('F-21'));
	});
});

describe('the assign prompt', () => {
	it('starts empty: a typed name replaces the default instead of being appended to it', async () => {
		const id = forum.ask('AS-1', 'for alice');
		dash = await mountDash(forum);
		await dash.press('A');
		await dash.type('alice');
		expect(dash.frame()).toContain('assign AS-1 to › alice█');
		await dash.press(KEYS.enter);
		await dash.waitFor((f) => f.includes('✓ assigned AS-1 to alice'));
		expect(forum.other.getThread(id)!.thread.assignee).toEqual({type: 'operator', name: 'alice'});
	});
});

describe('the cursor after an action', () => {
	it('stays on the thread after assign, priority and post', async () => {
		forum.ask('C-1', 'first');
		forum.ask('C-2', 'second');
		dash = await mountDash(forum);
		expect(dash.selected()).toContain('C-1');
		await dash.press('A', KEYS.enter);
		await dash.waitFor((f) => f.includes('✓ assigned C-1'));
		expect(dash.selected()).toContain('C-1');
		await dash.press('r');
		await dash.type('a note');
		await dash.press(KEYS.enter);
		await dash.waitFor((f) => f.includes('✓ posted on C-1'));
		expect(dash.selected()).toContain('C-1');
		await dash.press('p', '2');
		await dash.waitFor((f) => f.includes('✓ C-1 priority normal'));
		expect(dash.selected()).toContain('C-1');
	});

	it('moves on after an answer', async () => {
		forum.ask('C-1', 'first');
		forum.ask('C-2', 'second');
		dash = await mountDash(forum);
		await dash.press('a');
		await dash.type('done');
		await dash.press(KEYS.enter);
		await dash.waitFor((f) => f.includes('✓ answered C-1') && dash!.selected().includes('C-2'));
	});
});

describe('notices', () => {
	it('a refusal names the ticket, as a success does', async () => {
		const id = forum.ask('TK-1', 'will be closed under me');
		dash = await mountDash(forum);
		await dash.press('a');
		forum.other.dispatch({type: 'close', threadId: id, actor: OPERATOR});
		await dash.type('too late');
		await dash.press(KEYS.enter);
		const frame = await dash.waitFor((f) => f.includes('✗ '));
		expect(frame).toContain('TK-1');
		expect(frame).not.toContain(id);
	});
});

describe('the inline input', () => {
	it('edits at the cursor: ←/→, Home/End, Ctrl-A/E, Ctrl-W, Ctrl-U', async () => {
		forum.ask('ED-1', 'edit me');
		dash = await mountDash(forum);
		await dash.press('r');
		await dash.type('ship it now');
		await dash.press('\u0017'); // Ctrl-W: "ship it "
		await dash.waitFor((f) => f.includes('› ship it █'));
		await dash.press(KEYS.left, KEYS.left, KEYS.left);
		await dash.type('X');
		await dash.waitFor((f) => f.includes('› ship X█it '));
		await dash.press('\u0001'); // Ctrl-A
		await dash.type('>');
		await dash.waitFor((f) => f.includes('› >█ship Xit'));
		await dash.press('\u0005'); // Ctrl-E
		await dash.waitFor((f) => f.includes('› >ship Xit █'));
		await dash.press('\u001B[H'); // Home
		await dash.press(KEYS.right);
		await dash.press('\u0015'); // Ctrl-U: everything before the cursor
		await dash.waitFor((f) => f.includes('› █ship Xit'));
		await dash.press('\u001B[F', KEYS.backspace); // End, Backspace
		await dash.waitFor((f) => f.includes('› ship Xit█'));
	});

	it('moves over an emoji or a flag as one character', async () => {
		forum.ask('ED-2', 'emoji');
		dash = await mountDash(forum);
		await dash.press('r');
		await dash.write('a🇫🇷b');
		await dash.press(KEYS.left, KEYS.left, KEYS.backspace);
		await dash.waitFor((f) => f.includes('› █🇫🇷b'));
	});
});

describe('what the screen explains', () => {
	it('the queue has column headers', async () => {
		forum.ask('H-1', 'headers');
		dash = await mountDash(forum);
		expect(dash.lines()[2]).toMatch(/^ {4}PRIO\s+STATE\s+TICKET\s+AGENT\s+TITLE\s+POSTS WAIT\s+OVER ASSIGNEE/);
	});

	it('? explains the row marks and lists the keys of the mode it was opened in, prompts and menus included', async () => {
		forum.ask('H-1', 'help');
		dash = await mountDash(forum, {rows: 60, columns: 160});
		await dash.press(KEYS.enter, '?');
		const frame = await dash.waitFor((f) => f.includes('Keys: thread'));
		expect(frame).toContain('▶ cursor · • unseen');
		for (const mode of ['detail', 'input', 'menu', 'confirm', 'kept'] as const) {
			for (const binding of bindingsOf(mode)) expect(frame, `${mode} ${binding.action}`).toContain(binding.description.slice(0, 30));
		}
	});

	it('the thread view keeps its header while the conversation scrolls, and says where it is', async () => {
		const id = forum.ask('LONG-1', 'a long conversation', {body: Array.from({length: 60}, (_, i) => `line ${i}`).join('\n')});
		void id;
		dash = await mountDash(forum);
		await dash.press(KEYS.enter);
		await dash.waitFor((f) => f.includes('State history') || /lines 1–\d+ of \d+/.test(f));
		await dash.press(KEYS.pageDown, KEYS.pageDown);
		const frame = await dash.waitFor((f) => /lines (\d+)–\d+ of \d+/.test(f) && !/lines 1–/.test(f));
		expect(dash.lines()[2]).toContain('LONG-1');
		expect(dash.lines()[3]).toContain('a long conversation');
		expect(frame).toMatch(/lines \d+–\d+ of \d+/);
	});

	it('the preview of a long message names its author on the first line shown', async () => {
		forum.ask('TAIL-1', 'long body', {agent: 'longbot', body: Array.from({length: 40}, (_, i) => `paragraph ${i}`).join('\n')});
		dash = await mountDash(forum);
		const frame = await dash.waitFor((f) => f.includes('paragraph 39'));
		const preview = frame.split('\n').filter((line) => line.startsWith('│ '));
		// The title, then the first conversation line: the author and the cut mark.
		// The time is `HH:MM`, or `MM-DD HH:MM` when it was another day (a run just after midnight).
		expect(preview[1]).toMatch(/^│ longbot\s+(\d\d-\d\d )?\d\d:\d\d {2}…paragraph/);
	});
});

describe('the README key table', () => {
	it('is the registry, as scripts/readme-keys.ts writes it between its markers', async () => {
		const fs = await import('node:fs');
		const readme = fs.readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
		const start = readme.indexOf('<!-- keys:start -->');
		const end = readme.indexOf('<!-- keys:end -->');
		expect(start, 'the README has the key table markers').toBeGreaterThan(0);
		expect(readme.slice(start + '<!-- keys:start -->'.length, end).trim()).toBe(keyTable());
	});
});
