/**
 * The dashboard's data source: a snapshot kept live by the client's feed. Each batch of
 * events refetches only the threads it touched, so 10k threads cost nothing at idle.
 */
import {useCallback, useEffect, useRef, useState} from 'react';
import {describeBadEvent} from '../forum/event-shape.js';
import type {Thread} from '../forum/types.js';
import type {ForumClient} from '../service/client.js';
import {describeError, isDatabaseLocked} from './patient-dispatch.js';
import type {Snapshot} from './snapshot.js';

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

	/** Fetch threads and keep the newer copy of each; queued so answers apply in order. */
	const merge = useCallback(
		(fetch: () => Promise<Thread[]>): Promise<void> => {
			const run = async () => {
				let changed = false;
				for (const thread of await fetch()) {
					const known = threads.get(thread.id);
					if (known && known.lastSequence >= thread.lastSequence) continue;
					threads.set(thread.id, thread);
					changed = true;
				}
				if (changed) setVersion((v) => v + 1);
			};
			chain.current = chain.current.then(run).catch((error: unknown) => setFeedError(describe(error)));
			return chain.current;
		},
		[threads, setVersion],
	);

	const refresh = useCallback(
		(threadIds: readonly string[]) => merge(async () => (threadIds.length === 0 ? [] : client.listThreads({threadIds}))),
		[client, merge],
	);

	// Closed threads after the first frame, when the snapshot left them out.
	useEffect(() => {
		if (!initial.closedPending) return;
		const timer = setTimeout(() => void merge(() => client.listThreads({states: ['closed']})), 0);
		return () => clearTimeout(timer);
	}, [client, initial.closedPending, merge]);

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
				// One frame after a quiet spell; during a burst at most every BURST_GAP_MS, so 10k-thread
				// queue rebuilds never crowd out the keys.
				timer ??= setTimeout(flush, Math.max(16, flushedAt + BURST_GAP_MS - Date.now()));
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
				void merge(() => client.listThreads({}));
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
	}, [client, initial.sequence, refresh, merge, threads]);

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
	return {threads, seen, version, revision: currentRevision, lastSequence, feedError, warning, markSeen, refresh};
}
