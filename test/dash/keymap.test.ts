import {describe, expect, it} from 'vitest';
import {bindingFor, hintBar, KEYMAP} from '../../source/dash/keymap.js';

describe('the key registry', () => {
	it('gives every key one action per view', () => {
		for (const view of ['queue', 'detail'] as const) {
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
});
