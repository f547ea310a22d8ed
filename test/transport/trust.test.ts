/**
 * Issue 15: nothing outside SQLite is trusted. A real redis-server, a real `metawsm forum serve`
 * process, remote CLI processes, and forged entries written with ioredis as an attacker with
 * Redis access (but no signing key) would.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type {Redis} from 'ioredis';
import {afterAll, beforeAll, expect, test} from 'vitest';
import {CLI, ROOT, runCli, runProcess, tempDir} from '../helpers/cli.js';
import {writeActorsPolicy, writeTestKey, type TestKey} from '../helpers/keys.js';
import {parseEntries} from '../../source/transport/connection.js';
import {ForumService} from '../../source/service/forum-service.js';
import {askMany, eventually} from './fixtures.js';
import {describeWithRedis, RedisServer} from './redis-server.js';

const STREAM = 'metawsm-forum';

describeWithRedis('a transport that trusts nothing outside SQLite', () => {
	let server: RedisServer;
	let probe: Redis;
	let work: {dir: string; cleanup: () => void};
	let db: string;
	let serveProcess: ChildProcess;
	let serveLog = '';
	let agent: TestKey;
	let human: TestKey;

	beforeAll(async () => {
		execBuild();
		server = await RedisServer.start();
		probe = server.client();
		work = tempDir('metawsm-trust-');
		db = path.join(work.dir, 'forum.db');
		agent = writeTestKey(work.dir, {type: 'agent', name: 'tester'});
		human = writeTestKey(work.dir, {type: 'human', name: 'ops'});
		writeActorsPolicy(work.dir, [agent, human]);
		serveProcess = spawn(process.execPath, [CLI, 'forum', 'serve', '--db', db, '--redis', server.url], {cwd: work.dir, stdio: ['ignore', 'pipe', 'pipe']});
		serveProcess.stderr!.on('data', (chunk: Buffer) => (serveLog += chunk.toString()));
		await eventually(() => /relay: publishing/.test(serveLog) && /commands: consuming/.test(serveLog), 15_000, `serve to start; log: ${serveLog}`);
	}, 60_000);

	afterAll(async () => {
		if (serveProcess && serveProcess.exitCode === null) serveProcess.kill('SIGKILL');
		probe?.disconnect();
		await server?.stop();
		work?.cleanup();
	});

	const local = (args: string[]) => runCli(['forum', ...args, '--db', db], {cwd: work.dir});
	const remote = (args: string[], key: TestKey = agent, timeoutMs = 20_000) =>
		runProcess(process.execPath, [CLI, 'forum', ...args, '--remote', '--redis', server.url], {cwd: work.dir, env: {METAWSM_KEY: key.file, METAWSM_REMOTE_TIMEOUT: '10'}, timeoutMs});

	async function ask(title: string): Promise<string> {
		const result = await local(['ask', '--ticket', 'OPS-1', '--title', title, '--body', 'x']);
		expect(result.code).toBe(0);
		return result.stdout.trim();
	}

	test('with a forged 99999999-1 entry in the events stream, a new local ask reaches a remote list within 2 s, and serve says what it found', async () => {
		await ask('before the forgery');
		await eventually(async () => (await remote(['list'])).stdout.includes('before the forgery'), 10_000, 'the first thread remotely');
		await probe.call('XADD', [`${STREAM}:events`, '99999999-1', 'event', '{"sequence":99999999,"event_type":"forum.thread.opened"}']);
		const started = Date.now();
		await ask('after the forgery');
		let listed = '';
		await eventually(async () => (listed = (await remote(['list'])).stdout).includes('after the forgery'), 10_000, 'the new thread remotely');
		const ms = Date.now() - started;
		console.log(`[trust] forged top entry: new ask visible remotely after ${ms} ms`);
		expect(ms).toBeLessThan(2000);
		expect(listed).toContain('before the forgery');
		expect(serveLog).toMatch(/holds entry 99999999-1 that this relay did not write .*it carries no forum id or epoch; started epoch \d+/);
	}, 30_000);

	test('after XDEL of a forged entry serve starts one new epoch and keeps publishing (no refill loop)', async () => {
		await probe.call('XADD', [`${STREAM}:events`, '99999999-1', 'forged', 'yes']).catch(() => undefined);
		await probe.call('XADD', [`${STREAM}:events`, '99999999-2', 'forged', 'yes']);
		await probe.call('XDEL', [`${STREAM}:events`, '99999999-2']);
		const epochsBefore = serveLog.match(/started epoch/g)?.length ?? 0;
		await ask('after the XDEL');
		await eventually(async () => (await remote(['list'])).stdout.includes('after the XDEL'), 10_000, 'the thread remotely after XDEL');
		await new Promise((resolve) => setTimeout(resolve, 2500));
		const epochsAfter = serveLog.match(/started epoch/g)?.length ?? 0;
		expect(epochsAfter - epochsBefore).toBe(1);
	}, 30_000);

	test('after XTRIM MAXLEN 5, list --remote shows every open thread', async () => {
		const writer = new ForumService({db});
		try {
			askMany(writer, 90, 'trimmed');
		} finally {
			writer.close();
		}
		const open = JSON.parse((await local(['list', '--json', '--limit', '0'])).stdout).threads.length as number;
		await eventually(async () => (await remote(['list', '--json', '--limit', '0'])).stdout.includes('trimmed 89'), 10_000, 'the threads remotely');
		await probe.call('XTRIM', [`${STREAM}:events`, 'MAXLEN', 5]);
		await ask('after the trim');
		const listed = await remote(['list', '--json', '--limit', '0']);
		expect(listed.code).toBe(0);
		const threads = JSON.parse(listed.stdout).threads as unknown[];
		expect(threads).toHaveLength(open + 1);
		expect(JSON.parse(listed.stdout).partial).toBeUndefined();
		const status = await remote(['status', '--json', '--fail-on-escalation']);
		expect(JSON.parse(status.stdout).forum.total).toBeGreaterThanOrEqual(open + 1);
	}, 60_000);

	test('a forged system close on the commands stream is not applied and lands in the dead-letter stream with a reason', async () => {
		const threadId = await ask('must stay open');
		const command = {type: 'close', commandId: 'c-forged-close', threadId, actor: {type: 'system', name: 'sla'}};
		await probe.call('XADD', [`${STREAM}:commands`, '*', 'command_id', command.commandId, 'type', 'close', 'reply_to', 'attacker', 'command', JSON.stringify(command)]);
		let dead: {fields: Record<string, string>}[] = [];
		await eventually(async () => {
			dead = parseEntries(await probe.call('XRANGE', [`${STREAM}:dead`, '-', '+'])).filter((entry) => entry.fields['command_id'] === 'c-forged-close');
			return dead.length > 0;
		}, 10_000, 'the forged close in the dead-letter stream');
		expect(dead[0]!.fields['error']).toMatch(/^refused: unsigned: remote commands must be signed/);
		const shown = JSON.parse((await local(['thread', '--thread-id', threadId, '--json'])).stdout);
		expect(shown.state).toBe('new');
	}, 30_000);

	test('a signed command whose actor is not its key\'s is refused with the reason, and nothing is written', async () => {
		const threadId = await ask('close me as someone else');
		const result = await remote(['close', '--thread-id', threadId, '--actor-type', 'operator', '--actor-name', 'root'], human);
		expect(result.code).toBe(3);
		expect(result.stderr).toMatch(/refused command .*actor mismatch: the command acts as operator\/root, but key ed25519:\S+ belongs to human\/ops/);
		expect(JSON.parse((await local(['thread', '--thread-id', threadId, '--json'])).stdout).state).toBe('new');
		const signedRight = await remote(['close', '--thread-id', threadId, '--actor-type', 'human', '--actor-name', 'ops'], human);
		expect(signedRight.code).toBe(0);
	}, 30_000);

	test('a remote read that cannot finish ends on SIGTERM at once', async () => {
		const child = spawn(process.execPath, [CLI, 'forum', 'watch', '--follow', '--remote', '--redis', server.url], {cwd: work.dir, stdio: ['ignore', 'pipe', 'pipe']});
		await new Promise((resolve) => setTimeout(resolve, 800));
		const started = Date.now();
		const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
		child.kill('SIGTERM');
		await exited;
		expect(Date.now() - started).toBeLessThan(3000);
	}, 20_000);

});

function execBuild(): void {
	if (!fs.existsSync(path.join(ROOT, 'dist', 'cli.js'))) throw new Error('run npm run build first');
}
