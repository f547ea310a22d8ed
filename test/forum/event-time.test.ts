import {describe, expect, it} from 'vitest';
import {eventTime} from '../../source/forum/event-time.js';
import {ForumService} from '../../source/service/forum-service.js';

const T = '2026-11-25T12:00:00.000Z';
const ms = (iso: string) => Date.parse(iso);
const plus = (iso: string, minutes: number) => new Date(ms(iso) + minutes * 60_000).toISOString();

describe('eventTime (pure)', () => {
	it('keeps the writer clock when it agrees with the reference and follows the previous event', () => {
		expect(eventTime({writerNow: T, referenceMs: ms(T) + 30_000, previous: plus(T, -1)})).toEqual({at: T});
	});
	it('is never earlier than the thread\'s previous event (a writer behind)', () => {
		expect(eventTime({writerNow: T, previous: plus(T, 5)})).toEqual({at: plus(T, 5), writerClock: T});
	});
	it('replaces a writer clock 3 h ahead of the reference, keeping the raw clock', () => {
		expect(eventTime({writerNow: plus(T, 180), referenceMs: ms(T)})).toEqual({at: T, writerClock: plus(T, 180)});
	});
	it('replaces a writer clock 2 h behind the reference', () => {
		expect(eventTime({writerNow: plus(T, -120), referenceMs: ms(T)})).toEqual({at: T, writerClock: plus(T, -120)});
	});
});

describe('dispatch with a skewed writer clock', () => {
	it('a writer 3 h ahead records the reference time, so the thread waits and escalates on time', () => {
		const forum = new ForumService({db: ':memory:', clock: () => new Date(ms(T) + 3 * 3600_000), referenceClock: () => ms(T)});
		const asked = forum.dispatch({type: 'ask', ticket: 'OPS-1', agentName: 'b', title: 'Q', body: 'B', priority: 'normal', actor: {type: 'agent', name: 'b'}});
		expect(asked.ok && asked.events[0]!.occurred_at).toBe(T);
		expect(asked.ok && (asked.events[0]!.payload as {writer_clock?: string}).writer_clock).toBe(plus(T, 180));
		forum.close();
	});

	it('a follow-up from a host 2 h behind is not earlier than the answer it follows', () => {
		let now = ms(T);
		const forum = new ForumService({db: ':memory:', clock: () => new Date(now)});
		const asked = forum.dispatch({type: 'ask', ticket: 'OPS-1', agentName: 'b', title: 'Q', body: 'B', priority: 'normal', actor: {type: 'agent', name: 'b'}});
		if (!asked.ok) throw new Error('refused');
		forum.dispatch({type: 'answer', threadId: asked.threadId, body: 'yes', actor: {type: 'human', name: 'ops'}});
		now = ms(T) - 2 * 3600_000;
		const post = forum.dispatch({type: 'post', threadId: asked.threadId, body: 'one more thing', actor: {type: 'agent', name: 'b'}});
		expect(post.ok && post.events.every((event) => event.occurred_at >= T)).toBe(true);
		const times = forum.eventsAfter(0, {threadId: asked.threadId}).map((event) => event.occurred_at);
		expect(times).toEqual([...times].sort());
		forum.close();
	});
});
