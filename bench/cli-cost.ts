/**
 * CLI call cost: `metawsm forum ask` as a one-shot process vs `node -e 0` and vs spawning sqlite3;
 * `status --format tmux`, which a tmux status line runs every few seconds, vs `node -e 0`.
 */
import fs from 'node:fs';
import path from 'node:path';
import {available, measureProcess, type ProcessCost} from './proc.js';
import {median, round, spread} from './stats.js';

const CLI = path.resolve('dist/cli.js');

/**
 * The floor under any Node CLI on SQLite: load better-sqlite3, open with our pragmas, one
 * IMMEDIATE transaction, close. As an ES module (what dist/cli.js is) and as CommonJS.
 */
function floorScript(db: string, format: 'esm' | 'cjs'): string {
	const load =
		format === 'esm'
			? `import {createRequire} from 'node:module';\nconst require = createRequire(${JSON.stringify(path.resolve('package.json'))});`
			: `const {createRequire} = require('node:module');\nconst load = createRequire(${JSON.stringify(path.resolve('package.json'))});`;
	return `${load}
const Database = ${format === 'esm' ? 'require' : 'load'}('better-sqlite3');
const db = new Database(${JSON.stringify(db)});
db.pragma('busy_timeout = 5000');
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('foreign_keys = ON');
db.pragma('user_version', {simple: true});
db.exec('CREATE TABLE IF NOT EXISTS floor (id INTEGER PRIMARY KEY, body TEXT)');
const insert = db.prepare('INSERT INTO floor (body) VALUES (?)');
db.transaction(() => insert.run('b')).immediate();
db.close();
`;
}

/** The original's approach: one sqlite3 process per command running the same transaction. */
function sqlite3Script(i: number): string {
	const now = new Date().toISOString();
	const id = `s-${process.pid}-${i}`;
	return `PRAGMA busy_timeout=5000; BEGIN IMMEDIATE;
INSERT INTO forum_events (event_id, event_type, event_version, occurred_at, thread_id, run_id, ticket, agent_name, actor_type, actor_name, correlation_id, causation_id, command_id, payload_json)
 VALUES ('${id}', 'forum.thread.opened', 1, '${now}', '${id}', NULL, 'BENCH', 'bench', 'agent', 'bench', 'c-${id}', 'c-${id}', 'c-${id}', '{"title":"q","body":"b","priority":"normal"}');
INSERT INTO forum_threads VALUES ('${id}', 'BENCH', NULL, 'bench', 'q', 'b', 'agent', 'bench', '${now}', last_insert_rowid(), NULL);
INSERT INTO forum_thread_views (thread_id, ticket, run_id, agent_name, title, state, priority, posts_count, created_at, updated_at, state_since, state_changes, last_sequence)
 VALUES ('${id}', 'BENCH', NULL, 'bench', 'q', 'new', 'normal', 0, '${now}', '${now}', '${now}', 0, (SELECT MAX(sequence) FROM forum_events));
INSERT INTO forum_thread_stats VALUES ('BENCH', '', 'new', 1) ON CONFLICT DO UPDATE SET thread_count = thread_count + 1;
INSERT INTO forum_commands VALUES ('c-${id}', 'ask', '${id}', (SELECT MAX(sequence) FROM forum_events), (SELECT MAX(sequence) FROM forum_events), '${now}', NULL);
COMMIT;`;
}

type Spread = {min: number; max: number};

export interface CliCostResult {
	runs: number;
	askMedianMs: number;
	askSpreadMs: Spread;
	nodeMedianMs: number;
	nodeSpreadMs: Spread;
	/** Median wall time of ask over median wall time of `node -e 0`: the figure. */
	ratioToNode: number;
	/** The same with CPU time (user + system), steadier on a shared machine. */
	cpu: {askMedianMs: number; askSpreadMs: Spread; nodeMedianMs: number; nodeSpreadMs: Spread; ratioToNode: number};
	/** better-sqlite3 + pragmas + one IMMEDIATE transaction, nothing else. */
	floor: {esm: {wallMedianMs: number; cpuMedianMs: number; cpuRatioToNode: number}; cjs: {wallMedianMs: number; cpuMedianMs: number; cpuRatioToNode: number}};
	sqlite3MedianMs: number | null;
	ratioToSqlite3: number | null;
	/** `status --format tmux` on the same database (the asks' threads waiting). */
	statusTmux: {wallMedianMs: number; cpuMedianMs: number; ratioToNode: number; cpuRatioToNode: number};
}

