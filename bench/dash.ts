/**
 * The dashboard through a real pseudo-terminal (util-linux `script`), on 10k open threads:
 * process start to first frame, event-to-screen latency from a writer in another process,
 * key press to committed and redrawn, idle CPU over 30 s, resident memory.
 */
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import Database from 'better-sqlite3';
import {ForumService} from '../source/service/forum-service.js';
import {available, epochMs, processCpuMs, processMemoryMb, PtySession, screenText} from './proc.js';
import {seedForum} from './seed.js';
import {median, percentile, round, spread, verdict} from './stats.js';

type Row = [string, string, string, string];

const CLI = path.resolve('dist/cli.js');
const SIZE = {rows: 40, columns: 160};
const OPEN_STATES = ['new', 'triaged', 'waiting_operator', 'waiting_human', 'answered'] as const;
const LAUNCHES = 5;
const EVENTS = 20;
const KEYS = 15;
const IDLE_SECONDS = 30;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ms = (value: number) => round(value, 1);

/** The end of the first complete frame: Ink wraps each frame in a synchronized update (?2026h … ?2026l). */
function firstFrameDrawn(output: string): boolean {
	const tabs = output.indexOf('Needs human');
	return tabs >= 0 && output.indexOf('\x1b[?2026l', tabs) >= 0;
}

/** A database with 10k open threads: a copy of run.ts's seed when there is one. */
function prepareDatabase(dir: string): string {
	const file = path.join(dir, 'dash.db');
	const seed = path.join(dir, 'seed.db');
	if (fs.existsSync(seed)) fs.copyFileSync(seed, file);
	else seedForum(file, {openThreads: 10_000, events: 100_000});
	return file;
}

