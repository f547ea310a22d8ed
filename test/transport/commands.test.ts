import {afterAll, afterEach, beforeAll, expect, test} from 'vitest';
import type {RemoteCommand} from '../../source/transport/codec.js';
import {parseEntries, parseRead, streamKeys} from '../../source/transport/connection.js';
import {openRemoteForum, type RemoteForumClient} from '../../source/transport/remote-client.js';
import {startRedisServeParts} from '../../source/transport/serve.js';
import type {Policy} from '../../source/policy/policy.js';
import {askMany, eventually, signedCommandFields, tempForum, testKeyring, testPolicy, type TempForum} from './fixtures.js';
import {describeWithRedis, RedisServer, useRedisServer} from './redis-server.js';
import {withRawDb} from '../helpers/raw-db.js';

const agent = {type: 'agent', name: 'builder'} as const;
const human = {type: 'human', name: 'ops'} as const;

function askCommand(commandId: string, threadId?: string): RemoteCommand {
	return {type: 'ask', commandId, threadId, ticket: 'OPS-7', agentName: 'builder', title: 'May I drop legacy_users?', body: 'No reads in 90 days.', priority: 'high', actor: agent};
}

describeWithRedis('remote commands through serve', () => {
	const fixture = useRedisServer();

	function forum(policy: Policy): TempForum {
		const made = tempForum(policy);
		fixture.cleanups.push(made.cleanup);
		return made;
	}

	async function serve(made: TempForum, options: {consumer?: string; claimIdleMs?: number} = {}): Promise<string[]> {
		const lines: string[] = [];
		const running = await startRedisServeParts(made.service, {url: fixture.server.url, policy: made.service.policy, log: (line) => lines.push(line), ...options});
		fixture.cleanups.push(() => running.stop());
		return lines;
	}

	async function remote(policy: Policy, timeoutMs = 10_000): Promise<RemoteForumClient> {
		const client = await openRemoteForum({url: fixture.server.url, policy, timeoutMs, signer: testKeyring(policy)});
		fixture.cleanups.push(() => client.close());
		return client;
	}

	async function pendingCount(policy: Policy): Promise<number> {
		const summary = (await fixture.probe.call('XPENDING', [streamKeys(policy).commands, policy.forum.redis.group])) as unknown[];
		return Number(summary[0]);
	}

	function appliedEvents(made: TempForum, commandId: string): number {
		return made.service.eventsAfter(0, {}, 100_000).filter((event) => event.command_id === commandId).length;
	}

	test('a remote write is applied by serve, answered with its events, and acknowledged', async () => {
		const policy = testPolicy();
		const local = forum(policy);
		await serve(local);
		const client = await remote(policy);
		const result = await client.dispatch(askCommand('c-remote-1'));
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		expect(result.events.map((event) => event.event_type)).toEqual(['forum.thread.opened']);
		expect(result.thread?.title).toBe('May I drop legacy_users?');
		expect(local.service.getThread(result.threadId)?.thread.priority).toBe('high');
		await eventually(async () => (await pendingCount(policy)) === 0, 5000, 'the entry to be acknowledged');
	});

	test('a remote write returns once its events are in the events stream, so the next remote read sees them', async () => {
		const policy = testPolicy();
		const local = forum(policy);
		await serve(local);
		const client = await remote(policy);
		const result = await client.dispatch(askCommand('c-read-your-write'));
		if (!result.ok) throw new Error('refused');
		const last = result.events.at(-1)!.sequence;
		const [entry] = parseEntries(await fixture.probe.call('XRANGE', [streamKeys(policy).events, `${last}-1`, `${last}-1`]));
		expect(JSON.parse(entry!.fields['event']!).command_id).toBe('c-read-your-write');
		const reader = await remote(policy);
		expect((await reader.getThread(result.threadId))?.thread.title).toBe('May I drop legacy_users?');
	});

	test('a remote refusal carries the same code and message as the local one', async () => {
		const policy = testPolicy();
		const local = forum(policy);
		await serve(local);
		const [threadId] = askMany(local.service, 1);
		local.service.dispatch({type: 'close', threadId: threadId!, actor: human});
		const client = await remote(policy);
		const post = {type: 'post', threadId: threadId!, body: 'one more thing', actor: agent} as const;
		const remoteResult = await client.dispatch(post);
		const localResult = local.service.dispatch(post);
		expect(localResult.ok).toBe(false);
		expect(remoteResult).toEqual({...localResult, commandId: remoteResult.commandId});
	});

	test('a repeated command id is applied once and answered as a duplicate', async () => {
		const policy = testPolicy();
		const local = forum(policy);
		await serve(local);
		const client = await remote(policy);
		const first = await client.dispatch(askCommand('c-twice'));
		const second = await client.dispatch(askCommand('c-twice'));
		expect(second).toMatchObject({ok: true, duplicate: true, threadId: first.ok ? first.threadId : ''});
		expect(appliedEvents(local, 'c-twice')).toBe(1);
	});

	test('an entry left pending by a consumer killed before XACK is claimed by another and applied exactly once', async () => {
		const policy = testPolicy();
		const local = forum(policy);
		const keys = streamKeys(policy);
		const group = policy.forum.redis.group;
		await fixture.probe.call('XGROUP', ['CREATE', keys.commands, group, '0', 'MKSTREAM']);
		await fixture.probe.call('XADD', [keys.commands, '*', ...signedCommandFields(policy, askCommand('c-applied-then-killed'), 'nobody')]);
		await fixture.probe.call('XADD', [keys.commands, '*', ...signedCommandFields(policy, askCommand('c-read-then-killed'), 'nobody')]);
		// The dead consumer read both; it committed the first and died before acknowledging either.
		const read = parseRead(await fixture.probe.call('XREADGROUP', ['GROUP', group, 'dead', 'COUNT', 10, 'STREAMS', keys.commands, '>']));
		expect(read.get(keys.commands)).toHaveLength(2);
		local.service.dispatch(askCommand('c-applied-then-killed'));
		expect(await pendingCount(policy)).toBe(2);

		const lines = await serve(local, {consumer: 'alive', claimIdleMs: 200});
		await eventually(async () => (await pendingCount(policy)) === 0, 10_000, 'both entries to be claimed and acknowledged');
		expect(appliedEvents(local, 'c-applied-then-killed')).toBe(1);
		expect(appliedEvents(local, 'c-read-then-killed')).toBe(1);
		expect(lines.join('\n')).toMatch(/reclaimed 2 entries/);
	});

	test('a command that fails max_deliveries times goes to the dead-letter stream with its error, and its sender is told', async () => {
		const policy = testPolicy({max_deliveries: 3});
		const local = forum(policy);
		// A real storage failure for one thread id: SQLite aborts the insert.
		withRawDb(local.file, (db) => db.exec(`CREATE TRIGGER poison BEFORE INSERT ON forum_events WHEN NEW.thread_id = 't-poison' BEGIN SELECT RAISE(ABORT, 'disk says no'); END`));
		const lines = await serve(local, {claimIdleMs: 100});
		const client = await remote(policy);
		const failed = client.dispatch(askCommand('c-poison', 't-poison'));
		await expect(failed).rejects.toMatchObject({code: 'dead_lettered', exitCode: 1});
		await expect(failed).rejects.toThrow(/failed 3 times .*disk says no/);
		const dead = parseEntries(await fixture.probe.call('XRANGE', [streamKeys(policy).dead, '-', '+']));
		expect(dead).toHaveLength(1);
		expect(dead[0]!.fields).toMatchObject({command_id: 'c-poison', deliveries: '3'});
		expect(dead[0]!.fields['error']).toMatch(/disk says no/);
		expect(await pendingCount(policy)).toBe(0);
		expect(lines.filter((line) => /c-poison failed \(delivery/.test(line))).toHaveLength(2);
		// Other commands are not held up by it.
		expect((await client.dispatch(askCommand('c-healthy'))).ok).toBe(true);
	});

	test('a malformed entry goes to the dead-letter stream at once', async () => {
		const policy = testPolicy();
		const local = forum(policy);
		const lines = await serve(local);
		await eventually(() => lines.some((line) => line.startsWith('commands: consuming')), 5000, 'consumer start');
		await fixture.probe.call('XADD', [streamKeys(policy).commands, '*', 'command', '{"type":"drop_tables"}']);
		await eventually(async () => Number(await fixture.probe.call('XLEN', [streamKeys(policy).dead])) === 1, 5000, 'dead letter');
		const [entry] = parseEntries(await fixture.probe.call('XRANGE', [streamKeys(policy).dead, '-', '+']));
		expect(entry!.fields['error']).toMatch(/malformed command: unknown command type "drop_tables"/);
		expect(await pendingCount(policy)).toBe(0);
	});

	test('after Redis restarts empty, serve recreates its group and remote writes work again', async () => {
		const policy = testPolicy();
		const local = forum(policy);
		const lines = await serve(local);
		const client = await remote(policy);
		expect((await client.dispatch(askCommand('c-before-restart'))).ok).toBe(true);
		await fixture.server.kill();
		await fixture.server.resume();
		await eventually(() => client.source().redis?.state === 'connected', 10_000, 'the client to reconnect');
		const after = await client.dispatch(askCommand('c-after-restart'));
		expect(after.ok).toBe(true);
		expect(appliedEvents(local, 'c-after-restart')).toBe(1);
		expect(lines.join('\n')).toMatch(/created consumer group .*\n(.|\n)*created consumer group/);
		// The relay refilled the empty stream, so the replica holds both threads.
		const seq = await client.lastSequence();
		expect(seq).toBe(2);
	}, 30_000);

	test('a remote write without a running serve fails after the timeout with a message that says what to do', async () => {
		const policy = testPolicy();
		const client = await remote(policy, 300);
		await expect(client.dispatch(askCommand('c-nobody-home'))).rejects.toThrow(
			/no answer for ask c-nobody-home within 0 s: is `metawsm forum serve` running .* retry with --command-id c-nobody-home/,
		);
	});
});

describeWithRedis('remote view', () => {
	let server: RedisServer;
	const cleanups: (() => void | Promise<void>)[] = [];

	beforeAll(async () => {
		server = await RedisServer.start();
	});
	afterAll(async () => {
		await server?.stop();
	});
	afterEach(async () => {
		for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
	});

	async function setUp(): Promise<{local: TempForum; client: RemoteForumClient}> {
		const policy = testPolicy();
		const local = tempForum(policy);
		cleanups.push(local.cleanup);
		const running = await startRedisServeParts(local.service, {url: server.url, policy, log: () => undefined});
		cleanups.push(() => running.stop());
		const client = await openRemoteForum({url: server.url, policy, signer: testKeyring(policy)});
		cleanups.push(() => client.close());
		return {local, client};
	}

	test('starts with every thread already in the stream', async () => {
		const policy = testPolicy();
		const local = tempForum(policy);
		cleanups.push(local.cleanup);
		askMany(local.service, 25);
		const running = await startRedisServeParts(local.service, {url: server.url, policy, log: () => undefined});
		cleanups.push(() => running.stop());
		await running.relay.drained();
		const client = await openRemoteForum({url: server.url, policy, signer: testKeyring(policy)});
		cleanups.push(() => client.close());
		expect(await client.lastSequence()).toBe(25);
		expect(await client.listThreads()).toEqual(local.service.listThreads());
	});

	test('sees a thread asked locally, and can answer it', async () => {
		const {local, client} = await setUp();
		// A dashboard that is up: its replica is built.
		await client.lastSequence();
		const seen: string[] = [];
		client.subscribe((events) => seen.push(...events.map((event) => event.thread_id)));
		const [threadId] = askMany(local.service, 1);
		await eventually(() => seen.includes(threadId!), 5000, 'the remote view to see the thread');
		expect((await client.getThread(threadId!))?.thread.state).toBe('new');
		const answer = await client.dispatch({type: 'answer', threadId: threadId!, body: 'Yes, drop it.', actor: human});
		expect(answer.ok).toBe(true);
		expect(local.service.getThread(threadId!)?.thread.state).toBe('answered');
		expect((await client.getThread(threadId!))?.posts.map((post) => post.body)).toEqual(['Yes, drop it.']);
	});

	test('answers queries exactly as the local forum does', async () => {
		const {local, client} = await setUp();
		const ids = askMany(local.service, 6);
		await client.dispatch({type: 'change_priority', threadId: ids[0]!, priority: 'urgent', actor: human});
		await client.dispatch({type: 'assign', threadId: ids[1]!, assignee: {type: 'operator', name: 'ops'}, note: 'yours', actor: human});
		await client.dispatch({type: 'change_state', threadId: ids[2]!, state: 'waiting_human', actor: human});
		await client.dispatch({type: 'close', threadId: ids[3]!, actor: human});
		await eventually(async () => (await client.lastSequence()) === local.service.lastSequence(), 5000, 'the view to catch up');
		expect(await client.listThreads({escalatedFirst: true})).toEqual(local.service.listThreads({escalatedFirst: true}));
		expect(await client.status()).toEqual(local.service.status());
		expect(await client.getThread(ids[1]!)).toEqual(local.service.getThread(ids[1]!));
		expect(await client.eventsAfter(0)).toEqual(local.service.eventsAfter(0));
	});

	test('reports its source as the Redis URL without the password', async () => {
		const {client} = await setUp();
		await client.lastSequence();
		expect(client.source()).toEqual({kind: 'redis', location: server.url, redis: {url: server.url, state: 'connected', lagEvents: 0}});
	});
});
