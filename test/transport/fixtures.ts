/** Shared pieces for the transport tests: a forum on a temp file, policies with their own stream. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {Redis} from 'ioredis';
import {defaultPolicy, type Policy} from '../../source/policy/policy.js';
import {ForumService} from '../../source/service/forum-service.js';
import {commandFields, type RemoteCommand} from '../../source/transport/codec.js';
import {parseEntries, sequenceOfId} from '../../source/transport/connection.js';
import {generateKey, signerFromPem, type Signer} from '../../source/transport/signing.js';

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

/**
 * Sign remote commands as whichever actor they name: one key per actor, made on first use and
 * listed in `policy` (serve reads the policy's actors on each command). For in-process tests.
 */
export function testKeyring(policy: Policy): (command: RemoteCommand) => Signer {
	const signers = new Map<string, Signer>();
	return (command) => {
		const id = `${command.actor.type}/${command.actor.name}`;
		let signer = signers.get(id);
		if (!signer) {
			signer = signerFromPem(generateKey().privatePem);
			signers.set(id, signer);
			if (command.actor.type !== 'system') policy.forum.redis.actors[signer.publicKey] = {type: command.actor.type, name: command.actor.name};
		}
		return signer;
	};
}

/** Fields of a command entry signed by a key of `policy` acting as the command's actor (for tests that XADD by hand). */
export function signedCommandFields(policy: Policy, command: RemoteCommand, replyTo: string, keyring = testKeyring(policy)): string[] {
	return commandFields(command, replyTo, {signer: keyring(command), stream: policy.forum.redis.stream, signedAt: new Date().toISOString()});
}
