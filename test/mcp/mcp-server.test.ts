/**
 * `metawsm forum mcp` as an agent's harness meets it: the official SDK's Client over
 * StdioClientTransport spawning the built CLI, an operator answering through the CLI.
 */
import path from 'node:path';
import {Client} from '@modelcontextprotocol/sdk/client/index.js';
import {StdioClientTransport} from '@modelcontextprotocol/sdk/client/stdio.js';
import type {CallToolResult} from '@modelcontextprotocol/sdk/types.js';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {CLI, runCli, tempDir} from '../helpers/cli.js';

let dir: string;
let cleanup: () => void;
let db: string;
let clients: Client[] = [];

const forum = (...args: string[]) => runCli(['forum', ...args, '--db', db], {cwd: dir});

/** An MCP client connected to a fresh `metawsm forum mcp` process. */
async function connect(args: string[] = ['--ticket', 'OPS-7', '--agent', 'builder'], env: Record<string, string> = {}): Promise<Client> {
	const base = Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined && !entry[0].startsWith('METAWSM_') && entry[0] !== 'TMUX' && entry[0] !== 'TMUX_PANE'));
	const transport = new StdioClientTransport({command: process.execPath, args: [CLI, 'forum', 'mcp', '--db', db, ...args], cwd: dir, env: {...base, ...env}, stderr: 'pipe'});
	const client = new Client({name: 'metawsm-test', version: '1.0.0'});
	await client.connect(transport);
	clients.push(client);
	return client;
}

type Structured = {status: string; thread_id: string; decision: {kind: string; choice: {index: number; label: string} | null; approved: boolean | null; body: string} | null; next?: string};

async function call(client: Client, name: string, args: Record<string, unknown>, onprogress?: (progress: {progress: number; total?: number; message?: string}) => void): Promise<CallToolResult> {
	return (await client.callTool({name, arguments: args}, undefined, {onprogress, timeout: 60_000})) as CallToolResult;
}

const textOf = (result: CallToolResult) => result.content.map((item) => (item.type === 'text' ? item.text : '')).join('\n');

async function listJson(): Promise<{thread_id: string; title: string; state: string}[]> {
	const result = await forum('list', '--json', '--limit', '0');
	expect(result.code, result.stderr).toBe(0);
	return JSON.parse(result.stdout).threads;
}

