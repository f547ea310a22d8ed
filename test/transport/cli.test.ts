import {execFileSync, spawn, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, expect, test} from 'vitest';
import {CLI, ROOT, runCli, tempDir} from '../helpers/cli.js';
import {writeActorsPolicy, writeTestKey} from '../helpers/keys.js';
import {eventually} from './fixtures.js';
import {describeWithRedis, RedisServer} from './redis-server.js';

const PASSWORD = 's3cret-Pa55';

/** Chunks dist/cli.js loads before running any command (static imports, transitively). */
function staticChunks(): string[] {
	const seen = new Set<string>();
	const visit = (file: string) => {
		if (seen.has(file)) return;
		seen.add(file);
		const text = fs.readFileSync(path.join(ROOT, 'dist', file), 'utf8');
		for (const match of text.matchAll(/^(?:import|export)\s[^;]*?from\s*"\.\/([^"]+)"/gms)) visit(match[1]!);
		for (const match of text.matchAll(/^import\s*"\.\/([^"]+)"/gm)) visit(match[1]!);
	};
	visit('cli.js');
	return [...seen];
}

describeWithRedis('the built CLI over Redis', () => {
	let server: RedisServer;
	let url: string;
	let serveProcess: ChildProcess;
	let serveLog = '';
	let work: {dir: string; cleanup: () => void};
	let db: string;
	let keyFile: string;

	beforeAll(async () => {
		execFileSync(process.execPath, ['scripts/build.js'], {cwd: ROOT});
		// An ACL user with a password; the default user is off, so every client must log in.
		server = await RedisServer.start({config: [`user forum on >${PASSWORD} ~* &* +@all`, 'user default off']});
		url = `redis://forum:${PASSWORD}@127.0.0.1:${server.port}`;
		work = tempDir();
		db = path.join(work.dir, 'forum.db');
		// Remote writes are signed: one key for the agent these tests act as (runCli's METAWSM_ACTOR_NAME).
		const key = writeTestKey(work.dir, {type: 'agent', name: 'tester'});
		keyFile = key.file;
		writeActorsPolicy(work.dir, [key]);
		serveProcess = spawn(process.execPath, [CLI, 'forum', 'serve', '--db', db, '--redis', url], {cwd: work.dir, stdio: ['ignore', 'pipe', 'pipe']});
		serveProcess.stdout!.on('data', (chunk: Buffer) => (serveLog += chunk.toString()));
		serveProcess.stderr!.on('data', (chunk: Buffer) => (serveLog += chunk.toString()));
		await eventually(() => /serve: running/.test(serveLog) && /commands: reading|commands: created/.test(serveLog), 15_000, `serve to start; log so far: ${serveLog}`);
	}, 60_000);

	afterAll(async () => {
		if (serveProcess && serveProcess.exitCode === null) {
			serveProcess.kill('SIGKILL');
		}
		await server?.stop();
		work?.cleanup();
	});

	const remote = (args: string[], env: Record<string, string> = {}) => runCli(['forum', ...args, '--remote', '--redis', url], {cwd: work.dir, env: {METAWSM_KEY: keyFile, ...env}});
	const local = (args: string[]) => runCli(['forum', ...args, '--db', db], {cwd: work.dir});

	test('agents\' commands never load ioredis unless Redis is in use', () => {
		const loaded = staticChunks().map((file) => fs.readFileSync(path.join(ROOT, 'dist', file), 'utf8'));
		expect(loaded.length).toBeGreaterThan(0);
		expect(loaded.some((text) => text.includes('enableOfflineQueue'))).toBe(false);
	});

	test('a remote ask is applied through serve and prints the new thread id', async () => {
		const asked = await remote(['ask', '--ticket', 'OPS-7', '--title', 'May I drop legacy_users?', '--body', 'No reads in 90 days.']);
		expect(asked.stderr).toBe('');
		expect(asked.code).toBe(0);
		const threadId = asked.stdout.trim();
		expect(threadId).toMatch(/^t-/);
		const shown = await local(['thread', '--thread-id', threadId, '--json']);
		expect(shown.code).toBe(0);
		expect(JSON.parse(shown.stdout).title).toBe('May I drop legacy_users?');
	});

	test('a remote refusal exits 3 with the same message as locally', async () => {
		const opened = await local(['ask', '--ticket', 'OPS-8', '--title', 'Closed soon', '--body', 'x']);
		const threadId = opened.stdout.trim();
		expect((await local(['close', '--thread-id', threadId])).code).toBe(0);
		const remotePost = await remote(['post', '--thread-id', threadId, '--body', 'one more thing']);
		const localPost = await local(['post', '--thread-id', threadId, '--body', 'one more thing']);
		expect(localPost.code).toBe(3);
		expect(remotePost.code).toBe(3);
		expect(remotePost.stderr).toBe(localPost.stderr);
	});

	test('remote list and thread read the replica of the events stream', async () => {
		const opened = await local(['ask', '--ticket', 'WEB-2', '--title', 'Which icon set?', '--body', 'Toolbar icons.']);
		const threadId = opened.stdout.trim();
		await eventually(async () => (await remote(['list'])).stdout.includes('Which icon set?'), 10_000, 'the thread in remote list');
		const thread = await remote(['thread', '--thread-id', threadId]);
		expect(thread.code).toBe(0);
		expect(thread.stdout).toContain('Toolbar icons.');
	});

	test('remote ask --wait prints the answer given on the serving host', async () => {
		const waiting = remote(['ask', '--ticket', 'OPS-9', '--title', 'Deploy now?', '--body', 'Green build.', '--wait', '--timeout', '20']);
		let threadId = '';
		await eventually(
			async () => {
				const listed = JSON.parse((await local(['list', '--ticket', 'OPS-9', '--json'])).stdout) as {threads: {thread_id: string}[]};
				threadId = listed.threads[0]?.thread_id ?? '';
				return threadId !== '';
			},
			10_000,
			'the remote question to reach the database',
		);
		expect((await local(['answer', '--thread-id', threadId, '--body', 'Yes, ship it.', '--actor-type', 'human'])).code).toBe(0);
		const result = await waiting;
		expect(result.code).toBe(0);
		expect(result.stdout.trim()).toBe('Yes, ship it.');
	});

	test('remote watch --follow prints events committed on the serving host', async () => {
		const child = spawn(process.execPath, [CLI, 'forum', 'watch', '--follow', '--remote', '--redis', url], {cwd: work.dir, stdio: ['ignore', 'pipe', 'pipe']});
		let out = '';
		child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
		try {
			await new Promise((resolve) => setTimeout(resolve, 500));
			await local(['ask', '--ticket', 'OPS-10', '--title', 'Watched question', '--body', 'x']);
			await eventually(() => out.includes('Watched question'), 10_000, 'watch to print the new thread');
			expect(out).toMatch(/forum\.thread\.opened .* \[normal\] Watched question/);
		} finally {
			child.kill('SIGINT');
		}
	});

	test('a remote dashboard frame shows a thread asked on the serving host, and the URL without the password', async () => {
		await local(['ask', '--ticket', 'OPS-11', '--title', 'Seen from afar?', '--body', 'x', '--priority', 'urgent']);
		let frame = '';
		await eventually(async () => {
			frame = (await remote(['dash', '--once'], {COLUMNS: '100', LINES: '20'})).stdout;
			return frame.includes('Seen from afar?');
		}, 10_000, 'the thread in the remote dashboard');
		expect(frame).toMatch(/redis:\/\/forum:\*\*\*@127\.0\.0\.1:\d+/);
		expect(frame).not.toContain(PASSWORD);
	});

	test('a wrong password fails with exit 1 and does not echo the password', async () => {
		const wrong = `redis://forum:Not-The-Password@127.0.0.1:${server.port}`;
		const result = await runCli(['forum', 'list', '--remote', '--redis', wrong], {cwd: work.dir});
		expect(result.code).toBe(1);
		expect(result.stderr).toMatch(/cannot reach Redis at redis:\/\/forum:\*\*\*@127\.0\.0\.1/);
		expect(result.stderr).not.toContain('Not-The-Password');
	});

	test('serve logs the URL without the password and stops cleanly on SIGTERM', async () => {
		const exited = new Promise<number | null>((resolve) => serveProcess.once('exit', (code) => resolve(code)));
		serveProcess.kill('SIGTERM');
		expect(await exited).toBe(0);
		expect(serveLog).toMatch(/redis: connected to redis:\/\/forum:\*\*\*@127\.0\.0\.1:\d+/);
		expect(serveLog).toMatch(/serve: stopping/);
		expect(serveLog).not.toContain(PASSWORD);
	});
});

