import {describe, expect, test} from 'vitest';
import {openConnection, streamKeys} from '../../source/transport/connection.js';
import {relayCheckpointName, startRelay, type Relay} from '../../source/transport/relay.js';
import {askMany, eventually, range, streamSequences, tempForum, testPolicy, type TempForum} from './fixtures.js';
import {describeWithRedis, useRedisServer} from './redis-server.js';

describeWithRedis('outbox relay', () => {
	const fixture = useRedisServer();

	function setUp(overrides = {}): {forum: TempForum; key: string; lines: string[]; relay: () => Relay} {
		const policy = testPolicy(overrides);
		const forum = tempForum(policy);
		fixture.cleanups.push(forum.cleanup);
		const lines: string[] = [];
		const redis = openConnection(fixture.server.url, {name: 'test-relay'});
		fixture.cleanups.push(() => redis.disconnect());
		const relay = () => {
			const started = startRelay(forum.service, {redis, url: fixture.server.url, policy, log: (line) => lines.push(line)});
			fixture.cleanups.push(() => started.stop());
			return started;
		};
		return {forum, key: streamKeys(policy).events, lines, relay};
	}

	async function xaddCalls(): Promise<number> {
		const info = (await fixture.probe.info('commandstats')) as string;
		return Number(/cmdstat_xadd:calls=(\d+)/.exec(info)?.[1] ?? 0);
	}

	test('publishes every committed event once, in sequence order, with the sequence as entry id', async () => {
		const {forum, key, relay} = setUp();
		askMany(forum.service, 30);
		const [first] = askMany(forum.service, 1);
		forum.service.dispatch({type: 'answer', threadId: first!, body: 'yes', actor: {type: 'human', name: 'ops'}});
		await relay().drained();
		const last = forum.service.lastSequence();
		const {ids, sequences} = await streamSequences(fixture.probe, key);
		expect(sequences).toEqual(range(1, last));
		expect(ids).toEqual(range(1, last).map((sequence) => `${sequence}-1`));
	});

	test('publishes events committed while it runs, without being asked', async () => {
		const {forum, key, relay} = setUp();
		const running = relay();
		await running.drained();
		askMany(forum.service, 5);
		await eventually(async () => (await streamSequences(fixture.probe, key)).sequences.length === 5, 5000, '5 events in the stream');
		expect((await streamSequences(fixture.probe, key)).sequences).toEqual(range(1, 5));
	});

	test('keeps its cursor in SQLite', async () => {
		const {forum, relay} = setUp();
		askMany(forum.service, 7);
		await relay().drained();
		expect(forum.service.checkpoint(relayCheckpointName(forum.service.policy))).toBe(7);
	});

	test('a restarted relay resumes from its cursor and publishes nothing twice', async () => {
		const {forum, key, relay} = setUp();
		askMany(forum.service, 10);
		const first = relay();
		await first.drained();
		await first.stop();
		askMany(forum.service, 10, 'later');
		const before = await xaddCalls();
		await relay().drained();
		expect(await xaddCalls()).toBe(before + 10);
		expect((await streamSequences(fixture.probe, key)).sequences).toEqual(range(1, 20));
	});

	test('a re-publish rejected by Redis counts as done', async () => {
		const {forum, key, relay, lines} = setUp();
		askMany(forum.service, 5);
		// Another relay got there first: the entries exist, this relay's cursor is still 0.
		for (const event of forum.service.eventsAfter(0)) {
			await fixture.probe.call('XADD', [key, `${event.sequence}-1`, 'event', JSON.stringify(event)]);
		}
		const running = relay();
		await running.drained();
		expect(running.status()).toMatchObject({state: 'connected', cursor: 5, lagEvents: 0});
		expect((await streamSequences(fixture.probe, key)).sequences).toEqual(range(1, 5));
		expect(lines.join('\n')).not.toMatch(/cannot publish/);
	});

	test('trims the stream to about forum.redis.maxlen entries', async () => {
		const {forum, key, relay} = setUp({maxlen: 100});
		askMany(forum.service, 1000);
		await relay().drained();
		const length = Number(await fixture.probe.call('XLEN', [key]));
		expect(length).toBeGreaterThanOrEqual(100);
		expect(length).toBeLessThan(1000);
		const {sequences} = await streamSequences(fixture.probe, key);
		expect(sequences.at(-1)).toBe(1000);
	});

	describe('when Redis goes away', () => {
		async function outage(saveFirst: boolean) {
			const {forum, key, relay, lines} = setUp();
			askMany(forum.service, 20, 'before');
			const running = relay();
			await running.drained();
			if (saveFirst) await fixture.probe.call('SAVE', []);
			await fixture.server.kill();
			// Commands never wait on Redis: all succeed while it is down.
			expect(askMany(forum.service, 500, 'during')).toHaveLength(500);
			await eventually(() => running.status().state === 'reconnecting', 5000, 'relay to notice the outage');
			expect(running.status().lagEvents).toBeGreaterThan(0);
			await fixture.server.resume();
			await eventually(async () => running.status().state === 'connected' && running.status().lagEvents === 0, 15_000, 'relay to catch up');
			return {forum, key, lines};
		}

		test('every event committed during the outage arrives once, in order, after Redis returns', async () => {
			const {forum, key, lines} = await outage(true);
			expect((await streamSequences(fixture.probe, key)).sequences).toEqual(range(1, forum.service.lastSequence()));
			// The saved stream came back: only the outage's events were published, no refill.
			expect(lines.join('\n')).not.toMatch(/refilling/);
		}, 30_000);

		test('a Redis that returns empty is refilled from SQLite', async () => {
			const {forum, key, lines} = await outage(false);
			expect((await streamSequences(fixture.probe, key)).sequences).toEqual(range(1, forum.service.lastSequence()));
			expect(lines.join('\n')).toMatch(/refilling from SQLite/);
		}, 30_000);
	});

	test('a stream behind the cursor (deleted or trimmed away) is refilled from SQLite', async () => {
		const {forum, key, relay, lines} = setUp();
		askMany(forum.service, 10);
		const running = relay();
		await running.drained();
		await fixture.probe.del(key);
		askMany(forum.service, 1, 'after');
		await eventually(async () => (await streamSequences(fixture.probe, key)).sequences.length === 11, 5000, 'refill');
		expect((await streamSequences(fixture.probe, key)).sequences).toEqual(range(1, 11));
		expect(lines.join('\n')).toMatch(/ends at #0 but the relay had published up to #10/);
	});
});
