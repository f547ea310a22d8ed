/**
 * Issue 4's check, in a real terminal: a dashboard on a Redis-only ("remote") configuration
 * sees a thread asked on the serving host by itself, and answers it with `a`.
 */
import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import path from 'node:path';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {CLI, runCli, tempDir} from '../helpers/cli.js';
import {writeActorsPolicy, writeTestKey} from '../helpers/keys.js';
import {eventually} from '../transport/fixtures.js';
import {describeWithRedis, RedisServer} from '../transport/redis-server.js';
import {privateTmux} from '../helpers/tmux.js';

const HAS_TMUX = spawnSync('tmux', ['-V']).status === 0;
const server = privateTmux('remote-dash');
const SESSION = 'remote-dash';
// The shared private server keeps a session of its own, so killing a test's session never stops it.
const tmux = server.run;
const capture = () => tmux('capture-pane', '-p', '-t', SESSION);

describeWithRedis('a remote dashboard over Redis, in tmux', () => {
	let server: RedisServer;
	let url: string;
	let serve: ChildProcess;
	let log = '';
	let work: {dir: string; cleanup: () => void};
	let db: string;
	let keyFile: string;

	beforeAll(async () => {
		expect(HAS_TMUX || process.env['CI'] !== 'true', 'tmux is not installed; .ci/run installs it').toBe(true);
		server = await RedisServer.start({config: ['user forum on >remote-pw ~* &* +@all', 'user default off']});
		url = `redis://forum:remote-pw@127.0.0.1:${server.port}`;
		work = tempDir();
		db = path.join(work.dir, 'forum.db');
		// Remote writes are signed: the dashboard acts as operator remote-ops.
		const key = writeTestKey(work.dir, {type: 'operator', name: 'remote-ops'});
		keyFile = key.file;
		writeActorsPolicy(work.dir, [key]);
		serve = spawn(process.execPath, [CLI, 'forum', 'serve', '--db', db, '--redis', url], {cwd: work.dir, stdio: ['ignore', 'ignore', 'pipe']});
		serve.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
		await eventually(() => /serve: running/.test(log) && /relay: publishing/.test(log), 15_000, `serve to start; log: ${log}`);
	}, 60_000);

	afterAll(async () => {
		server.kill();
		serve?.kill('SIGKILL');
		await server?.stop();
		work?.cleanup();
	});

	it.runIf(HAS_TMUX)('shows a thread asked on the serving host and answers it with a', async () => {
		// The remote host has no database: only the Redis URL.
		tmux('new-session', '-d', '-s', SESSION, '-x', '100', '-y', '30', '-c', work.dir, '-e', 'METAWSM_ACTOR_NAME=remote-ops', '-e', `METAWSM_KEY=${keyFile}`, `node ${CLI} forum dash --no-bell --remote --redis ${url}`);
		await eventually(() => capture().includes('metawsm forum'), 15_000, 'the remote dashboard');
		expect(capture()).toContain('redis://forum:***@127.0.0.1');
		expect(capture()).not.toContain('remote-pw');

		const asked = await runCli(['forum', 'ask', '--db', db, '--ticket', 'REM-1', '--agent', 'builder', '--title', 'Remote: ship it?', '--body', 'Needs a yes.', '--priority', 'urgent', '--json']);
		const id: string = JSON.parse(asked.stdout).thread_id;
		await eventually(() => capture().includes('Remote: ship it?'), 5_000, 'the thread on the remote dashboard');

		tmux('send-keys', '-t', SESSION, 'a');
		await eventually(() => /answer/i.test(capture().split('\n').slice(-4).join('\n')), 5_000, 'the answer prompt');
		tmux('send-keys', '-t', SESSION, '-l', 'Yes, from the remote host.');
		tmux('send-keys', '-t', SESSION, 'Enter');
		await eventually(async () => {
			const detail = JSON.parse((await runCli(['forum', 'thread', '--db', db, '--thread-id', id, '--json'])).stdout);
			return detail.state === 'answered' && detail.posts.some((post: {body: string; author_name: string}) => post.body === 'Yes, from the remote host.' && post.author_name === 'remote-ops');
		}, 10_000, 'the answer in the serving host’s database');
		tmux('send-keys', '-t', SESSION, 'q');
	});

	it.runIf(HAS_TMUX)('"I\'m on it" through Redis: the remote dashboard\'s answer prompt shows on the serving host\'s local dashboard, and back', async () => {
		const asked = await runCli(['forum', 'ask', '--db', db, '--ticket', 'REM-2', '--agent', 'builder', '--title', 'Remote: which region?', '--body', 'eu or us', '--json']);
		expect(asked.code, asked.stderr).toBe(0);
		tmux('new-session', '-d', '-s', 'remote-2', '-x', '100', '-y', '30', '-c', work.dir, '-e', 'METAWSM_ACTOR_NAME=remote-ops', '-e', `METAWSM_KEY=${keyFile}`, `node ${CLI} forum dash --no-bell --remote --redis ${url}`);
		// The serving host's own dashboard: its local database, with the Redis URL configured.
		tmux('new-session', '-d', '-s', 'local-2', '-x', '100', '-y', '30', '-c', work.dir, '-e', 'METAWSM_ACTOR_NAME=alice', `node ${CLI} forum dash --no-bell --db ${db} --redis ${url}`);
		const screen = (session: string) => tmux('capture-pane', '-p', '-t', session);
		await eventually(() => screen('remote-2').includes('Remote: which region?') && screen('local-2').includes('Remote: which region?'), 15_000, 'both dashboards');
		// Give both subscriptions a moment to be in place (a joining dashboard says hello).
		await new Promise((resolve) => setTimeout(resolve, 500));
		const started = Date.now();
		tmux('send-keys', '-t', 'remote-2', 'a');
		await eventually(() => screen('local-2').includes('remote-ops is answering'), 5_000, 'the remote operator shown on the local dashboard');
		const remoteToLocal = Date.now() - started;
		tmux('send-keys', '-t', 'remote-2', 'Escape');
		await eventually(() => !screen('local-2').includes('remote-ops is answering'), 5_000, 'the remote operator gone');
		const back = Date.now();
		tmux('send-keys', '-t', 'local-2', 'a');
		await eventually(() => screen('remote-2').includes('alice is answering'), 5_000, 'the local operator shown on the remote dashboard');
		const localToRemote = Date.now() - back;
		console.log(`presence over Redis: remote → local ${remoteToLocal} ms, local → remote ${localToRemote} ms (key to screen)`);
		expect(remoteToLocal).toBeLessThan(1000);
		expect(localToRemote).toBeLessThan(1000);
		tmux('send-keys', '-t', 'local-2', 'Escape');
		tmux('send-keys', '-t', 'local-2', 'q');
		tmux('send-keys', '-t', 'remote-2', 'q');
	});
});
