import {describe, expect, it} from 'vitest';
import {hasControlCharacters, safeJson, safeLine, safeText} from '../../source/text/safe-text.js';

const HOSTILE = 'a\u001b]0;pwned\u0007b\u001b[2Jc\u009b31md\u007fe\u202ef\r';

describe('safeText', () => {
	it('shows escape, BEL, CSI, C1, DEL, bidi and CR as visible escapes', () => {
		expect(safeText(HOSTILE)).toBe('a\\e]0;pwned\\ab\\e[2Jc\\x9b31md\\x7fe\\u202ef\\r');
	});

	it('leaves no control character in its output', () => {
		const all = Array.from({length: 0xa0}, (_, i) => String.fromCharCode(i)).join('');
		expect(hasControlCharacters(safeText(all, {multiline: true}))).toBe(false);
		expect(safeLine(all)).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
	});

	it('keeps newlines in bodies and shows them in one-line fields', () => {
		expect(safeText('one\ntwo', {multiline: true})).toBe('one\ntwo');
		expect(safeLine('one\ntwo')).toBe('one\\ntwo');
	});

	it('keeps ordinary Unicode as it is', () => {
		expect(safeLine('Überprüfung — 完了 ✓')).toBe('Überprüfung — 完了 ✓');
	});
});

describe('safeJson', () => {
	it('is valid JSON that round-trips and holds no raw C1, DEL or bidi character', () => {
		const text = safeJson({body: HOSTILE});
		expect(text).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
		expect(JSON.parse(text)).toEqual({body: HOSTILE});
	});
});
