/** Importing the Go original's forum log: conversion rules, idempotence, a writer going on meanwhile. */
import path from 'node:path';
import Database from 'better-sqlite3';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {convertOriginalEvent, DEFAULT_IMPORT_BATCH, importCheckpointName} from '../../source/service/import.js';
import {importCommand} from '../../source/cli/commands/import.js';
import {ForumService} from '../../source/service/forum-service.js';
import type {OriginalEventRow} from '../../source/store/original.js';
import {tempDir} from '../helpers/cli.js';
import {makeOriginal, originalPost} from '../helpers/original.js';
import {withRawDb} from '../helpers/raw-db.js';

const row = (fields: Partial<OriginalEventRow>): OriginalEventRow => ({
	sequence: 1,
	event_id: 'e-1',
	event_type: 'forum.thread.opened',
	event_version: 1,
	occurred_at: '2026-02-08T18:35:18-08:00',
	thread_id: 'thr-1',
	run_id: '',
	ticket: 'OPS-7',
	agent_name: 'builder',
	actor_type: 'agent',
	actor_name: 'builder',
	correlation_id: 'c-1',
	causation_id: 'c-1',
	payload_json: '{"title":"t","body":"b","priority":"high"}',
	...fields,
});
const convert = (fields: Partial<OriginalEventRow>, isAnswer = false) => convertOriginalEvent(row(fields), {isAnswer, stateOf: () => 'waiting_human'});

describe('converting one original event', () => {
	it('keeps the event id, turns empty strings into null and offset times into UTC', () => {
		const result = convert({});
		expect(result).toMatchObject({ok: true, events: [{event_id: 'e-1', run_id: null, occurred_at: '2026-02-09T02:35:18.000Z', command_id: 'import:c-1', payload: {title: 't', body: 'b', priority: 'high'}}]});
	});

	it('a close is a state change to closed, then the close, both with ids derived from the original one', () => {
		const result = convert({event_id: 'e-9', event_type: 'forum.thread.closed', payload_json: '{"from_state":"triaged","to_state":"closed"}'});
		expect(result.ok && result.events.map((e) => [e.event_id, e.event_type, e.payload])).toEqual([
			['e-9', 'forum.state.changed', {from_state: 'triaged', to_state: 'closed'}],
			['e-9:closed', 'forum.thread.closed', {}],
		]);
	});

	it('a close without from_state takes the thread’s current state', () => {
		const result = convert({event_type: 'forum.thread.closed', payload_json: '{"from_state":"","to_state":"closed"}'});
		expect(result.ok && result.events[0]!.payload).toEqual({from_state: 'waiting_human', to_state: 'closed'});
	});

	it('priority changes use this project’s {from, to}', () => {
		const result = convert({event_type: 'forum.priority.changed', payload_json: '{"from_priority":"normal","to_priority":"URGENT"}'});
		expect(result.ok && result.events[0]!.payload).toEqual({from: 'normal', to: 'urgent'});
	});

	it('an assignment from nobody has a null from', () => {
		const result = convert({event_type: 'forum.assigned', payload_json: '{"from_assignee_type":"","from_assignee_name":"","to_assignee_type":"operator","to_assignee_name":"ops","note":""}'});
		expect(result.ok && result.events[0]!.payload).toEqual({from_assignee_type: null, from_assignee_name: null, to_assignee_type: 'operator', to_assignee_name: 'ops', note: ''});
	});

	it('the post of an original answer is marked as a text answer; other posts are plain', () => {
		const answer = convert({event_type: 'forum.post.added', payload_json: '{"body":"yes"}'}, true);
		expect(answer.ok && answer.events[0]!.payload).toEqual({body: 'yes', answer: {kind: 'text', choice: null, approved: null, amends: null}});
		const plain = convert({event_type: 'forum.post.added', payload_json: '{"body":"why?"}'});
		expect(plain.ok && plain.events[0]!.payload).toEqual({body: 'why?'});
	});

	it('leaves out docs-sync requests, unknown types, unreadable times and payloads', () => {
		expect(convert({event_type: 'forum.integration.docs_sync.requested', payload_json: '{}'})).toEqual({ok: false, reason: 'docs_sync_request'});
		expect(convert({event_type: 'forum.something.new'})).toEqual({ok: false, reason: 'unknown_event_type'});
		expect(convert({occurred_at: 'yesterday'})).toEqual({ok: false, reason: 'unreadable_time'});
		expect(convert({payload_json: '[1]'})).toEqual({ok: false, reason: 'unreadable_payload'});
	});
});

