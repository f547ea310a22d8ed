import {spawn, type ChildProcessWithoutNullStreams} from 'node:child_process';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {deleteEvents, insertBadEvent, NOT_JSON} from '../helpers/bad-events.js';
import {CLI, runCli, tempDir} from '../helpers/cli.js';

let cleanup: () => void;
let db: string;
const children: ChildProcessWithoutNullStreams[] = [];
const forum = (...args: string[]) => runCli(['forum', ...args, '--db', db]);

beforeEach(() => {
	let dir: string;
	({dir, cleanup} = tempDir());
	db = path.join(dir, 'forum.db');
});
afterEach(() => {
	for (const child of children.splice(0)) child.kill('SIGKILL');
	cleanup();
});

/** Start the CLI as a long-running process; collect its output. */
function start(...args: string[]): {child: ChildProcessWithoutNullStreams; stdout: () => string; stderr: () => string; exited: Promise<number>} {
	const child = spawn(process.execPath, [CLI, 'forum', ...args, '--db', db], {env: {...process.env, METAWSM_ACTOR_NAME: 'tester'}});
	children.push(child);
	let stdout = '';
	let stderr = '';
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
	child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
	const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
	return {child, stdout: () => stdout, stderr: () => stderr, exited};
}

async function ask(threadId = 't-badevents1'): Promise<string> {
	const result = await forum('ask', '--ticket', 'OPS-7', '--title', 'May I?', '--body', 'Please.', '--thread-id', threadId);
	expect(result.code).toBe(0);
	return threadId;
}

async function post(threadId: string, body: string): Promise<void> {
	expect((await forum('post', '--thread-id', threadId, '--body', body)).code).toBe(0);
}

/** A thread with a post, then the three kinds of bad row, then another post; returns the bad sequences. */
async function threadWithBadEvents(): Promise<{threadId: string; bad: number[]}> {
	const threadId = await ask();
	await post(threadId, 'before the bad rows');
	const bad = [
		insertBadEvent(db, {threadId, payloadJson: NOT_JSON}),
		insertBadEvent(db, {threadId, eventType: 'forum.bogus', payloadJson: '{}'}),
		insertBadEvent(db, {threadId, payloadJson: '{}'}),
	];
	await post(threadId, 'after the bad rows');
	return {threadId, bad};
}

describe('a bad event in the log', () => {
	it('does not stop ask --wait from returning the answer given after it', async () => {
		const waiting = start('ask', '--ticket', 'OPS-7', '--title', 'Proceed?', '--body', 'Need a yes', '--wait', '--timeout', '20', '--thread-id', 't-waiting1');
		await expect.poll(() => waiting.stderr(), {timeout: 10_000, interval: 20}).toContain('waiting for an answer');
		// Let the waiter take its cursor, so it has to read past the bad row.
		await new Promise((resolve) => setTimeout(resolve, 500));
		const bad = insertBadEvent(db, {threadId: 't-waiting1', payloadJson: NOT_JSON});
		expect((await forum('answer', '--thread-id', 't-waiting1', '--body', 'Yes, go ahead.')).code).toBe(0);
		expect(await waiting.exited).toBe(0);
		expect(waiting.stdout()).toContain('Yes, go ahead.');
		expect(waiting.stderr()).toContain(`warning: skipped event #${bad} (forum.post.added): payload_json does not parse`);
	});

	it('does not silence watch --follow: it prints the events after it', async () => {
		const threadId = await ask();
		const watch = start('watch', '--follow', '--json');
		await new Promise((resolve) => setTimeout(resolve, 500));
		insertBadEvent(db, {threadId, payloadJson: NOT_JSON});
		await post(threadId, 'after the bad row');
		await expect.poll(() => watch.stdout(), {timeout: 5000, interval: 20}).toContain('after the bad row');
		watch.child.kill('SIGTERM');
		expect(await watch.exited).toBe(0);
	});

	it('is skipped by text watch, which exits 0 and prints the events around it', async () => {
		await threadWithBadEvents();
		const result = await forum('watch');
		expect(result.code).toBe(0);
		const lines = result.stdout.trim().split('\n');
		expect(lines).toHaveLength(3);
		expect(lines[1]).toContain('before the bad rows');
		expect(lines[2]).toContain('after the bad rows');
	});

	it('gets one warning line per bad event on stderr, naming its sequence, type and reason', async () => {
		const {bad} = await threadWithBadEvents();
		const result = await forum('watch');
		expect(result.stderr.trim().split('\n')).toEqual([
			`metawsm forum watch: warning: skipped event #${bad[0]} (forum.post.added): payload_json does not parse`,
			`metawsm forum watch: warning: skipped event #${bad[1]} (forum.bogus): unknown event type`,
			`metawsm forum watch: warning: skipped event #${bad[2]} (forum.post.added): payload has no body`,
		]);
	});

	it('leaves watch --json stdout as clean NDJSON of the good events', async () => {
		await threadWithBadEvents();
		const result = await forum('watch', '--json');
		expect(result.code).toBe(0);
		const events = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
		expect(events.map((event) => event.event_type)).toEqual(['forum.thread.opened', 'forum.post.added', 'forum.post.added']);
		expect(JSON.parse(result.stderr.trim().split('\n')[0]!)).toMatchObject({warning: {code: 'bad_event', reason: 'payload_json does not parse'}});
	});

	it('does not make rebuild fail: it replays the good events and says how many it skipped', async () => {
		await threadWithBadEvents();
		const result = await forum('rebuild');
		expect(result.code).toBe(0);
		expect(result.stdout).toBe('rebuilt projections from 3 events; skipped 3 bad events (see rebuild --verify)\n');
	});

	it('makes rebuild --verify exit 1 and name it', async () => {
		const {bad} = await threadWithBadEvents();
		const result = await forum('rebuild', '--verify');
		expect(result.code).toBe(1);
		expect(result.stdout).toContain(`bad event #${bad[0]} (forum.post.added): payload_json does not parse`);
		expect(result.stdout).toContain(`bad event #${bad[1]} (forum.bogus): unknown event type`);
		expect(result.stdout).toContain(`bad event #${bad[2]} (forum.post.added): payload has no body`);
	});
});

describe('rebuild --verify', () => {
	it('exits 1 and reports a gap left by deleted events', async () => {
		const threadId = await ask();
		for (const body of ['one', 'two', 'three', 'four']) await post(threadId, body);
		deleteEvents(db, 2, 4);
		const result = await forum('rebuild', '--verify');
		expect(result.code).toBe(1);
		expect(result.stdout).toContain('gap: sequences 2–4 missing');
	});

	it('with --json lists bad events and gaps as arrays', async () => {
		const {bad} = await threadWithBadEvents();
		deleteEvents(db, 2);
		const result = await forum('rebuild', '--verify', '--json');
		expect(result.code).toBe(1);
		const report = JSON.parse(result.stdout);
		expect(report).toMatchObject({clean: false, gaps: [{first: 2, last: 2}]});
		expect(report.bad_events).toEqual([
			{sequence: bad[0], event_type: 'forum.post.added', reason: 'payload_json does not parse'},
			{sequence: bad[1], event_type: 'forum.bogus', reason: 'unknown event type'},
			{sequence: bad[2], event_type: 'forum.post.added', reason: 'payload has no body'},
		]);
	});

	it('exits 0 on a log with neither bad events nor gaps', async () => {
		const threadId = await ask();
		await post(threadId, 'one');
		const result = await forum('rebuild', '--verify', '--json');
		expect(result.code).toBe(0);
		expect(JSON.parse(result.stdout)).toMatchObject({clean: true, bad_events: [], gaps: [], differences: []});
	});
});
