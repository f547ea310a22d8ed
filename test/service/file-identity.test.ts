/** Issue 15.6: a process notices when its database path no longer names the file it opened. */
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {ForumService} from '../../source/service/forum-service.js';
import {CLI, runCli, tempDir} from '../helpers/cli.js';

let dir: string;
let cleanup: () => void;
let file: string;
const open: ForumService[] = [];

function service(options: {watchFiles?: boolean} = {}): ForumService {
	const made = new ForumService({db: file, pollMs: 50, ...options});
	open.push(made);
	return made;
}

function ask(forum: ForumService, title: string): string {
	const result = forum.dispatch({type: 'ask', ticket: 'OPS-1', agentName: 'builder', title, body: 'x', priority: 'normal', actor: {type: 'agent', name: 'builder'}});
	if (!result.ok) throw new Error(result.rejection.message);
	return result.threadId;
}

/** The first error with `code` the service reports, and after how many ms. */
function firstError(forum: ForumService, code: string): Promise<{message: string; ms: number}> {
	const started = Date.now();
	return new Promise((resolve) => {
		const off = forum.onError((error) => {
			if ((error as {code?: string}).code !== code) return;
			off();
			resolve({message: (error as Error).message, ms: Date.now() - started});
		});
	});
}

beforeEach(() => {
	({dir, cleanup} = tempDir('metawsm-file-identity-'));
	file = path.join(dir, 'forum.db');
});

afterEach(() => {
	for (const forum of open.splice(0)) forum.close();
	cleanup();
});

describe('backup', () => {
	it('writes a checked, 0600 copy with a fresh mark and the same forum id', async () => {
		const forum = service();
		ask(forum, 'one');
		ask(forum, 'two');
		const target = path.join(dir, 'backup.db');
		const result = await forum.backup(target);
		expect(result).toMatchObject({events: 2, lastSequence: 2, forumId: forum.forumId()});
		expect(fs.statSync(target).mode & 0o777).toBe(0o600);
		expect(fs.existsSync(`${target}-wal`)).toBe(false);
		const copy = new Database(target, {readonly: true});
		expect(copy.pragma('integrity_check', {simple: true})).toBe('ok');
		expect(copy.pragma('application_id', {simple: true})).toBe(result.mark);
		copy.close();
		await expect(forum.backup(target)).rejects.toThrow(/exists; pass --force to replace it/);
	});

	it('the CLI takes a backup as `backup FILE` while the database is in use', async () => {
		const forum = service();
		ask(forum, 'in use');
		const result = await runCli(['forum', 'backup', path.join(dir, 'b.db'), '--db', file], {cwd: dir});
		expect(result).toMatchObject({code: 0, stderr: ''});
		expect(result.stdout).toMatch(/^backed up .*forum\.db \(1 events, up to #1, forum f-[0-9a-f]{16}\) to .*b\.db\n$/);
	});
});

// Woken by the file watch, and with no watch (polling, as where notifications are missing or used up).
describe.each([{watchFiles: true}, {watchFiles: false}])('a database file swapped under a running process (%o)', (mode) => {
	it('a backup copied over the live file is noticed within 2 s, and writes are refused', async () => {
		const forum = service(mode);
		ask(forum, 'before the backup');
		const backup = path.join(dir, 'backup.db');
		await forum.backup(backup);
		ask(forum, 'after the backup');
		const unsubscribe = forum.subscribe(() => undefined);
		const noticed = firstError(forum, 'database_unusable');
		fs.copyFileSync(backup, file);
		const {message, ms} = await noticed;
		console.log(`[file identity] cp of a backup over the live database noticed after ${ms} ms`);
		expect(ms).toBeLessThan(2000);
		expect(message).toMatch(/was overwritten under this process \(a backup copied over a live database\); stopped using it/);
		expect(() => ask(forum, 'into the overwritten file')).toThrow(/nothing was written/);
		unsubscribe();
	});

	it('another file moved to the path is reopened, and reads come from it', async () => {
		const forum = service(mode);
		ask(forum, 'old file');
		const other = new ForumService({db: path.join(dir, 'other.db')});
		ask(other, 'new file');
		other.close();
		const unsubscribe = forum.subscribe(() => undefined);
		const noticed = firstError(forum, 'database_replaced');
		fs.renameSync(path.join(dir, 'other.db'), file);
		const {message, ms} = await noticed;
		expect(ms).toBeLessThan(2000);
		expect(message).toMatch(/was replaced under this process .*reopened the new file/);
		expect(forum.listThreads().map((thread) => thread.title)).toEqual(['new file']);
		unsubscribe();
	});

	it('a removed file is noticed, and nothing is written to the unlinked one', async () => {
		const forum = service(mode);
		ask(forum, 'soon gone');
		const unsubscribe = forum.subscribe(() => undefined);
		const noticed = firstError(forum, 'database_unusable');
		fs.rmSync(file);
		expect((await noticed).message).toMatch(/was removed under this process/);
		expect(() => ask(forum, 'lost')).toThrow(/removed under this process.*nothing was written/);
		unsubscribe();
	});

	it('watch --follow exits 1 with a clear message when the file is replaced', async () => {
		const forum = service(mode);
		ask(forum, 'watched');
		forum.close();
		const child = spawn(process.execPath, [CLI, 'forum', 'watch', '--follow', '--db', file], {cwd: dir, stdio: ['ignore', 'pipe', 'pipe']});
		let stderr = '';
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		await new Promise((resolve) => setTimeout(resolve, 700));
		const other = new ForumService({db: path.join(dir, 'other.db')});
		ask(other, 'other');
		other.close();
		fs.renameSync(path.join(dir, 'other.db'), file);
		const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
		expect(code).toBe(1);
		expect(stderr).toMatch(/^metawsm forum watch: database file .*forum\.db was replaced under this process/m);
	}, 15_000);
});
