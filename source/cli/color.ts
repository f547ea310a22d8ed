/**
 * Colour for `list`, `thread` and `status` through chalk: on a terminal, off with NO_COLOR or
 * when piped, forced with FORCE_COLOR, never in --json. The same meanings as the dashboard's
 * theme: escalated bold red, urgent red, high yellow.
 */
import {Chalk, supportsColor, type ChalkInstance} from 'chalk';
import type {Priority, ThreadState} from '../forum/types.js';

export interface Paint {
	/** Level 0 is no colour: every function returns its text unchanged. */
	readonly level: 0 | 1 | 2 | 3;
	priority(priority: Priority, text?: string): string;
	state(state: ThreadState, text?: string): string;
	escalated(text: string): string;
	/** Headers and secondary text. */
	dim(text: string): string;
	bold(text: string): string;
}

/** FORCE_COLOR as chalk reads it: '' / 'true' → 1, 'false' → 0, a number → that level (at most 3). */
function forcedLevel(value: string | undefined): number | undefined {
	if (value === undefined) return undefined;
	if (value === '' || value === 'true') return 1;
	if (value === 'false') return 0;
	const level = Number.parseInt(value, 10);
	return Number.isNaN(level) ? 0 : Math.min(Math.max(level, 0), 3);
}

/** The colour level for output going to a stream that is (or is not) a terminal. */
export function colorLevel(options: {env: NodeJS.ProcessEnv; isTTY: boolean; json?: boolean}): 0 | 1 | 2 | 3 {
	if (options.json) return 0;
	const forced = forcedLevel(options.env['FORCE_COLOR']);
	if (forced !== undefined) return forced as 0 | 1 | 2 | 3;
	if ((options.env['NO_COLOR'] ?? '') !== '') return 0;
	if (!options.isTTY || options.env['TERM'] === 'dumb') return 0;
	// On a terminal: chalk's own detection of its depth (256 colours, truecolor), at least basic.
	return Math.max(1, supportsColor ? supportsColor.level : 0) as 1 | 2 | 3;
}

const STATE_STYLE: Record<ThreadState, (chalk: ChalkInstance) => ChalkInstance> = {
	new: (c) => c.cyan,
	triaged: (c) => c.blue,
	waiting_operator: (c) => c.magenta,
	waiting_human: (c) => c.yellow.bold,
	answered: (c) => c.green,
	closed: (c) => c.dim,
};

const PRIORITY_STYLE: Record<Priority, (chalk: ChalkInstance) => ChalkInstance> = {
	urgent: (c) => c.red.bold,
	high: (c) => c.yellow,
	normal: (c) => c.reset,
	low: (c) => c.dim,
};

export function paintWith(level: 0 | 1 | 2 | 3): Paint {
	const chalk = new Chalk({level});
	return {
		level,
		priority: (priority, text = priority) => (level === 0 || priority === 'normal' ? text : PRIORITY_STYLE[priority](chalk)(text)),
		state: (state, text = state) => (level === 0 ? text : STATE_STYLE[state](chalk)(text)),
		escalated: (text) => (level === 0 ? text : chalk.red.bold(text)),
		dim: (text) => (level === 0 ? text : chalk.dim(text)),
		bold: (text) => (level === 0 ? text : chalk.bold(text)),
	};
}

/** No colour: what tests and JSON get. */
export const PLAIN: Paint = paintWith(0);

export function colorFor(options: {env: NodeJS.ProcessEnv; isTTY: boolean; json?: boolean}): Paint {
	const level = colorLevel(options);
	return level === 0 ? PLAIN : paintWith(level);
}
