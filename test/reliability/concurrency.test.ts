/**
 * Issue 6.1: concurrent writers. 8 processes × 500 mixed commands (ask, post, answer, state,
 * priority, assign, close; every 10th applied command retried with its id) through their own
 * ForumService on one database, plus 2 shells driving the real CLI at the same time, while a
 * `watch --follow` process reads. Asserts: no command lost or applied twice, sequence gap-free,
 * no SQLITE_BUSY (or any error) surfaced, `rebuild --verify` clean, and the watcher saw every
 * event exactly once, in order. (test/e2e/concurrency.test.ts covers 8 × 50 CLI asks.)
 */
import {spawn, type ChildProcessWithoutNullStreams} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ForumService} from '../../source/service/forum-service.js';
import {runCli, tempDir} from '../helpers/cli.js';
import {buildWorker, CLI, exited, figure, startNode, until} from './support.js';

const WORKERS = 8;
const COMMANDS_EACH = 500;
const CLI_SHELLS = 2;
const CLI_THREADS_EACH = 3;
/** Each CLI thread: ask, post, priority, assign, state, answer, answer again (same id), close. */
const CLI_COMMANDS_PER_THREAD = 8;
/** ask 1 + post 1 + priority 1 + assign 1 + state 1 + answer 3 (post, state, docs-sync) + retry 0 + close 3 (state, closed, docs-sync). */
const CLI_EVENTS_PER_THREAD = 11;
const SHARED = Array.from({length: WORKERS}, (_, i) => `shared-${i}`);

interface WorkerReport {
	prefix: string;
	ms: number;
	dispatched: number;
	outcomes: {commandId: string; ok: boolean; events: number[]; duplicateOk?: boolean}[];
	errors: string[];
}

let dir: string;
let cleanup: () => void;
let db: string;
let worker: string;
let watcher: ChildProcessWithoutNullStreams | undefined;
let watched = '';
let reports: WorkerReport[] = [];
let shells: {code: number; stderr: string}[] = [];
let wallMs = 0;

function eventRows(): {sequence: number; command_id: string}[] {
	const raw = new Database(db, {readonly: true});
	try {
		return raw.prepare('SELECT sequence, command_id FROM forum_events ORDER BY sequence').all() as {sequence: number; command_id: string}[];
	} finally {
		raw.close();
	}
}

/** One shell running the CLI's write commands on its own threads, with a retried answer. */
function cliShell(shell: number): Promise<{code: number; stderr: string}> {
	const cli = `"${process.execPath}" "${CLI}" forum`;
	const lines: string[] = ['set -u', `db="${db}"`];
	for (let t = 0; t < CLI_THREADS_EACH; t++) {
		const id = `cli-${shell}-t${t}`;
		const run = (step: string, args: string) => lines.push(`${cli} ${args} --db "$db" --command-id ${id}-${step} >/dev/null || echo "${id} ${step} exited $?" >&2`);
		run('ask', `ask --thread-id ${id} --ticket CLI-${shell} --title "cli question" --body "from shell ${shell}"`);
		run('post', `post --thread-id ${id} --body "more detail"`);
		run('priority', `priority --thread-id ${id} --priority high`);
		run('assign', `assign --thread-id ${id} --assignee alice --assignee-type human`);
		run('state', `state --thread-id ${id} --state waiting_human`);
		run('answer', `answer --thread-id ${id} --body "go ahead"`);
		run('answer', `answer --thread-id ${id} --body "go ahead"`);
		run('close', `close --thread-id ${id}`);
	}
	return new Promise((resolve) => {
		const child = spawn('bash', ['-c', lines.join('\n')], {env: {...process.env, METAWSM_ACTOR_NAME: `shell${shell}`}});
		let stderr = '';
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
		child.on('close', (code) => resolve({code: code ?? 1, stderr}));
	});
}

function runWorker(index: number): Promise<WorkerReport> {
	const child = startNode([worker, db, `w${index}`, String(7000 + index), String(COMMANDS_EACH), SHARED.join(',')]);
	let stdout = '';
	let stderr = '';
	child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
	child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
	return exited(child).then((code) => {
		if (code !== 0) throw new Error(`worker ${index} exited ${code}: ${stderr}`);
		return JSON.parse(stdout) as WorkerReport;
	});
}

beforeAll(async () => {
	({dir, cleanup} = tempDir('metawsm-concurrency-'));
	db = path.join(dir, 'forum.db');
	worker = await buildWorker('mixed-writer');
	const service = new ForumService({db});
	for (const threadId of SHARED) {
		service.dispatch({type: 'ask', threadId, ticket: 'SHARED', agentName: 'builder', title: 'shared', body: 'everyone writes here', priority: 'normal', actor: {type: 'agent', name: 'builder'}});
	}
	service.close();

	watcher = spawn(process.execPath, [CLI, 'forum', 'watch', '--follow', '--json', '--cursor', '0', '--db', db], {env: process.env});
	watcher.stdout.setEncoding('utf8').on('data', (chunk: string) => (watched += chunk));
	// The watcher is live once it has printed the backlog.
	await until(() => watched.split('\n').filter(Boolean).length, SHARED.length);

	const started = performance.now();
	[reports, shells] = await Promise.all([
		Promise.all(Array.from({length: WORKERS}, (_, i) => runWorker(i))),
		Promise.all(Array.from({length: CLI_SHELLS}, (_, i) => cliShell(i))),
	]);
	wallMs = performance.now() - started;
}, 240_000);

