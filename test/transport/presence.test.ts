/** "I'm on it" through Redis pub/sub: between processes, expiring, and never trusting what arrives. */
import {spawn} from 'node:child_process';
import {expect, test} from 'vitest';
import type {PresenceEntry} from '../../source/forum/presence.js';
import {presenceChannelKey, redisPresence} from '../../source/transport/presence.js';
import type {PresenceChannel} from '../../source/service/presence.js';
import {ROOT} from '../helpers/cli.js';
import {testPolicy} from './fixtures.js';

/** Retry an assertion until it holds, or throw its last failure after `timeoutMs`. */
async function eventually(check: () => void, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		try {
			check();
			return;
		} catch (error) {
			if (Date.now() > deadline) throw error;
			await new Promise((resolve) => setTimeout(resolve, 10));
		}
	}
}
import {describeWithRedis, useRedisServer} from './redis-server.js';

describeWithRedis('presence through Redis', () => {
	const fixture = useRedisServer();

	function channel(policy: ReturnType<typeof testPolicy>, operator: string, session: string): {channel: PresenceChannel; seen: () => PresenceEntry[]} {
		const made = redisPresence({url: fixture.server.url, policy, session, operator});
		fixture.cleanups.push(() => made.close());
		let latest: PresenceEntry[] = [];
		made.subscribe((entries) => (latest = entries));
		return {channel: made, seen: () => latest};
	}

	test('another process on a thread shows here, and is gone at once when it quits', async () => {
		const policy = testPolicy();
		const {seen} = channel(policy, 'bob', 'p-bob');
		// Another process (a dashboard on another host, as far as Redis can tell).
		const script = `
			import {redisPresence} from './source/transport/presence.ts';
			const policy = JSON.parse(process.env.POLICY);
			const alice = redisPresence({url: process.env.URL, policy, session: 'p-alice', operator: 'alice'});
			alice.set({threadId: 't-remote1', activity: 'answering'});
			process.stdin.on('data', async () => { await alice.close(); process.exit(0); });
		`;
		const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {cwd: ROOT, env: {...process.env, URL: fixture.server.url, POLICY: JSON.stringify(policy)}, stdio: ['pipe', 'inherit', 'inherit']});
		fixture.cleanups.push(() => void child.kill('SIGKILL'));
		const started = Date.now();
		await eventually(() => expect(seen().map((entry) => [entry.operator, entry.threadId, entry.activity])).toEqual([['alice', 't-remote1', 'answering']]), 10_000);
		// Measured from the child's start (tsx load included): the message itself takes milliseconds.
		expect(Date.now() - started).toBeLessThan(10_000);
		child.stdin!.write('quit\n');
		await eventually(() => expect(seen()).toEqual([]), 3000);
	});

	test('a dashboard that joins later learns who is on what at once (hello), not at the next heartbeat', async () => {
		const policy = testPolicy();
		const alice = channel(policy, 'alice', 'p-alice');
		alice.channel.set({threadId: 't-1', activity: 'posting'});
		await new Promise((resolve) => setTimeout(resolve, 200));
		const bob = channel(policy, 'bob', 'p-bob');
		const started = Date.now();
		await eventually(() => expect(bob.seen().map((entry) => entry.operator)).toEqual(['alice']), 2000);
		expect(Date.now() - started).toBeLessThan(1000);
	});

	test('forged messages (too long, wrong types, control characters, unknown activity) are dropped', async () => {
		const policy = testPolicy();
		const bob = channel(policy, 'bob', 'p-bob');
		await new Promise((resolve) => setTimeout(resolve, 200));
		const key = presenceChannelKey(policy);
		const send = (value: unknown) => fixture.probe.publish(key, typeof value === 'string' ? value : JSON.stringify(value));
		const base = {v: 1, type: 'presence', session: 'p-x', operator: 'mallory', thread_id: 't-1', activity: 'answering', ttl_ms: 15000};
		await send('not json');
		await send({...base, operator: 'x'.repeat(2000)});
		await send({...base, operator: 'mal\u001b[2Jlory'});
		await send({...base, activity: 'deleting'});
		await send({...base, thread_id: '../../etc'});
		await send({...base, session: 42});
		await send({...base, v: 2});
		await send({...base, session: 'p-good', operator: 'dave'});
		await eventually(() => expect(bob.seen().map((entry) => entry.operator)).toEqual(['dave']), 2000);
	});

	test('an entry lives at most 30 s whatever its ttl claims, and expires without any message', async () => {
		const policy = testPolicy();
		const bob = channel(policy, 'bob', 'p-bob');
		await new Promise((resolve) => setTimeout(resolve, 200));
		const key = presenceChannelKey(policy);
		await fixture.probe.publish(key, JSON.stringify({v: 1, type: 'presence', session: 'p-long', operator: 'carol', thread_id: 't-1', activity: 'answering', ttl_ms: 1e12}));
		await fixture.probe.publish(key, JSON.stringify({v: 1, type: 'presence', session: 'p-short', operator: 'erin', thread_id: 't-2', activity: 'answering', ttl_ms: 300}));
		await eventually(() => expect(bob.seen().map((entry) => entry.operator).sort()).toEqual(['carol', 'erin']), 2000);
		const carol = bob.seen().find((entry) => entry.operator === 'carol')!;
		expect(carol.expiresAt - Date.now()).toBeLessThanOrEqual(30_000);
		await eventually(() => expect(bob.seen().map((entry) => entry.operator)).toEqual(['carol']), 3000);
	});
});
