/**
 * Wake on commit: a process learns of another's commit from a watch on the database's files,
 * not by polling. Every service here polls once a minute, so only the watch can be fast.
 */
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import type {StoredEvent} from '../../source/forum/types.js';
import {ForumService} from '../../source/service/forum-service.js';
import {CLI, tempDir} from '../helpers/cli.js';
import {withRawDb} from '../helpers/raw-db.js';

let dir: string;
let cleanup: () => void;
let file: string;
const open: ForumService[] = [];

/** A service whose fallback check runs once a minute: a test here passes only by the watch. */
function service(db = file): ForumService {
	const made = new ForumService({db, pollMs: 60_000});
	open.push(made);
	return made;
}

function ask(forum: ForumService, title: string): string {
	const result = forum.dispatch({type: 'ask', ticket: 'OPS-1', agentName: 'builder', title, body: 'x', priority: 'normal', actor: {type: 'agent', name: 'builder'}});
	if (!result.ok) throw new Error(result.rejection.message);
	return result.threadId;
}

/** The next batch of events `forum` delivers, or undefined after `ms`. */
function nextBatch(forum: ForumService, ms = 1000): Promise<StoredEvent[] | undefined> {
	return new Promise((resolve) => {
		const timer = setTimeout(() => (unsubscribe(), resolve(undefined)), ms);
		const unsubscribe = forum.subscribe((events) => {
			clearTimeout(timer);
			unsubscribe();
			resolve(events);
		});
	});
}

beforeEach(() => {
	({dir, cleanup} = tempDir('metawsm-commit-watch-'));
	file = path.join(dir, 'forum.db');
});

afterEach(() => {
	for (const forum of open.splice(0)) forum.close();
	cleanup();
});

describe('a subscriber in one process', () => {
	it('gets another connection’s commit within a second, with polling a minute apart', async () => {
		const watcher = service();
		const writer = service();
		const batch = nextBatch(watcher);
		await new Promise((resolve) => setTimeout(resolve, 50));
		ask(writer, 'wake me');
		expect((await batch)?.map((event) => event.event_type)).toEqual(['forum.thread.opened']);
	});

	it('still wakes after a checkpoint truncated the -wal file', async () => {
		const watcher = service();
		const writer = service();
		ask(writer, 'before the checkpoint');
		await new Promise((resolve) => setTimeout(resolve, 50));
		withRawDb(file, (db) => db.pragma('wal_checkpoint(TRUNCATE)'));
		expect(fs.statSync(`${file}-wal`).size).toBe(0);
		const batch = nextBatch(watcher);
		await new Promise((resolve) => setTimeout(resolve, 50));
		ask(writer, 'after the checkpoint');
		expect((await batch)?.length).toBe(1);
	});

	it('notices a database file moved onto its path at once', async () => {
		const watcher = service();
		ask(watcher, 'in the old file');
		const replaced = new Promise<string>((resolve) => watcher.onError((error) => resolve((error as {code?: string}).code ?? '')));
		watcher.subscribe(() => undefined);
		const other = path.join(dir, 'other.db');
		const second = new ForumService({db: other});
		ask(second, 'in the new file');
		second.close();
		await new Promise((resolve) => setTimeout(resolve, 50));
		fs.renameSync(other, file);
		const code = await Promise.race([replaced, new Promise((resolve) => setTimeout(() => resolve('none within 1 s'), 1000))]);
		expect(code).toBe('database_replaced');
	});
});

describe('ask --wait in its own process', () => {
	it('returns within a second of the answer', async () => {
		const forum = service();
		const child = spawn(process.execPath, [CLI, 'forum', 'ask', '--ticket', 'OPS-1', '--agent', 'builder', '--title', 'Go?', '--body', 'b', '--wait', '--timeout', '60', '--db', file], {
			env: {...process.env, METAWSM_ACTOR_NAME: 'tester'},
		});
		let stderr = '';
		let stdout = '';
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
		const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
		const deadline = Date.now() + 15_000;
		while (!/thread (t-[0-9a-z]+)/.test(stderr) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
		const id = /thread (t-[0-9a-z]+)/.exec(stderr)![1]!;
		// Well past its start: it is idle in the wait, where the old 50 ms poll (or a 1 s one) would be.
		await new Promise((resolve) => setTimeout(resolve, 300));
		const answered = forum.dispatch({type: 'answer', threadId: id, body: 'Go.', actor: {type: 'human', name: 'ops'}});
		expect(answered.ok).toBe(true);
		const at = Date.now();
		expect(await exited).toBe(0);
		expect(Date.now() - at).toBeLessThan(1000);
		expect(stdout).toBe('Go.\n');
	});
});
