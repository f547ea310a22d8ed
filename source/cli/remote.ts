/** Opening a Redis-only (remote) forum client; the transport lives in source/transport/. */
import {ForumError} from '../forum/errors.js';
import type {ForumClient} from '../service/client.js';
import {MAX_TIMER_MS} from '../service/long-timer.js';
import type {Context} from './context.js';
import {stringFlag} from './flags.js';

/** One remote client per command run: `ask --wait` opens the forum twice and must not sync twice. */
const opened = new WeakMap<Context, Promise<ForumClient>>();

/** Seconds a remote write waits for `serve` (env METAWSM_REMOTE_TIMEOUT, default 15). */
function timeoutMs(context: Context): number {
	const text = context.env['METAWSM_REMOTE_TIMEOUT'];
	if (text === undefined || text.trim() === '') return 15_000;
	const seconds = Number(text);
	if (!Number.isFinite(seconds) || seconds <= 0) {
		throw new ForumError('usage', 'invalid_env', `METAWSM_REMOTE_TIMEOUT must be a number of seconds > 0, got ${JSON.stringify(text.slice(0, 20))}`);
	}
	// Past 2^31-1 ms Node's timers fire at once; 24.8 days is as good as no limit here.
	return Math.min(seconds * 1000, MAX_TIMER_MS);
}

const WRITE_COMMANDS = new Set(['ask', 'post', 'answer', 'assign', 'state', 'priority', 'close']);

function once<T>(make: () => T): () => T {
	let made: {value: T} | undefined;
	return () => (made ??= {value: make()}).value;
}

export function openRemoteClient(context: Context): Promise<ForumClient> {
	let client = opened.get(context);
	if (!client) {
		client = open(context);
		opened.set(context, client);
	}
	return client;
}

async function open(context: Context): Promise<ForumClient> {
	const url = context.redisUrl();
	if (!url) {
		throw new ForumError('usage', 'missing_redis_url', '--remote needs a Redis URL: pass --redis URL, set METAWSM_REDIS_URL, or set forum.redis.url in the policy');
	}
	// Loaded only here: commands without --remote never load ioredis.
	const [{openRemoteForum}, {defaultKeyPath, loadSigner}] = await Promise.all([import('../transport/remote-client.js'), import('../transport/signing.js')]);
	// Loaded on the first write: remote reads need no key.
	const keyFile = stringFlag(context.flags, 'key') ?? (context.env['METAWSM_KEY']?.trim() || defaultKeyPath(context.env));
	const signer = once(() => loadSigner(keyFile));
	// A write command says what is wrong with its key before it touches Redis.
	if (WRITE_COMMANDS.has(context.command)) signer();
	return openRemoteForum({url, policy: context.policy(), timeoutMs: timeoutMs(context), signal: context.signal, signer});
}
