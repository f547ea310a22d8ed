/** Column arithmetic for terminal cells: width of text, fit to a width, wrap. Input is already safe (no controls). */

// Zero-width: combining marks, variation selectors, zero-width joiner/space.
const ZERO_WIDTH = /[\p{Mn}\p{Me}\u200b-\u200d\ufe00-\ufe0f]/u;
const WIDE = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1f64f}\u{1f900}-\u{1f9ff}\u{20000}-\u{3fffd}]/u;

/** Cells one code point takes: 0, 1 or 2. */
export function charWidth(char: string): number {
	if (ZERO_WIDTH.test(char)) return 0;
	return WIDE.test(char) ? 2 : 1;
}

export function textWidth(text: string): number {
	let width = 0;
	for (const char of text) width += charWidth(char);
	return width;
}

/** Cut `text` to at most `width` cells, ending in `…` when cut. */
export function truncate(text: string, width: number): string {
	if (width <= 0) return '';
	if (textWidth(text) <= width) return text;
	let out = '';
	let used = 0;
	for (const char of text) {
		const w = charWidth(char);
		if (used + w > width - 1) break;
		out += char;
		used += w;
	}
	return `${out}…`;
}

/** Exactly `width` cells: truncated, then padded with spaces (right-aligned with `align: 'right'`). */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
	const cut = truncate(text, width);
	const pad = ' '.repeat(Math.max(0, width - textWidth(cut)));
	return align === 'left' ? cut + pad : pad + cut;
}

/** Wrap one paragraph (no newlines) to lines of at most `width` cells, breaking at spaces when it can. */
function wrapParagraph(paragraph: string, width: number): string[] {
	if (paragraph === '') return [''];
	const lines: string[] = [];
	let line = '';
	let used = 0;
	let lastSpace = -1;
	for (const char of paragraph) {
		const w = charWidth(char);
		if (used + w > width) {
			if (lastSpace > 0 && char !== ' ') {
				const head = line.slice(0, lastSpace);
				const tail = line.slice(lastSpace + 1);
				lines.push(head);
				line = tail;
				used = textWidth(tail);
			} else {
				lines.push(line);
				line = '';
				used = 0;
			}
			lastSpace = -1;
			if (char === ' ' && line === '') continue;
		}
		if (char === ' ') lastSpace = line.length;
		line += char;
		used += w;
	}
	lines.push(line);
	return lines;
}

/** Wrap text with newlines to lines of at most `width` cells. */
export function wrap(text: string, width: number): string[] {
	const w = Math.max(1, width);
	return text.split('\n').flatMap((paragraph) => wrapParagraph(paragraph.trimEnd(), w));
}
