/** Schema 3: databases written before answers were records keep their answers; every new event shape replays identically. */
import path from 'node:path';
import Database from 'better-sqlite3';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {decisionOf} from '../../source/forum/answers.js';
import {ForumService} from '../../source/service/forum-service.js';
import {MIGRATIONS} from '../../source/store/migrations.js';
import {tempDir} from '../helpers/cli.js';

let dir: string;
let cleanup: () => void;
let file: string;

beforeEach(() => {
	({dir, cleanup} = tempDir());
	file = path.join(dir, 'forum.db');
});
afterEach(() => cleanup());

const envelope = (sequence: number, type: string, payload: unknown, correlation: string) => ({
	sequence,
	event_id: `e-${sequence}`,
	event_type: type,
	event_version: 1,
	occurred_at: `2026-11-20T10:00:0${sequence}.000Z`,
	thread_id: 't-old',
	run_id: null,
	ticket: 'OPS-1',
	agent_name: 'builder',
	actor_type: sequence === 1 ? 'agent' : 'operator',
	actor_name: sequence === 1 ? 'builder' : 'ops',
	correlation_id: correlation,
	causation_id: correlation,
	command_id: correlation,
	payload_json: JSON.stringify(payload),
});

/** A version-1 database: a question, a clarifying post, then an answer (post + state change sharing a correlation id). */
function writeVersionOne(): void {
	const raw = new Database(file);
	raw.exec(MIGRATIONS[0] as string);
	raw.pragma('user_version = 1');
	const insert = raw.prepare(
		`INSERT INTO forum_events (sequence, event_id, event_type, event_version, occurred_at, thread_id, run_id, ticket, agent_name, actor_type, actor_name, correlation_id, causation_id, command_id, payload_json)
		 VALUES (@sequence, @event_id, @event_type, @event_version, @occurred_at, @thread_id, @run_id, @ticket, @agent_name, @actor_type, @actor_name, @correlation_id, @causation_id, @command_id, @payload_json)`,
	);
	insert.run(envelope(1, 'forum.thread.opened', {title: 'Drop it?', body: 'No reads.', priority: 'normal'}, 'c-1'));
	insert.run(envelope(2, 'forum.post.added', {body: 'Which environment?'}, 'c-2'));
	insert.run(envelope(3, 'forum.post.added', {body: 'Yes, production.'}, 'c-3'));
	insert.run(envelope(4, 'forum.state.changed', {from_state: 'new', to_state: 'answered'}, 'c-3'));
	raw.close();
}

describe('upgrading a version-1 database', () => {
	it('marks the old answer post as the decision, not the clarifying post', () => {
		writeVersionOne();
		const service = new ForumService({db: file});
		try {
			const detail = service.getThread('t-old')!;
			expect(decisionOf(detail.thread)).toMatchObject({kind: 'text', body: 'Yes, production.', author: {type: 'operator', name: 'ops'}});
			expect(detail.posts.map((post) => post.answer !== null)).toEqual([false, true]);
			expect(service.verify().differences).toEqual([]);
		} finally {
			service.close();
		}
	});
});

describe('rebuild --verify after every new event shape', () => {
	it('replays choices, approvals, amendments and follow-ups into identical projections', () => {
		const service = new ForumService({db: file});
		const operator = {type: 'operator' as const, name: 'ops'};
		const agent = {type: 'agent' as const, name: 'builder'};
		try {
			const open = (question: Parameters<ForumService['dispatch']>[0] & {type: 'ask'}) => {
				const result = service.dispatch(question);
				if (!result.ok) throw new Error(result.rejection.message);
				return result.threadId;
			};
			const base = {type: 'ask' as const, ticket: 'OPS-2', agentName: 'builder', title: 'Q', body: 'B', priority: 'normal' as const, actor: agent};
			const choice = open({...base, question: {kind: 'choice', choices: ['A', 'B'], recommended: 2}});
			const approval = open({...base, question: {kind: 'approval'}});
			const text = open(base);
			const steps = [
				service.dispatch({type: 'answer', threadId: choice, body: '', choice: 1, actor: operator}),
				service.dispatch({type: 'answer', threadId: choice, body: 'B after all', choice: 'b', amend: true, actor: operator}),
				service.dispatch({type: 'answer', threadId: approval, body: 'no', approved: false, actor: operator}),
				service.dispatch({type: 'post', threadId: approval, body: 'Why not?', actor: agent}),
				service.dispatch({type: 'answer', threadId: approval, body: '', approved: true, actor: operator}),
				service.dispatch({type: 'answer', threadId: text, body: 'Sure.', actor: operator}),
				service.dispatch({type: 'close', threadId: text, actor: operator}),
			];
			expect(steps.map((step) => step.ok)).toEqual(steps.map(() => true));
			const before = service.listThreads({}).map((thread) => [thread.id, decisionOf(thread)]);
			expect(service.verify().differences).toEqual([]);
			service.rebuild();
			expect(service.listThreads({}).map((thread) => [thread.id, decisionOf(thread)])).toEqual(before);
			expect(decisionOf(service.getThread(choice)!.thread)).toMatchObject({choice: {index: 2, label: 'B'}, amendments: 1});
			expect(decisionOf(service.getThread(approval)!.thread)).toMatchObject({approved: true, amendments: 0});
		} finally {
			service.close();
		}
	});
});
