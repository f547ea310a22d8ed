/**
 * Issue 6.5: files. The database directory is created 0700 and the file 0600 (and SQLite's
 * -wal/-shm follow the file), even under umask 000; no command writes anywhere else (working
 * directory, HOME, TMPDIR) except docs-sync, which writes only under its docs root.
 */
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {tempDir} from '../helpers/cli.js';
import {CLI, exited, listing, mode, until} from './support.js';

let root: string;
let cleanup: () => void;
let work: string;
let env: Record<string, string>;

beforeAll(() => {
	({dir: root, cleanup} = tempDir('metawsm-files-'));
	work = path.join(root, 'work');
	for (const name of ['work', 'home', 'tmpdir']) fs.mkdirSync(path.join(root, name));
	env = {HOME: path.join(root, 'home'), TMPDIR: path.join(root, 'tmpdir'), XDG_CONFIG_HOME: path.join(root, 'home', '.config')};
});
afterAll(() => cleanup());

/** Run the CLI in `work` with umask 000, so only the code's own modes protect the files. */
function forum(args: string[]) {
	const quoted = [process.execPath, CLI, 'forum', ...args].map((arg) => `'${arg.replace(/'/g, "'\\''")}'`).join(' ');
	return runShell(`umask 000; exec ${quoted}`);
}

function runShell(script: string): Promise<{code: number; stdout: string; stderr: string}> {
	return new Promise((resolve) => {
		const child = spawn('bash', ['-c', script], {cwd: work, env: {...process.env, METAWSM_ACTOR_NAME: 'tester', ...env}});
		let stdout = '';
		let stderr = '';
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
		child.on('close', (code) => resolve({code: code ?? 1, stdout, stderr}));
	});
}

describe('the database files', () => {
	it('every command, with the default database path and umask 000, writes only .metawsm/metawsm.db', async () => {
		const id = (await forum(['ask', '--ticket', 'F-1', '--title', 'Q', '--body', 'B', '--thread-id', 't-files'])).stdout.trim();
		expect(id).toBe('t-files');
		const steps = [
			['post', '--thread-id', id, '--body', 'more'],
			['priority', '--thread-id', id, '--priority', 'high'],
			['assign', '--thread-id', id, '--assignee', 'alice'],
			['state', '--thread-id', id, '--state', 'waiting_human'],
			['answer', '--thread-id', id, '--body', 'yes'],
			['close', '--thread-id', id],
			['list'],
			['list', '--json', '--viewer', 'ops', '--unseen'],
			['thread', '--thread-id', id, '--viewer', 'ops'],
			['watch'],
			['status'],
			['rebuild', '--verify'],
			['rebuild'],
		];
		for (const step of steps) expect((await forum(step)).code, step.join(' ')).toBe(0);
		expect(listing(root)).toEqual(['home/', 'tmpdir/', 'work/', 'work/.metawsm/', 'work/.metawsm/metawsm.db']);
		expect(mode(path.join(work, '.metawsm'))).toBe('700');
		expect(mode(path.join(work, '.metawsm', 'metawsm.db'))).toBe('600');
	});

	it('creates every missing directory of a nested --db path 0700', async () => {
		const db = path.join(root, 'nested', 'a', 'b', 'forum.db');
		expect((await forum(['ask', '--db', db, '--ticket', 'F-2', '--title', 'Q', '--body', 'B'])).code).toBe(0);
		for (const dir of ['nested', 'nested/a', 'nested/a/b']) expect(mode(path.join(root, dir)), dir).toBe('700');
		expect(mode(db)).toBe('600');
		fs.rmSync(path.join(root, 'nested'), {recursive: true});
	});

	it('SQLite’s -wal and -shm files are 0600 while a reader holds the database open', async () => {
		const db = path.join(work, '.metawsm', 'metawsm.db');
		const watcher = spawn('bash', ['-c', `umask 000; exec '${process.execPath}' '${CLI}' forum watch --follow --json`], {cwd: work, env: {...process.env, ...env}});
		try {
			await until(() => fs.existsSync(`${db}-shm`), true);
			expect((await forum(['ask', '--ticket', 'F-3', '--title', 'Q', '--body', 'B'])).code).toBe(0);
			expect(mode(`${db}-wal`)).toBe('600');
			expect(mode(`${db}-shm`)).toBe('600');
		} finally {
			watcher.kill('SIGTERM');
			await exited(watcher);
		}
		// The last connection to close removes them: nothing is left beside the database.
		expect(listing(path.join(work, '.metawsm'))).toEqual(['metawsm.db']);
	});

	it('docs-sync writes only under its docs root', async () => {
		const before = listing(root);
		const result = await forum(['docs-sync']);
		expect(result.code).toBe(0);
		const added = listing(root).filter((entry) => !before.includes(entry));
		expect(added.length).toBeGreaterThan(0);
		expect(added.filter((entry) => !entry.startsWith('work/docs/'))).toEqual([]);
	});
});
