/**
 * What the CLI and the dashboard talk to: the forum, local (SQLite in this process) or
 * remote (over Redis). Async so both fit one shape.
 */
import type {SlaRule} from '../forum/rules.js';
import type {StoredEvent, Thread} from '../forum/types.js';
import type {Policy} from '../policy/policy.js';
import type {EventFilter, WarningListener} from '../store/store.js';
import type {CommandInput, DispatchResult, FeedListener, ForumService, ForumStatus, ListFilter, SimilarAnswer, ThreadDetail} from './forum-service.js';

/** Where the data comes from and how healthy that link is; shown in the dashboard's status bar. */
export interface SourceInfo {
	/** `sqlite` for a local database, `redis` for a remote view. */
	kind: 'sqlite' | 'redis';
	/** Database path, or the Redis URL without its password. */
	location: string;
	/** Redis link, when there is one: connected, reconnecting, or off. */
	redis?: {url: string; state: 'connected' | 'reconnecting' | 'off'; lagEvents?: number};
	/** Set when a remote view cannot be complete (stream trimmed past serve's snapshot, no serve): why. */
	partial?: string;
}

export interface ForumClient {
	readonly policy: Policy;
	readonly sla: SlaRule;
	now(): string;
	dispatch(input: CommandInput): Promise<DispatchResult>;
	getThread(threadId: string): Promise<ThreadDetail | undefined>;
	/** An answered thread of the same ticket or agent asking much the same (for `R`), or undefined. */
	similarAnswer(threadId: string): Promise<SimilarAnswer | undefined>;
	listThreads(filter?: ListFilter): Promise<Thread[]>;
	eventsAfter(cursor: number, filter?: EventFilter, limit?: number): Promise<StoredEvent[]>;
	status(filter?: {ticket?: string; runId?: string}): Promise<ForumStatus>;
	lastSequence(): Promise<number>;
	/** Per-viewer read cursors (viewer state, not forum events): mark a thread seen up to a sequence. */
	markSeen(threadId: string, viewer: string, sequence: number): Promise<void>;
	/** Last-seen sequence per thread for `viewer`: of every thread, of `threadIds`, or with `open` of open threads only. */
	seenCursors(viewer: string, options?: {threadIds?: readonly string[]; open?: boolean}): Promise<Map<string, number>>;
	/** New events as they commit, after `after` (default: the current last sequence). Returns unsubscribe. */
	subscribe(listener: FeedListener, options?: {after?: number; filter?: EventFilter}): () => void;
	/** Errors from the live feed (locked database, lost connection); the client keeps going. */
	onError(listener: (error: unknown) => void): () => void;
	/** Events skipped because they cannot be read (bad payload, unknown type), once per sequence. */
	onWarning(listener: WarningListener): () => void;
	source(): SourceInfo;
	close(): Promise<void>;
}

/** A ForumClient over a ForumService in this process. */
export function localClient(service: ForumService): ForumClient {
	return {
		policy: service.policy,
		sla: service.sla,
		now: () => service.now(),
		dispatch: async (input) => service.dispatch(input),
		getThread: async (threadId) => service.getThread(threadId),
		similarAnswer: async (threadId) => service.similarAnswer(threadId),
		listThreads: async (filter) => service.listThreads(filter),
		eventsAfter: async (cursor, filter, limit) => service.eventsAfter(cursor, filter, limit),
		status: async (filter) => service.status(filter),
		lastSequence: async () => service.lastSequence(),
		markSeen: async (threadId, viewer, sequence) => service.markSeen(threadId, viewer, sequence),
		seenCursors: async (viewer, options) => service.seenCursors(viewer, options),
		subscribe: (listener, options) => service.subscribe(listener, options),
		onError: (listener) => service.onError(listener),
		onWarning: (listener) => service.onWarning(listener),
		source: () => ({kind: 'sqlite', location: service.file}),
		close: async () => service.close(),
	};
}

/** Iterate a client's feed; ends when `signal` aborts. */
export async function* feedOf(
	client: Pick<ForumClient, 'subscribe'> & Partial<Pick<ForumClient, 'onError'>>,
	options: {after?: number; filter?: EventFilter; signal?: AbortSignal} = {},
): AsyncGenerator<StoredEvent> {
	const queue: StoredEvent[] = [];
	let wake: (() => void) | undefined;
	const unsubscribe = client.subscribe(
		(events) => {
			queue.push(...events);
			wake?.();
		},
		{after: options.after, filter: options.filter},
	);
	const onAbort = () => wake?.();
	options.signal?.addEventListener('abort', onAbort);
	// The database file (or the remote epoch) changed under the feed: its cursor means nothing any more.
	let ended: unknown;
	const offError = client.onError?.((error) => {
		if (FEED_ENDING.has((error as {code?: string})?.code ?? '')) {
			ended ??= error;
			wake?.();
		}
	});
	try {
		while (!options.signal?.aborted) {
			if (ended) throw ended;
			if (queue.length === 0) {
				await new Promise<void>((resolve) => (wake = resolve));
				wake = undefined;
				continue;
			}
			yield queue.shift()!;
		}
	} finally {
		unsubscribe();
		offError?.();
		options.signal?.removeEventListener('abort', onAbort);
	}
}

/** Errors after which a feed cannot go on from its cursor. */
const FEED_ENDING = new Set(['database_replaced', 'database_unusable', 'view_reloaded']);
