/**
 * Outbox relay: publish committed events to `<stream>:events` in sequence order, entry id
 * `<seq>-1`, cursor kept in SQLite. Redis down never blocks a command; a stream that comes
 * back empty or behind the cursor is refilled from SQLite.
 */
import type {Redis} from 'ioredis';
import type {Policy} from '../policy/policy.js';
import type {ForumService} from '../service/forum-service.js';
import {eventEntryId, eventFields} from './codec.js';
import {streamKeys, topSequence, type LinkState} from './connection.js';
import {describeRedisError} from './redis-url.js';

/** Name of the relay's cursor in forum_checkpoints; one per stream name. */
export function relayCheckpointName(policy: Policy): string {
	return `redis-relay:${policy.forum.redis.stream}`;
}

export interface RelayOptions {
	/** A non-blocking connection (see openConnection). */
	redis: Redis;
	url: string;
	policy: Policy;
	log: (line: string) => void;
	/** Events per XADD pipeline. Default 500. */
	batchSize?: number;
	/** How often to look again with nothing to do (a missed wake, a stream deleted under us). Default 1000 ms. */
	idleCheckMs?: number;
}

export interface RelayStatus {
	state: LinkState;
	/** Last sequence known to be in the stream. */
	cursor: number;
	/** Committed events not yet published. */
	lagEvents: number;
}

export interface Relay {
	status(): RelayStatus;
	/** Resolves once everything committed so far is published (tests, benchmarks). */
	drained(): Promise<void>;
	stop(): Promise<void>;
}

/** A re-publish of an entry already in the stream: counts as done. */
function isAlreadyPublished(error: Error): boolean {
	return /equal or smaller than the target stream top item/i.test(error.message);
}

export function startRelay(service: ForumService, options: RelayOptions): Relay {
	const {redis, url, policy, log} = options;
	const key = streamKeys(policy).events;
	const checkpoint = relayCheckpointName(policy);
	const batchSize = options.batchSize ?? 500;
	const idleCheckMs = options.idleCheckMs ?? 1000;
	const maxlen = policy.forum.redis.maxlen;
	const store = service.store;

	let cursor = store.checkpoint(checkpoint);
	let state: LinkState = 'reconnecting';
	let stopped = false;
	let wake: (() => void) | undefined;
	let pending = true;
	const drainWaiters: (() => void)[] = [];

	const poke = () => {
		pending = true;
		wake?.();
	};
	const unsubscribe = service.subscribe(poke);
	redis.on('ready', poke);

	const saveCursor = (sequence: number) => {
		cursor = sequence;
		store.write(() => store.setCheckpoint(checkpoint, sequence, service.now()));
	};

	/** Publish everything after the cursor; returns how many events went out. */
	async function pump(): Promise<number> {
		// Checked before every round: a restarted, failed-over or deleted stream shows up here.
		const top = await topSequence(redis, key);
		const last = service.lastSequence();
		if (top < cursor) {
			log(`relay: ${key} ends at #${top} but the relay had published up to #${cursor} (Redis restarted empty, failed over or was trimmed); refilling from SQLite`);
			saveCursor(top);
		} else if (top > cursor) {
			// Another relay (or a lost cursor) got further: those entries are already there.
			saveCursor(Math.min(top, last));
		}
		let published = 0;
		for (;;) {
			// Bad rows are skipped (warned once by the store) and the cursor moves past them.
			const page = store.eventPage(cursor, {}, batchSize);
			if (page.cursor === cursor) return published;
			const {events} = page;
			if (events.length === 0) {
				saveCursor(page.cursor);
				continue;
			}
			const pipeline = redis.pipeline();
			for (const event of events) pipeline.call('XADD', [key, 'MAXLEN', '~', maxlen, eventEntryId(event.sequence), ...eventFields(event)]);
			const results = (await pipeline.exec()) ?? [];
			for (const [error] of results) {
				if (error && !isAlreadyPublished(error)) throw error;
			}
			saveCursor(page.cursor);
			published += events.length;
		}
	}

	async function loop(): Promise<void> {
		let failures = 0;
		while (!stopped) {
			pending = false;
			try {
				const published = await pump();
				if (state !== 'connected') {
					log(`relay: publishing to ${key}${published > 0 ? `; caught up with ${published} events, now at #${cursor}` : `, at #${cursor}`}`);
				} else if (published >= batchSize) {
					log(`relay: published ${published} events, now at #${cursor}`);
				}
				state = 'connected';
				failures = 0;
				if (!pending) for (const resolve of drainWaiters.splice(0)) resolve();
			} catch (error) {
				if (stopped) break;
				if (state === 'connected' || failures === 0) {
					log(`relay: cannot publish (${describeRedisError(error, url)}); commands keep working, the relay catches up when Redis is back`);
				}
				state = 'reconnecting';
				failures += 1;
			}
			if (pending || stopped) continue;
			// Sleep until a commit, a reconnect, or the idle check; back off while failing.
			await new Promise<void>((resolve) => {
				const timer = setTimeout(done, state === 'connected' ? idleCheckMs : Math.min(100 * failures, 1000));
				function done() {
					clearTimeout(timer);
					wake = undefined;
					resolve();
				}
				wake = done;
				if (pending || stopped) done();
			});
		}
	}

	const running = loop();

	return {
		status: () => ({state: stopped ? 'off' : state, cursor, lagEvents: Math.max(0, service.lastSequence() - cursor)}),
		drained: () =>
			new Promise<void>((resolve) => {
				drainWaiters.push(resolve);
				poke();
			}),
		async stop() {
			stopped = true;
			unsubscribe();
			redis.off('ready', poke);
			wake?.();
			await running;
			for (const resolve of drainWaiters.splice(0)) resolve();
		},
	};
}
