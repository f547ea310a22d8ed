/** What the dashboard starts from: all threads, the viewer's seen cursors, and the sequence they reflect. */
import type {Thread} from '../forum/types.js';
import type {ForumClient} from '../service/client.js';

export interface Snapshot {
	threads: Map<string, Thread>;
	seen: Map<string, number>;
	/** Every event up to here is reflected in `threads`; the live feed starts after it. */
	sequence: number;
}

export async function loadSnapshot(client: ForumClient, viewer: string): Promise<Snapshot> {
	// Sequence first: events committed while listing are delivered again by the feed, never lost.
	const sequence = await client.lastSequence();
	const [threads, seen] = await Promise.all([client.listThreads(), client.seenCursors(viewer)]);
	return {threads: new Map(threads.map((thread) => [thread.id, thread])), seen, sequence};
}
