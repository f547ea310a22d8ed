/** Redis test helpers: describe blocks that need redis-server, and a per-block server fixture. */
import {spawnSync} from 'node:child_process';
import type {Redis} from 'ioredis';
import {RedisServer, type RedisServerOptions} from '../helpers/redis-server.js';
import {afterAll, afterEach, beforeAll, describe} from 'vitest';

const available = spawnSync('redis-server', ['--version'], {stdio: 'ignore'}).status === 0;

/** `describe`, or a skip with a one-line notice when redis-server is missing (a failure under CI=true). */
export function describeWithRedis(name: string, body: () => void): void {
	if (available) {
		describe(name, body);
		return;
	}
	if (process.env['CI'] === 'true') {
		describe(name, () => {
			throw new Error('redis-server is not installed; .ci/run installs it');
		});
		return;
	}
	console.warn(`skipping "${name}": redis-server is not installed`);
	describe.skip(name, body);
}

/** What `useRedisServer` gives a describe block. */
export interface RedisFixture {
	readonly server: RedisServer;
	/** A plain client for looking at the server from the test. */
	readonly probe: Redis;
	/** Run after each test, newest first. */
	readonly cleanups: (() => void | Promise<void>)[];
}

/** A private redis-server for the enclosing describe block, a probe client, and per-test cleanups. */
export function useRedisServer(options: RedisServerOptions = {}): RedisFixture {
	const fixture = {cleanups: [] as (() => void | Promise<void>)[]} as {server: RedisServer; probe: Redis; cleanups: (() => void | Promise<void>)[]};
	beforeAll(async () => {
		fixture.server = await RedisServer.start(options);
		fixture.probe = fixture.server.client();
	});
	afterAll(async () => {
		fixture.probe?.disconnect();
		await fixture.server?.stop();
	});
	afterEach(async () => {
		for (const cleanup of fixture.cleanups.splice(0).reverse()) await cleanup();
	});
	return fixture;
}

export {RedisServer, type RedisServerOptions};
