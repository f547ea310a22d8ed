import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import type {BadEvent} from '../../source/forum/event-shape.js';
import type {StoredEvent} from '../../source/forum/types.js';
import {ForumService} from '../../source/service/forum-service.js';
import {deleteEvents, insertBadEvent, NOT_JSON} from '../helpers/bad-events.js';
import {tempDir} from '../helpers/cli.js';

const agent = {type: 'agent', name: 'builder'} as const;
const ops = {type: 'operator', name: 'ops'} as const;

let cleanup: () => void;
let file: string;
let service: ForumService;
let warnings: BadEvent[];

function open(): string {
	const result = service.dispatch({type: 'ask', ticket: 'OPS-7', agentName: 'builder', title: 'May I?', body: 'Please.', priority: 'normal', actor: agent});
	if (!result.ok) throw new Error(result.rejection.message);
	return result.threadId;
}

function post(threadId: string, body: string): number {
	const result = service.dispatch({type: 'post', threadId, body, actor: ops});
	if (!result.ok) throw new Error(result.rejection.message);
	return result.events[0]!.sequence;
}

/** A thread with a good post, the three kinds of bad row, and a good post after them. */
function threadWithBadEvents(): {threadId: string; bad: number[]; before: number; after: number} {
	const threadId = open();
	const before = post(threadId, 'before');
	const bad = [
		insertBadEvent(file, {threadId, payloadJson: NOT_JSON}),
		insertBadEvent(file, {threadId, eventType: 'forum.bogus', payloadJson: '{}'}),
		insertBadEvent(file, {threadId, payloadJson: '{}'}),
	];
	const after = post(threadId, 'after');
	return {threadId, bad, before, after};
}

beforeEach(() => {
	let dir: string;
	({dir, cleanup} = tempDir());
	file = path.join(dir, 'metawsm.db');
	service = new ForumService({db: file, pollMs: 10});
	warnings = [];
	service.onWarning((bad) => warnings.push(bad));
});

afterEach(() => {
	service.close();
	cleanup();
});

describe('reading events', () => {
	it('eventsAfter returns the good events around bad ones', () => {
		const {before, after} = threadWithBadEvents();
		expect(service.eventsAfter(0).map((event) => event.sequence)).toEqual([1, before, after]);
	});

	it('warns once per bad event, naming its sequence, stored type and reason', () => {
		const {bad} = threadWithBadEvents();
		service.eventsAfter(0);
		service.eventsAfter(0);
		expect(warnings).toEqual([
			{sequence: bad[0], eventType: 'forum.post.added', reason: 'payload_json does not parse'},
			{sequence: bad[1], eventType: 'forum.bogus', reason: 'unknown event type'},
			{sequence: bad[2], eventType: 'forum.post.added', reason: 'payload has no body'},
		]);
	});

	it('a page of only bad rows still moves the cursor past them', () => {
		const {bad} = threadWithBadEvents();
		const page = service.eventPage(bad[0]! - 1, 3);
		expect(page).toEqual({events: [], cursor: bad[2], more: true});
	});

	it('the feed delivers the events after a bad one', async () => {
		const threadId = open();
		const seen: StoredEvent[] = [];
		const unsubscribe = service.subscribe((events) => seen.push(...events), {after: 1});
		try {
			insertBadEvent(file, {threadId, payloadJson: NOT_JSON});
			const after = post(threadId, 'after');
			await vi.waitFor(() => expect(seen.map((event) => event.sequence)).toEqual([after]), {timeout: 5000, interval: 10});
		} finally {
			unsubscribe();
		}
	});

	it('the feed passes more bad rows in a row than one page holds', async () => {
		const threadId = open();
		for (let i = 0; i < 1001; i++) insertBadEvent(file, {threadId, eventType: 'forum.bogus', payloadJson: '{}'});
		const seen: StoredEvent[] = [];
		const unsubscribe = service.subscribe((events) => seen.push(...events), {after: 1});
		try {
			const after = post(threadId, 'after');
			await vi.waitFor(() => expect(seen.map((event) => event.sequence)).toEqual([after]), {timeout: 5000, interval: 10});
		} finally {
			unsubscribe();
		}
	});
});

describe('projections', () => {
	it('dispatch on a thread with a bad event still works', () => {
		const threadId = open();
		insertBadEvent(file, {threadId, payloadJson: NOT_JSON});
		const result = service.dispatch({type: 'answer', threadId, body: 'Yes.', actor: ops});
		expect(result.ok && result.thread?.state).toBe('answered');
	});

	it('rebuild skips bad events, reports how many, and gives the projections a replay of the good ones', () => {
		const {threadId, bad} = threadWithBadEvents();
		expect(service.rebuild()).toMatchObject({events: 3, skipped: 3});
		expect(service.getThread(threadId)!.posts.map((p) => p.body)).toEqual(['before', 'after']);
		expect(warnings.map((w) => w.sequence)).toEqual(bad);
	});

	it('verify lists every bad event and reports the projections otherwise clean', () => {
		const {bad} = threadWithBadEvents();
		const verification = service.verify();
		expect(verification.differences).toEqual([]);
		expect(verification.badEvents.map((b) => [b.sequence, b.eventType, b.reason])).toEqual([
			[bad[0], 'forum.post.added', 'payload_json does not parse'],
			[bad[1], 'forum.bogus', 'unknown event type'],
			[bad[2], 'forum.post.added', 'payload has no body'],
		]);
	});

	it('verify reports each run of missing sequences as one gap', () => {
		const threadId = open();
		for (let i = 0; i < 8; i++) post(threadId, `post ${i}`);
		deleteEvents(file, 3);
		deleteEvents(file, 5, 7);
		expect(service.verify().gaps).toEqual([
			{first: 3, last: 3},
			{first: 5, last: 7},
		]);
	});

	it('verify reports no gaps in a log written by dispatch', () => {
		const threadId = open();
		post(threadId, 'one');
		expect(service.verify()).toMatchObject({gaps: [], badEvents: [], differences: []});
	});
});
