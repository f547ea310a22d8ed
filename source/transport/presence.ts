/**
 * Presence through Redis: a pub/sub channel `<stream>:presence` on which each dashboard says
 * where it is (on every change, and as a heartbeat), so dashboards on other hosts show it at
 * once. Nothing is stored: an entry lives PRESENCE_TTL_MS after its last message, counted by
 * the receiver's clock. Anyone who can publish can forge a message: each is size-capped,
 * parsed and type-checked (checkPresenceEntry) before it counts, and shown as safe text.
 */
import type {Redis} from 'ioredis';
import {checkPresenceEntry, PRESENCE_HEARTBEAT_MS, PRESENCE_MAX_ENTRIES, PRESENCE_TTL_MS, type PresenceEntry} from '../forum/presence.js';
import type {Policy} from '../policy/policy.js';
import type {PresenceChannel, PresenceSpot} from '../service/presence.js';
import {openConnection} from './connection.js';

/** A presence message is a few hundred bytes; anything longer is not one. */
export const PRESENCE_MESSAGE_BYTES = 1024;

export interface RedisPresenceOptions {
	url: string;
	policy: Policy;
	session: string;
	operator: string;
	now?: () => number;
}

export function presenceChannelKey(policy: Policy): string {
	return `${policy.forum.redis.stream}:presence`;
}

/** One message as it goes on the channel. */
function message(session: string, operator: string, spot: PresenceSpot | undefined): string {
	return JSON.stringify({v: 1, type: 'presence', session, operator, thread_id: spot?.threadId ?? null, activity: spot?.activity ?? null, ttl_ms: PRESENCE_TTL_MS});
}

export function redisPresence(options: RedisPresenceOptions): PresenceChannel {
	const now = options.now ?? Date.now;
	const channel = presenceChannelKey(options.policy);
	const publisher: Redis = openConnection(options.url, {name: 'dash-presence', commandTimeoutMs: 2000});
	const subscriber: Redis = openConnection(options.url, {name: 'dash-presence-sub', commandTimeoutMs: 2000});
	const entries = new Map<string, PresenceEntry>();
	const listeners = new Set<(entries: PresenceEntry[]) => void>();
	let spot: PresenceSpot | undefined;
	let closed = false;
	let shown = '';

	const emit = () => {
		const nowMs = now();
		for (const [session, entry] of entries) if (entry.expiresAt <= nowMs) entries.delete(session);
		const list = [...entries.values()];
		const text = JSON.stringify(list.map((entry) => [entry.session, entry.threadId, entry.operator, entry.activity]).sort());
		if (text === shown) return;
		shown = text;
		for (const listener of listeners) listener(list);
	};

	const publish = () => {
		if (closed || publisher.status !== 'ready') return;
		publisher.publish(channel, message(options.session, options.operator, spot)).catch(() => undefined);
	};

	const receive = (raw: Buffer) => {
		if (raw.length > PRESENCE_MESSAGE_BYTES) return;
		let value: unknown;
		try {
			value = JSON.parse(raw.toString('utf8'));
		} catch {
			return;
		}
		if (typeof value !== 'object' || value === null) return;
		const v = value as Record<string, unknown>;
		if (v['v'] !== 1 || typeof v['session'] !== 'string' || v['session'] === options.session) return;
		if (v['type'] === 'hello') {
			// A dashboard just joined: tell it where we are now rather than at the next heartbeat.
			if (spot) publish();
			return;
		}
		if (v['type'] !== 'presence') return;
		if (v['thread_id'] === null) {
			if (entries.delete(v['session'])) emit();
			return;
		}
		const ttl = typeof v['ttl_ms'] === 'number' && Number.isFinite(v['ttl_ms']) && v['ttl_ms'] > 0 ? v['ttl_ms'] : PRESENCE_TTL_MS;
		const entry = checkPresenceEntry({session: v['session'], threadId: v['thread_id'], operator: v['operator'], activity: v['activity'], expiresAt: now() + ttl}, now());
		if (!entry) return;
		if (!entries.has(entry.session) && entries.size >= PRESENCE_MAX_ENTRIES) return;
		entries.set(entry.session, entry);
		emit();
	};

	subscriber.on('messageBuffer', (_channel: Buffer, raw: Buffer) => receive(raw));
	subscriber.on('ready', () => {
		subscriber
			.subscribe(channel)
			.then(() => {
				if (publisher.status === 'ready') publisher.publish(channel, JSON.stringify({v: 1, type: 'hello', session: options.session})).catch(() => undefined);
			})
			.catch(() => undefined);
	});
	publisher.on('ready', publish);
	const heartbeat = setInterval(() => {
		if (spot) publish();
		emit();
	}, PRESENCE_HEARTBEAT_MS);
	heartbeat.unref();
	// Expiries show without any message: look each second.
	const expiry = setInterval(emit, 1000);
	expiry.unref();

	return {
		session: options.session,
		set(next) {
			if (closed) return;
			if (next?.threadId === spot?.threadId && next?.activity === spot?.activity) return;
			spot = next;
			publish();
		},
		subscribe(listener) {
			listeners.add(listener);
			listener([...entries.values()]);
			return () => void listeners.delete(listener);
		},
		async close() {
			if (closed) return;
			clearInterval(heartbeat);
			clearInterval(expiry);
			if (spot && publisher.status === 'ready') {
				spot = undefined;
				await publisher.publish(channel, message(options.session, options.operator, undefined)).catch(() => undefined);
			}
			closed = true;
			subscriber.disconnect();
			publisher.disconnect();
		},
	};
}
