/**
 * `metawsm forum mcp --remote`: an agent on a host with only a Redis URL asks through MCP; the
 * serving host's operator answers through its CLI; the call returns that decision.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import path from 'node:path';
import {Client} from '@modelcontextprotocol/sdk/client/index.js';
import {StdioClientTransport} from '@modelcontextprotocol/sdk/client/stdio.js';
import type {CallToolResult} from '@modelcontextprotocol/sdk/types.js';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {CLI, runCli, tempDir} from '../helpers/cli.js';
import {writeActorsPolicy, writeTestKey, type TestKey} from '../helpers/keys.js';
import {eventually} from '../transport/fixtures.js';
import {describeWithRedis, RedisServer} from '../transport/redis-server.js';

describeWithRedis('the MCP server on a Redis-only host', () => {
	let server: RedisServer;
	let url: string;
	let serve: ChildProcess;
	let log = '';
	let work: {dir: string; cleanup: () => void};
	let db: string;
	let key: TestKey;

	beforeAll(async () => {
		server = await RedisServer.start();
		url = `redis://127.0.0.1:${server.port}`;
		work = tempDir();
		db = path.join(work.dir, 'forum.db');
		// Remote writes are signed: the MCP server acts as its agent, far-agent.
		key = writeTestKey(work.dir, {type: 'agent', name: 'far-agent'});
		writeActorsPolicy(work.dir, [key]);
		serve = spawn(process.execPath, [CLI, 'forum', 'serve', '--db', db, '--redis', url], {cwd: work.dir, stdio: ['ignore', 'ignore', 'pipe']});
		serve.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
		await eventually(() => /serve: running/.test(log) && /relay: publishing/.test(log), 15_000, `serve to start; log: ${log}`);
	}, 60_000);

	afterAll(async () => {
		serve?.kill('SIGKILL');
		await server?.stop();
		work?.cleanup();
	});

	it('ask_human over --remote returns the choice the serving host answered', async () => {
		const remote = tempDir();
		const transport = new StdioClientTransport({command: process.execPath, args: [CLI, 'forum', 'mcp', '--remote', '--redis', url, '--ticket', 'REM-1', '--agent', 'far-agent'], cwd: remote.dir, stderr: 'pipe', env: {...stringEnv(), METAWSM_KEY: key.file}});
		const client = new Client({name: 'remote-test', version: '1.0.0'});
		await client.connect(transport);
		try {
			const asking = client.callTool({name: 'ask_human', arguments: {title: 'Remote: which?', body: 'b', choices: ['Left', 'Right'], wait_seconds: 30}}, undefined, {timeout: 60_000});
			let id = '';
			await eventually(async () => {
				const list = JSON.parse((await runCli(['forum', 'list', '--db', db, '--json'])).stdout);
				id = list.threads.find((thread: {title: string}) => thread.title === 'Remote: which?')?.thread_id ?? '';
				return id !== '';
			}, 15_000, 'the thread in the serving host’s database');
			expect((await runCli(['forum', 'answer', '--db', db, '--thread-id', id, '--choice', 'Right'])).code).toBe(0);
			const result = (await asking) as CallToolResult;
			expect(result.structuredContent).toMatchObject({status: 'answered', thread_id: id, decision: {choice: {index: 2, label: 'Right'}}});
		} finally {
			await client.close();
			remote.cleanup();
		}
	});
});

/** This process's environment without the actor name (the MCP server then acts as its --agent). */
function stringEnv(): Record<string, string> {
	const env: Record<string, string> = {};
	for (const [name, value] of Object.entries(process.env)) if (value !== undefined && name !== 'METAWSM_ACTOR_NAME') env[name] = value;
	return env;
}