/** The id of the thread titled `title`, once an MCP call has opened it. */
async function threadTitled(title: string): Promise<string> {
	for (let tries = 0; tries < 200; tries++) {
		const found = (await listJson()).find((thread) => thread.title === title);
		if (found) return found.thread_id;
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
	throw new Error(`no thread titled ${title}`);
}

beforeEach(() => {
	({dir, cleanup} = tempDir());
	db = path.join(dir, 'forum.db');
});
afterEach(async () => {
	for (const client of clients.splice(0)) await client.close().catch(() => undefined);
	cleanup();
});

describe('metawsm forum mcp', () => {
	it('lists five tools, each with a description and a JSON schema of its arguments', async () => {
		const client = await connect();
		const {tools} = await client.listTools();
		expect(tools.map((tool) => tool.name)).toEqual(['ask_human', 'wait_for_answer', 'post_update', 'get_thread', 'list_my_threads']);
		for (const tool of tools) {
			expect(tool.description!.length).toBeGreaterThan(60);
			expect(tool.inputSchema.type).toBe('object');
		}
		const ask = tools.find((tool) => tool.name === 'ask_human')!;
		expect(ask.inputSchema.required).toEqual(['title', 'body']);
		expect(Object.keys(ask.inputSchema.properties!)).toEqual(['title', 'body', 'choices', 'recommend', 'approval', 'priority', 'ticket', 'run_id', 'wait_seconds', 'request_id']);
		expect(client.getInstructions()).toContain('ask_human');
	});

	it('ask_human with two choices returns the choice an operator gave through the CLI', async () => {
		const client = await connect();
		const asking = call(client, 'ask_human', {title: 'Drop legacy_users?', body: 'No reads for 90 days.', choices: ['Drop it', 'Keep it'], recommend: 2, wait_seconds: 30});
		const id = await threadTitled('Drop legacy_users?');
		const answered = await forum('answer', '--thread-id', id, '--choice', '2', '--body', 'Audit first.');
		expect(answered.code, answered.stderr).toBe(0);
		const result = await asking;
		expect(result.isError).toBeFalsy();
		const data = result.structuredContent as Structured;
		expect(data).toMatchObject({status: 'answered', thread_id: id, decision: {kind: 'choice', choice: {index: 2, label: 'Keep it'}, body: 'Audit first.'}});
		expect(textOf(result)).toContain('Chose 2 "Keep it"');
	});

	it('returns the same shape as `wait --json`', async () => {
		const client = await connect();
		const asking = call(client, 'ask_human', {title: 'Same shape?', body: 'b', approval: true, wait_seconds: 30});
		const id = await threadTitled('Same shape?');
		await forum('answer', '--thread-id', id, '--approve');
		const data = (await asking).structuredContent as Record<string, unknown>;
		const wait = JSON.parse((await forum('wait', '--thread-id', id, '--json')).stdout);
		const {thread: a, ...restA} = data as {thread: Record<string, unknown>};
		const {thread: b, ...restB} = wait;
		expect(restA).toEqual(restB);
		expect(Object.keys(a)).toEqual(Object.keys(b));
	});

	it('a call that runs out of wait_seconds returns waiting with the thread id, and wait_for_answer then returns the decision', async () => {
		const client = await connect();
		const first = await call(client, 'ask_human', {title: 'Which region?', body: 'For the replica.', choices: ['eu-west-1', 'us-east-1'], wait_seconds: 1});
		const waiting = first.structuredContent as Structured;
		expect(waiting.status).toBe('waiting');
		expect(waiting.decision).toBeNull();
		expect(waiting.next).toContain('call wait_for_answer');
		expect((await listJson()).map((thread) => thread.thread_id)).toEqual([waiting.thread_id]);

		const answering = call(client, 'wait_for_answer', {thread_id: waiting.thread_id, wait_seconds: 30});
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect((await forum('answer', '--thread-id', waiting.thread_id, '--choice', 'eu-west-1')).code).toBe(0);
		const decided = (await answering).structuredContent as Structured;
		expect(decided).toMatchObject({status: 'answered', thread_id: waiting.thread_id, decision: {choice: {index: 1, label: 'eu-west-1'}}});
	});

	it('wait_for_answer on a snoozed question reports snoozed_until and the seconds left, in data and in words', async () => {
		const client = await connect();
		const first = (await call(client, 'ask_human', {title: 'Which region?', body: 'For the replica.', wait_seconds: 0})).structuredContent as Structured;
		expect((await forum('snooze', '--thread-id', first.thread_id, '--for', '2h')).code).toBe(0);
		const result = await call(client, 'wait_for_answer', {thread_id: first.thread_id, wait_seconds: 0});
		const data = result.structuredContent as Structured & {snoozed_until: string | null; snooze_remaining_seconds: number};
		expect(data.status).toBe('waiting');
		expect(Date.parse(data.snoozed_until!) - Date.now()).toBeGreaterThan(119 * 60_000);
		expect(data.snooze_remaining_seconds).toBeGreaterThan(119 * 60);
		expect(textOf(result)).toMatch(/snoozed it until .* \(\d+ s from now\)/);
		const thread = (await call(client, 'get_thread', {thread_id: first.thread_id})).structuredContent as {snoozed_until: string | null};
		expect(thread.snoozed_until).toBe(data.snoozed_until);
	});

	it('retrying ask_human with the same request_id opens no second thread', async () => {
		const client = await connect();
		const args = {title: 'Retry me', body: 'b', request_id: 'req-42', wait_seconds: 0};
		const first = (await call(client, 'ask_human', args)).structuredContent as Structured;
		// A restarted server (another process) with the same request id finds the same thread.
		const again = (await call(await connect(), 'ask_human', args)).structuredContent as Structured;
		expect(again.thread_id).toBe(first.thread_id);
		expect(await listJson()).toHaveLength(1);
	});

	it('retrying ask_human without a request_id finds the open thread of the same question', async () => {
		const client = await connect();
		const args = {title: 'Same question', body: 'b', wait_seconds: 0};
		const first = (await call(client, 'ask_human', args)).structuredContent as Structured;
		const again = await call(client, 'ask_human', args);
		expect((again.structuredContent as Structured).thread_id).toBe(first.thread_id);
		expect(textOf(again)).toContain('already open for this question');
		expect(await listJson()).toHaveLength(1);
	});

	it('asking the same question again after its thread was closed opens a new thread', async () => {
		const client = await connect();
		const args = {title: 'Ask twice', body: 'b', wait_seconds: 0};
		const first = (await call(client, 'ask_human', args)).structuredContent as Structured;
		expect((await forum('close', '--thread-id', first.thread_id)).code).toBe(0);
		const second = (await call(client, 'ask_human', args)).structuredContent as Structured;
		expect(second.thread_id).not.toBe(first.thread_id);
		expect(second.status).toBe('waiting');
	});

	it('a request_id reused for another question is a tool error that says to use a new one', async () => {
		const client = await connect();
		await call(client, 'ask_human', {title: 'One', body: 'b', request_id: 'dup', wait_seconds: 0});
		const result = await call(client, 'ask_human', {title: 'Two', body: 'b', request_id: 'dup', wait_seconds: 0});
		expect(result.isError).toBe(true);
		expect(textOf(result)).toContain('request_id dup was already used for a different question');
	});

	it('sends progress notifications while it waits', async () => {
		const client = await connect();
		const progress: {progress: number; total?: number; message?: string}[] = [];
		const result = await call(client, 'ask_human', {title: 'Slow human', body: 'b', wait_seconds: 6}, (p) => progress.push(p));
		expect((result.structuredContent as Structured).status).toBe('waiting');
		expect(progress.length).toBeGreaterThanOrEqual(1);
		expect(progress[0]).toMatchObject({total: 6});
		expect(progress[0]!.message).toContain('waiting for a human on thread');
	});

	it('a denied approval says not to proceed', async () => {
		const client = await connect();
		const asking = call(client, 'ask_human', {title: 'Force-push main?', body: 'b', approval: true, priority: 'urgent', wait_seconds: 30});
		const id = await threadTitled('Force-push main?');
		await forum('answer', '--thread-id', id, '--deny', '--body', 'Never.');
		const result = await asking;
		expect(result.structuredContent).toMatchObject({status: 'answered', decision: {kind: 'approval', approved: false}});
		expect(textOf(result)).toMatch(/^DENIED by operator tester: do not proceed\. Note: Never\./);
	});

	it('without a ticket, ask_human is a tool error that says how to set one', async () => {
		const client = await connect(['--agent', 'builder']);
		const result = await call(client, 'ask_human', {title: 'No ticket', body: 'b'});
		expect(result.isError).toBe(true);
		expect(textOf(result)).toContain('pass "ticket" in the call, or start the server with --ticket T (or METAWSM_TICKET=T');
	});

	it('takes ticket, agent and run from METAWSM_TICKET, METAWSM_AGENT and METAWSM_RUN_ID', async () => {
		const client = await connect([], {METAWSM_TICKET: 'ENV-1', METAWSM_AGENT: 'env-agent', METAWSM_RUN_ID: 'run-9'});
		const result = (await call(client, 'ask_human', {title: 'From env', body: 'b', wait_seconds: 0})).structuredContent as {thread: {ticket: string; agent_name: string; run_id: string; created_by_name: string}};
		expect(result.thread).toMatchObject({ticket: 'ENV-1', agent_name: 'env-agent', run_id: 'run-9', created_by_name: 'env-agent'});
	});

	it('arguments that do not fit the schema are a tool error naming the field', async () => {
		const client = await connect();
		const result = await call(client, 'ask_human', {title: 'One choice', body: 'b', choices: ['only']});
		expect(result.isError).toBe(true);
		expect(textOf(result)).toContain('invalid arguments for ask_human: choices must NOT have fewer than 2 items');
	});

	it('a refusal is a tool error with the CLI\'s message', async () => {
		const client = await connect();
		const {thread_id: id} = (await call(client, 'ask_human', {title: 'Closed later', body: 'b', wait_seconds: 0})).structuredContent as Structured;
		await forum('close', '--thread-id', id);
		const result = await call(client, 'post_update', {thread_id: id, body: 'more'});
		const cli = await forum('post', '--thread-id', id, '--body', 'more');
		expect(result.isError).toBe(true);
		expect(cli.code).toBe(3);
		expect(`metawsm forum post: ${textOf(result)}\n`).toBe(cli.stderr);
	});

	it('post_update on an answered thread puts it back in front of the human', async () => {
		const client = await connect();
		const {thread_id: id} = (await call(client, 'ask_human', {title: 'Follow me up', body: 'b', wait_seconds: 0})).structuredContent as Structured;
		await forum('answer', '--thread-id', id, '--body', 'Yes.');
		const result = await call(client, 'post_update', {thread_id: id, body: 'It also touches billing; still yes?'});
		expect(result.structuredContent).toMatchObject({ok: true, thread_id: id, state: 'waiting_human', reopened: true});
		expect(textOf(result)).toContain('Call wait_for_answer with {"thread_id": "' + id + '"}');
	});

	it('get_thread returns the thread with its posts, and list_my_threads this agent\'s threads on the ticket', async () => {
		const client = await connect();
		const {thread_id: id} = (await call(client, 'ask_human', {title: 'Mine', body: 'b', wait_seconds: 0})).structuredContent as Structured;
		await forum('ask', '--ticket', 'OPS-7', '--agent', 'someone-else', '--title', 'Not mine', '--body', 'b');
		await forum('post', '--thread-id', id, '--body', 'Which environment?');
		const thread = (await call(client, 'get_thread', {thread_id: id})).structuredContent as {title: string; posts: {body: string}[]};
		expect(thread.title).toBe('Mine');
		expect(thread.posts.map((post) => post.body)).toEqual(['Which environment?']);
		const mine = (await call(client, 'list_my_threads', {})).structuredContent as {threads: {thread_id: string}[]};
		expect(mine.threads.map((t) => t.thread_id)).toEqual([id]);
	});

	it('an unknown thread is a tool error', async () => {
		const client = await connect();
		const result = await call(client, 'wait_for_answer', {thread_id: 't-nope', wait_seconds: 0});
		expect(result.isError).toBe(true);
		expect(textOf(result)).toBe('no thread with id t-nope; see list_my_threads');
	});
});
