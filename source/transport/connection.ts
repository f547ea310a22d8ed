/** ioredis connections the transport uses: fail fast while down, reconnect forever, never leak the password. */
import {Redis} from 'ioredis';
import type {Policy} from '../policy/policy.js';
import {describeRedisError} from './redis-url.js';

export type LinkState = 'connected' | 'reconnecting' | 'off';

export interface ConnectionOptions {
	/** Shown in CLIENT LIST; says which part of metawsm holds the connection. */
	name: string;
	/** Per-command timeout in ms. Blocking reads must use a connection whose timeout exceeds their BLOCK. */
	commandTimeoutMs?: number;
	/** Called when the link goes up or down, with a redacted reason when it went down. */
	onState?: (state: LinkState, reason?: string) => void;
}

/** The stream keys of one forum on Redis. */
export interface StreamKeys {
	events: string;
	/** Hash: which forum publishes here, its epoch, its snapshot's sequence, when serve was last alive. */
	head: string;
	/** String: the latest snapshot of the projections (JSON), see store/snapshot.ts. */
	snapshot: string;
	commands: string;
	dead: string;
	replies: (clientId: string) => string;
}

export function streamKeys(policy: Policy): StreamKeys {
	const stream = policy.forum.redis.stream;
	return {
		events: `${stream}:events`,
		head: `${stream}:head`,
		snapshot: `${stream}:snapshot`,
		commands: `${stream}:commands`,
		dead: `${stream}:dead`,
		replies: (clientId) => `${stream}:replies:${clientId}`,
	};
}

/** The longest pause between reconnect attempts, ms: a Redis that is back is used within about this. */
export const RECONNECT_MAX_MS = 200;

/**
 * ioredis's wait before reconnect attempt `times` (1, 2, ...): 50 ms first (a blip, a restart),
 * then doubling up to RECONNECT_MAX_MS. A refused loopback connect costs microseconds, so five
 * attempts a second through a long outage cost nothing, and Redis back is used within ~200 ms.
 */
export function reconnectDelay(times: number): number {
	return Math.min(50 * 2 ** Math.max(0, times - 1), RECONNECT_MAX_MS);
}

/**
 * Open a connection. Without an offline queue a command fails at once while Redis is
 * down (callers retry on their own terms), and the retry strategy reconnects forever.
 */
export function openConnection(url: string, options: ConnectionOptions): Redis {
	const redis = new Redis(url, {
		connectionName: `metawsm-${options.name}`,
		enableOfflineQueue: false,
		commandTimeout: options.commandTimeoutMs ?? 5000,
		connectTimeout: 5000,
		maxRetriesPerRequest: 1,
		retryStrategy: reconnectDelay,
		lazyConnect: false,
	});
	let state: LinkState | undefined;
	const set = (next: LinkState, reason?: string) => {
		if (next === state) return;
		state = next;
		options.onState?.(next, reason);
	};
	let lastError: string | undefined;
	// Without an error listener ioredis prints errors itself, possibly with connection details.
	redis.on('error', (error: unknown) => {
		lastError = describeRedisError(error, url);
	});
	redis.on('ready', () => set('connected'));
	redis.on('close', () => set('reconnecting', lastError));
	redis.on('end', () => set('off'));
	return redis;
}

/** Resolve when `redis` is ready, or reject after `timeoutMs` with a redacted reason. */
export function whenReady(redis: Redis, url: string, timeoutMs: number): Promise<void> {
	if (redis.status === 'ready') return Promise.resolve();
	return new Promise((resolve, reject) => {
		let lastError: unknown;
		const onError = (error: unknown) => {
			lastError = error;
			// Retrying cannot fix credentials or permissions: say so now.
			if (/WRONGPASS|NOAUTH|NOPERM|invalid password/i.test(String((error as Error)?.message))) done(new Error(describeRedisError(error, url)));
		};
		const done = (error?: Error) => {
			clearTimeout(timer);
			redis.off('ready', onReady);
			redis.off('error', onError);
			if (error) reject(error);
			else resolve();
		};
		const onReady = () => done();
		const timer = setTimeout(
			() => done(new Error(lastError ? describeRedisError(lastError, url) : `no answer within ${Math.round(timeoutMs / 1000)} s`)),
			timeoutMs,
		);
		redis.on('ready', onReady);
		redis.on('error', onError);
	});
}

/** A stream entry id `<seq>-1` as a sequence; 0 for anything else. */
export function sequenceOfId(id: string | undefined | null): number {
	if (!id) return 0;
	const match = /^(\d+)-\d+$/.exec(id);
	return match ? Number(match[1]) : 0;
}

/** Entries of one stream from an XRANGE/XREVRANGE/XCLAIM reply, fields as an object. */
export type StreamEntry = {id: string; fields: Record<string, string>};

export function parseEntries(raw: unknown): StreamEntry[] {
	if (!Array.isArray(raw)) return [];
	const entries: StreamEntry[] = [];
	for (const item of raw) {
		if (!Array.isArray(item) || typeof item[0] !== 'string') continue;
		const list = Array.isArray(item[1]) ? (item[1] as unknown[]) : [];
		const fields: Record<string, string> = {};
		for (let index = 0; index + 1 < list.length; index += 2) fields[String(list[index])] = String(list[index + 1]);
		entries.push({id: item[0], fields});
	}
	return entries;
}

/** An XREAD/XREADGROUP reply as entries per stream key. */
export function parseRead(raw: unknown): Map<string, StreamEntry[]> {
	const out = new Map<string, StreamEntry[]>();
	if (!Array.isArray(raw)) return out;
	if (typeof raw[0] === 'string') {
		// ioredis 6 flattens the reply like a RESP3 map: key, entries, key, entries...
		for (let index = 0; index + 1 < raw.length; index += 2) out.set(String(raw[index]), parseEntries(raw[index + 1]));
		return out;
	}
	for (const item of raw) {
		if (Array.isArray(item) && typeof item[0] === 'string') out.set(item[0], parseEntries(item[1]));
	}
	return out;
}

/** The sequence of the newest entry in the events stream; 0 when empty or missing. */
export async function topSequence(redis: Redis, key: string): Promise<number> {
	const raw = await redis.call('XREVRANGE', [key, '+', '-', 'COUNT', 1]);
	return sequenceOfId(parseEntries(raw)[0]?.id);
}

/** Wait `ms`, or less when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
	return new Promise((resolve) => {
		if (signal?.aborted) return resolve();
		const timer = setTimeout(done, ms);
		function done() {
			clearTimeout(timer);
			signal?.removeEventListener('abort', done);
			resolve();
		}
		signal?.addEventListener('abort', done, {once: true});
	});
}
