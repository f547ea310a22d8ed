/**
 * The Redis link as a local dashboard sees it: connected or reconnecting, and how many
 * committed events the events stream still lacks. Load with a dynamic import, only when a
 * Redis URL is configured, so nothing else pays for ioredis.
 */
import type {Policy} from '../policy/policy.js';
import type {ForumClient, SourceInfo} from '../service/client.js';
import {openConnection, streamKeys, topSequence, type LinkState} from './connection.js';
import {redactUrl} from './redis-url.js';

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
 * Watch the link from a process with the local database. Lag is the forum's last sequence
 * minus the newest entry of the events stream (whoever relays it); while Redis is
 * unreachable, minus the newest entry seen before it went away (unknown if never seen).
 * Never throws; returns at once.
 */
export function watchRedisLink(forum: Pick<ForumClient, 'lastSequence'>, options: RedisLinkOptions): RedisLinkWatch {
	const {url, policy} = options;
	const shown = redactUrl(url);
	const key = streamKeys(policy).events;
	const listeners = new Set<(info: RedisLinkInfo) => void>();
	let state: LinkState = 'reconnecting';
	let published: number | undefined;
	let lagEvents: number | undefined;
	let closed = false;
	const info = (): RedisLinkInfo => ({url: shown, state: closed ? 'off' : state, ...(lagEvents === undefined ? {} : {lagEvents})});
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
			if (state === 'connected') published = await topSequence(redis, key);
			const sequence = await forum.lastSequence();
			lagEvents = published === undefined ? undefined : Math.max(0, sequence - published);
		} catch {
			// A failed measurement keeps the last value; the state says why.
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

/**
 * A local client whose source() also reports the Redis link (for the status bar); closing
 * it stops the watch. For a remote client (kind 'redis') use it as is: it reports its own link.
 */
export function withRedisLink(client: ForumClient, options: RedisLinkOptions): ForumClient {
	const watch = watchRedisLink(client, options);
	return {
		...client,
		source: () => ({...client.source(), redis: watch.info()}),
		async close() {
			await watch.close();
			await client.close();
		},
	};
}
