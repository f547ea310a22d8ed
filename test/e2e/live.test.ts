import {spawn, type ChildProcessWithoutNullStreams} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {CLI, ROOT, runCli, tempDir} from '../helpers/cli.js';

let dir: string;
let cleanup: () => void;
let db: string;
const children: ChildProcessWithoutNullStreams[] = [];

beforeAll(() => {
	({dir, cleanup} = tempDir());
	db = path.join(dir, 'forum.db');
});
afterAll(() => {
	for (const child of children) child.kill('SIGKILL');
	cleanup();
});

/** Start the CLI as a long-running process and collect its stdout. */
function start(args: string[]): {child: ChildProcessWithoutNullStreams; output: () => string; exited: Promise<number>} {
	const child = spawn(process.execPath, [CLI, 'forum', ...args, '--db', db], {env: {...process.env, METAWSM_ACTOR_NAME: 'tester'}});
	children.push(child);
	let stdout = '';
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
	const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
	return {child, output: () => stdout, exited};
}

describe('watch --follow', () => {
	it('prints an event written by another process', async () => {
		await runCli(['forum', 'ask', '--db', db, '--ticket', 'W-0', '--title', 'before', '--body', 'old']);
		const watch = start(['watch', '--follow', '--json']);
		// Give the watcher time to open the database and take its cursor.
		await new Promise((resolve) => setTimeout(resolve, 500));
		const id = (await runCli(['forum', 'ask', '--db', db, '--ticket', 'W-1', '--title', 'live', '--body', 'new'])).stdout.trim();
		await expect.poll(() => watch.output(), {timeout: 5000, interval: 20}).toContain(id);
		const lines = watch.output().trim().split('\n').map((line) => JSON.parse(line));
		expect(lines).toHaveLength(1);
		expect(lines[0]).toMatchObject({event_type: 'forum.thread.opened', thread_id: id});
		watch.child.kill('SIGTERM');
		expect(await watch.exited).toBe(0);
	});

	it('starts after --cursor and prints backlog then live events, in order, once each', async () => {
		const watch = start(['watch', '--follow', '--json', '--cursor', '0']);
		await runCli(['forum', 'ask', '--db', db, '--ticket', 'W-2', '--title', 'more', '--body', 'x']);
		await expect.poll(() => watch.output().trim().split('\n').length, {timeout: 5000, interval: 20}).toBe(3);
		const sequences = watch.output().trim().split('\n').map((line) => JSON.parse(line).sequence);
		expect(sequences).toEqual([1, 2, 3]);
		watch.child.kill('SIGINT');
		expect(await watch.exited).toBe(0);
	});
});

describe('ask --wait', () => {
	it('blocks until another process answers, then prints the answer body', async () => {
		const waiting = start(['ask', '--ticket', 'WAIT-1', '--title', 'Proceed?', '--body', 'Need a yes', '--wait', '--timeout', '30', '--thread-id', 't-waiting1']);
		await expect.poll(async () => (await runCli(['forum', 'list', '--db', db, '--json', '--ticket', 'WAIT-1'])).stdout, {timeout: 5000}).toContain('t-waiting1');
		const answer = await runCli(['forum', 'answer', '--db', db, '--thread-id', 't-waiting1', '--body', 'Yes, go ahead.']);
		expect(answer.code).toBe(0);
		expect(await waiting.exited).toBe(0);
		expect(waiting.output()).toBe('Yes, go ahead.\n');
	});

	it('exits 124 with a clear message when the timeout passes first', async () => {
		const result = await runCli(['forum', 'ask', '--db', db, '--ticket', 'WAIT-2', '--title', 'Q', '--body', 'B', '--wait', '--timeout', '0.5', '--thread-id', 't-waiting2']);
		expect(result.code).toBe(124);
		expect(result.stdout).toBe('');
		expect(result.stderr).toMatch(/no answer on thread t-waiting2 after 0\.5 s; it stays open/);
	});

	it('returns at once when the thread is already answered (a retried ask with the same command id)', async () => {
		const args = ['forum', 'ask', '--db', db, '--ticket', 'WAIT-3', '--title', 'Q', '--body', 'B', '--command-id', 'wait-3'];
		const id = (await runCli(args)).stdout.trim();
		await runCli(['forum', 'answer', '--db', db, '--thread-id', id, '--body', 'Already done.']);
		const retried = await runCli([...args, '--wait', '--timeout', '5', '--json']);
		expect(retried.code).toBe(0);
		expect(JSON.parse(retried.stdout)).toMatchObject({status: 'answered', thread_id: id, decision: {kind: 'text', body: 'Already done.', author: {type: 'operator'}}, thread: {state: 'answered'}});
	});
});

describe('the agent-facing CLI bundle', () => {
	it('never loads ink or react: no static import chain from dist/cli.js reaches them', () => {
		const seen = new Set<string>();
		const visit = (file: string) => {
			if (seen.has(file)) return;
			seen.add(file);
			const text = fs.readFileSync(file, 'utf8');
			for (const match of text.matchAll(/^(?:import|export)\s[^;]*?from\s*"(\.\/[^"]+)"/gms)) visit(path.join(path.dirname(file), match[1]!));
		};
		visit(path.join(ROOT, 'dist', 'cli.js'));
		const statics = [...seen].map((file) => fs.readFileSync(file, 'utf8')).join('\n');
		expect(seen.size).toBeGreaterThan(0);
		expect(statics).not.toMatch(/node_modules\/(ink|react|react-reconciler|yoga-layout)\//);
		expect(statics).toMatch(/node_modules\/meow\//);
	});
});
