/** Editing one line of text by graphemes (an emoji, a flag or an accented letter is one step). Pure. */
const segmenter = new Intl.Segmenter(undefined, {granularity: 'grapheme'});

/** Offsets (UTF-16) where graphemes start, plus the end. */
function boundaries(value: string): number[] {
	const points = [...segmenter.segment(value)].map((segment) => segment.index);
	points.push(value.length);
	return points;
}

export function previousBoundary(value: string, cursor: number): number {
	let before = 0;
	for (const point of boundaries(value)) {
		if (point >= cursor) break;
		before = point;
	}
	return before;
}

export function nextBoundary(value: string, cursor: number): number {
	for (const point of boundaries(value)) if (point > cursor) return point;
	return value.length;
}

export function insertAt(value: string, cursor: number, text: string): {value: string; cursor: number} {
	return {value: value.slice(0, cursor) + text + value.slice(cursor), cursor: cursor + text.length};
}

/** Backspace: the grapheme before the cursor. */
export function deleteBefore(value: string, cursor: number): {value: string; cursor: number} {
	const start = previousBoundary(value, cursor);
	return {value: value.slice(0, start) + value.slice(cursor), cursor: start};
}

/** Ctrl-W: the spaces before the cursor, then the word before them. */
export function deleteWordBefore(value: string, cursor: number): {value: string; cursor: number} {
	const before = value.slice(0, cursor).replace(/\S+\s*$|\s+$/u, '');
	return {value: before + value.slice(cursor), cursor: before.length};
}
