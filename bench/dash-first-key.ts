/**
 * The first key after opening a 10,000-thread database whose 5,000 escalations (the high and
 * urgent threads) are not recorded yet: the dashboard's SLA pass writes them while the operator
 * starts working. Measured in a real pseudo-terminal: `?` typed right after the first frame, to
 * the help overlay drawn. Each launch starts from a fresh copy, so every launch has the backlog.
 */
import fs from 'node:fs';
import path from 'node:path';
import {ForumService} from '../source/service/forum-service.js';
import {available, PtySession, screenText} from './proc.js';
import {seedForum} from './seed.js';
import {median, round, spread} from './stats.js';

type Row = [string, string, string, string];

const CLI = path.resolve('dist/cli.js');
const SIZE = {rows: 40, columns: 160};
const LAUNCHES = Number(process.env['BENCH_LAUNCHES'] ?? 7);
const TARGET_MS = 100;

function firstFrameDrawn(output: string): boolean {
	const tabs = output.indexOf('Needs human');
	return tabs >= 0 && output.indexOf('\x1b[?2026l', tabs) >= 0;
}

function unrecordedEscalations(file: string): number {
	const service = new ForumService({db: file, pollMs: 1000});
	try {
		const now = service.now();
		return service.listThreads({states: ['new', 'waiting_human']}).filter((t) => t.escalatedAt === null && (t.priority === 'high' || t.priority === 'urgent' || Date.parse(now) - Date.parse(t.waitingSince) >= 30 * 60_000)).length;
	} finally {
		service.close();
	}
}

export async function run(dir: string): Promise<{results: unknown; rows: Row[]}> {
	if (!available('script', ['--version'])) {
		return {results: {skipped: 'script (util-linux) is not installed'}, rows: [['dash first key', 'skipped: no `script`', '', '']]};
	}
	const seed = path.join(dir, 'first-key-seed.db');
	if (!fs.existsSync(seed)) seedForum(seed, {openThreads: 10_000, events: 10_000});
	// The control row: the same database with every escalation already recorded.
	if (process.env['BENCH_RECORDED'] === '1') {
		const {escalateDue} = await import('../source/service/escalation.js');
		const {localClient} = await import('../source/service/client.js');
		const client = localClient(new ForumService({db: seed, pollMs: 1000}));
		await escalateDue(client);
		await client.close();
	}
	const backlog = unrecordedEscalations(seed);
	const samples: number[] = [];
	for (let launch = 0; launch < LAUNCHES; launch++) {
		const file = path.join(dir, `first-key-${launch}.db`);
		fs.copyFileSync(seed, file);
		const session = new PtySession([process.execPath, CLI, 'forum', 'dash', '--db', file, '--no-bell', '--actor-name', 'bench'], SIZE);
		try {
			await session.when(() => firstFrameDrawn(session.output), 30_000);
			// BENCH_DELAY_MS: a control row, the same key later (the steady state).
			await new Promise((resolve) => setTimeout(resolve, Number(process.env['BENCH_DELAY_MS'] ?? 0)));
			const from = session.output.length;
			const pressed = session.type('?');
			const drawn = await session.when(() => screenText(session.output.slice(from)).includes('any key closes this help'), 30_000);
			samples.push(drawn - pressed);
			await session.stop('q');
		} finally {
			session.kill();
			fs.rmSync(file, {force: true});
			fs.rmSync(`${file}-wal`, {force: true});
			fs.rmSync(`${file}-shm`, {force: true});
		}
	}
	const result = {launches: LAUNCHES, backlog, medianMs: round(median(samples), 1), ...spread(samples.map((s) => round(s, 1))), samples: samples.map((s) => round(s, 1))};
	return {
		results: result,
		rows: [[`dash: first key (? → help drawn) after opening 10k threads with ${backlog} escalations unrecorded (${LAUNCHES} launches)`, `median ${result.medianMs} ms (${result.min}–${result.max})`, `≤ ${TARGET_MS} ms`, result.medianMs <= TARGET_MS ? 'ok' : 'MISS']],
	};
}

// `node --import tsx bench/dash-first-key.ts`: this row alone.
if (import.meta.url === `file://${process.argv[1]}`) {
	const {default: os} = await import('node:os');
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'metawsm-bench-first-key-'));
	try {
		const {results, rows} = await run(dir);
		console.log(JSON.stringify(results));
		for (const row of rows) console.log(row.join(' | '));
	} finally {
		fs.rmSync(dir, {recursive: true, force: true});
	}
}
