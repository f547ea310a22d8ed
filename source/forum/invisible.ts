/**
 * Characters that show as nothing (or change the direction of what follows) in a terminal:
 * zero-width spaces and joiners, bidi marks and overrides, the Arabic letter mark, Hangul
 * fillers, tag characters (U+E0000..U+E007F), and similar format characters. `T\u200bICKET-1`
 * looks like `TICKET-1`. Pure; no imports.
 */

// eslint-disable-next-line no-misleading-character-class
const INVISIBLE = /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2028-\u202e\u2060-\u206f\u2800\u3164\ufeff\ufff9-\ufffb\uffa0\u{1d173}-\u{1d17a}\u{e0000}-\u{e007f}]/gu;
const PICTOGRAPH = /\p{Extended_Pictographic}/u;

/** A zero-width joiner between two pictographs is part of an emoji (👩‍💻), not a hidden character. */
function isEmojiJoiner(text: string, index: number): boolean {
	if (text[index] !== '\u200d') return false;
	const before = [...text.slice(Math.max(0, index - 3), index)].filter((char) => char !== '\ufe0f').at(-1);
	const after = [...text.slice(index + 1, index + 4)][0];
	return before !== undefined && after !== undefined && PICTOGRAPH.test(before) && PICTOGRAPH.test(after);
}

/** The code point as `U+XXXX`. */
export function codePointName(char: string): string {
	return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The first invisible character in `text` as `U+XXXX`, or undefined. */
export function invisibleCharacter(text: string): string | undefined {
	for (const match of text.matchAll(INVISIBLE)) {
		if (!isEmojiJoiner(text, match.index)) return codePointName(match[0]);
	}
	return undefined;
}

/** Replace each invisible character (emoji joiners kept) with `escape(char)`. */
export function replaceInvisible(text: string, escape: (char: string) => string): string {
	return text.replace(INVISIBLE, (char, index: number) => (isEmojiJoiner(text, index) ? char : escape(char)));
}
