/** Short human durations and times, shared by the CLI and the dashboard. */
import {formatAge} from '../forum/age.js';
import {waitedMs} from '../forum/rules.js';
import type {Thread} from '../forum/types.js';

export {formatAge};

/** WAIT: how long the agent has waited (rules.ts waitingSince), `-` when it is not waiting. */
export function formatWait(thread: Pick<Thread, 'state' | 'waitingSince'>, now: string): string {
	const waited = waitedMs(thread, now);
	return waited === null ? '-' : formatAge(waited);
}

/** Age of an ISO time relative to `now`. */
export function ageSince(iso: string, now: string): string {
	return formatAge(Date.parse(now) - Date.parse(iso));
}

/** `2026-11-25 13:50` in UTC: stable in logs and tests. */
export function formatTime(iso: string): string {
	return iso.slice(0, 16).replace('T', ' ');
}
