/**
 * Two real `metawsm forum serve --sla-interval 1` processes on one database with
 * escalation_minutes 1: each breach gives exactly one forum.sla.escalation_requested event.
 *
 * No test waits 61 real seconds: the normal-priority thread is asked through the library with a
 * clock 61 s in the past (same database file), so it has "waited" 61 s when serve looks at it.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest';
import {ForumService} from '../../source/service/forum-service.js';
import {CLI, runCli, tempDir} from '../helpers/cli.js';

let dir: string;
let cleanup: () => void;
let db: string;
let policy: string;
const servers: {child: ChildProcess; stderr: string; exit: Promise<number | null>}[] = [];
const forum = (...args: string[]) => runCli(['forum', ...args, '--db', db, '--policy', policy], {cwd: dir});

function startServe(): (typeof servers)[number] {
	const child = spawn(process.execPath, [CLI, 'forum', 'serve', '--sla-interval', '1', '--db', db, '--policy', policy], {
		cwd: dir,
		env: {...process.env, METAWSM_ACTOR_NAME: 'serve'},
		stdio: ['ignore', 'ignore', 'pipe'],
	});
	const server = {child, stderr: '', exit: new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))};
	child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (server.stderr += chunk));
	servers.push(server);
	return server;
}

/** Escalation events per thread, read straight from the events table. */
function escalationsOf(threadId: string): number {
	const sqlite = new Database(db, {readonly: true, fileMustExist: true});
	try {
		sqlite.pragma('busy_timeout = 5000');
		return (sqlite.prepare(`SELECT COUNT(*) AS n FROM forum_events WHERE thread_id = ? AND event_type = 'forum.sla.escalation_requested'`).get(threadId) as {n: number}).n;
	} finally {
		sqlite.close();
	}
}

async function askCli(title: string, priority: string): Promise<string> {
	const result = await forum('ask', '--ticket', 'OPS-7', '--agent', 'builder', '--title', title, '--body', 'b', '--priority', priority);
	expect(result).toMatchObject({code: 0, stderr: ''});
	return result.stdout.trim();
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 3500)); // three more ticks of each server

let waitedLong: string;
let high: string;
let fresh: string;

beforeAll(async () => {
	({dir, cleanup} = tempDir());
	db = path.join(dir, 'forum.db');
	policy = path.join(dir, 'policy.json');
	fs.writeFileSync(policy, JSON.stringify({forum: {sla: {escalation_minutes: 1}}}));
	const past = new ForumService({db, clock: () => new Date(Date.now() - 61_000)});
	const asked = past.dispatch({type: 'ask', ticket: 'OPS-7', agentName: 'builder', title: 'Left waiting 61 s', body: 'b', priority: 'normal', actor: {type: 'agent', name: 'builder'}});
	past.close();
	if (!asked.ok) throw new Error(asked.rejection.message);
	waitedLong = asked.threadId;
	high = await askCli('High priority', 'high');
	fresh = await askCli('Asked just now', 'normal');
	startServe();
	startServe();
}, 30_000);

afterAll(async () => {
	for (const server of servers) if (server.child.exitCode === null) server.child.kill('SIGKILL');
	await Promise.all(servers.map((server) => server.exit));
	cleanup();
});

describe('two serve processes with escalation_minutes 1', () => {
	it('escalate a normal thread left waiting 61 s exactly once', async () => {
		await vi.waitFor(() => expect(escalationsOf(waitedLong)).toBeGreaterThan(0), {timeout: 15_000, interval: 100});
		await settle();
		expect(escalationsOf(waitedLong)).toBe(1);
	});

	it('escalate a high-priority thread exactly once', async () => {
		await vi.waitFor(() => expect(escalationsOf(high)).toBeGreaterThan(0), {timeout: 15_000, interval: 100});
		expect(escalationsOf(high)).toBe(1);
	});

	it('leave a normal thread inside its SLA alone', () => {
		expect(escalationsOf(fresh)).toBe(0);
	});

	it('log each escalation in exactly one of the two processes', () => {
		for (const id of [waitedLong, high]) {
			const logs = servers.map((server) => server.stderr.split('\n').filter((line) => line.endsWith(`sla: escalation requested for ${id}`)).length);
			expect(logs.reduce((sum, n) => sum + n, 0)).toBe(1);
		}
	});

	it('escalate a wait once: a move between waiting states does not escalate it again, a new wait does, once', async () => {
		expect((await forum('state', '--thread-id', high, '--state', 'triaged')).code).toBe(0);
		expect((await forum('state', '--thread-id', high, '--state', 'waiting_human')).code).toBe(0);
		await settle();
		expect(escalationsOf(high)).toBe(1);
		// The answer ends the wait; the agent's follow-up starts a new one.
		expect((await forum('answer', '--thread-id', high, '--body', 'Yes.', '--actor-type', 'operator', '--actor-name', 'ops')).code).toBe(0);
		expect((await forum('post', '--thread-id', high, '--body', 'Staging too?', '--actor-type', 'agent', '--actor-name', 'builder')).code).toBe(0);
		await vi.waitFor(() => expect(escalationsOf(high)).toBe(2), {timeout: 15_000, interval: 100});
		await settle();
		expect(escalationsOf(high)).toBe(2);
	});

	it('show the escalated threads in status, which fails on escalation when asked to', async () => {
		const status = await forum('status', '--fail-on-escalation');
		expect(status.code).toBe(1);
		expect(status.stdout).toContain(`  - forum thread=${waitedLong} state=new priority=normal title=Left waiting 61 s`);
		expect(status.stdout).toContain(`  - forum thread=${high} state=waiting_human priority=high title=High priority`);
		const json = JSON.parse((await forum('status', '--json')).stdout);
		expect(json.forum).toMatchObject({total: 3, new: 2, waiting_human: 1, escalations: 2});
		expect(json.escalated.find((thread: {thread_id: string}) => thread.thread_id === waitedLong)).toMatchObject({escalation_requested_at: expect.any(String), waited_minutes: expect.any(Number)});
	});

	it('stop cleanly on SIGTERM with exit 0', async () => {
		for (const server of servers) server.child.kill('SIGTERM');
		expect(await Promise.all(servers.map((server) => server.exit))).toEqual([0, 0]);
		for (const server of servers) {
			expect(server.stderr).toContain('serve: stopping');
			// No scheduler errors (a locked database, a refused dispatch) on the way.
			expect(server.stderr.split('\n').filter((line) => / sla: /.test(line) && !/ sla: escalation requested for /.test(line))).toEqual([]);
		}
	});
});
