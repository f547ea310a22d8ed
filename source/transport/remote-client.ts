/**
 * A forum on another host, through Redis only (`--remote`).
 *
 * Writes are signed (signing.ts) and go to `<stream>:commands`; serve answers on
 * `<stream>:replies:<client>` (remote-replies.ts) with the command's events and the thread
 * after them, and the write returns once those events are in the events stream (so a following
 * remote read sees them), or with the refusal.
 *
 * Reads come from a replica built on first use (remote-replica.ts): serve's snapshot, then the
 * events stream from the snapshot's sequence. A write-only command (an agent's `ask`) never
 * builds it. Every wait ends on its timeout and when the caller's signal aborts.
 */
import {randomBytes} from 'node:crypto';
import type {Redis} from 'ioredis';
import {ForumError} from '../forum/errors.js';
import type {Policy} from '../policy/policy.js';
import type {ForumClient, SourceInfo} from '../service/client.js';
import {newCommandId} from '../service/ids.js';
import {commandFields, type CommandSigner, type RemoteCommand, type Reply} from './codec.js';
import {openConnection, parseRead, sleep, streamKeys, whenReady, type LinkState} from './connection.js';
import {describeRedisError, redactUrl} from './redis-url.js';
import {startReplica, type Replica} from './remote-replica.js';
import {startReplies, type Replies} from './remote-replies.js';
import {BLOCK_MS, type Tail} from './remote-tail.js';

export interface RemoteForumOptions {
	url: string;
	policy: Policy;
	/** How long a write waits for serve's answer, and a read for the view to load. Default 15 s. */
	timeoutMs?: number;
	/** How long to wait for a connection. Default 5 s. */
	connectTimeoutMs?: number;
	/** Names this client's reply stream. Default random. */
	clientId?: string;
	clock?: () => Date;
	/** Aborting ends every wait (replies, the view loading). */
	signal?: AbortSignal;
	/** Signs writes; without one a write fails with what to do. A function is asked per command (the CLI loads its key on the first write). */
	signer?: CommandSigner | ((command: RemoteCommand) => CommandSigner);
}

export interface RemoteForumClient extends ForumClient {
	readonly clientId: string;
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

	/** A ready connection, or a clear error. */
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
	const tails: Tail[] = [];

	/** Race `promise` against the deadline and the caller's signal. */
	async function bounded<T>(promise: Promise<T>, deadline: number, what: () => ForumError): Promise<T> {
		let timer: NodeJS.Timeout | undefined;
		let onAbort: (() => void) | undefined;
		const stop = new Promise<never>((_, reject) => {
			timer = setTimeout(() => reject(what()), Math.max(0, deadline - Date.now()));
			onAbort = () => reject(new ForumError('runtime', 'interrupted', 'interrupted while waiting on Redis'));
			if (options.signal?.aborted) onAbort();
			options.signal?.addEventListener('abort', onAbort, {once: true});
		});
		try {
			return await Promise.race([promise, stop]);
		} finally {
			clearTimeout(timer);
			if (onAbort) options.signal?.removeEventListener('abort', onAbort);
		}
	}

	// ------------------------------------------------------------ replies

	let replies: Promise<Replies> | undefined;
	const repliesReady = (): Promise<Replies> =>
		(replies ??= connect('remote-replies').then((reader) => {
			const started = startReplies(
				reader,
				repliesKey,
				(error, first) => first && emitError(new ForumError('runtime', 'redis_unavailable', `reading replies from ${shown} failed (${describeRedisError(error, url)}); retrying`)),
				() => closed,
			);
			tails.push(started.tail);
			return started;
		}));

	// ------------------------------------------------------------ replica

	let replica: Replica | undefined;
	function ensureReplica(): Replica {
		replica ??= startReplica({
			redis,
			reader: connect('remote-feed'),
			policy,
			clock: options.clock,
			emitError,
			describeError: (error) => describeRedisError(error, url),
		});
		return replica;
	}

	/** The replica, loaded; ends on the timeout or the signal. */
	async function loaded(): Promise<Replica> {
		const built = ensureReplica();
		await bounded(built.ready, Date.now() + timeoutMs, () =>
			new ForumError(
				'runtime',
				'remote_timeout',
				`the remote view did not finish loading from ${shown} within ${Math.round(timeoutMs / 1000)} s${built.partial() ? ` (${built.partial()})` : ''}; check that serve runs (METAWSM_REMOTE_TIMEOUT to wait longer)`,
			),
		);
		return built;
	}

	// How far behind the stream the replica is shows in source(); the replica refreshes it.

