/**
 * When an event happened, as the log records it. Pure.
 *
 * - Never earlier than the thread's previous event: a writer whose clock is behind cannot make
 *   a follow-up look older than the answer it follows (and so escalated at once), and a
 *   thread's history reads in order.
 * - A writer clock further than the tolerance from the reference clock (the database host's,
 *   when known) is replaced by the reference: a writer 3 h ahead cannot make a thread wait
 *   "0s", sort last and escalate 3 h late.
 * The writer's raw clock is kept in the payload (`writer_clock`) whenever it was not used.
 */

/** How far a writer's clock may be from the reference before it is not believed. */
export const CLOCK_TOLERANCE_MS = 2 * 60 * 1000;

export interface EventTimeInput {
	/** The writer's clock (ISO). */
	writerNow: string;
	/** The reference clock in ms (the database host's), when known. */
	referenceMs?: number;
	/** The thread's previous event time (ISO), if any. */
	previous?: string;
	toleranceMs?: number;
}

export interface EventTime {
	/** The time to record (ISO). */
	at: string;
	/** The writer's own clock, when `at` differs from it. */
	writerClock?: string;
}

export function eventTime(input: EventTimeInput): EventTime {
	const writer = Date.parse(input.writerNow);
	const tolerance = input.toleranceMs ?? CLOCK_TOLERANCE_MS;
	let at = writer;
	if (input.referenceMs !== undefined && Number.isFinite(input.referenceMs) && Math.abs(writer - input.referenceMs) > tolerance) at = input.referenceMs;
	const previous = input.previous === undefined ? Number.NaN : Date.parse(input.previous);
	if (Number.isFinite(previous) && at < previous) at = previous;
	if (at === writer) return {at: input.writerNow};
	return {at: new Date(at).toISOString(), writerClock: input.writerNow};
}
