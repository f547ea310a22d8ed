/**
 * Terminal cells through the libraries Ink itself uses (grapheme-aware: emoji, ZWJ
 * sequences, flags, CJK, combining marks): width, cut, fit, wrap. Input is already safe.
 */
import sliceAnsi from 'slice-ansi';
import stringWidth from 'string-width';
import wrapAnsi from 'wrap-ansi';

/**
 * Joiners, emoji presentation selectors and skin tones: terminals disagree on the width of the
 * sequences they make (tmux 3.3 draws 👍🏽 and 👩‍💻 as two emoji, string-width as one), and a row
 * drawn wider than measured wraps and scrolls the whole frame. Drawn without them, each part is
 * a plain emoji or symbol that every terminal measures as string-width does.
 */
const UNEVEN = /[\u200d\ufe0f\u{1f3fb}-\u{1f3ff}]/gu;

/** Text as the dashboard draws it: the same cells on every terminal. */
export function evenCells(text: string): string {
	return text.replace(UNEVEN, '');
}

// Frames repeat the same strings every redraw; string-width segments graphemes, so remember.
const widths = new Map<string, number>();

export function textWidth(text: string): number {
	let width = widths.get(text);
	if (width === undefined) {
		if (widths.size >= 20_000) widths.clear();
		width = stringWidth(evenCells(text));
		widths.set(text, width);
	}
	return width;
}

/** The first at most `width` cells; a wide grapheme that would straddle the edge is left out. */
export function head(raw: string, width: number): string {
	if (width <= 0) return '';
	const text = evenCells(raw);
	if (textWidth(text) <= width) return text;
	// slice-ansi keeps a wide grapheme that starts inside the range: step back until it fits.
	for (let end = width; end > 0; end--) {
		const cut = sliceAnsi(text, 0, end);
		if (stringWidth(cut) <= width) return cut;
	}
	return '';
}

/** The last at most `width` cells, whole graphemes only. */
export function tail(raw: string, width: number): string {
	const text = evenCells(raw);
	const total = textWidth(text);
	if (width <= 0) return '';
	if (total <= width) return text;
	for (let start = total - width; start < total; start++) {
		const cut = sliceAnsi(text, start);
		if (stringWidth(cut) <= width) return cut;
	}
	return '';
}

/** Cut `text` to at most `width` cells, ending in `…` when cut. */
export function truncate(text: string, width: number): string {
	if (width <= 0) return '';
	if (textWidth(text) <= width) return evenCells(text);
	return `${head(text, width - 1)}…`;
}

/** Exactly `width` cells: truncated, then padded with spaces (right-aligned with `align: 'right'`). */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
	const cut = truncate(text, width);
	const pad = ' '.repeat(Math.max(0, width - textWidth(cut)));
	return align === 'left' ? cut + pad : pad + cut;
}

/** Wrap text with newlines to lines of at most `width` cells, breaking at spaces when it can. */
export function wrap(text: string, width: number): string[] {
	const w = Math.max(1, width);
	return evenCells(text).split('\n').flatMap((paragraph) => {
		const trimmed = paragraph.trimEnd();
		if (trimmed === '') return [''];
		// wrap-ansi can leave a wide grapheme one cell over in hard mode: cut what it leaves.
		return wrapAnsi(trimmed, w, {hard: true, trim: true}).split('\n').map((line) => head(line, w));
	});
}
