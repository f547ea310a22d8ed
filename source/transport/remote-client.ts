/**
 * A forum on another host, through Redis only (`--remote`).
 *
 * Writes go to `<stream>:commands`; serve answers on `<stream>:replies:<client>` with the
 * command's events and the thread after them, and the write returns once those events are
 * in the events stream (so a following remote read sees them), or with the refusal.
 *
 * Reads come from a replica built on first use: the events stream tailed from its first
 * entry into a private in-memory SQLite, projected by the same code (evolve + projector) as
 * the system of record, so queries answer exactly as they do locally. A write-only command
 * (an agent's `ask`) never builds it.
 */
import {randomBytes} from 'node:crypto';
import type {Redis} from 'ioredis';
import {ForumError} from '../forum/errors.js';
import type {StoredEvent} from '../forum/types.js';
import type {Policy} from '../policy/policy.js';
import type {ForumClient, SourceInfo} from '../service/client.js';
import {ForumService, type FeedListener} from '../service/forum-service.js';
import {newCommandId} from '../service/ids.js';
import type {EventFilter} from '../store/store.js';
import {eventFromRow, eventToRow, type EventRow} from '../store/rows.js';
import {commandFields, decodeEvent, decodeReply, type Reply} from './codec.js';
import {openConnection, parseRead, sleep, streamKeys, topSequence, whenReady, type LinkState, type StreamEntry} from './connection.js';
import {describeRedisError, redactUrl} from './redis-url.js';

export interface RemoteForumOptions {
	url: string;
	policy: Policy;
	/** How long a write waits for serve's answer. Default 15 s. */
	timeoutMs?: number;
	/** How long to wait for a connection. Default 5 s. */
	connectTimeoutMs?: number;
	/** Names this client's reply stream. Default random. */
	clientId?: string;
	clock?: () => Date;
	/** Aborting ends waits for replies. */
	signal?: AbortSignal;
}

export interface RemoteForumClient extends ForumClient {
	readonly clientId: string;
}

interface Waiter {
	resolve: (reply: Reply) => void;
}

interface Subscription {
	listener: FeedListener;
	/** Undefined until the replica is ready: then "from now" means its last sequence. */
	cursor: number | undefined;
	filter: EventFilter;
}

const READ_COUNT = 1000;
const BLOCK_MS = 1000;

/** A tail of one or more streams on its own blocking connection; restarts after errors. */
function startTail(
	reader: Redis,
	keys: () => {key: string; id: string}[],
	onEntries: (read: Map<string, StreamEntry[]>) => void,
	onError: (error: unknown, first: boolean) => void,
	isClosed: () => boolean,
): {running: Promise<void>; healthy: () => boolean} {
	let down = false;
	const running = (async () => {
		while (!isClosed()) {
			try {
				const streams = keys();
				const raw = await reader.call('XREAD', ['COUNT', READ_COUNT, 'BLOCK', BLOCK_MS, 'STREAMS', ...streams.map((s) => s.key), ...streams.map((s) => s.id)]);
				down = false;
				onEntries(parseRead(raw));
			} catch (error) {
				if (isClosed()) return;
				onError(error, !down);
				down = true;
				await sleep(500);
			}
		}
	})();
	return {running, healthy: () => !down};
}

