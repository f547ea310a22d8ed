/**
 * A forum on another host, through Redis only (`--remote`). Reads come from a replica: the
 * events stream tailed from the start into a private in-memory SQLite, projected by the same
 * code (evolve + projector) as the system of record, so queries answer exactly as locally.
 * Writes go to `<stream>:commands` and wait for serve's reply on `<stream>:replies:<client>`
 * and for their events to reach the replica.
 */
import {randomBytes} from 'node:crypto';
import type {Redis} from 'ioredis';
import {ForumError} from '../forum/errors.js';
import type {StoredEvent} from '../forum/types.js';
import type {Policy} from '../policy/policy.js';
import type {ForumClient, SourceInfo} from '../service/client.js';
import {ForumService, type DispatchResult, type FeedListener} from '../service/forum-service.js';
import {newCommandId} from '../service/ids.js';
import type {EventFilter} from '../store/store.js';
import {eventFromRow, eventToRow, type EventRow} from '../store/rows.js';
import {commandFields, decodeEvent, decodeReply, type Reply} from './codec.js';
import {openConnection, parseRead, sleep, streamKeys, topSequence, whenReady, type LinkState} from './connection.js';
import {describeRedisError, redactUrl} from './redis-url.js';

export interface RemoteForumOptions {
	url: string;
	policy: Policy;
	/** How long a write waits for serve's answer. Default 15 s. */
	timeoutMs?: number;
	/** How long to wait for the first connection. Default 5 s. */
	connectTimeoutMs?: number;
	/** Names this client's reply stream. Default random. */
	clientId?: string;
	clock?: () => Date;
	/** Aborting ends waits for replies. */
	signal?: AbortSignal;
}

/** A remote client also says how far its replica has read. */
export interface RemoteForumClient extends ForumClient {
	readonly clientId: string;
}

interface Waiter {
	commandId: string;
	reply?: Extract<Reply, {status: 'ok'}>;
	resolve: (result: DispatchResult) => void;
	reject: (error: unknown) => void;
}

interface Subscription {
	listener: FeedListener;
	cursor: number;
	filter: EventFilter;
}

const READ_COUNT = 1000;
const BLOCK_MS = 1000;

