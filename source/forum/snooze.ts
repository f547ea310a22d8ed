/**
 * Snooze: when a snoozed thread is hidden, and how an operator writes the time it wakes. Pure.
 * A snooze ends by itself: `snoozedUntil <= now` is judged whenever a thread is read, so no
 * timer ever writes an event for it.
 */
import type {Thread, ThreadState} from './types.js';

/** States a thread may be snoozed in: an open question nobody has decided yet. */
export const SNOOZABLE_STATES: readonly ThreadState[] = ['new', 'triaged', 'waiting_operator', 'waiting_human'];

/** The longest snooze: longer is a close, not a snooze. */
export const MAX_SNOOZE_MS = 30 * 24 * 3_600_000;

/** The dashboard's `z` default, and what an empty answer to its prompt means. */
export const DEFAULT_SNOOZE = '1h';

/** The forms `--for` / `--until` and the `z` prompt accept, for error messages. */
export const SNOOZE_FORMS = 'a duration like 30m, 2h, 1d or 1h30m, a time today like 14:30 (tomorrow if past), or an ISO time like 2026-03-01T09:00';

/** Hidden from Needs human and Needs me now: a snooze set and not yet past. */
export function isSnoozed(thread: Pick<Thread, 'snoozedUntil'>, now: string): boolean {
	return thread.snoozedUntil !== null && Date.parse(thread.snoozedUntil) > Date.parse(now);
}

/** Whole seconds until the snooze ends (0 when not snoozed): what an agent is told. */
export function snoozeRemainingSeconds(thread: Pick<Thread, 'snoozedUntil'>, now: string): number {
	if (!isSnoozed(thread, now)) return 0;
	return Math.ceil((Date.parse(thread.snoozedUntil!) - Date.parse(now)) / 1000);
}

const UNIT_MS: Record<string, number> = {s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000};

/** `30m` → 1 800 000; undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
	const value = text.trim().toLowerCase();
	if (!/^(\d{1,6}[smhdw])+$/.test(value)) return undefined;
	let ms = 0;
	for (const [, amount, unit] of value.matchAll(/(\d+)([smhdw])/g)) ms += Number(amount) * UNIT_MS[unit!]!;
	return ms;
}

export type SnoozeTime = {ok: true; until: string} | {ok: false; message: string};

/**
 * When a snooze given as text ends (ISO), judged at `now`: a duration, a clock time today
 * (tomorrow when already past; `offsetMinutes` is the local zone, minutes east of UTC), or an
 * ISO time. Refused when it is not one of those, not in the future, or more than 30 days away.
 */
export function parseSnoozeTime(text: string, now: string, options: {offsetMinutes?: number} = {}): SnoozeTime {
	const input = text.trim();
	const nowMs = Date.parse(now);
	const shown = JSON.stringify(input.slice(0, 40));
	let untilMs: number | undefined;
	const duration = parseDuration(input);
	const clock = /^(\d{1,2}):(\d{2})$/.exec(input);
	if (duration !== undefined) {
		if (duration === 0) return {ok: false, message: `snooze time ${shown} is zero; give ${SNOOZE_FORMS}`};
		untilMs = nowMs + duration;
	} else if (clock) {
		const hours = Number(clock[1]);
		const minutes = Number(clock[2]);
		if (hours > 23 || minutes > 59) return {ok: false, message: `snooze time ${shown} is not a time of day; give ${SNOOZE_FORMS}`};
		const offset = (options.offsetMinutes ?? 0) * 60_000;
		const local = new Date(nowMs + offset);
		untilMs = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), hours, minutes) - offset;
		if (untilMs <= nowMs) untilMs += 86_400_000;
	} else if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(input) && !Number.isNaN(Date.parse(input))) {
		untilMs = Date.parse(input);
	} else {
		return {ok: false, message: `snooze time ${shown} is not understood; give ${SNOOZE_FORMS}`};
	}
	if (untilMs <= nowMs) return {ok: false, message: `snooze time ${shown} is in the past; give a time after now (${SNOOZE_FORMS})`};
	if (untilMs - nowMs > MAX_SNOOZE_MS) return {ok: false, message: `snooze time ${shown} is more than 30 days away; close the thread instead, or snooze it for less`};
	return {ok: true, until: new Date(untilMs).toISOString()};
}
