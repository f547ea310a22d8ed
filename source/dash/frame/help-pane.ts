/** The help pane (`?`): the keys of the mode it was opened in, then every other mode's, from the registry. */
import {bindingsOf, KEYMAP, MODE_LABELS, PROMPT_MODES, whereOf, type KeyBinding, type View} from '../keymap.js';
import {fit} from '../text-fit.js';
import {clip, pad, type Line} from './line.js';

/** What the marks and columns of a queue row mean. */
export const LEGEND = '▶ cursor · • unseen since its last event · ! escalated (+8m: that long past the SLA) · ✓ marked · WAIT: since the agent started waiting';

const entry = (binding: KeyBinding, label?: string): Line => [
	{text: ` ${fit(binding.label, 8)}`, style: 'key'},
	...(label ? [{text: `${label}: `, style: 'dim' as const}] : []),
	{text: binding.description},
];

/** The narrowest column of keys that still reads: the key, then a description worth reading. */
const MIN_COLUMN = 40;

export function helpLines(view: View, width: number, height: number, keymap: readonly KeyBinding[] = KEYMAP, page = 0): Line[] {
	// The mode you are in first, then the bottom-line modes: the registry is the whole keyboard.
	const own = bindingsOf(view, keymap);
	const entries: Line[] = own.map((binding) => entry(binding));
	for (const {mode, label} of PROMPT_MODES) {
		for (const binding of bindingsOf(mode, keymap)) if (!own.includes(binding)) entries.push(entry(binding, whereOf(binding) === 'anywhere' ? undefined : label));
	}
	const perColumn = Math.max(1, height - 2);
	// As many columns as fit at a readable width; what does not fit goes on further pages.
	const columnCount = Math.max(1, Math.min(Math.ceil(entries.length / perColumn), Math.floor(width / MIN_COLUMN)));
	const perPage = perColumn * columnCount;
	const pages = Math.max(1, Math.ceil(entries.length / perPage));
	const shown = ((page % pages) + pages) % pages;
	const paging = pages > 1 ? `   ${shown + 1}/${pages} · j/k pages · other keys close` : '   any key closes this help';
	const lines: Line[] = [
		[{text: ` Keys: ${MODE_LABELS[view]}`, style: 'title'}, {text: paging, style: 'dim'}],
		[{text: ` ${LEGEND}`, style: 'dim'}],
	];
	const columnWidth = Math.floor(width / columnCount);
	const first = shown * perPage;
	for (let row = 0; row < Math.min(perColumn, entries.length - first); row++) {
		const line: Line = [];
		for (let col = 0; col < columnCount; col++) {
			const item = entries[first + col * perColumn + row];
			if (item) line.push(...pad(clip(item, columnWidth - 1), columnWidth));
		}
		lines.push(line);
	}
	return lines;
}