export async function openRemoteForum(options: RemoteForumOptions): Promise<RemoteForumClient> {
	const {url, policy} = options;
	const shown = redactUrl(url);
	const keys = streamKeys(policy);
	const clientId = options.clientId ?? `c-${randomBytes(8).toString('hex')}`;
	const repliesKey = keys.replies(clientId);
	const timeoutMs = options.timeoutMs ?? 15_000;
	const emitError = (error: unknown) => {
		for (const listener of errorListeners) listener(error);
	};
	const errorListeners = new Set<(error: unknown) => void>();

	let linkState: LinkState = 'reconnecting';
	const onState = (state: LinkState, reason?: string) => {
		if (closed) return;
		linkState = state;
		if (state === 'reconnecting') emitError(new ForumError('runtime', 'redis_unavailable', `lost Redis at ${shown}${reason ? ` (${reason})` : ''}; reconnecting`));
	};
	const redis = openConnection(url, {name: 'remote', onState});
	const reader = openConnection(url, {name: 'remote-feed', commandTimeoutMs: BLOCK_MS + 5000});
	let closed = false;
	try {
		await Promise.all([whenReady(redis, url, options.connectTimeoutMs ?? 5000), whenReady(reader, url, options.connectTimeoutMs ?? 5000)]);
	} catch (error) {
		redis.disconnect();
		reader.disconnect();
		throw new ForumError('runtime', 'redis_unavailable', `cannot reach Redis at ${shown} (${(error as Error).message}); check the URL and that Redis is running`);
	}

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
	const waiters = new Map<string, Waiter>();
	const subscriptions = new Set<Subscription>();

	function deliver(subscription: Subscription): void {
		for (;;) {
			const events = store.eventsAfter(subscription.cursor, subscription.filter, 1000);
			if (events.length === 0) {
				subscription.cursor = Math.max(subscription.cursor, applied);
				return;
			}
			subscription.cursor = events.at(-1)!.sequence;
			try {
				subscription.listener(events);
			} catch (error) {
				emitError(error);
			}
		}
	}

	function finish(waiter: Waiter, partial = false): boolean {
		const reply = waiter.reply;
		if (!reply || (!partial && applied < reply.lastSequence)) return false;
		waiters.delete(waiter.commandId);
		const events = reply.lastSequence > 0 ? store.eventsBetween(reply.firstSequence, Math.min(reply.lastSequence, applied)) : [];
		waiter.resolve({
			ok: true,
			duplicate: reply.duplicate,
			commandId: reply.commandId,
			threadId: reply.threadId,
			events,
			thread: store.loadThread(reply.threadId),
		});
		return true;
	}

	/** Apply a batch read from the stream to the replica; entries at or below `applied` are skipped. */
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
		for (const waiter of [...waiters.values()]) finish(waiter);
		for (const subscription of subscriptions) deliver(subscription);
	}

	function onReply(reply: Reply): void {
		const waiter = waiters.get(reply.commandId);
		if (!waiter) return;
		if (reply.status === 'refused') {
			waiters.delete(reply.commandId);
			waiter.resolve({ok: false, commandId: reply.commandId, rejection: {code: reply.code, message: reply.message}});
		} else if (reply.status === 'error') {
			waiters.delete(reply.commandId);
			waiter.reject(new ForumError(reply.kind, reply.code, reply.message));
		} else {
			waiter.reply = reply;
			finish(waiter);
		}
	}

	let caughtUp: () => void = () => undefined;
	const initialSync = new Promise<void>((resolve) => (caughtUp = resolve));
	let readerDown = false;

	async function readLoop(): Promise<void> {
		let eventsId = '0-0';
		let repliesId = '0-0';
		while (!closed) {
			try {
				const raw = await reader.call('XREAD', ['COUNT', READ_COUNT, 'BLOCK', BLOCK_MS, 'STREAMS', keys.events, repliesKey, eventsId, repliesId]);
				readerDown = false;
				const read = parseRead(raw);
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
				for (const entry of read.get(repliesKey) ?? []) {
					repliesId = entry.id;
					const reply = decodeReply(entry.fields);
					if (reply) onReply(reply);
				}
				if (applied >= top) caughtUp();
			} catch (error) {
				if (closed) return;
				if (!readerDown) emitError(new ForumError('runtime', 'redis_unavailable', `reading ${keys.events} from ${shown} failed (${describeRedisError(error, url)}); retrying`));
				readerDown = true;
				await sleep(500);
			}
		}
	}

	// How far behind the stream this view is; also notices a Redis that came back.
	const lagTimer = setInterval(() => {
		topSequence(redis, keys.events)
			.then((sequence) => (top = sequence))
			.catch(() => undefined);
	}, 1000);
	lagTimer.unref();

	top = await topSequence(redis, keys.events).catch(() => 0);
	linkState = 'connected';
	if (top === 0) caughtUp();
	const reading = readLoop();
	await initialSync;

	const client: RemoteForumClient = {
		clientId,
		policy,
		sla: view.sla,
		now: () => view.now(),
		async dispatch(input) {
			if (closed) throw new ForumError('runtime', 'closed', 'the remote forum client is closed');
			const commandId = input.commandId ?? newCommandId();
			const command = {...input, commandId};
			const outcome = new Promise<DispatchResult>((resolve, reject) => waiters.set(commandId, {commandId, resolve, reject}));
			try {
				await redis.call('XADD', [keys.commands, 'MAXLEN', '~', 100_000, '*', ...commandFields(command, clientId)]);
			} catch (error) {
				waiters.delete(commandId);
				throw new ForumError(
					'runtime',
					'redis_unavailable',
					`cannot send ${command.type} through Redis at ${shown} (${describeRedisError(error, url)}); retry with --command-id ${commandId} so it applies at most once`,
				);
			}
			let timer: NodeJS.Timeout | undefined;
			const onAbort = () => settle(new ForumError('runtime', 'interrupted', `stopped waiting for command ${commandId}; it may still be applied`));
			const settle = (error: ForumError) => {
				const waiter = waiters.get(commandId);
				if (!waiter) return;
				// The reply may be lost (Redis restarted) while the events arrived: they are the answer.
				const events = eventsOfCommand.all(commandId).map(eventFromRow);
				if (!waiter.reply && events.length > 0) {
					waiter.reply = {status: 'ok', commandId, threadId: events[0]!.thread_id, duplicate: false, firstSequence: events[0]!.sequence, lastSequence: events.at(-1)!.sequence};
				}
				if (waiter.reply) finish(waiter, true);
				else {
					waiters.delete(commandId);
					waiter.reject(error);
				}
			};
			timer = setTimeout(
				() =>
					settle(
						new ForumError(
							'runtime',
							'remote_timeout',
							`no answer for ${command.type} ${commandId} within ${Math.round(timeoutMs / 1000)} s: is \`metawsm forum serve\` running with Redis ${shown}? It may still be applied; retry with --command-id ${commandId} to get its result without applying it twice`,
						),
					),
				timeoutMs,
			);
			options.signal?.addEventListener('abort', onAbort, {once: true});
			try {
				return await outcome;
			} finally {
				clearTimeout(timer);
				options.signal?.removeEventListener('abort', onAbort);
			}
		},
		getThread: async (threadId) => view.getThread(threadId),
		listThreads: async (filter) => view.listThreads(filter),
		eventsAfter: async (cursor, filter, limit) => view.eventsAfter(cursor, filter, limit),
		status: async (filter) => view.status(filter),
		lastSequence: async () => applied,
		// Seen cursors are this viewer's state: kept with the replica, for this session.
		markSeen: async (threadId, viewer, sequence) => view.markSeen(threadId, viewer, sequence),
		seenCursors: async (viewer) => view.seenCursors(viewer),
		subscribe(listener, subscribeOptions = {}) {
			const subscription: Subscription = {listener, cursor: subscribeOptions.after ?? applied, filter: subscribeOptions.filter ?? {}};
			subscriptions.add(subscription);
			queueMicrotask(() => subscriptions.has(subscription) && deliver(subscription));
			return () => void subscriptions.delete(subscription);
		},
		onError(listener) {
			errorListeners.add(listener);
			return () => void errorListeners.delete(listener);
		},
		source(): SourceInfo {
			const state: LinkState = closed ? 'off' : readerDown ? 'reconnecting' : linkState;
			return {kind: 'redis', location: shown, redis: {url: shown, state, lagEvents: Math.max(0, top - applied)}};
		},
		async close() {
			if (closed) return;
			closed = true;
			clearInterval(lagTimer);
			for (const waiter of waiters.values()) waiter.reject(new ForumError('runtime', 'closed', 'the remote forum client was closed'));
			waiters.clear();
			subscriptions.clear();
			reader.disconnect();
			await reading;
			await redis.quit().catch(() => redis.disconnect());
			view.close();
		},
	};
	return client;
}
