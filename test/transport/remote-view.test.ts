/** A remote view's cost follows the queue: its replica lives on disk, and closed threads page like the local ones. */
import fs from 'node:fs';
import os from 'node:os';
import {expect, test} from 'vitest';
import {openRemoteForum} from '../../source/transport/remote-client.js';
import {startRedisServeParts} from '../../source/transport/serve.js';
import {askMany, tempForum, testKeyring, testPolicy} from './fixtures.js';
import {describeWithRedis, useRedisServer} from './redis-server.js';

const viewDirs = () => new Set(fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith('metawsm-view-')));

describeWithRedis('a remote view', () => {
	const fixture = useRedisServer();

	async function servedForum(closedCount: number) {
		const policy = testPolicy();
		const made = tempForum(policy);
		fixture.cleanups.push(made.cleanup);
		for (const id of askMany(made.service, closedCount, 'old')) {
			const closed = made.service.dispatch({type: 'close', threadId: id, actor: {type: 'operator', name: 'ops'}});
			if (!closed.ok) throw new Error(closed.rejection.message);
		}
		askMany(made.service, 2, 'open');
		const running = await startRedisServeParts(made.service, {url: fixture.server.url, policy, log: () => {}});
		fixture.cleanups.push(() => running.stop());
		return policy;
	}

	test('keeps its replica in a private file on disk, not in memory, and removes it on close', async () => {
		const policy = await servedForum(3);
		const before = viewDirs();
		const client = await openRemoteForum({url: fixture.server.url, policy, timeoutMs: 10_000, signer: testKeyring(policy)});
		expect((await client.listThreads({})).length).toBe(5);
		const made = [...viewDirs()].filter((name) => !before.has(name));
		expect(made).toHaveLength(1);
		expect(fs.readdirSync(`${os.tmpdir()}/${made[0]}`)).toContain('view.db');
		await client.close();
		expect(viewDirs().has(made[0]!)).toBe(false);
	});

	test('pages closed threads newest first, with the count from the stats projection', async () => {
		const policy = await servedForum(5);
		const client = await openRemoteForum({url: fixture.server.url, policy, timeoutMs: 10_000, signer: testKeyring(policy)});
		fixture.cleanups.push(() => client.close());
		const all = await client.listThreads({states: ['closed'], recent: true});
		const keys = all.map((thread) => `${thread.updatedAt} ${thread.id}`);
		expect(keys).toEqual([...keys].sort().reverse());
		const first = await client.listThreads({states: ['closed'], recent: true, limit: 2});
		const last = first.at(-1)!;
		const next = await client.listThreads({states: ['closed'], recent: true, limit: 10, before: {updatedAt: last.updatedAt, id: last.id}});
		expect([...first, ...next].map((thread) => thread.id)).toEqual(all.map((thread) => thread.id));
		expect(all).toHaveLength(5);
		expect((await client.status()).counts.closed).toBe(5);
	});
});