afterAll(() => {
	watcher?.kill('SIGKILL');
	cleanup();
	if (worker) fs.rmSync(worker, {force: true});
});

describe(`${WORKERS} processes × ${COMMANDS_EACH} mixed commands, plus the CLI, on one database`, () => {
	it('surfaces no error to any writer: no SQLITE_BUSY, no lock timeout', () => {
		for (const report of reports) expect(report.errors).toEqual([]);
		shells.forEach((shell, i) => {
			expect(shell.code).toBe(0);
			// The only thing on stderr: the retried answer's note, once per thread.
			expect(shell.stderr).toBe(Array.from({length: CLI_THREADS_EACH}, (_, t) => `note: command cli-${i}-t${t}-answer was already applied; nothing written\n`).join(''));
		});
		const dispatched = reports.reduce((sum, report) => sum + report.dispatched, 0);
		const events = eventRows().length;
		figure('concurrency', {
			workers: WORKERS,
			commandsEach: COMMANDS_EACH,
			dispatchedInclRetries: dispatched,
			cliCommands: CLI_SHELLS * CLI_THREADS_EACH * CLI_COMMANDS_PER_THREAD,
			events,
			wallSeconds: Math.round(wallMs / 100) / 10,
			slowestWorkerSeconds: Math.max(...reports.map((report) => report.ms)) / 1000,
			workerDispatchesPerSecond: Math.round(dispatched / (Math.max(...reports.map((report) => report.ms)) / 1000)),
		});
	});

	it('applies every command exactly once: each command id holds exactly the events its caller was told', () => {
		const byCommand = new Map<string, number[]>();
		for (const row of eventRows()) byCommand.set(row.command_id, [...(byCommand.get(row.command_id) ?? []), row.sequence]);
		let applied = 0;
		for (const report of reports) {
			expect(report.outcomes).toHaveLength(COMMANDS_EACH);
			for (const outcome of report.outcomes) {
				expect(byCommand.get(outcome.commandId) ?? []).toEqual(outcome.events);
				if (outcome.events.length > 0) applied++;
			}
		}
		for (let shell = 0; shell < CLI_SHELLS; shell++) {
			for (let t = 0; t < CLI_THREADS_EACH; t++) {
				const id = `cli-${shell}-t${t}`;
				const counts = ['ask', 'post', 'priority', 'assign', 'state', 'answer', 'close'].map((step) => byCommand.get(`${id}-${step}`)?.length ?? 0);
				expect(counts).toEqual([1, 1, 1, 1, 1, 3, 3]);
			}
		}
		const raw = new Database(db, {readonly: true});
		try {
			const recorded = raw.prepare('SELECT COUNT(*) AS n FROM forum_commands').get() as {n: number};
			expect(recorded.n).toBe(SHARED.length + applied + CLI_SHELLS * CLI_THREADS_EACH * 7);
		} finally {
			raw.close();
		}
		// The mix must reach the interesting places, or the test proves little.
		expect(applied).toBeGreaterThan(WORKERS * COMMANDS_EACH * 0.5);
	});

	it('a retried command id returns the first result and writes nothing', () => {
		const retried = reports.flatMap((report) => report.outcomes.filter((outcome) => outcome.duplicateOk !== undefined));
		expect(retried.length).toBeGreaterThan(WORKERS * 10);
		expect(retried.filter((outcome) => outcome.duplicateOk !== true)).toEqual([]);
	});

	it('numbers all events 1..N with no gap or duplicate, and N is the sum of what writers were told', () => {
		const sequences = eventRows().map((row) => row.sequence);
		expect(sequences.every((sequence, index) => sequence === index + 1)).toBe(true);
		const told = reports.reduce((sum, report) => sum + report.outcomes.reduce((n, outcome) => n + outcome.events.length, 0), 0);
		expect(sequences.length).toBe(SHARED.length + told + CLI_SHELLS * CLI_THREADS_EACH * CLI_EVENTS_PER_THREAD);
	});

	it('rebuild --verify is clean', async () => {
		const result = await runCli(['forum', 'rebuild', '--verify', '--db', db]);
		expect(result).toMatchObject({code: 0, stderr: '', stdout: `verified ${eventRows().length} events: projections match a replay\n`});
	});

	it('a long-running watch --follow saw every event exactly once, in order', async () => {
		const total = eventRows().length;
		await expect.poll(() => watched.split('\n').filter(Boolean).length, {timeout: 15_000, interval: 50}).toBe(total);
		const sequences = watched
			.split('\n')
			.filter(Boolean)
			.map((line) => (JSON.parse(line) as {sequence: number}).sequence);
		expect(sequences).toEqual(Array.from({length: total}, (_, i) => i + 1));
		watcher!.kill('SIGTERM');
		expect(await exited(watcher!)).toBe(0);
		figure('watch --follow lines', sequences.length);
	});
});
