/** The Redis side of `metawsm forum serve`: outbox relay and remote command consumer. */
import type {Policy} from '../policy/policy.js';
import type {ForumService} from '../service/forum-service.js';

export interface RedisServeOptions {
	url: string;
	policy: Policy;
	log: (line: string) => void;
}

/** Start relay and command consumer; returns stop. */
export async function startRedisServe(_service: ForumService, _options: RedisServeOptions): Promise<() => Promise<void>> {
	// Filled in by the Redis transport work (issue 4).
	throw new Error('the Redis transport is not part of this build yet');
}
