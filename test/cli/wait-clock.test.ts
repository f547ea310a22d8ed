/**
 * #13 item 0 through the built CLI: WAIT and the SLA count from when the agent started waiting.
 * The question is asked 40 minutes ago through the library (a clock in the past, same file);
 * everything after goes through `metawsm` processes at the real time.
 */
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {ForumService} from '../../source/service/forum-service.js';
import {runCli, tempDir} from '../helpers/cli.js';

let cleanup: () => void;
let db: string;
let id: string;
const forum = (...args: string[]) => runCli(['forum', ...args, '--db', db], {env: {COLUMNS: '110', LINES: '20'}});

beforeEach(() => {
	let dir: string;
	({dir, cleanup} = tempDir());
	db = path.join(dir, 'forum.db');
	const past = new ForumService({db, clock: () => new Date(Date.now() - 40 * 60_000)});
	const result = past.dispatch({type: 'ask', ticket: 'OPS-7', agentName: 'builder', title: 'Waited forty', body: 'b', priority: 'normal', actor: {type: 'agent', name: 'builder'}});
	past.close();
	if (!result.ok) throw new Error(result.rejection.message);
	id = result.threadId;
});
afterEach(() => cleanup());

/** The list row of the thread: its priority cell (with the ! mark) and its WAIT. */
async function listRow(): Promise<string> {
	const result = await forum('list');
	expect(result.code).toBe(0);
	return result.stdout.split('\n').find((line) => line.startsWith(id))!;
}

describe('the wait clock through the CLI (SLA 30 minutes)', () => {
	it('assigning a thread that waited 40 minutes leaves it escalated with WAIT 40m', async () => {
		expect(await forum('assign', '--thread-id', id, '--assignee', 'ops', '--actor-type', 'operator', '--actor-name', 'ops')).toMatchObject({code: 0});
		expect(await listRow()).toMatch(/^\S+\s+!normal\s+new\s+OPS-7\s+builder\s+0\s+40m\s+ops\s+Waited forty$/);
		const status = JSON.parse((await forum('status', '--json')).stdout);
		expect(status.forum.escalations).toBe(1);
		expect(status.escalated[0]).toMatchObject({thread_id: id, waited_minutes: 40, minutes_past_sla: 10, assignee_name: 'ops'});
		expect((await forum('thread', '--thread-id', id)).stdout).toMatch(/ESCALATED .* waiting 40m/);
	});

	it('a priority change and an operator post do not reset it either', async () => {
		expect(await forum('priority', '--thread-id', id, '--priority', 'low', '--actor-type', 'operator', '--actor-name', 'ops')).toMatchObject({code: 0});
		expect(await forum('post', '--thread-id', id, '--body', 'Looking.', '--actor-type', 'operator', '--actor-name', 'ops')).toMatchObject({code: 0});
		// Low has the same 30 minutes here: still past it.
		expect(await listRow()).toMatch(/^\S+\s+!low\s+new .*\s1\s+40m\s+-\s+Waited forty$/);
		const json = JSON.parse((await forum('list', '--json')).stdout).threads[0];
		expect(json).toMatchObject({escalated: true});
		expect(Date.parse(json.updated_at) - Date.parse(json.waiting_since)).toBeGreaterThanOrEqual(40 * 60_000 - 1000);
	});

	it('the dashboard frame shows it escalated with WAIT 40m after the assignment', async () => {
		await forum('assign', '--thread-id', id, '--assignee', 'ops', '--actor-type', 'operator', '--actor-name', 'ops');
		const frame = (await forum('dash', '--once')).stdout.split('\n');
		expect(frame[0]).toContain('escalated 1');
		const row = frame.find((line) => line.includes('Waited forty'))!;
		expect(row).toMatch(/^▶•! normal\s+new\s+OPS-7\s+builder\s+Waited forty\s+0\s+40m\s+\+10m ops/);
	});

	it('an answer ends the wait: WAIT is - for an answered thread', async () => {
		await forum('answer', '--thread-id', id, '--body', 'Yes.', '--actor-type', 'operator', '--actor-name', 'ops');
		expect(await listRow()).toMatch(/^\S+\s+ normal\s+answered .*\s1\s+-\s+-\s+Waited forty$/);
	});
});
