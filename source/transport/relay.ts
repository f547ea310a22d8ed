/**
 * Outbox relay: publish committed events to `<stream>:events` in sequence order, entry id
 * `<seq>-1`, stamped with this forum's id and the relay's epoch; the cursor is kept in SQLite.
 *
 * The stream is never trusted: before each round the relay checks that `<stream>:head` names
 * this forum at the epoch SQLite holds, and that the stream's newest entry is one it wrote
 * (same stamp, same event id as SQLite at that sequence). An entry it did not write, a stream
 * of another forum, or a stream ahead of SQLite (a database restored from a backup) starts a
 * new epoch: the stream is emptied, a snapshot of the projections at SQLite's last sequence is
 * published, and remote views reload from it. Redis down never blocks a command.
 */
import type {Redis} from 'ioredis';
import type {Policy} from '../policy/policy.js';
import type {ForumService} from '../service/forum-service.js';
import {decodeHead, eventEntryId, eventFields, headFields, stampOf, type SnapshotEnvelope, type StreamHead} from './codec.js';
import {parseEntries, sequenceOfId, streamKeys, type LinkState, type StreamEntry} from './connection.js';
import {describeRedisError} from './redis-url.js';

/** Name of the relay's cursor in forum_checkpoints; one per stream name. */
export function relayCheckpointName(policy: Policy): string {
	return `redis-relay:${policy.forum.redis.stream}`;
}

/** forum_meta key of the relay's epoch on one stream name. */
export function relayEpochKey(policy: Policy): string {
	return `redis-relay-epoch:${policy.forum.redis.stream}`;
}

/** A head not refreshed for this long belongs to a forum whose serve is gone: it may be taken over. */
export const FOREIGN_HEAD_GRACE_MS = 30_000;
/** Events published again after the snapshot when an epoch starts (at most forum.redis.maxlen). */
export const REFILL_EVENTS = 10_000;
/** Under a steady stream of commits, the stream and head are checked at least this often. */
const VERIFY_EVERY_MS = 200;
/** How often serve refreshes `alive_at` in the head. */
const ALIVE_EVERY_MS = 5000;

export interface RelayOptions {
	/** A non-blocking connection (see openConnection). */
	redis: Redis;
	url: string;
	policy: Policy;
	log: (line: string) => void;
	/** Events per XADD pipeline. Default 500. */
	batchSize?: number;
	/** How often to look again with nothing to do (a missed wake, a stream changed under us). Default 1000 ms. */
	idleCheckMs?: number;
}

export interface RelayStatus {
	state: LinkState;
	/** Last sequence known to be in the stream. */
	cursor: number;
	/** Committed events not yet published. */
	lagEvents: number;
	/** The relay's epoch on this stream (0 before its first publish). */
	epoch: number;
}

export interface Relay {
	status(): RelayStatus;
	/** Resolves once everything committed so far is published (tests, benchmarks). */
	drained(): Promise<void>;
	stop(): Promise<void>;
}

/** A re-publish of an entry id at or below the stream's last id. */
function isAtOrBelowTop(error: Error): boolean {
	return /equal or smaller than the target stream top item/i.test(error.message);
}

interface StreamInfo {
	lastGeneratedId: string;
	first: StreamEntry | undefined;
	last: StreamEntry | undefined;
}

/** XINFO STREAM as the three things the relay checks; undefined when the stream does not exist. */
async function streamInfo(redis: Redis, key: string): Promise<StreamInfo | undefined> {
	let raw: unknown;
	try {
		raw = await redis.call('XINFO', ['STREAM', key]);
	} catch (error) {
		if (/no such key/i.test((error as Error).message)) return undefined;
		throw error;
	}
	const fields = new Map<string, unknown>();
	if (Array.isArray(raw)) for (let index = 0; index + 1 < raw.length; index += 2) fields.set(String(raw[index]), raw[index + 1]);
	const entry = (value: unknown) => (Array.isArray(value) ? parseEntries([value])[0] : undefined);
	return {lastGeneratedId: String(fields.get('last-generated-id') ?? '0-0'), first: entry(fields.get('first-entry')), last: entry(fields.get('last-entry'))};
}

type Verdict =
	| {action: 'publish'}
	| {action: 'advance'; to: number}
	| {action: 'epoch'; reason: string; quiet?: boolean}
	| {action: 'snapshot'}
	| {action: 'blocked'; foreign: string; reason: string};

