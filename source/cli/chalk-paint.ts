/** The coloured Paint, through chalk; loaded only when colour is on (see color.ts). */
import {Chalk, supportsColor, type ChalkInstance} from 'chalk';
import type {Priority, ThreadState} from '../forum/types.js';
import type {Paint} from './color.js';

/** The dashboard's meanings: escalated bold red, urgent red, high yellow; states by kind. */
const STATE_STYLE: Record<ThreadState, (chalk: ChalkInstance) => ChalkInstance> = {
	new: (c) => c.cyan,
	triaged: (c) => c.blue,
	waiting_operator: (c) => c.magenta,
	waiting_human: (c) => c.yellow.bold,
	answered: (c) => c.green,
	closed: (c) => c.dim,
};

const PRIORITY_STYLE: Record<Priority, ((chalk: ChalkInstance) => ChalkInstance) | undefined> = {
	urgent: (c) => c.red.bold,
	high: (c) => c.yellow,
	normal: undefined,
	low: (c) => c.dim,
};

/** Paint at `level`; 'terminal' takes chalk's detection of the terminal's depth (at least basic colour). */
export function chalkPaint(level: 1 | 2 | 3 | 'terminal'): Paint {
	const depth = level === 'terminal' ? (Math.max(1, supportsColor ? supportsColor.level : 0) as 1 | 2 | 3) : level;
	const chalk = new Chalk({level: depth});
	return {
		level: depth,
		priority: (priority, text = priority) => PRIORITY_STYLE[priority]?.(chalk)(text) ?? text,
		state: (state, text = state) => STATE_STYLE[state](chalk)(text),
		escalated: (text) => chalk.red.bold(text),
		dim: (text) => chalk.dim(text),
		bold: (text) => chalk.bold(text),
	};
}
