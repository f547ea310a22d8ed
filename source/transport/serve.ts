/** The Redis side of `metawsm forum serve`: outbox relay and remote command consumer. */
import type {Policy} from '../policy/policy.js';
import type {ForumService} from '../service/forum-service.js';
import {startCommandConsumer, type CommandConsumer} from './command-consumer.js';
import {openConnection, whenReady} from './connection.js';
import {redactUrl} from './redis-url.js';
import {startRelay, type Relay} from './relay.js';

export interface RedisServeOptions {
	url: string;
	policy: Policy;
	log: (line: string) => void;
	/** Consumer name in the commands group (default policy forum.redis.consumer). */
	consumer?: string;
	/** See CommandConsumerOptions.claimIdleMs. */
	claimIdleMs?: number;
}

/** Running relay and consumer, for callers that want to look inside (tests, status). */
export interface RedisServe {
	relay: Relay;
	consumer: CommandConsumer;
	stop(): Promise<void>;
}

/** Start relay and command consumer; returns stop. */
export async function startRedisServe(service: ForumService, options: RedisServeOptions): Promise<() => Promise<void>> {
	const serve = await startRedisServeParts(service, options);
	return serve.stop;
}

export async function startRedisServeParts(service: ForumService, options: RedisServeOptions): Promise<RedisServe> {
	const {url, policy, log} = options;
	const shown = redactUrl(url);
	let stopping = false;
	const onState = (state: string, reason?: string) => {
		if (stopping) return;
		if (state === 'connected') log(`redis: connected to ${shown}`);
		else if (state === 'reconnecting') log(`redis: lost ${shown}${reason ? ` (${reason})` : ''}; reconnecting`);
	};
	const redis = openConnection(url, {name: 'serve', onState});
	// Blocking reads get their own connection (and a timeout longer than their BLOCK).
	const blocking = openConnection(url, {name: 'serve-commands', commandTimeoutMs: 10_000});
	try {
		await Promise.all([whenReady(redis, url, 3000), whenReady(blocking, url, 3000)]);
	} catch (error) {
		// Serve anyway: local commands never need Redis, and both loops catch up once it answers.
		log(`redis: cannot reach ${shown} yet (${(error as Error).message}); the relay and remote commands start when it answers`);
	}
	const relay = startRelay(service, {redis, url, policy, log});
	const consumer = startCommandConsumer(service, {
		redis,
		blocking,
		url,
		policy,
		log,
		consumer: options.consumer,
		claimIdleMs: options.claimIdleMs,
	});
	return {
		relay,
		consumer,
		async stop() {
			stopping = true;
			await consumer.stop();
			await relay.stop();
			blocking.disconnect();
			await redis.quit().catch(() => redis.disconnect());
			log(`redis: disconnected from ${shown}`);
		},
	};
}
