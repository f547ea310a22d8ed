/** What the dashboard starts from: all threads, the viewer's seen cursors, and the sequence they reflect. */
import {THREAD_STATES, type Thread, type ThreadState} from '../forum/types.js';
import type {ForumClient} from '../service/client.js';

export interface Snapshot {
	threads: Map<string, Thread>;
	seen: Map<string, number>;
	/** Every event up to here is reflected in `threads`; the live feed starts after it. */
	sequence: number;
	/** Closed threads are not loaded yet (`loadClosed` fetches them after the first frame). */
	closedPending: boolean;
}

export const OPEN_STATES: readonly ThreadState[] = THREAD_STATES.filter((state) => state !== 'closed');

/**
 * Load the threads. With `openOnly`, closed threads (most of a long-lived forum) are left
 * for later so the first frame comes sooner.
 */
export async function loadSnapshot(client: ForumClient, viewer: string, options: {openOnly?: boolean} = {}): Promise<Snapshot> {
	// Sequence first: events committed while listing are delivered again by the feed, never lost.
	const sequence = await client.lastSequence();
	const [threads, seen] = await Promise.all([
		client.listThreads(options.openOnly ? {states: OPEN_STATES} : {}),
		client.seenCursors(viewer),
	]);
	return {threads: new Map(threads.map((thread) => [thread.id, thread])), seen, sequence, closedPending: options.openOnly === true};
}
