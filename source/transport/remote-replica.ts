/**
 * A remote view's replica: the projections serve published (`<stream>:snapshot`, at the
 * sequence `<stream>:head` names), then the events stream tailed from that sequence into a
 * private in-memory SQLite through the store's one append path, projected by the same code as
 * the system of record. It follows serve's epochs (a new epoch: reload from the new snapshot),
 * ignores entries of another forum or epoch, and says `partial` when it cannot be complete.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {Redis} from 'ioredis';
import {ForumError} from '../forum/errors.js';
import type {StoredEvent} from '../forum/types.js';
import type {Policy} from '../policy/policy.js';
import {ForumService, type FeedListener} from '../service/forum-service.js';
import {ForumStore, type EventFilter} from '../store/store.js';
import {snapshotProblem, type ProjectionSnapshot} from '../store/snapshot.js';
import {decodeEvent, decodeHead, stampOf, type SnapshotEnvelope, type Stamp, type StreamHead} from './codec.js';
import {parseRead, sequenceOfId, sleep, streamKeys, type StreamEntry} from './connection.js';
import {BLOCK_MS, READ_COUNT} from './remote-tail.js';

/** How long a view waits for serve to publish a snapshot that covers events trimmed from the stream. */
export const GAP_WAIT_MS = 3000;
/** Largest snapshot a view loads (a bigger value is someone else's, or a forum too large for a remote view). */
export const MAX_SNAPSHOT_BYTES = 256 * 1024 * 1024;

interface Subscription {
	listener: FeedListener;
	/** Undefined until the replica is ready: then "from now" means its last sequence. */
	cursor: number | undefined;
	filter: EventFilter;
}

export interface ReplicaOptions {
	/** Non-blocking connection (head, snapshot, stream info). */
	redis: Redis;
	/** Connection for the blocking XREAD. */
	reader: Promise<Redis>;
	policy: Policy;
	clock?: () => Date;
	/** Problems worth showing (lost link, a new epoch, a partial view); the replica keeps going. */
	emitError: (error: unknown) => void;
	describeError: (error: unknown) => string;
}

export interface Replica {
	readonly view: ForumService;
	/** Resolves once the replica has read the stream up to its end once. */
	ready: Promise<void>;
	isReady(): boolean;
	applied(): number;
	/** Newest sequence known to be in the stream. */
	top(): number;
	/** Why the view is incomplete, or undefined. */
	partial(): string | undefined;
	healthy(): boolean;
	/** Resolve true once `sequence` is applied; false at the deadline. */
	waitFor(sequence: number, deadline: number): Promise<boolean>;
	eventsOfCommand(commandId: string): StoredEvent[];
	subscribe(listener: FeedListener, options: {after?: number; filter?: EventFilter}): () => void;
	close(): Promise<void>;
}

