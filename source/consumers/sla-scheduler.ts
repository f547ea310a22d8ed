/**
 * SLA scheduler: asks for an escalation once per thread per waiting episode. Safe with
 * several running at once: the command id is deterministic, so a second dispatch is a duplicate.
 */
import {isEscalated, slaCommandId, waitedMinutes} from '../forum/rules.js';
import type {ForumClient} from '../service/client.js';

export interface SlaSchedulerOptions {
	/** How often to look, in ms. Default 5000. */
	intervalMs?: number;
	/** Called with each thread id escalated by this scheduler. */
	onEscalated?: (threadId: string) => void;
	onError?: (error: unknown) => void;
}

/** One pass: escalate every thread past its SLA that has not been escalated in its current state. */
export async function escalateDue(forum: ForumClient): Promise<string[]> {
	// A disabled forum refuses every dispatch; asking each tick would only fill the log.
	if (!forum.policy.forum.enabled) return [];
	const now = forum.now();
	const due = (await forum.listThreads({states: ['new', 'waiting_human']})).filter(
		(thread) => thread.escalatedAt === null && isEscalated(thread, now, forum.sla),
	);
	const escalated: string[] = [];
	for (const thread of due) {
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
	return escalated;
}

/** Run `escalateDue` now and every `intervalMs`; returns stop. */
export function startSlaScheduler(forum: ForumClient, options: SlaSchedulerOptions = {}): () => void {
	let running = false;
	let stopped = false;
	const tick = async () => {
		if (running || stopped) return;
		running = true;
		try {
			for (const id of await escalateDue(forum)) options.onEscalated?.(id);
		} catch (error) {
			options.onError?.(error);
		} finally {
			running = false;
		}
	};
	void tick();
	const timer = setInterval(() => void tick(), options.intervalMs ?? 5000);
	return () => {
		stopped = true;
		clearInterval(timer);
	};
}
