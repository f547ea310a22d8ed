/**
 * The Redis link as a local dashboard sees it: connected or reconnecting, and how many
 * committed events the events stream still lacks. Load with a dynamic import, only when a
 * Redis URL is configured, so nothing else pays for ioredis.
 */
import type {Policy} from '../policy/policy.js';
import type {SourceInfo} from '../service/client.js';
import type {ForumService} from '../service/forum-service.js';
import {openConnection, streamKeys, topSequence, type LinkState} from './connection.js';
import {redactUrl} from './redis-url.js';
import {relayCheckpointName} from './relay.js';

export type RedisLinkInfo = NonNullable<SourceInfo['redis']>;

export interface RedisLinkWatch {
	/** The link now, for SourceInfo.redis; the URL is without its password. */
	info(): RedisLinkInfo;
	/** Called when state or lag changes. Returns unsubscribe. */
	onChange(listener: (info: RedisLinkInfo) => void): () => void;
	close(): Promise<void>;
}

export interface RedisLinkOptions {
	url: string;
	policy: Policy;
	/** How often to measure the lag. Default 1000 ms. */
	intervalMs?: number;
}

/**
 * Watch the link from a process with the local database. Lag is the database's last
 * sequence minus the stream's newest entry (whoever relays), or minus the relay's cursor
 * in SQLite while Redis is unreachable. Never throws; returns at once.
 */
export function watchRedisLink(service: ForumService, options: RedisLinkOptions): RedisLinkWatch {
	const {url, policy} = options;
	const shown = redactUrl(url);
	const key = streamKeys(policy).events;
	const listeners = new Set<(info: RedisLinkInfo) => void>();
	let state: LinkState = 'reconnecting';
	let lagEvents = 0;
	let closed = false;
	const info = (): RedisLinkInfo => ({url: shown, state: closed ? 'off' : state, lagEvents});
	let last = '';
	const changed = () => {
		const now = info();
		const text = JSON.stringify(now);
		if (text === last) return;
		last = text;
		for (const listener of listeners) listener(now);
	};
	const redis = openConnection(url, {
		name: 'dash-status',
		onState: (next) => {
			state = next;
			void measure();
		},
	});
	async function measure(): Promise<void> {
		if (closed) return;
		try {
			const sequence = service.lastSequence();
			const published = state === 'connected' ? await topSequence(redis, key) : service.store.checkpoint(relayCheckpointName(policy));
			lagEvents = Math.max(0, sequence - published);
		} catch {
			// A failed measurement leaves the last value; the state says why.
		}
		changed();
	}
	const timer = setInterval(() => void measure(), options.intervalMs ?? 1000);
	timer.unref();
	return {
		info,
		onChange(listener) {
			listeners.add(listener);
			return () => void listeners.delete(listener);
		},
		async close() {
			if (closed) return;
			closed = true;
			clearInterval(timer);
			changed();
			listeners.clear();
			redis.disconnect();
		},
	};
}