export function startReplica(options: ReplicaOptions): Replica {
	const {redis, policy, emitError} = options;
	const keys = streamKeys(policy);
	// The replica's own store, on disk in a private temporary directory, not in memory: the view's
	// memory follows SQLite's page cache, not the forum's history (closed threads, the tailed log).
	// Only this module appends to it (the store's replication path). Removed on close.
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'metawsm-view-'));
	const store = new ForumStore(path.join(dir, 'view.db'));
	// A copy rebuilt from Redis on every start: durability buys nothing here.
	store.db.pragma('synchronous = OFF');
	const view = new ForumService({db: store.file, policy, clock: options.clock, referenceClock: () => undefined, store});
	const subscriptions = new Set<Subscription>();
	const catchUps = new Set<{sequence: number; resolve: () => void}>();
	/** Last sequence appended to the replica's log (events the snapshot covers included, as history). */
	let applied = 0;
	/** The loaded snapshot's sequence: the projections include every event up to it. */
	let snapshotSequence = 0;
	const position = () => Math.max(applied, snapshotSequence);
	let top = 0;
	let stamp: Stamp | undefined;
	let after = '0-0';
	let partial: string | undefined;
	let needSync = true;
	/** Events missing after the snapshot in the latest read, if any. */
	let gapAt: {from: number; to: number} | undefined;
	let caughtUp = false;
	let ready = false;
	let closed = false;
	let healthy = true;
	const warnedForeign = new Set<string>();
	let markReady!: () => void;
	const readyPromise = new Promise<void>((resolve) => (markReady = resolve));

	const setPartial = (reason: string | undefined) => {
		if (reason && reason !== partial) emitError(new ForumError('runtime', 'partial_view', `partial view: ${reason}`));
		partial = reason;
	};

	function deliver(subscription: Subscription): void {
		if (!ready) return;
		subscription.cursor ??= position();
		for (;;) {
			const {events, cursor} = store.eventPage(subscription.cursor, subscription.filter, 1000);
			if (cursor === subscription.cursor) {
				subscription.cursor = Math.max(subscription.cursor, applied);
				return;
			}
			subscription.cursor = cursor;
			if (events.length === 0) continue;
			try {
				subscription.listener(events);
			} catch (error) {
				emitError(error);
			}
		}
	}

	function settle(): void {
		for (const waiting of [...catchUps]) {
			if (position() >= waiting.sequence) {
				catchUps.delete(waiting);
				waiting.resolve();
			}
		}
		for (const subscription of subscriptions) deliver(subscription);
	}

	async function readHead(): Promise<StreamHead | undefined> {
		return decodeHead(await redis.call('HGETALL', [keys.head]));
	}

	async function readSnapshot(head: StreamHead): Promise<ProjectionSnapshot | string> {
		const length = Number(await redis.call('STRLEN', [keys.snapshot]));
		if (length === 0) return `${keys.snapshot} is missing`;
		if (length > MAX_SNAPSHOT_BYTES) return `${keys.snapshot} is ${length} bytes, over the ${MAX_SNAPSHOT_BYTES}-byte limit`;
		let envelope: SnapshotEnvelope;
		try {
			envelope = JSON.parse(String(await redis.call('GET', [keys.snapshot]))) as SnapshotEnvelope;
		} catch {
			return `${keys.snapshot} is not JSON`;
		}
		if (envelope?.forum !== head.forum || envelope.epoch !== head.epoch) return `${keys.snapshot} is not the snapshot ${keys.head} names (forum ${head.forum}, epoch ${head.epoch})`;
		const problem = snapshotProblem(envelope.snapshot);
		if (problem) return `${keys.snapshot} cannot be loaded: ${problem}`;
		return envelope.snapshot;
	}

	/** Start over from what the head names now. */
	async function sync(): Promise<void> {
		const head = await readHead();
		const was = stamp;
		caughtUp = false;
		applied = 0;
		snapshotSequence = 0;
		after = '0-0';
		if (!head) {
			stamp = undefined;
			store.loadSnapshot(emptySnapshot());
			setPartial(`no forum publishes on ${keys.events} (${keys.head} is missing): is \`metawsm forum serve\` running with this Redis and forum.redis.stream?`);
			return;
		}
		const snapshot = await readSnapshot(head);
		if (typeof snapshot === 'string') {
			stamp = {forum: head.forum, epoch: head.epoch};
			store.loadSnapshot(emptySnapshot());
			setPartial(snapshot);
			return;
		}
		store.loadSnapshot(snapshot);
		stamp = {forum: head.forum, epoch: head.epoch};
		// The stream is read from its first entry: what the snapshot covers becomes feed history.
		snapshotSequence = snapshot.sequence;
		top = Math.max(top, snapshotSequence);
		setPartial(undefined);
		if (was && (was.forum !== stamp.forum || was.epoch !== stamp.epoch)) {
			// Sequences of another epoch may name other events: feeds go on from the new snapshot.
			for (const subscription of subscriptions) if (subscription.cursor !== undefined) subscription.cursor = snapshotSequence;
			emitError(
				new ForumError(
					'runtime',
					'view_reloaded',
					`serve started epoch ${head.epoch}${was.forum !== head.forum ? ` of another forum (${head.forum}, was ${was.forum})` : ''} on ${keys.events}${head.reason ? ` (${head.reason})` : ''}; the view was reloaded from its snapshot at #${applied}`,
				),
			);
		}
	}

	/** Entries of this stamp as events; others are ignored (once said) and may mean a new epoch. */
	function accept(entries: StreamEntry[]): StoredEvent[] {
		const events: StoredEvent[] = [];
		gapAt = undefined;
		let held = position();
		for (const entry of entries) {
			after = entry.id;
			if (!stamp) continue;
			const claimed = stampOf(entry.fields);
			if (!stamp || !claimed || claimed.forum !== stamp.forum || claimed.epoch !== stamp.epoch) {
				if (stamp && claimed && claimed.forum === stamp.forum && claimed.epoch > stamp.epoch) needSync = true;
				else if (!warnedForeign.has(entry.id)) {
					warnedForeign.add(entry.id);
					emitError(new ForumError('runtime', 'foreign_entry', `ignored ${keys.events} entry ${entry.id.slice(0, 40)}: it is not of forum ${stamp?.forum ?? '?'} epoch ${stamp?.epoch ?? '?'}`));
				}
				continue;
			}
			try {
				const event = decodeEvent(entry.id, entry.fields);
				if (event.sequence <= applied) continue;
				const prev = Number(entry.fields['prev']);
				// Past the snapshot, `prev` beyond what we hold means entries were trimmed before we read them.
				if (event.sequence > snapshotSequence && (Number.isInteger(prev) ? prev : event.sequence - 1) > held && gapAt === undefined) {
					gapAt = {from: held + 1, to: event.sequence};
				}
				held = Math.max(held, event.sequence);
				events.push(event);
			} catch (error) {
				emitError(error);
			}
		}
		return events;
	}

	/** Events missing between the snapshot and the stream: wait for a newer snapshot, else say partial. */
	async function bridgeGap(firstMissing: number, nextPresent: number | undefined, needed: number): Promise<boolean> {
		const deadline = Date.now() + GAP_WAIT_MS;
		while (!closed && Date.now() < deadline) {
			const head = await readHead();
			if (head && stamp && head.forum === stamp.forum && head.epoch === stamp.epoch && head.snapshotSequence >= needed) {
				needSync = true;
				return true;
			}
			if (!head || (stamp && (head.forum !== stamp.forum || head.epoch !== stamp.epoch))) {
				needSync = true;
				return true;
			}
			await sleep(250);
		}
		const range = nextPresent === undefined ? `#${firstMissing} and after` : `#${firstMissing}..#${nextPresent - 1}`;
		setPartial(`events ${range} were trimmed from ${keys.events} and serve published no snapshot that covers them; threads they changed are missing or out of date here (raise forum.redis.maxlen, check that serve runs)`);
		return false;
	}

	async function idleCheck(): Promise<void> {
		const head = await readHead();
		if (!head) {
			if (stamp || !partial) needSync = true;
			return;
		}
		if (!stamp || head.forum !== stamp.forum || head.epoch !== stamp.epoch) {
			needSync = true;
			return;
		}
		// Nothing after our position, yet the stream had more added: trimmed to nothing.
		const info = (await redis.call('XINFO', ['STREAM', keys.events]).catch(() => undefined)) as unknown[] | undefined;
		const lastId = Array.isArray(info) ? String(info[info.indexOf('last-generated-id') + 1] ?? '') : '';
		const lastSequence = sequenceOfId(lastId);
		top = Math.max(top, lastSequence);
		if (lastSequence > position() && !partial) await bridgeGap(position() + 1, undefined, lastSequence);
	}

	async function loop(): Promise<void> {
		const reader = await options.reader;
		while (!closed) {
			try {
				if (needSync) {
					needSync = false;
					await sync();
				}
				const raw = await reader.call('XREAD', ['COUNT', READ_COUNT, ...(caughtUp ? ['BLOCK', BLOCK_MS] : []), 'STREAMS', keys.events, after]);
				healthy = true;
				const entries = parseRead(raw).get(keys.events) ?? [];
				const events = accept(entries);
				if (needSync) continue;
				if (gapAt && !partial) {
					if (await bridgeGap(gapAt.from, gapAt.to, gapAt.to - 1)) continue;
				}
				if (events.length > 0) {
					store.appendReplicated(events, {projectedUpTo: snapshotSequence});
					applied = events.at(-1)!.sequence;
					top = Math.max(top, applied);
				}
				if (entries.length < READ_COUNT) {
					if (!caughtUp) {
						caughtUp = true;
						await idleCheck();
						if (needSync) continue;
					} else if (entries.length === 0) {
						await idleCheck();
					}
				}
				if (caughtUp && !ready) {
					ready = true;
					markReady();
				}
				settle();
			} catch (error) {
				if (closed) return;
				if (healthy) emitError(new ForumError('runtime', 'redis_unavailable', `reading ${keys.events} failed (${options.describeError(error)}); retrying`));
				healthy = false;
				await sleep(500);
			}
		}
	}

	const running = loop().catch((error: unknown) => emitError(error));

	return {
		view,
		ready: readyPromise,
		isReady: () => ready,
		applied: position,
		top: () => top,
		partial: () => partial,
		healthy: () => healthy,
		waitFor(sequence, deadline) {
			if (position() >= sequence) return Promise.resolve(true);
			return new Promise<boolean>((resolve) => {
				const waiting = {sequence, resolve: () => (clearTimeout(timer), resolve(true))};
				const timer = setTimeout(() => (catchUps.delete(waiting), resolve(false)), Math.max(0, deadline - Date.now()));
				catchUps.add(waiting);
			});
		},
		eventsOfCommand: (commandId) => store.eventPage(0, {commandId}, 1000).events,
		subscribe(listener, subscribeOptions) {
			const subscription: Subscription = {listener, cursor: subscribeOptions.after ?? (ready ? position() : undefined), filter: subscribeOptions.filter ?? {}};
			subscriptions.add(subscription);
			if (ready) queueMicrotask(() => subscriptions.has(subscription) && deliver(subscription));
			return () => void subscriptions.delete(subscription);
		},
		async close() {
			closed = true;
			for (const waiting of catchUps) waiting.resolve();
			catchUps.clear();
			subscriptions.clear();
			(await options.reader.catch(() => undefined))?.disconnect();
			await running;
			view.close();
			fs.rmSync(dir, {recursive: true, force: true});
		},
	};
}

function emptySnapshot(): ProjectionSnapshot {
	return {format: 1, sequence: 0, tables: {forum_threads: none(), forum_thread_views: none(), forum_posts: none(), forum_assignments: none(), forum_state_transitions: none(), forum_thread_stats: none()}};
}

function none(): {columns: string[]; rows: unknown[][]} {
	return {columns: [], rows: []};
}