export function startRelay(service: ForumService, options: RelayOptions): Relay {
	const {redis, url, policy, log} = options;
	const keys = streamKeys(policy);
	const key = keys.events;
	const checkpoint = relayCheckpointName(policy);
	const epochKey = relayEpochKey(policy);
	const batchSize = options.batchSize ?? 500;
	const idleCheckMs = options.idleCheckMs ?? 1000;
	const maxlen = policy.forum.redis.maxlen;
	const forum = service.forumId();

	let cursor = service.checkpoint(checkpoint);
	let epoch = Number(service.meta(epochKey) ?? 0);
	let state: LinkState = 'reconnecting';
	let stopped = false;
	let wake: (() => void) | undefined;
	let pending = true;
	let aliveAt = 0;
	let mustVerify = true;
	let verifiedAt = 0;
	let verifiedGeneration = -1;
	/** Said once: which foreign forum blocks us, or which file problem pauses us. */
	let saidBlocked: string | undefined;
	let saidPaused: string | undefined;
	const drainWaiters: (() => void)[] = [];

	const poke = () => {
		pending = true;
		wake?.();
	};
	const unsubscribe = service.subscribe(poke);
	// A (re)connected Redis may be anything (restarted empty, failed over): check it all first.
	const reconnected = () => {
		mustVerify = true;
		poke();
	};
	redis.on('ready', reconnected);

	/** Is `entry` one this relay wrote: our stamp, id `<seq>-1`, and SQLite's event at that sequence? */
	function whyNotOurs(entry: StreamEntry, last: number): string | undefined {
		const stamp = stampOf(entry.fields);
		if (!stamp) return 'it carries no forum id or epoch';
		if (stamp.forum !== forum) return `it names forum ${stamp.forum}, not this forum ${forum}`;
		if (stamp.epoch !== epoch) return `it is of epoch ${stamp.epoch}, not ${epoch}`;
		const sequence = sequenceOfId(entry.id);
		if (entry.id !== eventEntryId(sequence)) return 'its id is not a sequence id';
		if (sequence > last) return `it is past this database's last event #${last}`;
		let eventId: unknown;
		try {
			eventId = (JSON.parse(entry.fields['event'] ?? '') as {event_id?: unknown}).event_id;
		} catch {
			return 'its event field is not JSON';
		}
		if (eventId !== service.eventIdAt(sequence)) return `it differs from this database's event #${sequence} (the database was restored from a backup, or someone wrote it)`;
		return undefined;
	}

	function verify(head: StreamHead | undefined, info: StreamInfo | undefined): Verdict {
		const last = service.lastSequence();
		if (!head) {
			if (epoch === 0) return {action: 'epoch', reason: 'first publish on this stream', quiet: true};
			return {action: 'epoch', reason: `${keys.head} is gone (Redis restarted empty, failed over, or the keys were deleted)`};
		}
		if (head.forum !== forum) {
			const silentMs = Date.now() - head.aliveAt;
			if (silentMs < FOREIGN_HEAD_GRACE_MS) {
				return {
					action: 'blocked',
					foreign: head.forum,
					reason: `${keys.head} belongs to another forum (${head.forum}, epoch ${head.epoch}) whose serve is alive; this database is forum ${forum}. Two forums share the stream name ${policy.forum.redis.stream}: give each its own forum.redis.stream. Not publishing until the other forum's serve stops`,
				};
			}
			return {action: 'epoch', reason: `took over ${policy.forum.redis.stream} from forum ${head.forum}, whose serve has been silent for ${Math.round(silentMs / 1000)} s`};
		}
		if (head.epoch !== epoch) {
			return {
				action: 'epoch',
				reason:
					head.epoch > epoch
						? `${keys.head} is at epoch ${head.epoch}, ahead of this database's epoch ${epoch} (the database was restored from a backup, or a copy of it publishes here)`
						: `${keys.head} is at epoch ${head.epoch}, behind this database's epoch ${epoch}`,
			};
		}
		const lastGenerated = info ? sequenceOfId(info.lastGeneratedId) : 0;
		if (!info || info.lastGeneratedId !== eventEntryId(lastGenerated) || lastGenerated !== cursor) {
			// A new epoch's stream exists from its first entry on.
			if (!info && cursor === head.refillFrom) return snapshotDue(head, info);
			if (info && info.lastGeneratedId === eventEntryId(lastGenerated) && lastGenerated > cursor && info.last?.id === info.lastGeneratedId) {
				const why = whyNotOurs(info.last, last);
				// Another serve on this database got further: its entries are SQLite's own.
				if (!why) return {action: 'advance', to: lastGenerated};
				return {action: 'epoch', reason: `${key} holds entry ${info.last.id} that this relay did not write (it had published up to #${cursor}): ${why}`};
			}
			if (info && (lastGenerated > cursor || info.lastGeneratedId !== eventEntryId(lastGenerated))) {
				return {action: 'epoch', reason: `${key} has had entry ${info.lastGeneratedId.slice(0, 40)} added that this relay did not write (it had published up to #${cursor}); new entries could not follow it`};
			}
			return {action: 'epoch', reason: `${key} ends at #${lastGenerated} but the relay had published up to #${cursor} (the stream was deleted, or Redis failed over)`};
		}
		if (info.last && info.last.id === info.lastGeneratedId) {
			const why = whyNotOurs(info.last, last);
			if (why) return {action: 'epoch', reason: `${key} ends with entry ${info.last.id} that does not match this database: ${why}`};
		}
		return snapshotDue(head, info);
	}

	/** A fresh snapshot when the stream no longer reaches back to it (trimmed), or well before it would. */
	function snapshotDue(head: StreamHead, info: StreamInfo | undefined): Verdict {
		const first = info?.first ? sequenceOfId(info.first.id) : undefined;
		if (first !== undefined && first > head.snapshotSequence + 1) return {action: 'snapshot'};
		// Trimmed to nothing (XTRIM MAXLEN 0): the events since the snapshot are gone too.
		if (info && first === undefined && sequenceOfId(info.lastGeneratedId) > head.snapshotSequence) return {action: 'snapshot'};
		if (cursor - head.snapshotSequence >= Math.max(1, Math.floor(maxlen / 2))) return {action: 'snapshot'};
		return {action: 'publish'};
	}

	function snapshotValue(newEpoch: number): {value: string; sequence: number} {
		const snapshot = service.snapshot();
		const envelope: SnapshotEnvelope = {forum, epoch: newEpoch, snapshot};
		return {value: JSON.stringify(envelope), sequence: snapshot.sequence};
	}

	async function startEpoch(head: StreamHead | undefined, reason: string, quiet: boolean): Promise<void> {
		const next = Math.max(epoch, head?.forum === forum ? head.epoch : 0) + 1;
		const {value, sequence} = snapshotValue(next);
		// The snapshot makes views complete; the recent events go out again for readers of the stream itself.
		const from = Math.max(0, sequence - Math.min(maxlen, REFILL_EVENTS));
		const fresh: StreamHead = {forum, epoch: next, snapshotSequence: sequence, startedAt: service.now(), reason, aliveAt: Date.now(), refillFrom: from};
		const results = await redis.multi().del(key).set(keys.snapshot, value).del(keys.head).hset(keys.head, ...headFields(fresh)).exec();
		for (const [error] of results ?? []) if (error) throw error;
		service.setCheckpoint(checkpoint, from, {[epochKey]: String(next)});
		cursor = from;
		epoch = next;
		aliveAt = Date.now();
		const line = `started epoch ${next} on ${key} with a snapshot at #${sequence}`;
		log(quiet ? `relay: ${line}` : `relay: ${reason}; ${line}, refilling from SQLite from #${from + 1}: remote views reload from the snapshot`);
	}

	async function refreshSnapshot(): Promise<void> {
		const {value, sequence} = snapshotValue(epoch);
		const results = await redis.multi().set(keys.snapshot, value).hset(keys.head, 'snapshot_sequence', String(sequence), 'alive_at', String(Date.now())).exec();
		for (const [error] of results ?? []) if (error) throw error;
	}

	/** Check the stream, then publish everything after the cursor; returns how many events went out. */
	async function pump(): Promise<number> {
		const problem = service.fileProblem();
		if (problem) {
			if (saidPaused !== problem) log(`relay: paused: ${problem}`);
			saidPaused = problem;
			return 0;
		}
		saidPaused = undefined;
		// Another serve on this database may have moved both; SQLite is the truth.
		const storedCursor = service.checkpoint(checkpoint);
		const storedEpoch = Number(service.meta(epochKey) ?? 0);
		// The full check costs a few round trips: at most every VERIFY_EVERY_MS under load, and at
		// once whenever something moved that this relay did not move (a failed XADD, another
		// serve, a reopened database). Entries can only be added above the top, so one added
		// meanwhile makes the next XADD fail, which forces the check before anything else.
		const due = mustVerify || storedCursor !== cursor || storedEpoch !== epoch || Date.now() - verifiedAt >= VERIFY_EVERY_MS || service.generation !== verifiedGeneration;
		cursor = storedCursor;
		epoch = storedEpoch;
		let head: StreamHead | undefined;
		let verdict: Verdict = {action: 'publish'};
		if (due) {
			head = decodeHead(await redis.call('HGETALL', [keys.head]));
			const info = await streamInfo(redis, key);
			verdict = verify(head, info);
			verifiedAt = Date.now();
			verifiedGeneration = service.generation;
			mustVerify = verdict.action !== 'publish';
		}
		switch (verdict.action) {
			case 'blocked':
				if (saidBlocked !== verdict.foreign) log(`relay: ${verdict.reason}`);
				saidBlocked = verdict.foreign;
				return 0;
			case 'epoch':
				await startEpoch(head, verdict.reason, verdict.quiet === true);
				break;
			case 'advance':
				service.setCheckpoint(checkpoint, verdict.to);
				cursor = verdict.to;
				break;
			case 'snapshot':
				await refreshSnapshot();
				break;
			case 'publish':
				break;
		}
		saidBlocked = undefined;
		if (Date.now() - aliveAt >= ALIVE_EVERY_MS) {
			await redis.call('HSET', [keys.head, 'alive_at', String(Date.now())]);
			aliveAt = Date.now();
		}
		const stamp = {forum, epoch};
		let published = 0;
		for (;;) {
			// Bad rows are skipped (warned once by the store) and the cursor moves past them.
			const page = service.eventPage(cursor, batchSize);
			if (page.cursor === cursor) return published;
			const {events} = page;
			if (events.length === 0) {
				service.setCheckpoint(checkpoint, page.cursor);
				cursor = page.cursor;
				continue;
			}
			const pipeline = redis.pipeline();
			let prev = cursor;
			for (const event of events) {
				pipeline.call('XADD', [key, 'MAXLEN', '~', maxlen, eventEntryId(event.sequence), ...eventFields(event, stamp, prev)]);
				prev = event.sequence;
			}
			const results = (await pipeline.exec()) ?? [];
			let accepted = 0;
			for (const [error] of results) {
				if (!error) {
					accepted++;
					continue;
				}
				// Someone added entries meanwhile: the next round's check says whose they are.
				if (isAtOrBelowTop(error)) {
					mustVerify = true;
					break;
				}
				throw error;
			}
			if (accepted < events.length) {
				if (accepted > 0) service.setCheckpoint(checkpoint, events[accepted - 1]!.sequence);
				pending = true;
				return published + accepted;
			}
			service.setCheckpoint(checkpoint, page.cursor);
			cursor = page.cursor;
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
					log(`relay: publishing to ${key} (forum ${forum}, epoch ${epoch})${published > 0 ? `; caught up with ${published} events, now at #${cursor}` : `, at #${cursor}`}`);
				} else if (published >= batchSize) {
					log(`relay: published ${published} events, now at #${cursor}`);
				}
				state = 'connected';
				failures = 0;
				if (!pending) for (const resolve of drainWaiters.splice(0)) resolve();
			} catch (error) {
				if (stopped) break;
				// Redis may come back as anything (empty, failed over): check it all first.
				mustVerify = true;
				if (state === 'connected' || failures === 0) {
					log(`relay: cannot publish (${describeRedisError(error, url)}); commands keep working, the relay catches up when Redis is back`);
				}
				state = 'reconnecting';
				failures += 1;
			}
			if (pending || stopped) continue;
			// Sleep until a commit, a reconnect, or the idle check; back off while failing.
			await new Promise<void>((resolve) => {
				// A reconnect pokes the relay at once (the 'ready' listener); the timer is only the backstop.
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
		status: () => ({state: stopped ? 'off' : state, cursor, epoch, lagEvents: Math.max(0, service.lastSequence() - cursor)}),
		drained: () =>
			new Promise<void>((resolve) => {
				drainWaiters.push(resolve);
				poke();
			}),
		async stop() {
			stopped = true;
			unsubscribe();
			redis.off('ready', reconnected);
			wake?.();
			await running;
			for (const resolve of drainWaiters.splice(0)) resolve();
		},
	};
}
