/** Rebuild without stopping the forum: batches under short locks, a catch-up, then a swap. */
import {spawn} from 'node:child_process';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {progressBar} from '../../source/cli/progress.js';
import {ForumService} from '../../source/service/forum-service.js';
import {CLI, runCli, tempDir} from '../helpers/cli.js';
import {withRawDb} from '../helpers/raw-db.js';

let dir: string;
let cleanup: () => void;
let file: string;
const open: ForumService[] = [];

function service(): ForumService {
	const made = new ForumService({db: file});
	open.push(made);
	return made;
}

function ask(forum: ForumService, title: string): string {
	const result = forum.dispatch({type: 'ask', ticket: 'RB-1', agentName: 'builder', title, body: 'x', priority: 'normal', actor: {type: 'agent', name: 'builder'}});
	if (!result.ok) throw new Error(result.rejection.message);
	return result.threadId;
}

/** `threads` threads, every other one answered, every third closed. */
function seed(forum: ForumService, threads: number): void {
	forum.batch(() => {
		for (let i = 0; i < threads; i++) {
			const id = ask(forum, `question ${i}`);
			if (i % 2) forum.dispatch({type: 'answer', threadId: id, body: 'yes', actor: {type: 'human', name: 'ops'}});
			if (i % 3 === 0) forum.dispatch({type: 'close', threadId: id, actor: {type: 'human', name: 'ops'}});
		}
	});
}

const schema = (forum: ForumService) =>
	withRawDb(forum.file, (db) =>
		db
			.prepare<[], {type: string; tbl_name: string; sql: string}>(`SELECT type, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY tbl_name, type, sql`)
			.all()
			// A renamed table's SQL quotes its name, and its indexes' names alternate between rebuilds.
			.map((row) => `${row.type} ${row.tbl_name}: ${row.sql.replace(/"/g, '').replace(/INDEX \S+ ON/, 'INDEX ON')}`),
	);

beforeEach(() => {
	({dir, cleanup} = tempDir('metawsm-rebuild-'));
	file = path.join(dir, 'forum.db');
});

afterEach(() => {
	for (const forum of open.splice(0)) forum.close();
	cleanup();
});

describe('rebuild', () => {
	it('gives projections identical to a replay, and the same schema, twice over', () => {
		const forum = service();
		seed(forum, 60);
		const before = schema(forum);
		for (let round = 0; round < 2; round++) {
			expect(forum.rebuild().events).toBe(forum.lastSequence());
			expect(forum.verify().differences).toEqual([]);
			expect(schema(forum)).toEqual(before);
		}
		expect(withRawDb(forum.file, (db) => db.pragma('foreign_key_check'))).toEqual([]);
	});

	it('keeps a write that lands between its batches', () => {
		const forum = service();
		const writer = service();
		seed(forum, 300);
		let late: string | undefined;
		let batches = 0;
		forum.rebuild({
			batchMs: 0,
			onProgress: () => {
				batches++;
				// Between batches the lock is free: another connection writes.
				if (batches === 2) late = ask(writer, 'asked during the rebuild');
			},
		});
		expect(batches).toBeGreaterThan(2);
		expect(forum.getThread(late!)?.thread.title).toBe('asked during the rebuild');
		expect(forum.verify().differences).toEqual([]);
	});

	it('lets an agent’s ask from another process succeed while it runs', async () => {
		const forum = service();
		seed(forum, 4000);
		forum.close();
		open.splice(0);
		const rebuilding = new Promise<number>((resolve) => {
			const child = spawn(process.execPath, [CLI, 'forum', 'rebuild', '--db', file], {stdio: 'ignore'});
			child.on('close', (code) => resolve(code ?? 1));
		});
		// Several asks spread over the rebuild's run: each must get through between batches.
		const asks = [];
		for (let i = 0; i < 3; i++) {
			asks.push(await runCli(['forum', 'ask', '--ticket', 'RB-2', '--agent', 'builder', '--title', `during ${i}`, '--body', 'b', '--db', file]));
		}
		expect(await rebuilding).toBe(0);
		expect(asks.map((result) => [result.code, result.stderr])).toEqual([[0, ''], [0, ''], [0, '']]);
		const after = service();
		expect(after.listThreads({ticket: 'RB-2'}).map((thread) => thread.title).sort()).toEqual(['during 0', 'during 1', 'during 2']);
		expect(after.verify().differences).toEqual([]);
	});

	it('prints no progress bar when stderr is not a terminal', async () => {
		const forum = service();
		seed(forum, 20);
		const result = await runCli(['forum', 'rebuild', '--db', file]);
		expect(result).toMatchObject({code: 0, stderr: ''});
	});
});

describe('the progress bar', () => {
	it('draws on a terminal and clears its line at the end', () => {
		let written = '';
		const terminal = {isTTY: true, write: (text: string) => ((written += text), true)} as unknown as NodeJS.WriteStream;
		const bar = progressBar('rebuild', terminal);
		bar.update(50, 200);
		expect(written).toContain('rebuild [');
		expect(written).toContain('25% 50/200 events');
		bar.end();
		expect(written.endsWith('\r\u001B[K')).toBe(true);
	});
});