export async function openRemoteForum(options: RemoteForumOptions): Promise<RemoteForumClient> {
	const {url, policy} = options;
	const shown = redactUrl(url);
	const keys = streamKeys(policy);
	const clientId = options.clientId ?? `c-${randomBytes(8).toString('hex')}`;
	const repliesKey = keys.replies(clientId);
	const timeoutMs = options.timeoutMs ?? 15_000;
	const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
	const errorListeners = new Set<(error: unknown) => void>();
	const emitError = (error: unknown) => {
		for (const listener of errorListeners) listener(error);
	};
	const connections: Redis[] = [];
	let closed = false;

	let linkState: LinkState = 'reconnecting';
	const redis = openConnection(url, {
		name: 'remote',
		onState: (state, reason) => {
			if (closed) return;
			const was = linkState;
			linkState = state;
			if (state === 'reconnecting' && was === 'connected') {
				emitError(new ForumError('runtime', 'redis_unavailable', `lost Redis at ${shown}${reason ? ` (${reason})` : ''}; reconnecting`));
			}
		},
	});
	connections.push(redis);

	/** A blocking connection, ready, or a clear error. */
	async function connect(name: string): Promise<Redis> {
		const connection = name === 'remote' ? redis : openConnection(url, {name, commandTimeoutMs: BLOCK_MS + 5000});
		if (connection !== redis) connections.push(connection);
		try {
			await whenReady(connection, url, connectTimeoutMs);
		} catch (error) {
			throw new ForumError('runtime', 'redis_unavailable', `cannot reach Redis at ${shown} (${(error as Error).message}); check the URL and that Redis is running`);
		}
		return connection;
	}

	try {
		await connect('remote');
	} catch (error) {
		redis.disconnect();
		throw error;
	}
	linkState = 'connected';
	const tails: {running: Promise<void>; healthy: () => boolean}[] = [];

	// ------------------------------------------------------------ replies

	const waiters = new Map<string, Waiter>();
	let repliesStarted: Promise<void> | undefined;
	function startReplies(): Promise<void> {
		repliesStarted ??= (async () => {
			const reader = await connect('remote-replies');
			let repliesId = '0-0';
			tails.push(
				startTail(
					reader,
					() => [{key: repliesKey, id: repliesId}],
					(read) => {
						for (const entry of read.get(repliesKey) ?? []) {
							repliesId = entry.id;
							const reply = decodeReply(entry.fields);
							if (reply) waiters.get(reply.commandId)?.resolve(reply);
						}
					},
					(error, first) => first && emitError(new ForumError('runtime', 'redis_unavailable', `reading replies from ${shown} failed (${describeRedisError(error, url)}); retrying`)),
					() => closed,
				),
			);
		})();
		return repliesStarted;
	}

	// ------------------------------------------------------------ replica

	const view = new ForumService({db: ':memory:', policy, clock: options.clock});
	const store = view.store;
	const insertEvent = store.db.prepare<EventRow>(
		`INSERT INTO forum_events (sequence, event_id, event_type, event_version, occurred_at, thread_id, run_id, ticket, agent_name,
			actor_type, actor_name, correlation_id, causation_id, command_id, payload_json)
		 VALUES (@sequence, @event_id, @event_type, @event_version, @occurred_at, @thread_id, @run_id, @ticket, @agent_name,
			@actor_type, @actor_name, @correlation_id, @causation_id, @command_id, @payload_json)`,
	);
	const eventsOfCommand = store.db.prepare<[string], EventRow>(`SELECT * FROM forum_events WHERE command_id = ? ORDER BY sequence`);
	let applied = 0;
	let top = 0;
	const subscriptions = new Set<Subscription>();
	/** Writes waiting for their events to reach the replica. */
	const catchUps = new Set<{sequence: number; resolve: () => void}>();
	let replica: Promise<void> | undefined;
	let replicaReady = false;

	function deliver(subscription: Subscription): void {
		if (!replicaReady) return;
		subscription.cursor ??= applied;
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

	function apply(events: StoredEvent[]): void {
		const fresh = events.filter((event) => event.sequence > applied);
		if (fresh.length === 0) return;
		if (applied === 0 && fresh[0]!.sequence > 1) {
			emitError(
				new ForumError(
					'runtime',
					'stream_trimmed',
					`${keys.events} starts at #${fresh[0]!.sequence}: older events were trimmed, so threads opened before it are missing here; raise forum.redis.maxlen where serve runs`,
				),
			);
		}
		store.write(() => {
			for (const event of fresh) {
				insertEvent.run(eventToRow(event));
				store.projector.apply(event, store.loadThread(event.thread_id));
			}
		});
		applied = fresh.at(-1)!.sequence;
		top = Math.max(top, applied);
		for (const waiting of [...catchUps]) {
			if (applied >= waiting.sequence) {
				catchUps.delete(waiting);
				waiting.resolve();
			}
		}
		for (const subscription of subscriptions) deliver(subscription);
	}

	/** Build the replica (once): read the events stream from its start up to its newest entry. */
	function ensureReplica(): Promise<void> {
		replica ??= (async () => {
			const reader = await connect('remote-feed');
			top = await topSequence(redis, keys.events);
			// Subscribed before the replica existed, without a cursor: "from now" is this moment.
			for (const subscription of subscriptions) subscription.cursor ??= top;
			let caughtUp!: () => void;
			const synced = new Promise<void>((resolve) => (caughtUp = resolve));
			if (top === 0) caughtUp();
			let eventsId = '0-0';
			tails.push(
				startTail(
					reader,
					() => [{key: keys.events, id: eventsId}],
					(read) => {
						const batch: StoredEvent[] = [];
						for (const entry of read.get(keys.events) ?? []) {
							eventsId = entry.id;
							try {
								batch.push(decodeEvent(entry.id, entry.fields));
							} catch (error) {
								emitError(error);
							}
						}
						apply(batch);
						if (applied >= top) caughtUp();
					},
					(error, first) => first && emitError(new ForumError('runtime', 'redis_unavailable', `reading ${keys.events} from ${shown} failed (${describeRedisError(error, url)}); retrying`)),
					() => closed,
				),
			);
			await synced;
			replicaReady = true;
			for (const subscription of subscriptions) deliver(subscription);
		})();
		return replica;
	}

	// How far behind the stream the replica is; refreshed while it exists.
	const lagTimer = setInterval(() => {
		if (!replicaReady) return;
		topSequence(redis, keys.events)
			.then((sequence) => (top = Math.max(sequence, applied)))
			.catch(() => undefined);
	}, 1000);
	lagTimer.unref();

	/** Resolve once the events stream holds `sequence` (and the replica, if built, applied it); false on timeout. */
	async function published(sequence: number, deadline: number): Promise<boolean> {
		if (replica) {
			await replica;
			if (applied >= sequence) return true;
			return new Promise<boolean>((resolve) => {
				const waiting = {sequence, resolve: () => (clearTimeout(timer), resolve(true))};
				const timer = setTimeout(() => (catchUps.delete(waiting), resolve(false)), Math.max(0, deadline - Date.now()));
				catchUps.add(waiting);
			});
		}
		// No replica: block until an entry at or after `sequence` exists (short blocks: this
		// connection's command timeout is 5 s).
		const after = `${sequence - 1}-1`;
		while (Date.now() < deadline && !closed && !options.signal?.aborted) {
			try {
				const block = Math.max(1, Math.min(2000, deadline - Date.now()));
				const raw = await redis.call('XREAD', ['COUNT', 1, 'BLOCK', block, 'STREAMS', keys.events, after]);
				if ((parseRead(raw).get(keys.events) ?? []).length > 0) return true;
			} catch {
				await sleep(100, options.signal);
			}
		}
		return false;
	}

	const read = async <T>(query: () => T): Promise<T> => {
		await ensureReplica();
		return query();
	};

	const client: RemoteForumClient = {
		clientId,
		policy,
		sla: view.sla,
		now: () => view.now(),
		async dispatch(input) {
			if (closed) throw new ForumError('runtime', 'closed', 'the remote forum client is closed');
			const commandId = input.commandId ?? newCommandId();
			const command = {...input, commandId};
			const deadline = Date.now() + timeoutMs;
			await startReplies();
			let reply: Reply | undefined;
			const replied = new Promise<Reply>((resolve) => waiters.set(commandId, {resolve}));
			try {
				try {
					await redis.call('XADD', [keys.commands, 'MAXLEN', '~', 100_000, '*', ...commandFields(command, clientId)]);
				} catch (error) {
					throw new ForumError(
						'runtime',
						'redis_unavailable',
						`cannot send ${command.type} through Redis at ${shown} (${describeRedisError(error, url)}); retry with --command-id ${commandId} so it applies at most once`,
					);
				}
				let timer: NodeJS.Timeout | undefined;
				let onAbort: (() => void) | undefined;
				const interrupted = new Promise<'interrupted'>((resolve) => {
					onAbort = () => resolve('interrupted');
					if (options.signal?.aborted) onAbort();
					options.signal?.addEventListener('abort', onAbort, {once: true});
				});
				const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
				const outcome = await Promise.race([replied, timedOut, interrupted]);
				clearTimeout(timer);
				if (onAbort) options.signal?.removeEventListener('abort', onAbort);
				if (outcome === 'interrupted') throw new ForumError('runtime', 'interrupted', `stopped waiting for command ${commandId}; it may still be applied`);
				if (outcome !== 'timeout') reply = outcome;
			} finally {
				waiters.delete(commandId);
			}
			if (!reply) {
				// The reply may be lost (Redis restarted under it) while the events made it: they are the answer.
				const events = replicaReady ? eventsOfCommand.all(commandId).map(eventFromRow) : [];
				if (events.length > 0) {
					return {ok: true, duplicate: false, commandId, threadId: events[0]!.thread_id, events, thread: store.loadThread(events[0]!.thread_id)};
				}
				throw new ForumError(
					'runtime',
					'remote_timeout',
					`no answer for ${command.type} ${commandId} within ${Math.round(timeoutMs / 1000)} s: is \`metawsm forum serve\` running with Redis ${shown}? It may still be applied; retry with --command-id ${commandId} to get its result without applying it twice`,
				);
			}
			switch (reply.status) {
				case 'refused':
					return {ok: false, commandId, rejection: {code: reply.code, message: reply.message}};
				case 'error':
					throw new ForumError(reply.kind, reply.code, reply.message);
				case 'ok': {
					const last = reply.events.at(-1)?.sequence;
					// Applied either way; waiting only makes the next remote read see it.
					if (last !== undefined) await published(last, deadline);
					return {ok: true, duplicate: reply.duplicate, commandId, threadId: reply.threadId, events: reply.events, thread: reply.thread ?? undefined};
				}
			}
		},
		getThread: (threadId) => read(() => view.getThread(threadId)),
		listThreads: (filter) => read(() => view.listThreads(filter)),
		eventsAfter: (cursor, filter, limit) => read(() => view.eventsAfter(cursor, filter, limit)),
		status: (filter) => read(() => ({...view.status(filter), lastSequence: applied})),
		lastSequence: () => read(() => applied),
		// Seen cursors are this viewer's state: kept with the replica, for this session.
		markSeen: (threadId, viewer, sequence) => read(() => view.markSeen(threadId, viewer, sequence)),
		seenCursors: (viewer) => read(() => view.seenCursors(viewer)),
		subscribe(listener, subscribeOptions = {}) {
			const subscription: Subscription = {
				listener,
				cursor: subscribeOptions.after ?? (replicaReady ? applied : undefined),
				filter: subscribeOptions.filter ?? {},
			};
			subscriptions.add(subscription);
			ensureReplica().then(
				() => subscriptions.has(subscription) && deliver(subscription),
				(error: unknown) => emitError(error),
			);
			return () => void subscriptions.delete(subscription);
		},
		onError(listener) {
			errorListeners.add(listener);
			return () => void errorListeners.delete(listener);
		},
		onWarning: (listener) => view.onWarning(listener),
		source(): SourceInfo {
			const state: LinkState = closed ? 'off' : tails.some((tail) => !tail.healthy()) ? 'reconnecting' : linkState;
			return {kind: 'redis', location: shown, redis: {url: shown, state, ...(replica ? {lagEvents: Math.max(0, top - applied)} : {})}};
		},
		async close() {
			if (closed) return;
			closed = true;
			clearInterval(lagTimer);
			for (const [commandId, waiter] of waiters) {
				waiter.resolve({status: 'error', commandId, kind: 'runtime', code: 'closed', message: `the remote forum client closed while waiting for command ${commandId}; it may still be applied`});
			}
			for (const waiting of catchUps) waiting.resolve();
			catchUps.clear();
			subscriptions.clear();
			for (const connection of connections) if (connection !== redis) connection.disconnect();
			await Promise.all(tails.map((tail) => tail.running));
			await redis.quit().catch(() => redis.disconnect());
			view.close();
		},
	};
	return client;
}
