/**
 * A metawsm (Go) user's database: every command refuses it with one message naming the import,
 * `metawsm forum import --from .metawsm/metawsm.db` brings its forum over (read-only on the
 * original), and re-running it adds only what the original wrote since.
 */
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {runCli, tempDir} from '../helpers/cli.js';
import {dumpTables, makeOriginal, originalPost, sha256} from '../helpers/original.js';

let dir: string;
let cleanup: () => void;
let original: string;
const forum = (...args: string[]) => runCli(['forum', ...args], {cwd: dir});
const json = async (...args: string[]) => {
	const result = await forum(...args, '--json');
	expect(result.code, result.stderr).toBe(0);
	return JSON.parse(result.stdout);
};

beforeEach(() => {
	({dir, cleanup} = tempDir());
	original = path.join(dir, '.metawsm', 'metawsm.db');
	makeOriginal(original);
});
afterEach(() => cleanup());

describe('a repository with the Go original’s database', () => {
	it('every command exits 1 with one line naming the import, and the file is left byte-for-byte as it was', async () => {
		const tables = dumpTables(original);
		const bytes = sha256(original);
		for (const args of [['list'], ['status'], ['thread', '--thread-id', 'thr-ops7'], ['ask', '--ticket', 'A-1', '--title', 'q', '--body', 'b'], ['dash', '--once'], ['rebuild', '--verify'], ['watch']]) {
			const result = await forum(...args);
			expect(result.code, args.join(' ')).toBe(1);
			expect(result.stderr.trim().split('\n')).toHaveLength(1);
			expect(result.stderr).toContain(`metawsm forum import --from ${original}`);
			expect(result.stderr).toContain('METAWSM_DB');
		}
		expect(dumpTables(original)).toBe(tables);
		expect(sha256(original)).toBe(bytes);
		expect(fs.readdirSync(path.join(dir, '.metawsm')).filter((name) => !name.startsWith('metawsm.db'))).toEqual([]);
	});

	it('an original without forum tables (runs, steps only) is refused too: creating ours there would shadow its forum later', async () => {
		fs.rmSync(path.join(dir, '.metawsm'), {recursive: true});
		makeOriginal(original, {forum: false});
		const tables = dumpTables(original);
		const result = await forum('ask', '--ticket', 'A-1', '--title', 'q', '--body', 'b');
		expect(result.code).toBe(1);
		expect(result.stderr).toContain('metawsm forum import --from');
		expect(dumpTables(original)).toBe(tables);
		const imported = await forum('import', '--from', '.metawsm/metawsm.db');
		expect(imported.code, imported.stderr).toBe(0);
		expect(imported.stdout).toContain('nothing to import');
		expect((await forum('list')).code).toBe(0);
	});

	it('import brings every thread, post, assignment, state change and priority over; rebuild --verify is clean; a second import adds nothing; a new original event arrives with a third', async () => {
		const tables = dumpTables(original);
		const imported = await forum('import', '--from', '.metawsm/metawsm.db');
		expect(imported.code, imported.stderr).toBe(0);
		// 14 original events: the docs-sync request is left out (the original served it), the close becomes two.
		expect(imported.stdout).toContain('imported 14 events (3 new threads)');
		expect(imported.stdout).toContain('skipped: docs_sync_request 1');
		expect(fs.existsSync(path.join(dir, '.metawsm', 'forum.db'))).toBe(true);

		// The default database is now .metawsm/forum.db: no --db needed.
		const list = await json('list', '--all');
		const byId = Object.fromEntries(list.threads.map((t: {thread_id: string}) => [t.thread_id, t]));
		expect(Object.keys(byId).sort()).toEqual(['thr-api31', 'thr-ops7', 'thr-web2']);
		expect(byId['thr-ops7']).toMatchObject({state: 'answered', priority: 'urgent', ticket: 'OPS-7', run_id: 'run-20260208-1', agent_name: 'builder', posts_count: 3});
		expect(byId['thr-api31']).toMatchObject({state: 'closed', priority: 'high', run_id: null});
		expect(byId['thr-web2']).toMatchObject({state: 'answered', priority: 'low'});

		const ops7 = await json('thread', '--thread-id', 'thr-ops7');
		expect(ops7.body).toBe('No reads for 90 days. May I drop it?');
		expect(ops7.posts.map((p: {body: string}) => p.body)).toEqual(['Which environment?', 'Production only.', 'Yes, drop it in production.']);
		expect(ops7.assignments).toMatchObject([{to_type: 'operator', to_name: 'ops', from_type: null, from_name: null, note: 'taking it'}]);
		expect(ops7.transitions.map((t: {from_state: string; to_state: string}) => `${t.from_state}>${t.to_state}`)).toEqual(['new>waiting_human', 'waiting_human>answered']);
		// RFC 3339 with an offset becomes this project's UTC form (the same instant).
		expect(ops7.created_at).toBe('2026-02-09T02:35:18.000Z');
		const api31 = await json('thread', '--thread-id', 'thr-api31');
		expect(api31.transitions.map((t: {to_state: string}) => t.to_state)).toEqual(['triaged', 'closed']);
		expect(api31.closed_at).toBe('2026-02-09T08:10:00.000Z');

		// The original's answer (a post, then answered sharing its correlation id) is marked as the answer.
		const events = (await forum('watch', '--json')).stdout.trim().split('\n').map((line) => JSON.parse(line));
		const answer = events.find((e) => e.event_id === 'e-0007');
		expect(answer.payload).toEqual({body: 'Yes, drop it in production.', answer: {kind: 'text', choice: null, approved: null, amends: null}});
		expect(events.find((e) => e.event_id === 'e-0002').payload).toEqual({body: 'Which environment?'});
		expect(events.filter((e) => e.event_id.startsWith('e-0012')).map((e) => e.event_type)).toEqual(['forum.state.changed', 'forum.thread.closed']);
		expect(events.every((e) => e.command_id.startsWith('import:'))).toBe(true);

		const text = await forum('thread', '--thread-id', 'thr-ops7');
		expect(text.stdout).toContain('human alice answered:');
		expect(text.stdout).toContain('state answered  priority urgent  assignee operator:ops');

		const verify = await forum('rebuild', '--verify');
		expect(verify.code, verify.stdout).toBe(0);
		expect(verify.stdout).toContain('projections match');

		const again = await forum('import', '--from', '.metawsm/metawsm.db', '--json');
		expect(JSON.parse(again.stdout)).toMatchObject({read: 0, imported: 0, checkpoint: 14});
		expect(dumpTables(original)).toBe(tables);

		originalPost(original, {eventId: 'e-0015', threadId: 'thr-ops7', body: 'Done: dropped.', at: '2026-02-08T19:30:00-08:00', authorType: 'agent', authorName: 'builder'});
		const third = await forum('import', '--from', '.metawsm/metawsm.db', '--json');
		expect(JSON.parse(third.stdout)).toMatchObject({read: 1, imported: 1, checkpoint: 15});
		const after = await json('thread', '--thread-id', 'thr-ops7');
		expect(after.posts.at(-1)).toMatchObject({body: 'Done: dropped.', author_type: 'agent'});
		expect((await forum('rebuild', '--verify')).code).toBe(0);
	});

	it('the dashboard shows the imported threads and the absolute database path', async () => {
		expect((await forum('import', '--from', '.metawsm/metawsm.db')).code).toBe(0);
		const frame = await runCli(['forum', 'dash', '--once'], {cwd: dir, env: {COLUMNS: '200'}});
		expect(frame.code, frame.stderr).toBe(0);
		expect(frame.stdout).toContain('answered 2');
		expect(frame.stdout).toContain(path.join(dir, '.metawsm', 'forum.db'));
		const status = await forum('status');
		expect(status.stdout).toContain(`db=${path.join(dir, '.metawsm', 'forum.db')}`);
	});

	it('import refuses to write into the file it reads, and a wrong --from creates nothing', async () => {
		const same = await forum('import', '--from', '.metawsm/metawsm.db', '--db', '.metawsm/metawsm.db');
		expect(same.code).toBe(2);
		expect(same.stderr).toContain('same file');
		const missing = await forum('import', '--from', 'nowhere/metawsm.db');
		expect(missing.code).toBe(1);
		expect(fs.existsSync(path.join(dir, '.metawsm', 'forum.db'))).toBe(false);
	});
});