export async function run(dir: string): Promise<{results: unknown; rows: Row[]}> {
	if (!available('script', ['--version'])) {
		console.warn('skipping the dashboard benchmark: `script` (util-linux) is not installed');
		return {results: {skipped: 'script (util-linux) is not installed'}, rows: [['dashboard', 'skipped: no `script` for a pseudo-terminal', '', '']]};
	}
	const file = prepareDatabase(dir);
	const probe = new ForumService({db: file, pollMs: 1000});
	const openThreads = probe.listThreads({states: OPEN_STATES}).length;
	probe.close();
	const command = [process.execPath, CLI, 'forum', 'dash', '--db', file, '--no-bell', '--actor-name', 'bench'];

	// 1. Process start to first frame, over several launches (the disk cache is warm after the first).
	const firstFrame: number[] = [];
	const firstFrameRss: number[] = [];
	let live: PtySession | undefined;
	try {
		for (let launch = 0; launch < LAUNCHES; launch++) {
			const session = new PtySession(command, SIZE);
			try {
				const drawn = await session.when(() => firstFrameDrawn(session.output), 30_000);
				firstFrame.push(drawn - session.startedAt);
				firstFrameRss.push(processMemoryMb(session.programPid()).rssMb);
			} catch (error) {
				session.kill();
				throw error;
			}
			if (launch < LAUNCHES - 1) {
				const code = await session.stop('q');
				if (code !== 0) throw new Error(`the dashboard exited with ${code} on q`);
			} else live = session;
		}
		const session = live!;
		const pid = session.programPid();

		// 2. Idle: nothing happens for 30 s; CPU time from /proc (10 ms ticks). First the SLA
		// scheduler (started 1 s after the first frame) records its escalations of the seeded
		// threads, thousands at once; wait until no event is written for two of its intervals.
		const settled = await quiet(file, 11_000, 120_000);
		const cpuBefore = processCpuMs(pid);
		const idleStart = epochMs();
		await sleep(IDLE_SECONDS * 1000);
		const idleCpuPercent = ((processCpuMs(pid) - cpuBefore) / (epochMs() - idleStart)) * 100;
		const memory = processMemoryMb(pid);

		// 3. Event to screen: a filter keeps the writer's threads on screen among 10k others.
		session.type('/');
		await sleep(300);
		session.type('zqx\r');
		await sleep(500);
		const writer = spawn(process.execPath, ['--import', 'tsx', path.resolve('bench/dash-writer.ts'), file], {stdio: ['pipe', 'pipe', 'inherit']});
		const commits = new Map<string, number>();
		const lines = readline.createInterface({input: writer.stdout!});
		const committed = new Map<string, (at: number) => void>();
		let ready!: () => void;
		const writerReady = new Promise<void>((resolve) => (ready = resolve));
		lines.on('line', (line) => {
			if (line === 'ready') return ready();
			const [title, at] = [line.slice(0, line.lastIndexOf(' ')), Number(line.slice(line.lastIndexOf(' ') + 1))];
			commits.set(title, at);
			committed.get(title)?.(at);
		});
		const eventToScreen: number[] = [];
		try {
			await writerReady;
			for (let i = 0; i < EVENTS; i++) {
				const title = `zqx-${String(i).padStart(3, '0')}`;
				const from = session.output.length;
				const commitAt = new Promise<number>((resolve) => committed.set(title, resolve));
				const seen = session.when(() => screenText(session.output.slice(from)).includes(title), 10_000);
				writer.stdin!.write(`${title}\n`);
				eventToScreen.push((await seen) - (await commitAt));
				// Not in step with the dashboard's poll interval.
				await sleep(150 + Math.random() * 200);
			}
		} finally {
			writer.stdin!.end();
			await new Promise((resolve) => writer.once('exit', resolve));
		}

		// 4. Key press to committed and redrawn: `p` opens the priority menu, `1` commits "low" and
		// the notice "<ticket> priority low" is drawn. `g` first selects the top (still urgent) thread.
		const keyToScreen: number[] = [];
		let unchanged = 0;
		for (let i = 0; i < KEYS; i++) {
			session.type('g');
			await sleep(150);
			session.type('p');
			await sleep(250);
			const from = session.output.length;
			const pressed = session.type('1');
			const drawn = await session.when(() => /D-\d+ priority low/.test(screenText(session.output.slice(from))), 5000);
			if (/priority low \(no change\)/.test(screenText(session.output.slice(from)))) unchanged++;
			else keyToScreen.push(drawn - pressed);
			await sleep(200);
		}
		const check = new Database(file, {readonly: true});
		const priorityEvents = check
			.prepare("SELECT count(*) FROM forum_events WHERE event_type = 'forum.priority.changed' AND actor_name = 'bench'")
			.pluck()
			.get() as number;
		check.close();
		if (priorityEvents !== keyToScreen.length) throw new Error(`${keyToScreen.length} priority changes drawn but ${priorityEvents} committed`);

		const code = await session.stop('q');
		live = undefined;
		if (code !== 0) throw new Error(`the dashboard exited with ${code} on q`);

		const results = {
			openThreads,
			terminal: SIZE,
			firstFrame: {runs: LAUNCHES, medianMs: ms(median(firstFrame)), ...mapSpread(firstFrame), samplesMs: firstFrame.map(ms)},
			eventToScreen: {samples: eventToScreen.length, p50Ms: ms(percentile(eventToScreen, 50)), p95Ms: ms(percentile(eventToScreen, 95)), ...mapSpread(eventToScreen)},
			keyToRedraw: {samples: keyToScreen.length, unchanged, committed: priorityEvents, medianMs: ms(median(keyToScreen)), p95Ms: ms(percentile(keyToScreen, 95)), ...mapSpread(keyToScreen)},
			idle: {seconds: IDLE_SECONDS, cpuPercent: round(idleCpuPercent, 2), settledAfterMs: Math.round(settled.ms), eventsBeforeIdle: settled.events},
			memory: {firstFrameRssMb: round(median(firstFrameRss), 1), rssMb: round(memory.rssMb, 1), peakMb: round(memory.peakMb, 1)},
		};
		const rows: Row[] = [
			[`dash first frame, ${openThreads} open threads (median of ${LAUNCHES})`, `${results.firstFrame.medianMs} ms (${results.firstFrame.minMs}–${results.firstFrame.maxMs})`, '≤ 300 ms', verdict(results.firstFrame.medianMs <= 300)],
			['dash event → screen, writer in another process', `p50 ${results.eventToScreen.p50Ms} ms, p95 ${results.eventToScreen.p95Ms} ms (n=${eventToScreen.length})`, 'p95 ≤ 30 ms', verdict(results.eventToScreen.p95Ms <= 30)],
			['dash key → committed and redrawn', `median ${results.keyToRedraw.medianMs} ms, p95 ${results.keyToRedraw.p95Ms} ms (n=${keyToScreen.length})`, '≤ 50 ms', verdict(results.keyToRedraw.medianMs <= 50)],
			[`dash idle CPU over ${IDLE_SECONDS} s`, `${results.idle.cpuPercent} %`, '≤ 0.5 %', verdict(results.idle.cpuPercent <= 0.5)],
			[`dash RSS, ${openThreads} open threads`, `${results.memory.rssMb} MB (peak ${results.memory.peakMb} MB)`, '≤ 150 MB', verdict(results.memory.peakMb <= 150)],
		];
		return {results, rows};
	} finally {
		live?.kill();
	}
}

/** Wait until the database's last sequence stays put for `quietMs`; how long it took and how many events came. */
async function quiet(file: string, quietMs: number, timeoutMs: number): Promise<{ms: number; events: number}> {
	const service = new ForumService({db: file, pollMs: 1000});
	try {
		const start = epochMs();
		const first = service.lastSequence();
		let last = first;
		let since = start;
		while (epochMs() - since < quietMs) {
			if (epochMs() - start > timeoutMs) throw new Error(`the database never went quiet in ${timeoutMs} ms`);
			await sleep(500);
			const now = service.lastSequence();
			if (now !== last) [last, since] = [now, epochMs()];
		}
		return {ms: since - start, events: last - first};
	} finally {
		service.close();
	}
}

function mapSpread(samples: number[]) {
	const {min, max} = spread(samples);
	return {minMs: ms(min), maxMs: ms(max)};
}
