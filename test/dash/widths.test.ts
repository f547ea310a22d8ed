/** Text widths in the frame: emoji (single, ZWJ, flags), CJK, combining accents and Arabic keep the columns in place. */
import stringWidth from 'string-width';
import {describe, expect, it} from 'vitest';
import {buildFrame, lineText, queueRow} from '../../source/dash/frame.js';
import {head, tail, truncate, wrap} from '../../source/dash/text-fit.js';
import {frameInput, threadsOf} from './frame-input.js';
import {makeThread, T0} from '../helpers/threads.js';

const NOW = '2026-11-25T12:40:00.000Z';
const SLA = {escalationMinutes: 30};

/** Titles a real forum gets: one per script the issue names. */
export const HARD_TITLES = [
	'🚀 deploy the rocket 🛠 now',
	'⚡ power ☔ rain ✅ done ❌ fail',
	'🟠 orange 🟢 green circles',
	'👩‍💻 pair with 👨‍👩‍👧 family',
	'flags 🇫🇷 🇯🇵 🇺🇸 everywhere',
	'数据库迁移是否可以在生产环境中执行',
	'café naïve e\u0301e\u0301 combining',
	'هل يمكنني حذف الجدول',
	'👍🏽 skin tone and ❤️ heart',
];

const row = (title: string, width: number) =>
	lineText(queueRow({thread: makeThread({title, updatedAt: T0, assignee: {type: 'operator', name: 'ops'}, postsCount: 7}), escalated: false, unseen: true, snoozed: false}, {now: NOW, sla: SLA}, width, false));

describe('text widths', () => {
	it('a queue row is exactly the pane width whatever script or emoji its title has', () => {
		for (const width of [60, 80, 100, 140]) {
			for (const title of HARD_TITLES) expect(stringWidth(row(title, width)), `${title} at ${width}`).toBe(width);
		}
	});

	it('draws emoji sequences terminals measure differently (skin tones, ZWJ, VS16) as their parts, which every terminal measures alike', () => {
		const drawn = row('👍🏽 ok 👩‍💻 dev ❤️ love', 100);
		expect(drawn).toContain('👍 ok 👩💻 dev ❤ love');
		expect(drawn).not.toMatch(/[\u200d\ufe0f\u{1f3fb}-\u{1f3ff}]/u);
		// Each part on its own: string-width and a terminal without grapheme clustering (tmux 3.3) agree.
		expect(stringWidth(drawn)).toBe(100);
		expect([...drawn].reduce((sum, char) => sum + stringWidth(char), 0)).toBe(100);
	});

	it('the columns after the title (posts, wait, assignee) start at the same cell as on a plain row', () => {
		const plain = row('a plain ascii title', 100);
		// After the title column: posts 5, wait 4, over 5, assignee 8 and their spaces, cut by cells.
		const tailCells = (line: string) => tail(line, 26);
		for (const title of HARD_TITLES) expect(tailCells(row(title, 100)), title).toBe(tailCells(plain));
	});

	it('cuts never split a surrogate pair or a grapheme', () => {
		const lone = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
		for (const title of HARD_TITLES) {
			for (let width = 1; width < 40; width++) {
				for (const cut of [head(title, width), tail(title, width), truncate(title, width), ...wrap(title, width)]) {
					expect(cut).not.toMatch(lone);
					expect(cut).not.toContain('\ufffd');
					expect(stringWidth(cut)).toBeLessThanOrEqual(width);
				}
			}
		}
	});

	it('an emoji author name in the preview is cut by cells, not into half a surrogate pair', () => {
		const thread = makeThread({createdBy: {type: 'agent', name: 'x🚀🚀🚀🚀🚀🚀🚀'}, title: 'robots', updatedAt: T0});
		const list = [thread];
		const lines = buildFrame(frameInput(list, {columns: 100, rows: 40}, {detail: {thread, posts: [], assignments: [], transitions: [], agentPane: null}}));
		// Ink draws each segment as its own Text: half a pair in one segment is `��` on screen.
		for (const segment of lines.flat()) {
			expect(segment.text).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
		}
		for (const line of lines) expect(stringWidth(lineText(line))).toBeLessThanOrEqual(100);
	});

	it('a prompt holding 90 CJK characters keeps its cursor on the line', () => {
		const list = threadsOf(1);
		const value = '数'.repeat(90);
		const lines = buildFrame(frameInput(list, {columns: 80, rows: 24}, {prompt: {kind: 'text', purpose: 'post', threadId: list[0]!.id, value, cursor: 90, version: 1}}));
		const prompt = lineText(lines.at(-2)!);
		expect(prompt).toContain('█');
		expect(stringWidth(prompt)).toBeLessThanOrEqual(80);
	});

	it('the status line fits with an emoji and CJK database path', () => {
		const list = threadsOf(1);
		const lines = buildFrame(frameInput(list, {columns: 60, rows: 20}, {source: {kind: 'sqlite', location: '/tmp/🚀数据库/forum👩‍💻.db'}}));
		expect(stringWidth(lineText(lines.at(-1)!))).toBeLessThanOrEqual(60);
	});
});
