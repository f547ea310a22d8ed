import {spawn} from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {CLI, runCli, tempDir} from '../helpers/cli.js';

const PROCESSES = 8;
const ASKS_EACH = 50;

let dir: string;
let cleanup: () => void;
let db: string;

beforeAll(() => {
	({dir, cleanup} = tempDir());
	db = path.join(dir, 'forum.db');
});
afterAll(() => cleanup());

/** One shell process running `ask` ASKS_EACH times in a row; resolves with its combined stderr and exit code. */
function askLoop(worker: number): Promise<{code: number; stderr: string}> {
	const script = `for i in $(seq 1 ${ASKS_EACH}); do "${process.execPath}" "${CLI}" forum ask --db "${db}" --ticket LOAD-${worker} --agent w${worker} --title "question $i" --body "from worker ${worker}" --command-id "w${worker}-$i" >/dev/null || echo "ask $i failed with $?" >&2; done`;
	return new Promise((resolve) => {
		const child = spawn('bash', ['-c', script], {env: {...process.env, METAWSM_ACTOR_NAME: `w${worker}`}});
		let stderr = '';
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
		child.on('close', (code) => resolve({code: code ?? 1, stderr}));
	});
}

describe(`${PROCESSES} processes × ${ASKS_EACH} asks at once on one database`, () => {
	let results: {code: number; stderr: string}[] = [];

	beforeAll(async () => {
		results = await Promise.all(Array.from({length: PROCESSES}, (_, worker) => askLoop(worker)));
	}, 180_000);

	it('every ask succeeds, with no SQLITE_BUSY or other error', () => {
		for (const result of results) expect(result).toEqual({code: 0, stderr: ''});
	});

	it(`creates ${PROCESSES * ASKS_EACH} threads`, () => {
		const raw = new Database(db, {readonly: true});
		try {
			expect(raw.prepare('SELECT COUNT(*) AS n FROM forum_threads').get()).toEqual({n: PROCESSES * ASKS_EACH});
		} finally {
			raw.close();
		}
	});

	it('numbers the events 1..N with no gap or duplicate', () => {
		const raw = new Database(db, {readonly: true});
		try {
			const sequences = raw.prepare('SELECT sequence FROM forum_events ORDER BY sequence').pluck().all() as number[];
			expect(sequences).toEqual(Array.from({length: PROCESSES * ASKS_EACH}, (_, i) => i + 1));
		} finally {
			raw.close();
		}
	});

	it('leaves projections equal to a replay (rebuild --verify is clean)', async () => {
		const result = await runCli(['forum', 'rebuild', '--verify', '--db', db]);
		expect(result).toMatchObject({code: 0, stdout: `verified ${PROCESSES * ASKS_EACH} events: projections match a replay\n`});
	});
});
