/** `npm run bench`: measure, print a table, write bench/results.json. */
import {verdict} from './stats.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {benchCliCost} from './cli-cost.js';
import {benchDispatch} from './dispatch.js';
import {benchQueries} from './queries.js';
import {seedForum} from './seed.js';

const only = process.argv.slice(2);
const wanted = (name: string) => only.length === 0 || only.includes(name);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'metawsm-bench-'));
const results: Record<string, unknown> = {
	date: new Date().toISOString(),
	machine: {cores: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version, platform: `${os.platform()} ${os.release()}`},
};
const rows: [string, string, string, string][] = [];

try {
	if (wanted('cli')) {
		const cli = benchCliCost(dir);
		results['cli'] = cli;
		rows.push(['CLI ask vs node -e 0, wall (median ratio)', `${cli.ratioToNode}× (${cli.askMedianMs} vs ${cli.nodeMedianMs} ms)`, '≤ 1.5×', verdict(cli.ratioToNode <= 1.5)]);
		rows.push(['CLI ask vs node -e 0, CPU time (median ratio)', `${cli.cpu.ratioToNode}× (${cli.cpu.askMedianMs} vs ${cli.cpu.nodeMedianMs} ms)`, '≤ 1.5×', verdict(cli.cpu.ratioToNode <= 1.5)]);
		rows.push(['floor: better-sqlite3 + 1 IMMEDIATE txn, CPU (ESM / CJS)', `${cli.floor.esm.cpuRatioToNode}× / ${cli.floor.cjs.cpuRatioToNode}× (${cli.floor.esm.cpuMedianMs} / ${cli.floor.cjs.cpuMedianMs} ms)`, 'report', '']);
		const st = cli.statusTmux;
		rows.push(['status --format tmux vs node -e 0, wall / CPU (median)', `${st.ratioToNode}× / ${st.cpuRatioToNode}× (${st.wallMedianMs} / ${st.cpuMedianMs} ms)`, '≪ status-interval 5 s', verdict(st.wallMedianMs < 500)]);
		if (cli.ratioToSqlite3 !== null) rows.push(['CLI ask vs sqlite3 process (median ratio)', `${cli.ratioToSqlite3}× (sqlite3 ${cli.sqlite3MedianMs} ms)`, 'report', '']);
	}
	// One seeded forum (10k open threads, 100k events); each section works on its own copy.
	const seed = path.join(dir, 'seed.db');
	if (wanted('dispatch') || wanted('queries') || wanted('dash')) {
		const seedStart = Date.now();
		const open = seedForum(seed, {openThreads: 10_000, events: 100_000});
		results['seed'] = {openThreads: open.length, seconds: (Date.now() - seedStart) / 1000};
		fs.writeFileSync(path.join(dir, 'seed-open.json'), JSON.stringify(open));
	}
	const copyOfSeed = (name: string) => {
		const file = path.join(dir, `${name}.db`);
		fs.copyFileSync(seed, file);
		return {file, open: JSON.parse(fs.readFileSync(path.join(dir, 'seed-open.json'), 'utf8')) as string[]};
	};
	if (wanted('queries')) {
		const {file, open} = copyOfSeed('queries');
		const queries = benchQueries(file, open);
		results['queries'] = queries;
		rows.push(['list as the CLI runs it (first 200 of 10k open, p95)', `${queries.listDefault.p95Ms} ms (p50 ${queries.listDefault.p50Ms})`, '≤ 20 ms', verdict(queries.listDefault.p95Ms <= 20)]);
		rows.push([`list --limit 0, all ${queries.openThreads} open threads (p95)`, `${queries.list.p95Ms} ms (p50 ${queries.list.p50Ms})`, '≤ 20 ms', verdict(queries.list.p95Ms <= 20)]);
		rows.push(['list --limit 50 (p95)', `${queries.listLimit50.p95Ms} ms`, '≤ 20 ms', verdict(queries.listLimit50.p95Ms <= 20)]);
		rows.push(['thread (p95)', `${queries.thread.p95Ms} ms (p50 ${queries.thread.p50Ms})`, '≤ 20 ms', verdict(queries.thread.p95Ms <= 20)]);
		rows.push(['similar answered thread for the preview (p95)', `${queries.similar.p95Ms} ms (p50 ${queries.similar.p50Ms})`, '≤ 20 ms', verdict(queries.similar.p95Ms <= 20)]);
	}
	if (wanted('dispatch')) {
		const {file, open} = copyOfSeed('dispatch');
		const dispatch = benchDispatch(file, open);
		results['dispatch'] = dispatch;
		for (const [name, r] of Object.entries(dispatch.perCommand)) {
			rows.push([`dispatch ${name} on ${dispatch.existingEvents} events`, `${r.perSecond}/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms`, '≥ 5k/s, p99 ≤ 5 ms', verdict(r.perSecond >= 5000 && r.p99Ms <= 5)]);
			rows.push([`  same, per CPU-second / CPU p99`, `${r.cpuPerSecond}/CPU-s, CPU p99 ${r.cpuP99Ms} ms`, 'report', '']);
		}
	}
	for (const extra of ['dash', 'dash-first-key', 'relay', 'history', 'idle-waiters', 'rebuild']) {
		if (!wanted(extra)) continue;
		const file = path.resolve('bench', `${extra}.ts`);
		if (!fs.existsSync(file)) continue;
		const module = (await import(file)) as {run: (dir: string) => Promise<{results: unknown; rows: [string, string, string, string][]}>};
		const outcome = await module.run(dir);
		results[extra] = outcome.results;
		rows.push(...outcome.rows);
	}
} finally {
	fs.rmSync(dir, {recursive: true, force: true});
}

const widths = [0, 1, 2, 3].map((c) => Math.max(...[['measure', 'result', 'target', ''], ...rows].map((r) => r[c]!.length)));
const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
console.log(`metawsm forum benchmarks — ${results['date']} — ${os.cpus().length} cores, Node ${process.version}\n`);
console.log(line(['measure', 'result', 'target', '']));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const row of rows) console.log(line(row));
fs.writeFileSync(path.resolve('bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log('\nwritten: bench/results.json');
