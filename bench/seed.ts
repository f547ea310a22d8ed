/** Build a database of a given size through dispatch, for benchmarks. */
import {ForumService} from '../source/service/forum-service.js';

const agent = {type: 'agent', name: 'builder'} as const;
const ops = {type: 'operator', name: 'ops'} as const;
const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;

/**
 * `openThreads` threads stay open; `closedThreads` are answered and closed; posts fill up to
 * about `events` events in all. Returns the ids of the open threads.
 */
export function seedForum(file: string, options: {openThreads: number; events: number}): string[] {
	const service = new ForumService({db: file, pollMs: 1000});
	const open: string[] = [];
	try {
		const perThread = Math.max(1, Math.floor(options.events / options.openThreads));
		// Batches of dispatches in one transaction (dispatch nests as a savepoint).
		const batch = (from: number, to: number) =>
			service.batch(() => {
				for (let i = from; i < to; i++) seedOne(i);
			});
		const seedOne = (i: number) => {
			const result = service.dispatch({
				type: 'ask',
				ticket: `T-${i % 500}`,
				agentName: `agent-${i % 37}`,
				title: `Question ${i}: which option should I take for step ${i % 13}?`,
				body: `Context for question ${i}. `.repeat(8),
				priority: PRIORITIES[i % 4]!,
				actor: agent,
			});
			if (!result.ok) throw new Error(result.rejection.message);
			open.push(result.threadId);
			for (let p = 1; p < perThread; p++) {
				service.dispatch({type: 'post', threadId: result.threadId, body: `Follow-up ${p} on ${i}.`, actor: p % 2 ? ops : agent});
			}
			if (i % 3 === 0) service.dispatch({type: 'change_state', threadId: result.threadId, state: 'waiting_human', actor: ops});
		};
		for (let from = 0; from < options.openThreads; from += 500) batch(from, Math.min(options.openThreads, from + 500));
		return open;
	} finally {
		service.close();
	}
}
