import {describe, expect, it} from 'vitest';
import {THEMES} from '../../source/dash/dash-config.js';
import {THEME_STYLES} from '../../source/dash/view.js';

describe('themes', () => {
	it('every theme the config accepts has a style for every segment style', () => {
		for (const theme of THEMES) expect(Object.keys(THEME_STYLES[theme]).sort()).toEqual(Object.keys(THEME_STYLES.color).sort());
	});

	it('mono (NO_COLOR) keeps emphasis and drops every colour', () => {
		for (const props of Object.values(THEME_STYLES.mono)) expect(props.color).toBeUndefined();
		expect(THEME_STYLES.mono.selected.inverse).toBe(true);
	});

	it('high-contrast dims nothing and draws the marks and keys bold in bright colours', () => {
		for (const props of Object.values(THEME_STYLES['high-contrast'])) expect(props.dimColor).toBeUndefined();
		for (const style of ['escalated', 'unseen', 'key', 'error', 'ok'] as const) {
			expect(THEME_STYLES['high-contrast'][style]).toMatchObject({bold: true, color: expect.stringMatching(/Bright$/)});
		}
	});
});
