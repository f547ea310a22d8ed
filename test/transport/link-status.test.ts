import {afterAll, afterEach, beforeAll, expect, test} from 'vitest';
import {openConnection} from '../../source/transport/connection.js';
import {watchRedisLink, withRedisLink, type RedisLinkWatch} from '../../source/transport/link-status.js';
import {localClient} from '../../source/service/client.js';
import {startRelay} from '../../source/transport/relay.js';
import {askMany, eventually, tempForum, testPolicy} from './fixtures.js';
import {describeWithRedis, RedisServer} from './redis-server.js';

describeWithRedis('Redis link status for a local dashboard', () => {
	let server: RedisServer;
	const cleanups: (() => void | Promise<void>)[] = [];

	beforeAll(async () => {
		server = await RedisServer.start({config: ['requirepass hunter2-secret']});
	});
	afterAll(async () => {
		await server?.stop();
	});
	afterEach(async () => {
		for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
	});

	const url = () => `redis://:hunter2-secret@127.0.0.1:${server.port}`;

	function setUp() {
		const policy = testPolicy();
		const forum = tempForum(policy);
		cleanups.push(forum.cleanup);
		const watch: RedisLinkWatch = watchRedisLink(localClient(forum.service), {url: url(), policy, intervalMs: 50});
		cleanups.push(() => watch.close());
		return {policy, forum, watch};
	}

	test('shows the URL without its password', () => {
		const {watch} = setUp();
		expect(watch.info().url).toBe(`redis://:***@127.0.0.1:${server.port}`);
	});

	test('is connected, with every unpublished event counted as lag', async () => {
		const {forum, watch} = setUp();
		askMany(forum.service, 4);
		await eventually(() => watch.info().state === 'connected' && watch.info().lagEvents === 4, 5000, 'connected with lag 4');
	});

	test('lag drops to zero once the relay has published', async () => {
		const {policy, forum, watch} = setUp();
		askMany(forum.service, 4);
		const redis = openConnection(url(), {name: 'test'});
		cleanups.push(() => redis.disconnect());
		const relay = startRelay(forum.service, {redis, url: url(), policy, log: () => undefined});
		cleanups.push(() => relay.stop());
		await relay.drained();
		await eventually(() => watch.info().lagEvents === 0 && watch.info().state === 'connected', 5000, 'lag 0');
	});

	test('says reconnecting while Redis is down, counting commits since, and off once closed', async () => {
		const {forum, watch} = setUp();
		await eventually(() => watch.info().state === 'connected' && watch.info().lagEvents === 0, 5000, 'connected');
		await server.kill();
		try {
			askMany(forum.service, 2);
			await eventually(() => watch.info().state === 'reconnecting' && watch.info().lagEvents === 2, 5000, 'reconnecting with lag 2');
		} finally {
			await server.resume();
		}
		await watch.close();
		expect(watch.info().state).toBe('off');
	});

	test('a local client wrapped with the link reports it in source() and keeps its own location', async () => {
		const policy = testPolicy();
		const forum = tempForum(policy);
		cleanups.push(forum.cleanup);
		const client = withRedisLink(localClient(forum.service), {url: url(), policy, intervalMs: 50});
		try {
			await eventually(() => client.source().redis?.state === 'connected', 5000, 'connected');
			expect(client.source()).toEqual({kind: 'sqlite', location: forum.file, redis: {url: `redis://:***@127.0.0.1:${server.port}`, state: 'connected', lagEvents: 0}});
		} finally {
			await client.close();
		}
		expect(() => forum.service.lastSequence()).toThrow();
	});
});
