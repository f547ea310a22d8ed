import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {buildFrame, frameText, layout, queueRows} from '../../source/dash/frame.js';
import {textWidth} from '../../source/dash/text-fit.js';
import {frameInput, threadsOf} from './frame-input.js';

const threads = threadsOf;
const input = frameInput;

describe('the frame', () => {
	it('is never taller than rows - 1 nor wider than the pane, at any size', () => {
		const list = threads(40, (i) => ({title: i % 3 === 0 ? '宽字符的标题 with wide characters 😀'.repeat(3) : `question ${i}`}));
		fc.assert(
			fc.property(fc.integer({min: 1, max: 260}), fc.integer({min: 1, max: 80}), fc.boolean(), (columns, rows, help) => {
				const lines = buildFrame(input(list, {columns, rows}, {help}));
				expect(lines.length).toBeLessThanOrEqual(Math.max(1, rows - 1));
				for (const line of lines) expect(textWidth(line.map((s) => s.text).join(''))).toBeLessThanOrEqual(columns);
			}),
			{numRuns: 200},
		);
	});

	it('draws only a window of rows: 10,000 threads give as many row lines as 10 would fill', () => {
		const size = {columns: 100, rows: 30};
		const lines = frameText(buildFrame(input(threads(10_000), size))).split('\n');
		const rows = lines.filter((line) => /T-\d+/.test(line) && /question/.test(line));
		expect(rows.length).toBe(queueRows(layout(100, 30)));
		expect(lines.length).toBe(29);
	});

	it('shows agent text with control characters made visible: no escape sequence reaches the terminal', () => {
		const hostile = 'x \u001b]0;pwned\u0007 \u001b[2J \u009b31m y';
		const list = threads(1, () => ({title: hostile, body: hostile, ticket: `T\u001b[2J`, agentName: 'a\u0007b'}));
		const text = frameText(buildFrame(input(list, {columns: 120, rows: 30})));
		expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
		expect(text).toContain('\\e]0;pwned\\a');
	});

	it('shows the Redis link of a local dashboard in the status bar: URL without password, state and lag', () => {
		const source = {kind: 'sqlite' as const, location: '.metawsm/metawsm.db', redis: {url: 'redis://:***@127.0.0.1:6391', state: 'reconnecting' as const, lagEvents: 3}};
		const text = frameText(buildFrame(input(threads(2), {columns: 120, rows: 20}, {source})));
		expect(text.split('\n').at(-1)).toBe(' .metawsm/metawsm.db · seq 2 · redis://:***@127.0.0.1:6391 redis reconnecting lag 3');
		const off = frameText(buildFrame(input(threads(2), {columns: 120, rows: 20})));
		expect(off.split('\n').at(-1)).toBe(' .metawsm/metawsm.db · seq 2 · redis off');
	});

	it('says the pane is too small below 60x12', () => {
		const text = frameText(buildFrame(input(threads(3), {columns: 59, rows: 20})));
		expect(text).toBe(' pane too small (59x20); needs at least 60x12 · q quits');
	});

	it('puts the preview beside the list on a wide pane', () => {
		expect(layout(160, 40).wide).toBe(true);
		expect(layout(100, 30).wide).toBe(false);
		const lines = frameText(buildFrame(input(threads(3), {columns: 160, rows: 40}))).split('\n');
		expect(lines[2]).toMatch(/PRIO .* │ /);
		expect(lines[3]).toMatch(/T-0 .* │ /);
	});
});
