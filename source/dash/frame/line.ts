/** Frames as data: lines of styled segments, and the cell arithmetic over them. */
import {evenCells, textWidth, truncate} from '../text-fit.js';

export type Style = 'plain' | 'dim' | 'bold' | 'title' | 'selected' | 'escalated' | 'urgent' | 'high' | 'unseen' | 'ok' | 'error' | 'key' | 'tab' | 'activeTab' | 'border';

export interface Segment {
	text: string;
	style?: Style;
}
export type Line = Segment[];

/** Pad a line with spaces to `width` cells. */
export function pad(line: Line, width: number): Line {
	const used = line.reduce((sum, segment) => sum + textWidth(segment.text), 0);
	return used < width ? [...line, {text: ' '.repeat(width - used)}] : line;
}

/** Keep a line within `width` cells, cutting the last segments that do not fit. */
export function clip(line: Line, width: number): Line {
	const out: Line = [];
	let left = width;
	for (const segment of line) {
		if (left <= 0) break;
		const w = textWidth(segment.text);
		if (w <= left) {
			out.push(segment);
			left -= w;
		} else {
			out.push({...segment, text: truncate(segment.text, left)});
			left = 0;
		}
	}
	return out;
}

export function lineText(line: Line): string {
	return evenCells(line.map((segment) => segment.text).join(''));
}

/** The frame as plain text (for `--once`, tests and README captures). */
export function frameText(lines: readonly Line[]): string {
	return lines.map((line) => lineText(line).trimEnd()).join('\n');
}

/** Cells a line takes. */
export function lineWidth(line: Line): number {
	return line.reduce((sum, segment) => sum + textWidth(segment.text), 0);
}
