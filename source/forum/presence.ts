/**
 * "I'm on it": who has a thread's answer prompt or editor open, as the dashboards share it.
 * Presence is not part of the event log: it expires by itself. Pure: the entry's shape, the
 * check every reader applies (an entry from Redis or the database can be forged), and its text.
 */
import {LIMITS} from './validate.js';

export const PRESENCE_ACTIVITIES = ['answering', 'posting'] as const;
export type PresenceActivity = (typeof PRESENCE_ACTIVITIES)[number];

/** How long an entry lives without a heartbeat. */
export const PRESENCE_TTL_MS = 15_000;
/** How often a holder renews its entry. */
export const PRESENCE_HEARTBEAT_MS = 5_000;
/** The longest life a reader grants an entry, whatever it claims. */
export const PRESENCE_MAX_TTL_MS = 30_000;
/** At most this many entries are kept from any source. */
export const PRESENCE_MAX_ENTRIES = 500;

/** One dashboard's presence on one thread. */
export interface PresenceEntry {
	/** The dashboard process that holds it (a random id). */
	session: string;
	threadId: string;
	operator: string;
	activity: PresenceActivity;
	/** Epoch ms after which it no longer counts. */
	expiresAt: number;
}

const SESSION = /^[A-Za-z0-9-]{1,64}$/;
const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * The entry `value` names, or undefined when it is not one: every field type-checked and
 * capped (session, thread id, a one-line operator name, a known activity), its expiry no
 * further than PRESENCE_MAX_TTL_MS after `nowMs`.
 */
export function checkPresenceEntry(value: unknown, nowMs: number): PresenceEntry | undefined {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
	const v = value as Record<string, unknown>;
	const {session, threadId, operator, activity, expiresAt} = v;
	if (typeof session !== 'string' || !SESSION.test(session)) return undefined;
	if (typeof threadId !== 'string' || threadId.length > LIMITS.idChars || !ID.test(threadId)) return undefined;
	if (typeof operator !== 'string' || operator.trim() === '' || [...operator].length > LIMITS.nameChars || CONTROL.test(operator)) return undefined;
	if (typeof activity !== 'string' || !(PRESENCE_ACTIVITIES as readonly string[]).includes(activity)) return undefined;
	if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt) || expiresAt <= nowMs) return undefined;
	return {session, threadId, operator, activity: activity as PresenceActivity, expiresAt: Math.min(expiresAt, nowMs + PRESENCE_MAX_TTL_MS)};
}

/** `alice is answering`, `alice and bob are answering`, `alice is answering, bob is posting`: one thread's line. */
export function presenceText(entries: readonly Pick<PresenceEntry, 'operator' | 'activity'>[]): string {
	const byActivity = new Map<PresenceActivity, string[]>();
	for (const entry of entries) {
		const names = byActivity.get(entry.activity) ?? [];
		if (!names.includes(entry.operator)) names.push(entry.operator);
		byActivity.set(entry.activity, names);
	}
	return [...byActivity]
		.map(([activity, names]) => (names.length === 1 ? `${names[0]} is ${activity}` : `${names.slice(0, -1).join(', ')} and ${names.at(-1)} are ${activity}`))
		.join(', ');
}

/** Entries by thread, without `session` (this dashboard's own) and without expired ones. */
export function presenceByThread(entries: readonly PresenceEntry[], options: {exceptSession?: string; nowMs: number}): Map<string, PresenceEntry[]> {
	const byThread = new Map<string, PresenceEntry[]>();
	for (const entry of entries) {
		if (entry.session === options.exceptSession || entry.expiresAt <= options.nowMs) continue;
		byThread.set(entry.threadId, [...(byThread.get(entry.threadId) ?? []), entry]);
	}
	return byThread;
}
