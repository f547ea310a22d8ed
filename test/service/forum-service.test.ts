import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {ForumError} from '../../source/forum/errors.js';
import type {StoredEvent} from '../../source/forum/types.js';
import {ForumService, type CommandInput} from '../../source/service/forum-service.js';
import {tempDir} from '../helpers/cli.js';
import {withRawDb} from '../helpers/raw-db.js';

const agent = {type: 'agent', name: 'builder'} as const;
const ops = {type: 'operator', name: 'ops'} as const;

function ask(overrides: Partial<CommandInput> = {}): CommandInput {
	return {type: 'ask', ticket: 'OPS-7', agentName: 'builder', title: 'May I drop legacy_users?', body: 'No reads for 90 days.', priority: 'normal', actor: agent, ...overrides} as CommandInput;
}

function mustOpen(service: ForumService, overrides: Partial<CommandInput> = {}): string {
	const result = service.dispatch(ask(overrides));
	if (!result.ok) throw new Error(result.rejection.message);
	return result.threadId;
}

function eventTableChecksum(file: string): string {
	const db = new Database(file, {readonly: true});
	try {
		return JSON.stringify(db.prepare('SELECT * FROM forum_events ORDER BY sequence').all());
	} finally {
		db.close();
	}
}

let dir: string;
let cleanup: () => void;
let file: string;
let service: ForumService;

beforeEach(() => {
	({dir, cleanup} = tempDir());
	file = path.join(dir, 'forum', 'metawsm.db');
	service = new ForumService({db: file});
});

afterEach(() => {
	service.close();
	cleanup();
});

describe('dispatch', () => {
	it('appends events with gap-free sequences and updates the thread view in the same transaction', () => {
		const id = mustOpen(service);
		service.dispatch({type: 'post', threadId: id, body: 'Production only.', actor: agent});
		service.dispatch({type: 'answer', threadId: id, body: 'Yes.', actor: ops});
		const events = service.eventsAfter(0);
		expect(events.map((e) => e.sequence)).toEqual(events.map((_, i) => i + 1));
		const detail = service.getThread(id)!;
		expect(detail.thread.state).toBe('answered');
		expect(detail.thread.postsCount).toBe(2);
		expect(detail.posts.map((p) => [p.authorType, p.body])).toEqual([
			['agent', 'Production only.'],
			['operator', 'Yes.'],
		]);
		expect(detail.transitions.map((t) => `${t.fromState}>${t.toState}`)).toEqual(['new>answered']);
	});

	it('links the events of an answer: one correlation id, the state change caused by the post', () => {
		const id = mustOpen(service);
		const result = service.dispatch({type: 'answer', threadId: id, body: 'Yes.', actor: ops, commandId: 'answer-1'});
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		const [post, change] = result.events as [StoredEvent, StoredEvent];
		expect(post.event_type).toBe('forum.post.added');
		expect(change.event_type).toBe('forum.state.changed');
		expect(post.correlation_id).toBe(change.correlation_id);
		expect(post.causation_id).toBe('answer-1');
		expect(change.causation_id).toBe(post.event_id);
		expect(change.command_id).toBe('answer-1');
	});

	it('returns the first result for a repeated command id and writes nothing', () => {
		const first = service.dispatch(ask({commandId: 'same-id'}));
		const before = eventTableChecksum(file);
		const second = service.dispatch(ask({commandId: 'same-id'}));
		expect(second).toMatchObject({ok: true, duplicate: true});
		expect(first.ok && second.ok && second.threadId).toBe(first.ok && first.threadId);
		expect(second.ok && second.events.map((e) => e.event_id)).toEqual(first.ok && first.events.map((e) => e.event_id));
		expect(eventTableChecksum(file)).toBe(before);
		expect(service.listThreads()).toHaveLength(1);
	});

	it('offers no handle on its store: writes go through dispatch or a named method', () => {
		// Not even inherited: a public getter on the class would make this true.
		expect('store' in service).toBe(false);
		expect((service as unknown as Record<string, unknown>)['store']).toBeUndefined();
	});

	it('batch commits many dispatches as one transaction, and a throw rolls all of them back', () => {
		const before = eventTableChecksum(file);
		expect(() =>
			service.batch(() => {
				mustOpen(service, {title: 'first of two'});
				mustOpen(service, {title: 'second of two'});
				throw new Error('stop');
			}),
		).toThrow('stop');
		expect(eventTableChecksum(file)).toBe(before);
		service.batch(() => [mustOpen(service, {title: 'kept one'}), mustOpen(service, {title: 'kept two'})]);
		expect(service.listThreads({}).map((thread) => thread.title).sort()).toEqual(['kept one', 'kept two']);
	});

	it('advanceCheckpoint moves a cursor only forward, and only when its work says done', () => {
		expect(service.advanceCheckpoint('reader', 5)).toBe('done');
		expect(service.checkpoint('reader')).toBe(5);
		expect(service.advanceCheckpoint('reader', 5, () => 'done')).toBe('moved');
		expect(service.advanceCheckpoint('reader', 9, () => 'changed')).toBe('changed');
		expect(service.checkpoint('reader')).toBe(5);
	});

	it('writes nothing for a refused command', () => {
		const id = mustOpen(service);
		service.dispatch({type: 'close', threadId: id, actor: ops});
		const before = eventTableChecksum(file);
		const refused = service.dispatch({type: 'post', threadId: id, body: 'still there?', actor: agent, commandId: 'late-post'});
		expect(refused).toMatchObject({ok: false, rejection: {code: 'thread_closed'}});
		expect(eventTableChecksum(file)).toBe(before);
		// The refused id was not recorded: nothing about it is stored.
		expect(withRawDb(file, (db) => db.prepare(`SELECT count(*) FROM forum_commands WHERE command_id = 'late-post'`).pluck().get())).toBe(0);
	});

	it('refuses a command for an unknown thread', () => {
		expect(service.dispatch({type: 'answer', threadId: 't-missing', body: 'x', actor: ops})).toMatchObject({ok: false, rejection: {code: 'unknown_thread'}});
	});
});

