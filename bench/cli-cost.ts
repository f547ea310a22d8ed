/** CLI call cost: `metawsm forum ask` as a one-shot process vs `node -e 0` and vs spawning sqlite3. */
import {execFileSync, spawnSync} from 'node:child_process';
import path from 'node:path';
import {median, round, spread} from './stats.js';

const CLI = path.resolve('dist/cli.js');

function wall(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
	const start = process.hrtime.bigint();
	const result = spawnSync(command, args, {env, stdio: ['ignore', 'ignore', 'pipe']});
	const ms = Number(process.hrtime.bigint() - start) / 1e6;
	if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
	return ms;
}

function sqlite3Available(): boolean {
	try {
		execFileSync('sqlite3', ['-version'], {stdio: 'ignore'});
		return true;
	} catch {
		return false;
	}
}

/** The original's approach: one sqlite3 process per command running the same transaction. */
function sqlite3Script(i: number): string {
	const now = new Date().toISOString();
	const id = `s-${process.pid}-${i}`;
	return `PRAGMA busy_timeout=5000; BEGIN IMMEDIATE;
INSERT INTO forum_events (event_id, event_type, event_version, occurred_at, thread_id, run_id, ticket, agent_name, actor_type, actor_name, correlation_id, causation_id, command_id, payload_json)
 VALUES ('${id}', 'forum.thread.opened', 1, '${now}', '${id}', NULL, 'BENCH', 'bench', 'agent', 'bench', 'c-${id}', 'c-${id}', 'c-${id}', '{"title":"q","body":"b","priority":"normal"}');
INSERT INTO forum_threads VALUES ('${id}', 'BENCH', NULL, 'bench', 'q', 'b', 'agent', 'bench', '${now}', last_insert_rowid());
INSERT INTO forum_thread_views (thread_id, ticket, run_id, agent_name, title, state, priority, posts_count, created_at, updated_at, state_since, state_changes, last_sequence)
 VALUES ('${id}', 'BENCH', NULL, 'bench', 'q', 'new', 'normal', 0, '${now}', '${now}', '${now}', 0, (SELECT MAX(sequence) FROM forum_events));
INSERT INTO forum_thread_stats VALUES ('BENCH', '', 'new', 1) ON CONFLICT DO UPDATE SET thread_count = thread_count + 1;
INSERT INTO forum_commands VALUES ('c-${id}', 'ask', '${id}', (SELECT MAX(sequence) FROM forum_events), (SELECT MAX(sequence) FROM forum_events), '${now}');
COMMIT;`;
}

export interface CliCostResult {
	runs: number;
	askMedianMs: number;
	askSpreadMs: {min: number; max: number};
	nodeMedianMs: number;
	nodeSpreadMs: {min: number; max: number};
	ratioToNode: number;
	sqlite3MedianMs: number | null;
	ratioToSqlite3: number | null;
}

export function benchCliCost(dir: string, runs = 25): CliCostResult {
	const db = path.join(dir, 'cli.db');
	const env = {...process.env, METAWSM_ACTOR_NAME: 'bench'};
	// Warm the disk cache and create the database.
	wall(process.execPath, [CLI, 'forum', 'ask', '--db', db, '--ticket', 'WARM', '--title', 'q', '--body', 'b'], env);
	const withSqlite = sqlite3Available();
	const ask: number[] = [];
	const node: number[] = [];
	const sqlite: number[] = [];
	// Interleave so machine noise hits all three alike.
	for (let i = 0; i < runs; i++) {
		node.push(wall(process.execPath, ['-e', '0']));
		ask.push(wall(process.execPath, [CLI, 'forum', 'ask', '--db', db, '--ticket', 'BENCH', '--title', `q${i}`, '--body', 'b'], env));
		if (withSqlite) sqlite.push(wall('sqlite3', [db, sqlite3Script(i)]));
	}
	return {
		runs,
		askMedianMs: round(median(ask)),
		askSpreadMs: mapSpread(ask),
		nodeMedianMs: round(median(node)),
		nodeSpreadMs: mapSpread(node),
		ratioToNode: round(median(ask) / median(node)),
		sqlite3MedianMs: withSqlite ? round(median(sqlite)) : null,
		ratioToSqlite3: withSqlite ? round(median(ask) / median(sqlite)) : null,
	};
}

function mapSpread(samples: number[]) {
	const {min, max} = spread(samples);
	return {min: round(min), max: round(max)};
}
