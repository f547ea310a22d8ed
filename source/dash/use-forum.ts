/**
 * The dashboard's data source: a snapshot kept live by the client's feed. Each batch of
 * events refetches only the threads it touched, so 10k threads cost nothing at idle. It holds
 * the open threads, the closed ones it has paged in (newest first, CLOSED_PAGE at a time, as
 * the Closed section scrolls), and the closed count kept from the stats projection: memory
 * follows the queue, not the history.
 */
import {useCallback, useEffect, useRef, useState} from 'react';
import {describeBadEvent} from '../forum/event-shape.js';
import type {Thread} from '../forum/types.js';
import type {ForumClient} from '../service/client.js';
import {describeError, isDatabaseLocked} from './patient-dispatch.js';
import {CLOSED_PAGE, OPEN_STATES, type Snapshot} from './snapshot.js';

export interface ForumFeed {
	/** Mutated in place; `version` changes whenever it does. */
	threads: Map<string, Thread>;
	seen: Map<string, number>;
	version: number;
	lastSequence: number;
	/** The latest feed problem (locked database, lost link), cleared by the next good batch. */
	feedError: string | undefined;
	/** The latest event the feed skipped because it cannot be read; stays until another replaces it. */
	warning: string | undefined;
	/** Changes as soon as `threads` or `seen` do (before the next render): what a cache of them is keyed on. */
	revision(): number;
	/** Record that the viewer has seen `thread` up to its last event. */
	markSeen(thread: Thread): void;
	/** Refetch threads now (after this process's own dispatch, without waiting for the feed). */
	refresh(threadIds: readonly string[]): Promise<void>;
	/** Closed threads in the forum (stats projection, kept live), loaded or not. */
	closedCount: number;
	/** More closed threads than are loaded: `loadMoreClosed` fetches the next page. */
	closedMore: boolean;
	/** Load the next page of closed threads (older than the oldest loaded); one at a time. */
	loadMoreClosed(): void;
}

export interface UseForumOptions {
	client: ForumClient;
	viewer: string;
	initial: Snapshot;
}

const describe = describeError;

/** The shortest gap between two refetches while events keep coming, ms. */
const BURST_GAP_MS = 100;