	/** Resolve once the events stream holds `sequence` (and the replica, if built, applied it); false on timeout. */
	async function published(sequence: number, deadline: number): Promise<boolean> {
		if (replica) {
			await loaded().catch(() => undefined);
			return replica.waitFor(sequence, deadline);
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

	const signerOf = (command: RemoteCommand): CommandSigner => {
		const signer = typeof options.signer === 'function' ? options.signer(command) : options.signer;
		if (!signer) throw new ForumError('usage', 'missing_key', 'remote writes are signed: pass a signing key (metawsm forum keygen)');
		return signer;
	};

	const read = async <T>(query: (replica: Replica) => T): Promise<T> => query(await loaded());

	const client: RemoteForumClient = {
		clientId,
		policy,
		sla: {escalationMinutes: policy.forum.sla.escalation_minutes, byPriority: policy.forum.sla.escalation_minutes_by_priority},
		now: () => (options.clock ?? (() => new Date()))().toISOString(),
		async dispatch(input) {
			if (closed) throw new ForumError('runtime', 'closed', 'the remote forum client is closed');
			const commandId = input.commandId ?? newCommandId();
			const command = {...input, commandId};
			const deadline = Date.now() + timeoutMs;
			const signing = {signer: signerOf(command), stream: policy.forum.redis.stream, signedAt: new Date().toISOString()};
			const waiting = await repliesReady();
			const replied = waiting.expect(commandId);
			let reply: Reply | undefined;
			try {
				try {
					await redis.call('XADD', [keys.commands, 'MAXLEN', '~', 100_000, '*', ...commandFields(command, clientId, signing)]);
				} catch (error) {
					throw new ForumError(
						'runtime',
						'redis_unavailable',
						`cannot send ${command.type} through Redis at ${shown} (${describeRedisError(error, url)}); retry with --command-id ${commandId} so it applies at most once`,
					);
				}
				reply = await bounded<Reply | undefined>(replied, deadline, () => new ForumError('runtime', 'remote_timeout', '')).catch((error: unknown) => {
					if (error instanceof ForumError && error.code === 'interrupted') {
						throw new ForumError('runtime', 'interrupted', `stopped waiting for command ${commandId}; it may still be applied`);
					}
					return undefined;
				});
			} finally {
				waiting.forget(commandId);
			}
			if (!reply) {
				// The reply may be lost (Redis restarted under it) while the events made it: they are the answer.
				const events = replica?.isReady() ? replica.eventsOfCommand(commandId) : [];
				if (events.length > 0) {
					return {ok: true, duplicate: false, commandId, threadId: events[0]!.thread_id, events, thread: replica!.view.threadSummary(events[0]!.thread_id)};
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
		getThread: (threadId) => read((r) => r.view.getThread(threadId)),
		similarAnswer: (threadId) => read((r) => r.view.similarAnswer(threadId)),
		listThreads: (filter) => read((r) => r.view.listThreads(filter)),
		eventsAfter: (cursor, filter, limit) => read((r) => r.view.eventsAfter(cursor, filter, limit)),
		status: (filter) => read((r) => ({...r.view.status(filter), lastSequence: r.applied(), ...(r.partial() ? {partial: r.partial()} : {})})),
		lastSequence: () => read((r) => r.applied()),
		// Seen cursors are this viewer's state: kept with the replica, for this session.
		markSeen: (threadId, viewer, sequence) => read((r) => r.view.markSeen(threadId, viewer, sequence)),
		seenCursors: (viewer, seenOptions) => read((r) => r.view.seenCursors(viewer, seenOptions)),
		subscribe(listener, subscribeOptions = {}) {
			const built = ensureReplica();
			let unsubscribe: (() => void) | undefined;
			let cancelled = false;
			built.ready.then(
				() => {
					if (!cancelled) unsubscribe = built.subscribe(listener, subscribeOptions);
				},
				(error: unknown) => emitError(error),
			);
			return () => {
				cancelled = true;
				unsubscribe?.();
			};
		},
		onError(listener) {
			errorListeners.add(listener);
			return () => void errorListeners.delete(listener);
		},
		onWarning: (listener) => ensureReplica().view.onWarning(listener),
		source(): SourceInfo {
			const state: LinkState = closed ? 'off' : tails.some((tail) => !tail.healthy()) || (replica && !replica.healthy()) ? 'reconnecting' : linkState;
			const partial = replica?.partial();
			return {
				kind: 'redis',
				location: shown,
				redis: {url: shown, state, ...(replica ? {lagEvents: Math.max(0, replica.top() - replica.applied())} : {})},
				...(partial ? {partial} : {}),
			};
		},
		async close() {
			if (closed) return;
			closed = true;
			const pending = await replies?.catch(() => undefined);
			pending?.abandon((commandId) => ({status: 'error', commandId, kind: 'runtime', code: 'closed', message: `the remote forum client closed while waiting for command ${commandId}; it may still be applied`}));
			for (const connection of connections) if (connection !== redis) connection.disconnect();
			await Promise.all(tails.map((tail) => tail.running));
			await replica?.close();
			await redis.quit().catch(() => redis.disconnect());
		},
	};
	return client;
}
