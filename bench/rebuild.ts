/**
 * rebuild without stopping the forum: the longest a writer in another process waits while
 * `rebuild` replays ~350k events (100k closed + 10k open threads), and `rebuild --verify`'s
 * time and peak memory on the same database.
 */
import {spawn, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import {ForumService} from '../source/service/forum-service.js';
import {seedFast} from './seed-fast.js';
import {median, percentile, round, verdict} from './stats.js';

type Row = [string, string, string, string];
const CLI = path.resolve('dist/cli.js');
const RUNS = 3;

export async function run(dir: string): Promise<{results: unknown; rows: Row[]}> {
	const file = path.join(dir, 'rebuild.db');
	const reused = path.join(dir, 'history-10k+100k.db');
	if (fs.existsSync(reused)) fs.copyFileSync(reused, file);
	else await seedFast(file, dir, {open: 10_000, closed: 100_000});
	const probe = new ForumService({db: file});
	const events = probe.lastSequence();
	probe.close();

	const longest: number[] = [];
	const seconds: number[] = [];
	const all: number[] = [];
	const holds: number[] = [];
	const steps: Record<string, number>[] = [];
	for (let i = 0; i < RUNS; i++) {
		const writer = spawn(process.execPath, ['--import', 'tsx', path.resolve('bench/rebuild-writer.ts'), file], {stdio: ['pipe', 'pipe', 'inherit']});
		const lines = readline.createInterface({input: writer.stdout!});
		const output: string[] = [];
		const ready = new Promise<void>((resolve) => lines.on('line', (line) => (line === 'ready' ? resolve() : output.push(line))));
		const exited = new Promise((resolve) => writer.once('exit', resolve));
		await ready;
		const started = performance.now();
		const rebuilt = spawnSync(process.execPath, [CLI, 'forum', 'rebuild', '--json', '--db', file], {encoding: 'utf8'});
		seconds.push((performance.now() - started) / 1000);
		writer.stdin!.end();
		await exited;
		if (rebuilt.status !== 0) throw new Error(`rebuild failed: ${rebuilt.stderr}`);
		const report = JSON.parse(rebuilt.stdout) as {longest_lock_ms: number; longest_lock_by_step_ms?: Record<string, number>};
		holds.push(report.longest_lock_ms);
		steps.push(report.longest_lock_by_step_ms ?? {});
		const waits = JSON.parse(output.at(-1)!) as number[];
		all.push(...waits);
		longest.push(Math.max(...waits));
	}

	const verify = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, CLI, 'forum', 'rebuild', '--verify', '--db', file], {encoding: 'utf8'});
	const [verifySeconds, peakKb] = verify.stderr.trim().split('\n').at(-1)!.split(' ').map(Number) as [number, number];
	const results = {
		events,
		runs: RUNS,
		writes: all.length,
		writerP99Ms: round(percentile(all, 99), 1),
		longestLockHoldMs: holds,
		longestLockByStepMs: steps,
		longestWriterWaitMs: longest.map((ms) => round(ms, 1)),
		rebuildSeconds: seconds.map((s) => round(s, 1)),
		verify: {exit: verify.status, seconds: verifySeconds, peakRssMb: round(peakKb / 1024, 1)},
	};
	const worst = Math.max(...longest);
	return {
		results,
		rows: [
			[`rebuild of ${Math.round(events / 1000)}k events: longest write-lock hold (max of ${RUNS} runs)`, `${round(Math.max(...holds), 1)} ms (median of runs ${round(median(holds), 1)} ms; by step, worst run: ${Object.entries(steps[holds.indexOf(Math.max(...holds))] ?? {}).map(([step, value]) => `${step} ${value}`).join(', ')})`, '≤ 100 ms', verdict(Math.max(...holds) <= 100)],
			[`  same, longest wait of a concurrent writer (max of ${RUNS} runs, ${all.length} writes)`, `${round(worst, 1)} ms (median of runs ${round(median(longest), 1)} ms); rebuild ${round(median(seconds), 1)} s`, '≤ 100 ms', verdict(worst <= 100)],
			[`rebuild --verify of ${Math.round(events / 1000)}k events: time / peak RSS`, `${verifySeconds} s / ${round(peakKb / 1024, 1)} MB${verify.status === 0 ? '' : ` (exit ${verify.status})`}`, 'report (was 24 s / 770 MB at 600k)', ''],
			[`  writer dispatch p99 during the rebuild`, `${round(percentile(all, 99), 1)} ms`, 'report', ''],
		],
	};
}
