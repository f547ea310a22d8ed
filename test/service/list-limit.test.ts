import {afterEach, describe, expect, it} from 'vitest';
import type {Priority} from '../../source/forum/types.js';
import {ForumService} from '../../source/service/forum-service.js';

const PRIORITIES: Priority[] = ['low', 'normal', 'high', 'urgent'];
let service: ForumService;
afterEach(() => service.close());

describe('listThreads with a limit', () => {
	it('returns the first threads of the unlimited list, in the same order (SQL and JS sort agree)', () => {
		// Timestamps repeat (a fixed clock per pair) so ties fall through to the thread id.
		let tick = 0;
		service = new ForumService({db: ':memory:', clock: () => new Date(Date.UTC(2026, 0, 1, 0, 0, Math.floor(tick++ / 2)))});
		const agent = {type: 'agent', name: 'a'} as const;
		for (let i = 0; i < 40; i++) {
			const result = service.dispatch({type: 'ask', ticket: `T-${i % 3}`, agentName: 'a', title: `q${i}`, body: 'b', priority: PRIORITIES[(i * 7) % 4]!, actor: agent});
			if (!result.ok) throw new Error(result.rejection.message);
			if (i % 5 === 0) service.dispatch({type: 'post', threadId: result.threadId, body: 'more', actor: agent});
		}
		const all = service.listThreads({states: ['new']});
		for (const limit of [1, 7, 25, 40, 100]) {
			expect(service.listThreads({states: ['new'], limit}).map((thread) => thread.id)).toEqual(all.slice(0, limit).map((thread) => thread.id));
		}
		expect(service.listThreads({ticket: 'T-1', limit: 5})).toEqual(service.listThreads({ticket: 'T-1'}).slice(0, 5));
	});
});
