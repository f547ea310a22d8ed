/**
 * Deterministic command plans for the reliability workers: the same seed gives the same
 * commands, so a test can replay a killed worker's plan in memory and know how many events
 * each command must have written.
 */
import type {Actor} from '../../../source/forum/types.js';
import type {CommandInput} from '../../../source/service/forum-service.js';

/** mulberry32: small, fast, deterministic. */
export function makeRng(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const STATES = ['triaged', 'waiting_operator', 'waiting_human', 'answered', 'closed'] as const;
const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
const agent: Actor = {type: 'agent', name: 'builder'};
const operator: Actor = {type: 'operator', name: 'ops'};

export interface PlanOptions {
	/** Prefix of every thread and command id this plan creates (unique per worker and round). */
	prefix: string;
	seed: number;
	/** Threads created elsewhere that this plan may also write to (concurrent workers share them). */
	sharedThreads?: readonly string[];
}

/**
 * An endless stream of mixed commands: ask, post, answer, state, priority, assign, close.
 * Commands reference threads this plan asked for (and shared ones); some fail by the rules
 * (a closed thread), which is part of the mix.
 */
export function* commandPlan(options: PlanOptions): Generator<CommandInput & {commandId: string}> {
	const rng = makeRng(options.seed);
	const pick = <T>(items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
	const own: string[] = [];
	for (let index = 0; ; index++) {
		const commandId = `${options.prefix}-c${index}`;
		const roll = rng();
		if (own.length === 0 || roll < 0.15) {
			const threadId = `${options.prefix}-t${own.length}`;
			own.push(threadId);
			yield {type: 'ask', commandId, threadId, ticket: `REL-${own.length % 5}`, agentName: 'builder', title: `question ${index}`, body: `body ${index}`, priority: pick(PRIORITIES), actor: agent};
			continue;
		}
		const threadId = options.sharedThreads && options.sharedThreads.length > 0 && rng() < 0.3 ? pick(options.sharedThreads) : pick(own);
		const kind = rng();
		if (kind < 0.3) yield {type: 'post', commandId, threadId, body: `post ${index}`, actor: rng() < 0.5 ? agent : operator};
		else if (kind < 0.45) yield {type: 'answer', commandId, threadId, body: `answer ${index}`, actor: operator};
		else if (kind < 0.6) yield {type: 'change_state', commandId, threadId, state: pick(STATES), actor: operator};
		else if (kind < 0.75) yield {type: 'change_priority', commandId, threadId, priority: pick(PRIORITIES), actor: operator};
		else if (kind < 0.92) yield {type: 'assign', commandId, threadId, assignee: {type: 'human', name: pick(['alice', 'bob', 'carol'])}, note: '', actor: operator};
		else yield {type: 'close', commandId, threadId, actor: operator};
	}
}
