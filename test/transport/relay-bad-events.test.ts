import {expect, test} from 'vitest';
import {openConnection, streamKeys} from '../../source/transport/connection.js';
import {relayCheckpointName, startRelay} from '../../source/transport/relay.js';
import {insertBadEvent, NOT_JSON} from '../helpers/bad-events.js';
import {askMany, streamSequences, tempForum, testPolicy} from './fixtures.js';
import {describeWithRedis, useRedisServer} from './redis-server.js';

describeWithRedis('outbox relay and bad events', () => {
	const fixture = useRedisServer();

	function setUp(options: {batchSize?: number} = {}) {
		const policy = testPolicy();
		const forum = tempForum(policy);
		fixture.cleanups.push(forum.cleanup);
		const redis = openConnection(fixture.server.url, {name: 'test-relay'});
		fixture.cleanups.push(() => redis.disconnect());
		const relay = () => {
			const started = startRelay(forum.service, {redis, url: fixture.server.url, policy, log: () => undefined, ...options});
			fixture.cleanups.push(() => started.stop());
			return started;
		};
		return {forum, key: streamKeys(policy).events, relay};
	}

	test('publishes the good events around a bad one and skips the bad one', async () => {
		const {forum, key, relay} = setUp();
		const [threadId] = askMany(forum.service, 1);
		const bad = insertBadEvent(forum.file, {threadId: threadId!, payloadJson: NOT_JSON});
		askMany(forum.service, 1);
		await relay().drained();
		expect((await streamSequences(fixture.probe, key)).sequences).toEqual([1, bad + 1]);
	});

	test('moves its cursor past a batch of nothing but bad events', async () => {
		const {forum, key, relay} = setUp({batchSize: 2});
		const [threadId] = askMany(forum.service, 1);
		for (let i = 0; i < 5; i++) insertBadEvent(forum.file, {threadId: threadId!, eventType: 'forum.bogus', payloadJson: '{}'});
		const running = relay();
		await running.drained();
		expect(forum.service.checkpoint(relayCheckpointName(forum.service.policy))).toBe(6);
		askMany(forum.service, 1);
		await running.drained();
		expect((await streamSequences(fixture.probe, key)).sequences).toEqual([1, 7]);
	});
});
