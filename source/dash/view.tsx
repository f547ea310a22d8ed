/** Draws a frame (lines of styled segments) with Ink, in a theme: colour, mono (NO_COLOR), high-contrast. */
import {Box, Text, type TextProps} from 'ink';
import type {ThemeName} from './dash-config.js';
import type {Line, Style} from './frame.js';
import {evenCells} from './text-fit.js';

export type Theme = ThemeName;

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

// High contrast: nothing dim, bright colours, every emphasis bold.
const HIGH_CONTRAST: Record<Style, TextProps> = {
	plain: {},
	dim: {},
	bold: {bold: true},
	title: {bold: true, color: 'whiteBright'},
	selected: {inverse: true, bold: true},
	escalated: {bold: true, color: 'redBright'},
	urgent: {bold: true, color: 'redBright'},
	high: {bold: true, color: 'yellowBright'},
	unseen: {bold: true, color: 'cyanBright'},
	ok: {bold: true, color: 'greenBright'},
	error: {bold: true, color: 'redBright'},
	key: {bold: true, color: 'yellowBright'},
	tab: {},
	activeTab: {bold: true, inverse: true},
	border: {color: 'whiteBright'},
};

export const THEME_STYLES: Record<Theme, Record<Style, TextProps>> = {color: COLOR, mono: MONO, 'high-contrast': HIGH_CONTRAST};

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
	const styles = THEME_STYLES[theme];
	return (
		<Box flexDirection="column">
			{lines.map((line, row) => (
				<Text key={row} wrap="truncate-end">
					{line.length === 0
						? ' '
						: merged(line).map((segment, index) => (
								<Text key={index} {...styles[segment.style ?? 'plain']}>
									{evenCells(segment.text)}
								</Text>
							))}
				</Text>
			))}
		</Box>
	);
}