export function useForum({client, viewer, initial}: UseForumOptions): ForumFeed {
	const threads = useRef(initial.threads).current;
	const seen = useRef(initial.seen).current;
	const [version, setRenderVersion] = useState(0);
	const revision = useRef(0);
	const setVersion = useCallback((next: (v: number) => number) => {
		revision.current += 1;
		setRenderVersion(next);
	}, []);
	const [lastSequence, setLastSequence] = useState(initial.sequence);
	const [feedError, setFeedError] = useState<string | undefined>(undefined);
	const [warning, setWarning] = useState<string | undefined>(undefined);
	// One refetch at a time, in order: an older answer never overwrites a newer one.
	const chain = useRef<Promise<void>>(Promise.resolve());
	/**
	 * Closed threads: the count at `since` plus the closes seen after it, and the paging keyset
	 * (the oldest closed thread a page brought). `more` is false once a page came back short.
	 */
	const closed = useRef({count: initial.closedCount, since: initial.sequence, before: undefined as {updatedAt: string; id: string} | undefined, more: initial.closedCount > 0, loading: false});
	const [, setClosedVersion] = useState(0);

	/** Fetch threads and keep the newer copy of each; queued so answers apply in order. */
	const merge = useCallback(
		(fetch: () => Promise<Thread[]>, after?: (fetched: Thread[]) => void): Promise<void> => {
			const run = async () => {
				let changed = false;
				const fetched = await fetch();
				for (const thread of fetched) {
					const known = threads.get(thread.id);
					if (known && known.lastSequence >= thread.lastSequence) continue;
					// A close the count does not hold yet: a thread open when counted, or opened since.
					if (thread.state === 'closed' && (known ? known.state !== 'closed' : thread.lastSequence > closed.current.since)) closed.current.count += 1;
					threads.set(thread.id, thread);
					changed = true;
				}
				after?.(fetched);
				if (changed) setVersion((v) => v + 1);
			};
			chain.current = chain.current.then(run).catch((error: unknown) => setFeedError(describe(error)));
			return chain.current;
		},
		[threads, setVersion],
	);

	const loadMoreClosed = useCallback(() => {
		const page = closed.current;
		if (page.loading || !page.more) return;
		page.loading = true;
		const ask = page;
		void merge(
			async () => {
				const found = await client.listThreads({states: ['closed'], recent: true, before: ask.before, limit: CLOSED_PAGE});
				// Their seen marks too: the snapshot brought those of open threads only.
				if (found.length > 0) for (const [id, sequence] of await client.seenCursors(viewer, {threadIds: found.map((thread) => thread.id)})) seen.set(id, sequence);
				return found;
			},
			(found) => {
				if (closed.current !== ask) return;
				const last = found.at(-1);
				if (last) ask.before = {updatedAt: last.updatedAt, id: last.id};
				ask.more = found.length >= CLOSED_PAGE;
			},
		).finally(() => {
			ask.loading = false;
			setClosedVersion((v) => v + 1);
		});
	}, [client, merge, seen, viewer]);

	const refresh = useCallback(
		(threadIds: readonly string[]) => merge(async () => (threadIds.length === 0 ? [] : client.listThreads({threadIds}))),
		[client, merge],
	);

	// The first page of closed threads after the first frame, when the snapshot left them out.
	useEffect(() => {
		if (!initial.closedPending) return;
		const timer = setTimeout(loadMoreClosed, 0);
		return () => clearTimeout(timer);
	}, [initial.closedPending, loadMoreClosed]);

	useEffect(() => {
		let live = true;
		// Bursts (thousands of SLA escalations, a busy writer) become one refetch per frame.
		const pending = new Set<string>();
		let timer: NodeJS.Timeout | undefined;
		let sequence = initial.sequence;
		let flushedAt = Number.NEGATIVE_INFINITY;
		const flush = () => {
			timer = undefined;
			flushedAt = Date.now();
			const ids = [...pending];
			pending.clear();
			setLastSequence(sequence);
			void refresh(ids).then(() => {
				if (live) setFeedError(undefined);
			});
		};
		const unsubscribe = client.subscribe(
			(events) => {
				if (!live || events.length === 0) return;
				for (const event of events) pending.add(event.thread_id);
				sequence = Math.max(sequence, events.at(-1)!.sequence);
				// At once after a quiet spell (events of one commit arrive together); during a burst at
				// most every BURST_GAP_MS, so 10k-thread queue rebuilds never crowd out the keys.
				timer ??= setTimeout(flush, Math.max(0, flushedAt + BURST_GAP_MS - Date.now()));
			},
			{after: initial.sequence},
		);
		const offError = client.onError((error) => {
			if (!live) return;
			setFeedError(describe(error));
			// Another database file (or a new remote epoch): what is shown may be gone; load it all again.
			const code = (error as {code?: string}).code;
			if (code === 'database_replaced' || code === 'view_reloaded') {
				threads.clear();
				setVersion((v) => v + 1);
				void merge(async () => {
					const status = await client.status();
					closed.current = {count: status.counts.closed, since: status.lastSequence, before: undefined, more: status.counts.closed > 0, loading: false};
					return client.listThreads({states: OPEN_STATES});
				}).then(loadMoreClosed);
			}
		});
		const offWarning = client.onWarning((bad) => {
			if (live) setWarning(`${describeBadEvent(bad)}; run rebuild --verify`);
		});
		return () => {
			live = false;
			if (timer) clearTimeout(timer);
			unsubscribe();
			offError();
			offWarning();
		};
	}, [client, initial.sequence, refresh, merge, threads, loadMoreClosed]);

	const markSeen = useCallback(
		(thread: Thread) => {
			const before = seen.get(thread.id);
			if ((before ?? 0) >= thread.lastSequence) return;
			seen.set(thread.id, thread.lastSequence);
			setVersion((v) => v + 1);
			client.markSeen(thread.id, viewer, thread.lastSequence).catch((error: unknown) => {
				// Locked by another process: forget it, so the next look at the thread marks it again.
				if (isDatabaseLocked(error)) {
					if (seen.get(thread.id) === thread.lastSequence) before === undefined ? seen.delete(thread.id) : seen.set(thread.id, before);
					return;
				}
				setFeedError(describe(error));
			});
		},
		[client, seen, viewer, setVersion],
	);

	const currentRevision = useCallback(() => revision.current, []);
	return {
		threads,
		seen,
		version,
		revision: currentRevision,
		lastSequence,
		feedError,
		warning,
		markSeen,
		refresh,
		closedCount: closed.current.count,
		closedMore: closed.current.more,
		loadMoreClosed,
	};
}
