/**
 * What the dashboard starts from: the open threads (the queue), the viewer's seen cursors of
 * them, the counts by state (from the stats projection) and the sequence they all reflect.
 * Closed threads, most of a long-lived forum, come later a page at a time (use-forum.ts).
 */
import {THREAD_STATES, type Thread, type ThreadState} from '../forum/types.js';
import type {ForumClient} from '../service/client.js';

export interface Snapshot {
	threads: Map<string, Thread>;
	seen: Map<string, number>;
	/** Every event up to here is reflected in `threads` and `closedCount`; the live feed starts after it. */
	sequence: number;
	/** Closed threads at `sequence`, from forum_thread_stats: the Closed section's count while it holds a page. */
	closedCount: number;
	/** Closed threads are not loaded yet: the live dashboard pages them in after the first frame. */
	closedPending: boolean;
}

export const OPEN_STATES: readonly ThreadState[] = THREAD_STATES.filter((state) => state !== 'closed');

/** Closed threads per page of the Closed section (newest first). */
export const CLOSED_PAGE = 200;

/**
 * Load the snapshot. With `openOnly` the closed threads are left for the feed to page in (the
 * live dashboard); without it the first page of them is loaded too (`--once`).
 */
export async function loadSnapshot(client: ForumClient, viewer: string, options: {openOnly?: boolean} = {}): Promise<Snapshot> {
	// Counts and sequence from one read, first: events committed while listing come again by the feed, never lost.
	const status = await client.status();
	const [open, closed, seen] = await Promise.all([
		client.listThreads({states: OPEN_STATES}),
		options.openOnly ? Promise.resolve([]) : client.listThreads({states: ['closed'], recent: true, limit: CLOSED_PAGE}),
		client.seenCursors(viewer, {open: true}),
	]);
	if (closed.length > 0) for (const [id, sequence] of await client.seenCursors(viewer, {threadIds: closed.map((thread) => thread.id)})) seen.set(id, sequence);
	return {
		threads: new Map([...open, ...closed].map((thread) => [thread.id, thread])),
		seen,
		sequence: status.lastSequence,
		closedCount: status.counts.closed,
		closedPending: options.openOnly === true,
	};
}
