/** METAWSM_REMOTE_TIMEOUT of any size: past Node's 24.8-day timer limit it must not fire at once. */
import {expect, it} from 'vitest';
import {runCli, tempDir} from '../helpers/cli.js';
import {writeTestKey} from '../helpers/keys.js';
import {describeWithRedis, useRedisServer} from './redis-server.js';

describeWithRedis('a remote write with no serve to reply', () => {
	const redis = useRedisServer();
	const work = tempDir();
	const key = writeTestKey(work.dir, {type: 'agent', name: 'tester'});
	const post = (timeout: string, killAfterMs: number) =>
		runCli(['forum', 'post', '--remote', '--redis', `redis://127.0.0.1:${redis.server.port}`, '--thread-id', 't-nobody', '--body', 'hello'], {
			env: {METAWSM_REMOTE_TIMEOUT: timeout, METAWSM_KEY: key.file},
			timeoutMs: killAfterMs,
		});

	it('gives up after METAWSM_REMOTE_TIMEOUT seconds', async () => {
		const result = await post('1', 15_000);
		expect(result.code).toBe(1);
		expect(result.stderr).toMatch(/no reply|timed out|did not answer|within/i);
	});

	it('keeps waiting when METAWSM_REMOTE_TIMEOUT=3000000 (beyond the timer limit) instead of giving up at once', async () => {
		const started = Date.now();
		const result = await post('3000000', 2500);
		// Still waiting when the test kills it: the signal exit, not a timeout message.
		expect(Date.now() - started).toBeGreaterThanOrEqual(2400);
		expect(result.code).toBe(128);
		expect(result.stderr).toBe('');
	});
});
