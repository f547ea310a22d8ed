import {describe, expect, it} from 'vitest';
import {bindingFor, hintBar, KEYMAP, PROMPT_MODES} from '../../source/dash/keymap.js';

describe('the key registry', () => {
	it('gives every key one action per view', () => {
		for (const view of ['queue', 'detail', ...PROMPT_MODES.map((m) => m.mode)] as const) {
			const seen = new Map<string, string>();
			for (const binding of KEYMAP.filter((b) => b.views.includes(view))) {
				for (const key of binding.keys) {
					expect(seen.get(key), `${key} bound twice in ${view}`).toBeUndefined();
					seen.set(key, binding.action);
				}
			}
		}
	});

	it('finds bindings by key name and view', () => {
		expect(bindingFor('j', 'queue')?.action).toBe('down');
		expect(bindingFor('shift+tab', 'queue')?.action).toBe('prevSection');
		expect(bindingFor('tab', 'detail')).toBeUndefined();
		expect(bindingFor('ctrl+c', 'detail')?.action).toBe('quit');
	});

	it('builds the hint bar from the same registry', () => {
		expect(hintBar('queue').map((h) => `${h.key} ${h.word}`)).toEqual([
			'a answer', 'e editor', 'r post', 'A assign', 's state', 'p priority', 'c close', '/ filter', '? help', 'q quit',
		]);
	});

	it('hints the question keys only where they apply: digits on a choice thread, y/n on an approval', () => {
		const words = (context: Parameters<typeof hintBar>[1]) => hintBar('detail', context).map((h) => `${h.key} ${h.word}`);
		expect(words({question: 'choice', choices: 3})).toContain('1-3 choose');
		expect(words({question: 'choice', choices: 3})).not.toContain('y approve');
		expect(words({question: 'approval'})).toEqual(expect.arrayContaining(['y approve', 'n deny']));
		expect(words({question: 'text'}).some((w) => /choose|approve|deny|amend/.test(w))).toBe(false);
		expect(words({question: 'text', answered: true})).toContain('M amend');
	});

	it('documents every key of every mode, prompts and menus included', () => {
		for (const binding of KEYMAP) {
			expect(binding.description.length, binding.action).toBeGreaterThan(3);
			expect(binding.views.length, binding.action).toBeGreaterThan(0);
		}
		for (const mode of PROMPT_MODES) expect(KEYMAP.some((b) => b.views.includes(mode.mode)), mode.mode).toBe(true);
	});
});
