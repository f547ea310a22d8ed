/** Shared pieces for the transport tests: a forum on a temp file, policies with their own stream. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {Redis} from 'ioredis';
import {defaultPolicy, type Policy} from '../../source/policy/policy.js';
import {ForumService} from '../../source/service/forum-service.js';
import {parseEntries, sequenceOfId} from '../../source/transport/connection.js';

let counter = 0;

/** A policy whose Redis keys no other test uses. */
export function testPolicy(overrides: Partial<Policy['forum']['redis']> = {}): Policy {
	const policy = defaultPolicy();
	policy.forum.redis = {...policy.forum.redis, stream: `test-${process.pid}-${++counter}`, ...overrides};
	return policy;
}

export interface TempForum {
	service: ForumService;
	file: string;
	cleanup: () => void;
}

export function tempForum(policy: Policy): TempForum {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'metawsm-transport-'));
	const file = path.join(dir, 'forum.db');
	const service = new ForumService({db: file, policy});
	return {
		service,
		file,
		cleanup: () => {
			service.close();
			fs.rmSync(dir, {recursive: true, force: true});
		},
	};
}

/** Open `count` threads; every dispatch must succeed. */
export function askMany(service: ForumService, count: number, prefix = 'Q'): string[] {
	const ids: string[] = [];
	for (let index = 0; index < count; index++) {
		const result = service.dispatch({
			type: 'ask',
			ticket: 'OPS-1',
			agentName: 'builder',
			title: `${prefix} ${index}`,
			body: `body ${index}`,
			priority: 'normal',
			actor: {type: 'agent', name: 'builder'},
		});
		if (!result.ok) throw new Error(`ask refused: ${result.rejection.message}`);
		ids.push(result.threadId);
	}
	return ids;
}

/** Sequences of every entry in `key`, oldest first. */
export async function streamSequences(redis: Redis, key: string): Promise<{ids: string[]; sequences: number[]}> {
	const entries = parseEntries(await redis.call('XRANGE', [key, '-', '+']));
	return {ids: entries.map((entry) => entry.id), sequences: entries.map((entry) => JSON.parse(entry.fields['event']!).sequence as number)};
}

export function range(from: number, to: number): number[] {
	return Array.from({length: to - from + 1}, (_, index) => from + index);
}

/** Poll `check` until it returns true (or fail after `timeoutMs`). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

export {sequenceOfId};
