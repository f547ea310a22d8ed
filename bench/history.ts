/**
 * Cost that follows the queue, not the history: the dashboard on the same open threads with
 * and without 100k closed ones (first frame and resident memory, several launches each), and
 * `status` at 100k open threads.
 */
import {spawnSync} from 'node:child_process';
import path from 'node:path';
import {ForumService} from '../source/service/forum-service.js';
import {available, measureProcess, processMemoryMb, PtySession} from './proc.js';
import {seedFast} from './seed-fast.js';
import {median, round, timeMs, verdict} from './stats.js';

type Row = [string, string, string, string];
const CLI = path.resolve('dist/cli.js');
const SIZE = {rows: 40, columns: 160};
const LAUNCHES = 3;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const firstFrameDrawn = (output: string) => {
	const tabs = output.indexOf('Needs human');
	return tabs >= 0 && output.indexOf('\x1b[?2026l', tabs) >= 0;
};

export interface DashCost {
	firstFrameMs: number;
	/** Resident memory 3 s after the first frame (the first page of closed threads loaded), MB. */
	rssMb: number;
}

/** Median first frame and resident memory of the live dashboard over LAUNCHES launches. */
export async function dashCost(file: string): Promise<DashCost> {
	const frames: number[] = [];
	const rss: number[] = [];
	for (let launch = 0; launch < LAUNCHES; launch++) {
		const session = new PtySession([process.execPath, CLI, 'forum', 'dash', '--db', file, '--no-bell', '--actor-name', 'bench'], SIZE);
		try {
			frames.push((await session.when(() => firstFrameDrawn(session.output), 60_000)) - session.startedAt);
			await sleep(3000);
			rss.push(processMemoryMb(session.programPid()).rssMb);
		} finally {
			if ((await session.stop('q')) !== 0) session.kill();
		}
	}
	return {firstFrameMs: round(median(frames), 1), rssMb: round(median(rss), 1)};
}

export async function run(dir: string): Promise<{results: unknown; rows: Row[]}> {
	const rows: Row[] = [];
	const results: Record<string, unknown> = {};
	const seeded = async (name: string, open: number, closed: number) => {
		const file = path.join(dir, `history-${name}.db`);
		const started = Date.now();
		await seedFast(file, dir, {open, closed});
		results[`seed-${name}`] = {open, closed, seconds: (Date.now() - started) / 1000};
		return file;
	};
	if (available('script', ['--version'])) {
		const costs: Record<string, DashCost> = {};
		for (const [name, open, closed] of [
			['1k', 1000, 0],
			['1k+99k', 1000, 99_000],
			['10k', 10_000, 0],
			['10k+100k', 10_000, 100_000],
		] as const) {
			costs[name] = await dashCost(await seeded(name, open, closed));
		}
		results['dash'] = costs;
		const ratio = (a: string, b: string) => round(costs[a]!.rssMb / costs[b]!.rssMb, 2);
		rows.push([`dashboard RSS, 1k open + 99k closed vs 1k open (median of ${LAUNCHES})`, `${ratio('1k+99k', '1k')}× (${costs['1k+99k']!.rssMb} vs ${costs['1k']!.rssMb} MB)`, '≤ 1.2×', verdict(ratio('1k+99k', '1k') <= 1.2)]);
		rows.push([`dashboard RSS, 10k open + 100k closed (median of ${LAUNCHES})`, `${costs['10k+100k']!.rssMb} MB; ${ratio('10k+100k', '10k')}× of 10k open alone (${costs['10k']!.rssMb} MB)`, '≤ 120 MB and ≤ 1.2×', verdict(costs['10k+100k']!.rssMb <= 120 && ratio('10k+100k', '10k') <= 1.2)]);
		for (const name of ['10k', '10k+100k']) {
			rows.push([`dashboard first frame, ${name === '10k' ? '10k open' : '10k open + 100k closed'} (median of ${LAUNCHES})`, `${costs[name]!.firstFrameMs} ms`, '≤ 300 ms', verdict(costs[name]!.firstFrameMs <= 300)]);
		}
	} else {
		rows.push(['dashboard history', 'skipped: no `script` for a pseudo-terminal', '', '']);
	}

	// status at 100k open threads, asked over the last 2 hours (about half past their SLA).
	const file = await seeded('100k-open', 100_000, 0);
	const service = new ForumService({db: file});
	let escalations = 0;
	const inProcess: number[] = [];
	try {
		service.status();
		for (let i = 0; i < 10; i++) inProcess.push(timeMs(() => (escalations = service.status().escalations)));
	} finally {
		service.close();
	}
	const cli: number[] = [];
	for (let i = 0; i < 5; i++) cli.push(measureProcess(process.execPath, [CLI, 'forum', 'status', '--db', file]).wallMs);
	const node: number[] = [];
	for (let i = 0; i < 5; i++) node.push(measureProcess(process.execPath, ['-e', '0']).wallMs);
	results['status'] = {open: 100_000, escalations, inProcessMedianMs: round(median(inProcess), 1), cliMedianMs: round(median(cli), 1), nodeMedianMs: round(median(node), 1)};
	rows.push([`status at 100k open (${escalations} escalated), CLI wall (median of 5)`, `${round(median(cli), 1)} ms (node -e 0: ${round(median(node), 1)} ms; in-process ${round(median(inProcess), 1)} ms)`, '≤ 200 ms', verdict(median(cli) <= 200)]);
	// Not needed again: free the disk for the next section.
	spawnSync('rm', ['-f', file, `${file}-wal`, `${file}-shm`]);
	return {results, rows};
}
