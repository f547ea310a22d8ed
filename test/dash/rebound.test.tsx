import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {parseDashConfig} from '../../source/dash/dash-config.js';
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

const keymapOf = (keys: Record<string, unknown>) => parseDashConfig(JSON.stringify({keys}), '/tmp/dash.json').keymap;

describe('a config that rebinds keys', () => {
	it('answer bound to x: a does nothing, x opens the answer prompt and Enter sends', async () => {
		const id = forum.ask('OPS-7', 'May I drop it?');
		dash = await mountDash(forum, {keymap: keymapOf({answer: 'x'})});
		const before = dash.frame();
		await dash.press('a');
		expect(dash.frame()).toBe(before);
		await dash.press('x');
		await dash.waitFor((frame) => frame.includes('answer OPS-7 ›'));
		await dash.type('yes');
		await dash.press(KEYS.enter);
		await dash.waitFor((frame) => frame.includes('✓ answered OPS-7'));
		expect(forum.other.getThread(id)?.thread.state).toBe('answered');
	});

	it('the hint bar and ? help show the keys in force', async () => {
		forum.ask('OPS-7', 'May I drop it?');
		dash = await mountDash(forum, {keymap: keymapOf({answer: 'x', help: 'H'})});
		const hints = dash.lines().at(-2)!;
		expect(hints).toContain('x answer');
		expect(hints).toContain('H help');
		expect(hints).not.toContain('a answer');
		await dash.press('?');
		expect(dash.frame()).not.toContain('Keys: queue');
		await dash.press('H');
		const help = await dash.waitFor((frame) => frame.includes('Keys: queue'));
		expect(help).toMatch(/ x {7}answer \(inline/);
		expect(help).not.toMatch(/ a {7}answer/);
	});

	it('open rebound to O: Enter no longer opens the thread, O does', async () => {
		forum.ask('OPS-7', 'May I drop it?');
		dash = await mountDash(forum, {keymap: keymapOf({open: 'O'})});
		await dash.press(KEYS.enter);
		expect(dash.frame()).not.toContain('State history');
		await dash.press('O');
		await dash.waitFor((frame) => frame.includes('State history'));
	});
});