export function benchCliCost(dir: string, runs = 25): CliCostResult {
	const db = path.join(dir, 'cli.db');
	const env = {...process.env, METAWSM_ACTOR_NAME: 'bench'};
	const errFile = path.join(dir, 'cli-stderr.txt');
	const floorDb = path.join(dir, 'floor.db');
	const floors = {esm: path.join(dir, 'floor.mjs'), cjs: path.join(dir, 'floor.cjs')};
	fs.writeFileSync(floors.esm, floorScript(floorDb, 'esm'));
	fs.writeFileSync(floors.cjs, floorScript(floorDb, 'cjs'));
	const ask = (i: number) => measureProcess(process.execPath, [CLI, 'forum', 'ask', '--db', db, '--ticket', 'BENCH', '--title', `q${i}`, '--body', 'b'], env, errFile);
	// Warm the disk cache and create the databases.
	ask(-1);
	measureProcess(process.execPath, [floors.esm]);
	const withSqlite = available('sqlite3', ['-version']);
	const samples = {ask: [] as ProcessCost[], node: [] as ProcessCost[], esm: [] as ProcessCost[], cjs: [] as ProcessCost[], sqlite: [] as ProcessCost[], status: [] as ProcessCost[]};
	const statusTmux = () => measureProcess(process.execPath, [CLI, 'forum', 'status', '--format', 'tmux', '--db', db], env, errFile);
	// Interleave so machine noise hits all of them alike.
	for (let i = 0; i < runs; i++) {
		samples.node.push(measureProcess(process.execPath, ['-e', '0']));
		samples.ask.push(ask(i));
		samples.esm.push(measureProcess(process.execPath, [floors.esm]));
		samples.cjs.push(measureProcess(process.execPath, [floors.cjs]));
		samples.status.push(statusTmux());
		if (withSqlite) samples.sqlite.push(measureProcess('sqlite3', [db, sqlite3Script(i)], process.env, errFile));
	}
	const wall = (list: ProcessCost[]) => median(list.map((s) => s.wallMs));
	const cpu = (list: ProcessCost[]) => median(list.map((s) => s.cpuMs));
	const floor = (list: ProcessCost[]) => ({wallMedianMs: round(wall(list)), cpuMedianMs: round(cpu(list)), cpuRatioToNode: round(cpu(list) / cpu(samples.node))});
	return {
		runs,
		askMedianMs: round(wall(samples.ask)),
		askSpreadMs: mapSpread(samples.ask.map((s) => s.wallMs)),
		nodeMedianMs: round(wall(samples.node)),
		nodeSpreadMs: mapSpread(samples.node.map((s) => s.wallMs)),
		ratioToNode: round(wall(samples.ask) / wall(samples.node)),
		cpu: {
			askMedianMs: round(cpu(samples.ask)),
			askSpreadMs: mapSpread(samples.ask.map((s) => s.cpuMs)),
			nodeMedianMs: round(cpu(samples.node)),
			nodeSpreadMs: mapSpread(samples.node.map((s) => s.cpuMs)),
			ratioToNode: round(cpu(samples.ask) / cpu(samples.node)),
		},
		floor: {esm: floor(samples.esm), cjs: floor(samples.cjs)},
		sqlite3MedianMs: withSqlite ? round(wall(samples.sqlite)) : null,
		ratioToSqlite3: withSqlite ? round(wall(samples.ask) / wall(samples.sqlite)) : null,
		statusTmux: {
			wallMedianMs: round(wall(samples.status)),
			cpuMedianMs: round(cpu(samples.status)),
			ratioToNode: round(wall(samples.status) / wall(samples.node)),
			cpuRatioToNode: round(cpu(samples.status) / cpu(samples.node)),
		},
	};
}

function mapSpread(samples: number[]) {
	const {min, max} = spread(samples);
	return {min: round(min), max: round(max)};
}
