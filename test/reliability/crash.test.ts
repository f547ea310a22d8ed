/**
 * Issue 6.2: crash safety. A child process dispatches a deterministic plan of mixed commands
 * through ForumService in a tight synchronous loop and is SIGKILLed at a random moment, 50
 * times on one database. After every kill: PRAGMA integrity_check is ok; every command's events
 * are all present or all absent (compared with the count an in-memory replay of the same plan
 * gives); sequences are gap-free; projections equal a replay (ForumService.verify()).
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ForumService} from '../../source/service/forum-service.js';
import {tempDir} from '../helpers/cli.js';
import {buildWorker, exited, figure, startNode, waitForLine} from './support.js';
import {commandPlan, makeRng} from './workers/plan.js';

const ROUNDS = 50;
/** The kill lands this long after the worker reports ready (its loop starts then). */
const KILL_AFTER_MS = {min: 5, max: 150};

let dir: string;
let cleanup: () => void;
let db: string;
let worker: string;

beforeAll(async () => {
	({dir, cleanup} = tempDir('metawsm-crash-'));
	db = path.join(dir, 'forum.db');
	worker = await buildWorker('crash-writer');
}, 60_000);
afterAll(() => {
	cleanup();
	if (worker) fs.rmSync(worker, {force: true});
});

/** How many events each command of a plan writes, by index, from a replay on a private in-memory forum. */
function expectedEvents(prefix: string, seed: number, upTo: number): number[] {
	const service = new ForumService({db: ':memory:'});
	try {
		const counts: number[] = [];
		for (const command of commandPlan({prefix, seed})) {
			if (counts.length > upTo) break;
			const result = service.dispatch(command);
			counts.push(result.ok ? result.events.length : 0);
		}
		return counts;
	} finally {
		service.close();
	}
}

interface CommandRows {
	commandId: string;
	count: number;
	first: number;
	last: number;
}

function checkRound(prefix: string, seed: number): {commands: number; events: number} {
	const raw = new Database(db);
	let present: CommandRows[];
	let recorded: Map<string, {first: number; last: number}>;
	try {
		expect(raw.pragma('integrity_check')).toEqual([{integrity_check: 'ok'}]);
		const sequences = raw.prepare('SELECT sequence FROM forum_events ORDER BY sequence').pluck().all() as number[];
		expect(sequences.every((sequence, index) => sequence === index + 1)).toBe(true);
		present = raw
			.prepare<[string], CommandRows>(
				`SELECT command_id AS commandId, COUNT(*) AS count, MIN(sequence) AS first, MAX(sequence) AS last
				 FROM forum_events WHERE command_id LIKE ? || '-c%' GROUP BY command_id`,
			)
			.all(prefix);
		recorded = new Map(
			raw
				.prepare<[string], {command_id: string; first_sequence: number; last_sequence: number}>(
					`SELECT command_id, first_sequence, last_sequence FROM forum_commands WHERE command_id LIKE ? || '-c%'`,
				)
				.all(prefix)
				.map((row) => [row.command_id, {first: row.first_sequence, last: row.last_sequence}]),
		);
	} finally {
		raw.close();
	}
	const index = (commandId: string) => Number(commandId.slice(prefix.length + 2));
	const reached = Math.max(-1, ...present.map((row) => index(row.commandId)));
	const expected = expectedEvents(prefix, seed, reached);
	const byIndex = new Map(present.map((row) => [index(row.commandId), row]));
	for (let i = 0; i <= reached; i++) {
		const row = byIndex.get(i);
		// All or nothing, and nothing skipped: every command up to the last one present wrote exactly its events, contiguously.
		expect({command: i, events: row?.count ?? 0}).toEqual({command: i, events: expected[i]});
		if (row) {
			expect(row.last - row.first + 1).toBe(row.count);
			expect(recorded.get(row.commandId)).toEqual({first: row.first, last: row.last});
		}
	}
	expect(recorded.size).toBe(present.length);
	const service = new ForumService({db});
	try {
		expect(service.verify().differences).toEqual([]);
	} finally {
		service.close();
	}
	return {commands: reached + 1, events: present.reduce((sum, row) => sum + row.count, 0)};
}

describe(`${ROUNDS} SIGKILLs at random moments of a write loop`, () => {
	it('never corrupt the database, never half-apply a command, and leave projections equal to a replay', async () => {
		const rng = makeRng(0xc0ffee);
		const totals = {rounds: 0, commands: 0, events: 0, emptyRounds: 0, killAfterMs: [] as number[]};
		const started = performance.now();
		for (let round = 0; round < ROUNDS; round++) {
			const prefix = `r${round}`;
			const seed = 1000 + round;
			const child = startNode([worker, db, prefix, String(seed)]);
			try {
				await waitForLine(child, /^ready$/);
				const delay = KILL_AFTER_MS.min + Math.floor(rng() * (KILL_AFTER_MS.max - KILL_AFTER_MS.min));
				await new Promise((resolve) => setTimeout(resolve, delay));
				child.kill('SIGKILL');
				await exited(child);
				totals.killAfterMs.push(delay);
			} finally {
				child.kill('SIGKILL');
			}
			expect(child.signalCode).toBe('SIGKILL');
			const outcome = checkRound(prefix, seed);
			totals.rounds++;
			totals.commands += outcome.commands;
			totals.events += outcome.events;
			if (outcome.commands === 0) totals.emptyRounds++;
		}
		const {killAfterMs, ...summary} = totals;
		figure('crash rounds', {...summary, killAfterMs: `${Math.min(...killAfterMs)}..${Math.max(...killAfterMs)}`, seconds: Math.round((performance.now() - started) / 100) / 10});
		expect(totals.rounds).toBe(ROUNDS);
		// The kills must land while the loop is writing, or the test proves nothing.
		expect(totals.emptyRounds).toBeLessThan(ROUNDS / 2);
	}, 240_000);
});
