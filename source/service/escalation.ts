/**
 * The SLA escalation pass: ask once per thread per waiting episode for an escalation event.
 * Safe with several running at once: the command id is deterministic, so a second dispatch is a
 * duplicate. With `sliceMs` it gives the event loop a turn between slices of work, so a
 * dashboard on the same thread keeps answering keys while thousands are recorded.
 */
import {isEscalated, slaCommandId, waitedMinutes} from '../forum/rules.js';
import type {ForumClient} from './client.js';

export interface EscalationPassOptions {
	/** Work at most this long (ms) before letting other callbacks (keys, frames) run. Default: no pause. */
	sliceMs?: number;
	/** Stop between dispatches (the dashboard quits). */
	signal?: AbortSignal;
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Threads listed per query: the pass never holds the thread for a whole 10k-thread scan. */
const PAGE = 100;

/** One pass: escalate every thread past its SLA that has not been escalated in its current state. */
export async function escalateDue(forum: ForumClient, options: EscalationPassOptions = {}): Promise<string[]> {
	// A disabled forum refuses every dispatch; asking each tick would only fill the log.
	if (!forum.policy.forum.enabled) return [];
	const now = forum.now();
	const escalated: string[] = [];
	const tried = new Set<string>();
	let sliceStart = performance.now();
	const pause = async () => {
		if (options.sliceMs === undefined || performance.now() - sliceStart < options.sliceMs) return;
		await turn();
		sliceStart = performance.now();
	};
	for (;;) {
		// Due and not yet recorded, a page at a time: each escalation leaves the filter, so the next page is new work.
		const page = (await forum.listThreads({states: ['new', 'waiting_human'], escalationDue: {now, sla: forum.sla}, limit: PAGE})).filter(
			(thread) => !tried.has(thread.id) && thread.escalatedAt === null && isEscalated(thread, now, forum.sla),
		);
		if (page.length === 0) return escalated;
		for (const thread of page) {
			if (options.signal?.aborted) return escalated;
			await pause();
			tried.add(thread.id);
			const result = await forum.dispatch({
				type: 'request_escalation',
				threadId: thread.id,
				waitedMinutes: waitedMinutes(thread, now),
				commandId: slaCommandId(thread),
				actor: {type: 'system', name: 'sla'},
			});
			// A refusal means another scheduler or a state change got there first.
			if (result.ok && !result.duplicate && result.events.length > 0) escalated.push(thread.id);
		}
		await pause();
	}
}