describeWithRedis('the built CLI over rediss:// (TLS)', () => {
	let server: RedisServer;
	let work: {dir: string; cleanup: () => void};

	beforeAll(async () => {
		server = await RedisServer.start({tls: true, config: [`requirepass ${PASSWORD}`]});
		work = tempDir();
	}, 60_000);
	afterAll(async () => {
		await server?.stop();
		work?.cleanup();
	});

	test('serve and a remote client talk over TLS with a password', async () => {
		const url = `rediss://:${PASSWORD}@127.0.0.1:${server.tlsPort}`;
		// Trust the test's self-signed certificate, as an operator would their CA.
		const key = writeTestKey(work.dir, {type: 'agent', name: 'tester'});
		writeActorsPolicy(work.dir, [key]);
		const env = {NODE_EXTRA_CA_CERTS: server.certFile, METAWSM_KEY: key.file};
		const db = path.join(work.dir, 'forum.db');
		const serve = spawn(process.execPath, [CLI, 'forum', 'serve', '--db', db, '--redis', url], {cwd: work.dir, env: {...process.env, ...env}, stdio: ['ignore', 'pipe', 'pipe']});
		let log = '';
		serve.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
		try {
			await eventually(() => /relay: publishing/.test(log), 15_000, `serve to connect over TLS; log: ${log}`);
			const asked = await runCli(['forum', 'ask', '--remote', '--redis', url, '--ticket', 'SEC-1', '--title', 'Over TLS?', '--body', 'yes'], {cwd: work.dir, env});
			expect(asked.stderr).toBe('');
			expect(asked.code).toBe(0);
			const listed = await runCli(['forum', 'list', '--db', db], {cwd: work.dir});
			expect(listed.stdout).toContain('Over TLS?');
			expect(log).toContain(`rediss://:***@127.0.0.1:${server.tlsPort}`);
			expect(log).not.toContain(PASSWORD);
		} finally {
			const exited = new Promise((resolve) => serve.once('exit', resolve));
			serve.kill('SIGTERM');
			await exited;
		}
	});
});
