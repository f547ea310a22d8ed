/**
 * Idle waiters: N `metawsm forum wait` processes on one database, idle, then answered. Their
 * CPU while idle (from /proc, after start-up) and how soon each returns after its answer.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {ForumService} from '../source/service/forum-service.js';
import {processCpuMs} from './proc.js';
import {median, percentile, round, verdict} from './stats.js';

type Row = [string, string, string, string];
const CLI = path.resolve('dist/cli.js');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
// V8's memory reducer runs a few GCs in each process in the ~30 s after its start: not idle cost.
const SETTLE_MS = Number(process.env['BENCH_SETTLE_MS'] ?? 30_000);
/** Answers this far apart: each return measures one wake, not a queue of 200 back-to-back commits. */
const ANSWER_GAP_MS = 25;

export interface IdleResult {
	waiters: number;
	idleSeconds: number;
	/** CPU of all waiters together over the idle span, as a share of one core (%). */
	cpuPercentOfCore: number;
	/** Answer committed to process exit, per waiter (ms); answers ANSWER_GAP_MS apart. */
	returnP50Ms: number;
	returnMaxMs: number;
	exitedOk: number;
}

/** `count` waiters idle for `idleSeconds`, then each thread answered. */
export async function measureIdleWaiters(dir: string, count: number, idleSeconds: number): Promise<IdleResult> {
	const file = path.join(dir, `waiters-${count}.db`);
	const forum = new ForumService({db: file});
	const ids: string[] = [];
	for (let i = 0; i < count; i++) {
		const asked = forum.dispatch({type: 'ask', ticket: `W-${i}`, agentName: 'builder', title: `wait ${i}`, body: 'b', priority: 'normal', actor: {type: 'agent', name: 'builder'}});
		if (!asked.ok) throw new Error(asked.rejection.message);
		ids.push(asked.threadId);
	}
	const children: ChildProcess[] = [];
	const exits: Promise<{code: number; at: number}>[] = [];
	try {
		for (const id of ids) {
			const child = spawn(process.execPath, [CLI, 'forum', 'wait', '--thread-id', id, '--timeout', '600', '--db', file], {stdio: ['ignore', 'ignore', 'ignore'], env: {...process.env, METAWSM_ACTOR_NAME: 'bench'}});
			children.push(child);
			exits.push(new Promise((resolve) => child.on('close', (code) => resolve({code: code ?? 1, at: performance.now()}))));
		}
		// Every waiter past its start-up: each holds the database open (its wait has begun).
		const holds = (pid: number) => {
			try {
				return fs.readdirSync(`/proc/${pid}/fd`).some((fd) => {
					try {
						return fs.readlinkSync(`/proc/${pid}/fd/${fd}`) === file;
					} catch {
						return false;
					}
				});
			} catch {
				return false;
			}
		};
		const deadline = Date.now() + 120_000;
		while (!children.every((child) => child.exitCode !== null || holds(child.pid!))) {
			if (Date.now() > deadline) throw new Error('the waiters did not start within 2 minutes');
			await sleep(100);
		}
		// Start-up's tail (lazy compilation, the first GCs) is not idle cost.
		await sleep(SETTLE_MS);
		const cpuOf = () => children.reduce((sum, child) => {
			try {
				return sum + processCpuMs(child.pid!);
			} catch {
				return sum;
			}
		}, 0);
		const before = cpuOf();
		await sleep(idleSeconds * 1000);
		const idleCpu = cpuOf() - before;
		const answeredAt: number[] = [];
		for (const id of ids) {
			forum.dispatch({type: 'answer', threadId: id, body: 'go', actor: {type: 'human', name: 'ops'}});
			answeredAt.push(performance.now());
			await sleep(ANSWER_GAP_MS);
		}
		const done = await Promise.all(exits);
		const returns = done.map((exit, index) => exit.at - answeredAt[index]!);
		return {
			waiters: count,
			idleSeconds,
			cpuPercentOfCore: round((idleCpu / (idleSeconds * 1000)) * 100, 2),
			returnP50Ms: round(median(returns), 1),
			returnMaxMs: round(percentile(returns, 100), 1),
			exitedOk: done.filter((exit) => exit.code === 0).length,
		};
	} finally {
		for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
		forum.close();
	}
}

export async function run(dir: string): Promise<{results: unknown; rows: Row[]}> {
	const runs = {50: [] as IdleResult[], 200: [] as IdleResult[]};
	for (let i = 0; i < 3; i++) runs[50].push(await measureIdleWaiters(dir, 50, 10));
	runs[200].push(await measureIdleWaiters(dir, 200, 10));
	const rows: Row[] = [];
	for (const [count, results] of Object.entries(runs)) {
		const cpu = median(results.map((r) => r.cpuPercentOfCore));
		const worst = Math.max(...results.map((r) => r.returnMaxMs));
		const ok = results.every((r) => r.exitedOk === r.waiters);
		rows.push([`${count} idle \`wait\` processes, CPU over 10 s (median of ${results.length})`, `${cpu} % of one core`, '≤ 5 %', verdict(cpu <= 5)]);
		rows.push([`  same, answer → each returns (answers ${ANSWER_GAP_MS} ms apart; max of ${results.length})`, `${worst} ms (p50 ${median(results.map((r) => r.returnP50Ms))} ms)${ok ? '' : ' — some failed'}`, '≤ 1000 ms', verdict(ok && worst <= 1000)]);
	}
	return {results: runs, rows};
}
