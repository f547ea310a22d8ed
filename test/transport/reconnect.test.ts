/** Relay reconnect: a short first retry, backoff after, and a Redis that is back is used at once. */
import {describe, expect, test} from 'vitest';
import {openConnection, RECONNECT_MAX_MS, reconnectDelay, streamKeys} from '../../source/transport/connection.js';
import {startRelay} from '../../source/transport/relay.js';
import {askMany, eventually, streamSequences, tempForum, testPolicy} from './fixtures.js';
import {describeWithRedis, RedisServer} from './redis-server.js';

describe('reconnectDelay', () => {
	test('retries first after 50 ms, then backs off', () => {
		expect(reconnectDelay(1)).toBe(50);
		const delays = Array.from({length: 12}, (_, index) => reconnectDelay(index + 1));
		expect(delays).toEqual([...delays].sort((a, b) => a - b));
		expect(reconnectDelay(2)).toBeGreaterThan(reconnectDelay(1));
	});

	test('never waits longer than RECONNECT_MAX_MS, however long the outage', () => {
		expect(RECONNECT_MAX_MS).toBeLessThanOrEqual(250);
		for (const times of [5, 50, 5000]) expect(reconnectDelay(times)).toBe(RECONNECT_MAX_MS);
	});
});

describeWithRedis('a relay through a Redis restart on the same port', () => {
	test('waits at most RECONNECT_MAX_MS between attempts, and publishes soon after Redis is back', async () => {
		const server = await RedisServer.start();
		const policy = testPolicy();
		const forum = tempForum(policy);
		const redis = openConnection(server.url, {name: 'test-reconnect'});
		const delays: number[] = [];
		redis.on('reconnecting', (delay: number) => delays.push(delay));
		const relay = startRelay(forum.service, {redis, url: server.url, policy, log: () => undefined});
		const probe = () => server.client();
		try {
			await relay.drained();
			await server.kill();
			// An outage long enough for the old backoff (up to 1 s) to reach its cap.
			await new Promise((resolve) => setTimeout(resolve, 2500));
			askMany(forum.service, 1, 'during the outage');
			await server.resume();
			const backAt = Date.now();
			const look = probe();
			try {
				await eventually(async () => (await streamSequences(look, streamKeys(policy).events)).sequences.length === 1, 5000, 'the event published');
			} finally {
				look.disconnect();
			}
			const publishedAfter = Date.now() - backAt;
			expect(delays.length).toBeGreaterThan(5);
			expect(Math.max(...delays)).toBeLessThanOrEqual(RECONNECT_MAX_MS);
			// Generous for a loaded machine; the bench measures the figure (target ≤ 300 ms).
			expect(publishedAfter).toBeLessThan(1500);
		} finally {
			await relay.stop();
			redis.disconnect();
			forum.cleanup();
			await server.stop();
		}
	});
});
