/**
 * Presence channels: how a dashboard says which thread's answer prompt it has open, and hears
 * the others. Local (SQLite, one host) and Redis (any host) share this shape; a dashboard may
 * use both at once (combinePresence).
 */
import {randomBytes} from 'node:crypto';
import type {PresenceActivity, PresenceEntry} from '../forum/presence.js';

export interface PresenceSpot {
	threadId: string;
	activity: PresenceActivity;
}

export interface PresenceChannel {
	/** This dashboard's session id: its own entries are left out of what it shows. */
	readonly session: string;
	/**
	 * Where this dashboard is now (undefined: nowhere). Returns at once and never throws: a
	 * locked database or a lost link is retried in the background, and the heartbeat renews it.
	 */
	set(spot: PresenceSpot | undefined): void;
	/** Everyone's live entries (this session's included), each time they change. Returns unsubscribe. */
	subscribe(listener: (entries: PresenceEntry[]) => void): () => void;
	/** Withdraw this session's entry and stop. */
	close(): Promise<void>;
}

/** A new session id: one per dashboard process. */
export function newPresenceSession(): string {
	return `p-${randomBytes(8).toString('hex')}`;
}

/** Several channels as one: set on each, entries merged by session. */
export function combinePresence(channels: readonly PresenceChannel[]): PresenceChannel {
	return {
		session: channels[0]!.session,
		set: (spot) => {
			for (const channel of channels) channel.set(spot);
		},
		subscribe: (listener) => {
			const latest = channels.map((): PresenceEntry[] => []);
			const offs = channels.map((channel, index) =>
				channel.subscribe((entries) => {
					latest[index] = entries;
					const bySession = new Map<string, PresenceEntry>();
					for (const list of latest) for (const entry of list) bySession.set(`${entry.session}\u0000${entry.threadId}`, entry);
					listener([...bySession.values()]);
				}),
			);
			return () => offs.forEach((off) => off());
		},
		close: async () => {
			await Promise.all(channels.map((channel) => channel.close()));
		},
	};
}
