import {invisibleCharacter, replaceInvisible} from '../forum/invisible.js';

/**
 * Terminal-safe rendering of text that agents wrote. Agent text may carry escape
 * sequences (OSC title changes, CSI screen clears, hyperlinks); none may reach a terminal raw.
 */

// C0 controls, DEL, C1 controls, bidi overrides/isolates, line/paragraph separators.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Readonly<Record<string, string>> = {
	'\u001b': '\\e',
	'\r': '\\r',
	'\u0007': '\\a',
	'\b': '\\b',
	'\f': '\\f',
	'\v': '\\v',
	'\u0000': '\\0',
};

function escapeChar(char: string): string {
	const named = NAMED[char];
	if (named) return named;
	const code = char.codePointAt(0)!;
	if (code > 0xffff) return `\\u{${code.toString(16)}}`;
	return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

export interface SafeTextOptions {
	/** Keep newlines as line breaks (bodies); otherwise show them as `\n` (titles, names). */
	multiline?: boolean;
	/** Spaces a tab becomes. Default 4. */
	tabWidth?: number;
}

/** Show every control character as a visible escape such as `\e` or `\x9b`. */
export function safeText(text: string, options: SafeTextOptions = {}): string {
	const tab = ' '.repeat(options.tabWidth ?? 4);
	const shown = text.replace(UNSAFE, (char) => {
		if (char === '\n') return options.multiline ? '\n' : '\\n';
		if (char === '\t') return tab;
		return escapeChar(char);
	});
	// Zero-width, bidi, tag and filler characters: shown as escapes, never as nothing.
	return replaceInvisible(shown, escapeChar);
}

/** One line of agent text: newlines and controls made visible. */
export function safeLine(text: string): string {
	return safeText(text, {multiline: false});
}

// JSON.stringify escapes C0 but leaves DEL, C1 and bidi controls raw.
// eslint-disable-next-line no-control-regex
const JSON_UNSAFE = /[\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** JSON whose text contains no raw control characters (still valid JSON: they become \uXXXX). */
export function safeJson(value: unknown, space?: number): string {
	return JSON.stringify(value, null, space).replace(JSON_UNSAFE, (char) => `\\u${char.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}

/** True when the text holds something `safeText` would change (apart from newlines and tabs). */
export function hasControlCharacters(text: string): boolean {
	UNSAFE.lastIndex = 0;
	return [...text.matchAll(UNSAFE)].some(([char]) => char !== '\n' && char !== '\t') || invisibleCharacter(text) !== undefined;
}
