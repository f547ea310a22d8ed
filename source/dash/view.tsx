/** Draws a frame (lines of styled segments) with Ink. Colours off with NO_COLOR; no styling at all when plain. */
import {Box, Text, type TextProps} from 'ink';
import type {Line, Style} from './frame.js';

export type Theme = 'color' | 'mono';

const COLOR: Record<Style, TextProps> = {
	plain: {},
	dim: {dimColor: true},
	bold: {bold: true},
	title: {bold: true, color: 'cyan'},
	selected: {inverse: true},
	escalated: {bold: true, color: 'red'},
	urgent: {color: 'red'},
	high: {color: 'yellow'},
	unseen: {bold: true, color: 'cyan'},
	ok: {color: 'green'},
	error: {color: 'red'},
	key: {bold: true, color: 'cyan'},
	tab: {},
	activeTab: {bold: true, inverse: true},
	border: {dimColor: true},
};

// NO_COLOR: keep emphasis (bold, inverse, dim), drop every colour.
const MONO: Record<Style, TextProps> = Object.fromEntries(
	Object.entries(COLOR).map(([style, props]) => {
		const {color: _color, ...rest} = props;
		return [style, rest];
	}),
) as Record<Style, TextProps>;

/** Adjacent segments with one style become one Text node. */
function merged(line: Line): Line {
	const out: Line = [];
	for (const segment of line) {
		const last = out.at(-1);
		if (last && (last.style ?? 'plain') === (segment.style ?? 'plain')) out[out.length - 1] = {...last, text: last.text + segment.text};
		else out.push(segment);
	}
	return out;
}

export function FrameView({lines, theme}: {lines: readonly Line[]; theme: Theme}) {
	const styles = theme === 'color' ? COLOR : MONO;
	return (
		<Box flexDirection="column">
			{lines.map((line, row) => (
				<Text key={row} wrap="truncate-end">
					{line.length === 0
						? ' '
						: merged(line).map((segment, index) => (
								<Text key={index} {...styles[segment.style ?? 'plain']}>
									{segment.text}
								</Text>
							))}
				</Text>
			))}
		</Box>
	);
}
