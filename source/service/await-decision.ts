/**
 * Waiting for a decision: what `ask --wait`, `wait` and the MCP tools share. Resolves when the
 * thread has a decision or is closed, when the time is up, or when the caller stops.
 */
import {isSettled} from '../forum/answers.js';
import type {StoredEvent} from '../forum/types.js';
import {feedOf, type ForumClient} from './client.js';
import type {ThreadDetail} from './forum-service.js';
import {setLongTimeout} from './long-timer.js';

export type WaitOutcome =
	| {outcome: 'settled'; detail: ThreadDetail}
	| {outcome: 'timeout'; detail: ThreadDetail}
	| {outcome: 'interrupted'; detail: ThreadDetail | undefined}
	| {outcome: 'unknown_thread'};

export interface AwaitOptions {
	/** Milliseconds to wait; undefined or 0: no limit. */
	timeoutMs?: number;
	signal?: AbortSignal;
}

/** Events after which the thread may have become settled (or stopped being so). */
function mayDecide(event: StoredEvent): boolean {
	return event.event_type === 'forum.post.added' || event.event_type === 'forum.state.changed' || event.event_type === 'forum.thread.closed';
}

export async function awaitDecision(forum: ForumClient, threadId: string, options: AwaitOptions = {}): Promise<WaitOutcome> {
	const controller = new AbortController();
	const stop = () => controller.abort();
	options.signal?.addEventListener('abort', stop);
	if (options.signal?.aborted) stop();
	let timedOut = false;
	const cancelTimer = options.timeoutMs ? setLongTimeout(() => ((timedOut = true), stop()), options.timeoutMs) : undefined;
	try {
		// Subscribe from before the read so no answer slips between the read and the subscription.
		const cursor = await forum.lastSequence();
		let detail = await forum.getThread(threadId);
		if (!detail) return {outcome: 'unknown_thread'};
		if (isSettled(detail.thread)) return {outcome: 'settled', detail};
		for await (const event of feedOf(forum, {after: cursor, filter: {threadId}, signal: controller.signal})) {
			if (!mayDecide(event)) continue;
			detail = (await forum.getThread(threadId)) ?? detail;
			if (isSettled(detail.thread)) return {outcome: 'settled', detail};
		}
		const last = (await forum.getThread(threadId).catch(() => undefined)) ?? detail;
		// An answer that landed with the deadline still counts.
		if (isSettled(last.thread)) return {outcome: 'settled', detail: last};
		return timedOut ? {outcome: 'timeout', detail: last} : {outcome: 'interrupted', detail: last};
	} finally {
		cancelTimer?.();
		options.signal?.removeEventListener('abort', stop);
	}
}
