import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {runCli, tempDir} from '../helpers/cli.js';

let dir: string;
let cleanup: () => void;
let db: string;
const forum = (...args: string[]) => runCli(['forum', ...args, '--db', db]);

beforeAll(() => {
	({dir, cleanup} = tempDir());
	db = path.join(dir, 'forum.db');
});
afterAll(() => cleanup());

describe('ask → list → answer → thread → close, in text', () => {
	let id = '';

	it('ask prints the new thread id only', async () => {
		const result = await forum('ask', '--ticket', 'OPS-7', '--agent', 'builder', '--title', 'May I drop legacy_users?', '--body', 'No reads for 90 days.', '--priority', ' HIGH ');
		expect(result).toMatchObject({code: 0, stderr: ''});
		id = result.stdout.trim();
		expect(id).toMatch(/^t-[0-9a-z]{10}$/);
	});

	it('list shows it with priority, state, ticket, agent and title', async () => {
		const result = await forum('list');
		expect(result.code).toBe(0);
		const row = result.stdout.split('\n').find((line) => line.startsWith(id))!;
		expect(row).toMatch(/!high\s+new\s+OPS-7\s+builder\s+0\s+\d+s\s+-\s+May I drop legacy_users\?/);
	});

	it('answer moves it to answered and thread shows the answer', async () => {
		expect(await forum('answer', '--thread-id', id, '--body', 'Yes, production only.')).toMatchObject({code: 0, stdout: `answered ${id}\n`});
		const shown = await forum('thread', '--thread-id', id);
		expect(shown.code).toBe(0);
		expect(shown.stdout).toContain('state answered');
		expect(shown.stdout).toContain('operator tester answered:\n    Yes, production only.');
		expect(shown.stdout).toContain('new → answered by operator tester');
	});

	it('close makes it closed', async () => {
		expect(await forum('close', '--thread-id', id)).toMatchObject({code: 0, stdout: `closed ${id}\n`});
		expect((await forum('thread', '--thread-id', id)).stdout).toContain('state closed');
		expect((await forum('list')).stdout).toBe('no threads\n');
		expect((await forum('list', '--all')).stdout).toContain(id);
	});
});

describe('ask → list → answer → thread → close, in JSON', () => {
	it('round-trips every step as JSON', async () => {
		const asked = JSON.parse((await forum('ask', '--json', '--ticket', 'API-31', '--agent', 'tester', '--title', 'Retry or quarantine?', '--body', 'Flaky.')).stdout);
		expect(asked).toMatchObject({ok: true, duplicate: false, thread: {state: 'new', priority: 'normal', ticket: 'API-31'}});
		const id: string = asked.thread_id;
		expect(asked.events).toHaveLength(1);
		expect(asked.events[0]).toMatchObject({sequence: expect.any(Number), event_type: 'forum.thread.opened', event_version: 1, command_id: asked.command_id});

		const listed = JSON.parse((await forum('list', '--json')).stdout);
		expect(listed.threads.map((t: {thread_id: string}) => t.thread_id)).toContain(id);

		const answered = JSON.parse((await forum('answer', '--json', '--thread-id', id, '--body', 'Quarantine it.')).stdout);
		expect(answered.events.map((e: {event_type: string}) => e.event_type)).toEqual([
			'forum.post.added',
			'forum.state.changed',
			'forum.integration.docs_sync.requested',
		]);
		expect(answered.thread.state).toBe('answered');

		const detail = JSON.parse((await forum('thread', '--json', '--thread-id', id)).stdout);
		expect(detail).toMatchObject({state: 'answered', posts: [{author_type: 'operator', body: 'Quarantine it.'}], transitions: [{from_state: 'new', to_state: 'answered'}]});

		const closed = JSON.parse((await forum('close', '--json', '--thread-id', id)).stdout);
		expect(closed.thread.state).toBe('closed');
		expect(JSON.parse((await forum('thread', '--json', '--thread-id', id)).stdout).state).toBe('closed');
	});
});

describe('assign, state, priority, post', () => {
	it('each changes the thread and shows in thread --json', async () => {
		const id = (await forum('ask', '--ticket', 'WEB-2', '--title', 'Icon set?', '--body', 'Which one?')).stdout.trim();
		expect((await forum('assign', '--thread-id', id, '--assignee', 'alice', '--assignee-type', 'human', '--note', 'design')).code).toBe(0);
		expect((await forum('state', '--thread-id', id, '--state', 'waiting_human')).code).toBe(0);
		expect((await forum('priority', '--thread-id', id, '--priority', 'urgent')).code).toBe(0);
		expect((await forum('post', '--thread-id', id, '--body', 'Any news?')).code).toBe(0);
		const detail = JSON.parse((await forum('thread', '--json', '--thread-id', id)).stdout);
		expect(detail).toMatchObject({
			state: 'waiting_human',
			priority: 'urgent',
			assignee_type: 'human',
			assignee_name: 'alice',
			posts_count: 1,
			assignments: [{to_name: 'alice', note: 'design'}],
		});
	});

	it('a move to the current state writes nothing and says so', async () => {
		const id = (await forum('ask', '--ticket', 'WEB-3', '--title', 'Q', '--body', 'B')).stdout.trim();
		const before = (await forum('watch', '--json')).stdout.split('\n').length;
		expect(await forum('state', '--thread-id', id, '--state', 'new')).toMatchObject({code: 0, stderr: 'note: no change; nothing written\n'});
		expect((await forum('watch', '--json')).stdout.split('\n').length).toBe(before);
	});
});
