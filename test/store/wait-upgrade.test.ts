/** Schema 5: the wait clock is derived from the events on upgrade (the original's data has no such field). */
import path from 'node:path';
import Database from 'better-sqlite3';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {parsePolicy} from '../../source/policy/policy.js';
import {ForumService} from '../../source/service/forum-service.js';
import {MIGRATIONS} from '../../source/store/migrations.js';
import {escalatedSql, queueOrderSql} from '../../source/store/store.js';
import {tempDir} from '../helpers/cli.js';
import {withRawDb} from '../helpers/raw-db.js';

let cleanup: () => void;
let file: string;

beforeEach(() => {
	let dir: string;
	({dir, cleanup} = tempDir());
	file = path.join(dir, 'forum.db');
});
afterEach(() => cleanup());

const at = (minute: number) => new Date(Date.parse('2026-11-20T10:00:00.000Z') + minute * 60_000).toISOString();

/** A schema-4 database holding only events (as an import of the original's log leaves them before projection). */
function writeSchemaFour(events: [minute: number, type: string, payload: unknown, actor: 'agent' | 'operator'][]): void {
	const raw = new Database(file);
	for (const migration of MIGRATIONS.slice(0, 4)) {
		if (typeof migration === 'string') raw.exec(migration);
		else migration(raw);
	}
	raw.pragma('user_version = 4');
	const insert = raw.prepare(
		`INSERT INTO forum_events (event_id, event_type, event_version, occurred_at, thread_id, run_id, ticket, agent_name, actor_type, actor_name, correlation_id, causation_id, command_id, payload_json)
		 VALUES (?, ?, 1, ?, 't-old', NULL, 'OPS-1', 'builder', ?, ?, ?, ?, ?, ?)`,
	);
	events.forEach(([minute, type, payload, actor], index) => {
		const id = `c-${index}`;
		insert.run(`e-${index}`, type, at(minute), actor, actor === 'agent' ? 'builder' : 'ops', id, id, id, JSON.stringify(payload));
	});
	raw.close();
}

describe('upgrading to schema 5', () => {
	it('derives waiting_since from the events: the follow-up, not the later assignment', () => {
		writeSchemaFour([
			[0, 'forum.thread.opened', {title: 'Drop it?', body: 'No reads.', priority: 'normal'}, 'agent'],
			[5, 'forum.post.added', {body: 'Yes.', answer: {kind: 'text', choice: null, approved: null, amends: null}}, 'operator'],
			[5, 'forum.state.changed', {from_state: 'new', to_state: 'answered'}, 'operator'],
			[20, 'forum.post.added', {body: 'Staging too?'}, 'agent'],
			[20, 'forum.state.changed', {from_state: 'answered', to_state: 'waiting_human'}, 'agent'],
			[50, 'forum.assigned', {from_assignee_type: null, from_assignee_name: null, to_assignee_type: 'operator', to_assignee_name: 'ops', note: ''}, 'operator'],
		]);
		const service = new ForumService({db: file, policy: parsePolicy({}), clock: () => new Date(at(60))});
		try {
			const thread = service.getThread('t-old')!.thread;
			expect(thread).toMatchObject({waitingSince: at(20), updatedAt: at(50), state: 'waiting_human'});
			expect(service.status().escalations).toBe(1);
			expect(service.verify().differences).toEqual([]);
		} finally {
			service.close();
		}
	});

	it('answers the SLA pass and the queue order from the wait index', () => {
		const service = new ForumService({db: file});
		try {
			const now = new Date().toISOString();
			const due = escalatedSql({now, sla: service.sla});
			const plan = (sql: string, params: string[]) =>
				withRawDb(file, (db) =>
					db
						.prepare(`EXPLAIN QUERY PLAN ${sql}`)
						.all(...params)
						.map((row) => (row as {detail: string}).detail)
						.join('\n'),
				);
			expect(plan(`SELECT thread_id FROM forum_thread_views v WHERE v.escalated_at IS NULL AND ${due.sql}`, due.params)).toMatch(/USING INDEX forum_thread_views_by_wait/);
			const order = queueOrderSql();
			expect(plan(`SELECT thread_id FROM forum_thread_views v WHERE v.state IN ('new', 'waiting_human') ORDER BY ${order.sql}`, order.params)).toMatch(/USING INDEX forum_thread_views_by_(wait|state)/);
		} finally {
			service.close();
		}
	});
});
