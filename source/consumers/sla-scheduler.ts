/**
 * SLA scheduler: runs the escalation pass (service/escalation.ts) now and every interval.
 */
import type {ForumClient} from '../service/client.js';
import {escalateDue} from '../service/escalation.js';

/** The pass itself lives in the service (the dashboard runs it too). */
export {escalateDue};

export interface SlaSchedulerOptions {
	/** How often to look, in ms. Default 5000. */
	intervalMs?: number;
	/** Called with each thread id escalated by this scheduler. */
	onEscalated?: (threadId: string) => void;
	onError?: (error: unknown) => void;
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