it('import --help states the batch size the importer uses', () => {
	expect(importCommand.flags['batch']!.description).toContain(`default ${DEFAULT_IMPORT_BATCH})`);
});

describe('importing an original database', () => {
	let dir: string;
	let cleanup: () => void;
	let original: string;
	let service: ForumService;
	beforeEach(() => {
		({dir, cleanup} = tempDir());
		original = path.join(dir, 'metawsm.db');
		makeOriginal(original);
		service = new ForumService({db: path.join(dir, 'forum.db')});
	});
	afterEach(() => {
		service.close();
		cleanup();
	});

	it('keeps up with an original that goes on writing between batches, and a re-run adds nothing', async () => {
		let written = 0;
		const summary = await service.importOriginal(original, {
			batchSize: 3,
			onBatch: () => {
				if (written < 4) originalPost(original, {eventId: `e-late-${++written}`, threadId: 'thr-ops7', body: `late ${written}`, at: '2026-02-08T20:00:00-08:00'});
			},
		});
		expect(summary.checkpoint).toBe(18);
		expect(summary.read).toBe(18);
		expect(service.getThread('thr-ops7')!.posts.map((p) => p.body).slice(-4)).toEqual(['late 1', 'late 2', 'late 3', 'late 4']);
		expect(service.checkpoint(importCheckpointName(original))).toBe(18);
		const again = await service.importOriginal(original);
		expect(again).toMatchObject({read: 0, imported: 0});
		expect(service.verify().differences).toEqual([]);
	});

	it('without its checkpoint (or from a copy of the file), event ids still keep a re-import from adding anything', async () => {
		await service.importOriginal(original);
		const events = service.lastSequence();
		withRawDb(service.file, (db) => db.prepare(`DELETE FROM forum_checkpoints`).run());
		const again = await service.importOriginal(original);
		expect(again.read).toBe(14);
		expect(again.imported).toBe(0);
		expect(service.lastSequence()).toBe(events);
	});

	it('a thread id this forum already uses is left alone, with every original event on it', async () => {
		service.dispatch({type: 'ask', threadId: 'thr-ops7', ticket: 'MINE-1', agentName: 'me', title: 'mine', body: 'mine', priority: 'low', actor: {type: 'agent', name: 'me'}});
		const summary = await service.importOriginal(original);
		// All nine of its events (the docs-sync request too).
		expect(summary.skipped['thread_id_taken']).toBe(9);
		const mine = service.getThread('thr-ops7')!;
		expect(mine.thread).toMatchObject({ticket: 'MINE-1', state: 'new', priority: 'low'});
		expect(mine.posts).toEqual([]);
		expect(service.getThread('thr-api31')!.thread.state).toBe('closed');
	});

	it('holds the write lock for a short time per batch on a large original', async () => {
		const db = new Database(original);
		const insert = db.prepare(
			`INSERT INTO forum_events (event_id, event_type, event_version, occurred_at, thread_id, run_id, ticket, agent_name, actor_type, actor_name, correlation_id, causation_id, payload_json)
			 VALUES (?, 'forum.post.added', 1, '2026-02-09T13:00:00Z', 'thr-web2', '', 'WEB-2', 'frontend', 'operator', 'ops', ?, ?, ?)`,
		);
		db.transaction(() => {
			for (let i = 0; i < 20_000; i++) insert.run(`e-bulk-${i}`, `c-bulk-${i}`, `c-bulk-${i}`, JSON.stringify({body: `post ${i}`}));
		})();
		db.close();
		const summary = await service.importOriginal(original);
		console.info(`imported ${summary.imported} events in ${summary.batches} batches, ${Math.round(summary.ms)} ms; longest write transaction ${summary.longestBatchMs.toFixed(1)} ms`);
		expect(summary.imported).toBe(14 + 20_000);
		// Well under agents' 5 s busy timeout.
		expect(summary.longestBatchMs).toBeLessThan(500);
	});
});
