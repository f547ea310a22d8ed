/**
 * Colour for `list`, `thread` and `status` through chalk: on a terminal, off with NO_COLOR or
 * when piped, forced with FORCE_COLOR, never in --json. Chalk (and the node:tty and node:net it
 * loads) is imported only when colour is on: agents' piped calls never pay for it.
 */
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

/** The colour level for output to a stream that is (or is not) a terminal; 'terminal': as deep as chalk detects. */
export function colorLevel(options: {env: NodeJS.ProcessEnv; isTTY: boolean; json?: boolean}): 0 | 1 | 2 | 3 | 'terminal' {
	if (options.json) return 0;
	const forced = forcedLevel(options.env['FORCE_COLOR']);
	if (forced !== undefined) return forced as 0 | 1 | 2 | 3;
	if ((options.env['NO_COLOR'] ?? '') !== '') return 0;
	if (!options.isTTY || options.env['TERM'] === 'dumb') return 0;
	return 'terminal';
}

/** No colour: what pipes, NO_COLOR and --json get. */
export const PLAIN: Paint = {
	level: 0,
	priority: (priority, text = priority) => text,
	state: (state, text = state) => text,
	escalated: (text) => text,
	dim: (text) => text,
	bold: (text) => text,
};

export async function colorFor(options: {env: NodeJS.ProcessEnv; isTTY: boolean; json?: boolean}): Promise<Paint> {
	const level = colorLevel(options);
	if (level === 0) return PLAIN;
	const {chalkPaint} = await import('./chalk-paint.js');
	return chalkPaint(level);
}