describe('projections', () => {
	it('equal a replay of all events after a mixed history', () => {
		const ids = Array.from({length: 5}, (_, i) => mustOpen(service, {ticket: `T-${i % 2}`, priority: i % 2 ? 'high' : 'low'}));
		for (const [i, id] of ids.entries()) {
			service.dispatch({type: 'assign', threadId: id, assignee: {type: 'human', name: `h${i}`}, note: 'n', actor: ops});
			service.dispatch({type: 'change_state', threadId: id, state: 'waiting_human', actor: ops});
			if (i % 2) service.dispatch({type: 'answer', threadId: id, body: 'ok', actor: ops});
			if (i % 3 === 0) service.dispatch({type: 'close', threadId: id, actor: ops});
			service.dispatch({type: 'change_priority', threadId: id, priority: 'urgent', actor: ops});
		}
		expect(service.verify().differences).toEqual([]);
		const before = JSON.stringify(service.listThreads({}));
		service.rebuild();
		expect(JSON.stringify(service.listThreads({}))).toBe(before);
		expect(service.verify().differences).toEqual([]);
	});

	it('a tampered projection row is reported by verify and repaired by rebuild', () => {
		const id = mustOpen(service);
		withRawDb(file, (db) => db.prepare("UPDATE forum_thread_views SET state = 'closed' WHERE thread_id = ?").run(id));
		const {differences} = service.verify();
		expect(differences).toHaveLength(1);
		expect(differences[0]).toMatchObject({table: 'forum_thread_views', key: id});
		service.rebuild();
		expect(service.verify().differences).toEqual([]);
		expect(service.getThread(id)!.thread.state).toBe('new');
	});

	it('keeps thread counts by state for status', () => {
		const a = mustOpen(service);
		mustOpen(service, {priority: 'urgent'});
		service.dispatch({type: 'answer', threadId: a, body: 'ok', actor: ops});
		const status = service.status();
		expect(status.total).toBe(2);
		expect(status.counts).toMatchObject({new: 1, answered: 1, closed: 0});
		expect(status.escalations).toBe(1);
	});
});

describe('the feed', () => {
	it('delivers this process’s commits to a subscriber', async () => {
		const seen: number[] = [];
		const unsubscribe = service.subscribe((events) => seen.push(...events.map((e) => e.sequence)), {after: 0});
		mustOpen(service);
		mustOpen(service);
		await expect.poll(() => seen, {timeout: 2000}).toEqual([1, 2]);
		unsubscribe();
	});

	it('delivers another connection’s commits within the poll interval', async () => {
		const other = new ForumService({db: file});
		const seen: string[] = [];
		const unsubscribe = service.subscribe((events) => seen.push(...events.map((e) => e.event_type)));
		try {
			mustOpen(other);
			await expect.poll(() => seen, {timeout: 2000, interval: 10}).toEqual(['forum.thread.opened']);
		} finally {
			unsubscribe();
			other.close();
		}
	});
});

describe('storage', () => {
	it('creates the database directory 0700 and the file 0600', () => {
		expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
		expect(fs.statSync(file).mode & 0o777).toBe(0o600);
	});

	it('refuses a database with a newer schema version, naming both versions', () => {
		service.close();
		const raw = new Database(file);
		raw.pragma('user_version = 99');
		raw.close();
		expect(() => new ForumService({db: file})).toThrowError(/schema version 99, newer than this metawsm knows \(\d+\)/);
		service = new ForumService({db: ':memory:'});
	});

	it('refuses a file that is not SQLite with a message that says so', () => {
		const junk = path.join(dir, 'junk.db');
		fs.writeFileSync(junk, 'this is not a database, just text '.repeat(100));
		let error: unknown;
		try {
			new ForumService({db: junk}).close();
		} catch (caught) {
			error = caught;
		}
		expect(error).toBeInstanceOf(ForumError);
		expect((error as ForumError).message).toMatch(/is not a metawsm forum database/);
		expect(fs.readFileSync(junk, 'utf8')).toBe('this is not a database, just text '.repeat(100));
	});
});
