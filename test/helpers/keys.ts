/** Signing keys and a policy listing them, for tests that run the real CLI over Redis. */
import fs from 'node:fs';
import path from 'node:path';
import type {KeyActor} from '../../source/policy/policy.js';
import {generateKey, writeKeyFile} from '../../source/transport/signing.js';

export interface TestKey {
	file: string;
	publicKey: string;
	actor: KeyActor;
}

/** A 0600 key file in `dir` for `actor`. */
export function writeTestKey(dir: string, actor: KeyActor, name = `${actor.type}-${actor.name}.key`): TestKey {
	const {privatePem, publicKey} = generateKey();
	const file = path.join(dir, 'keys', name);
	writeKeyFile(file, privatePem, true);
	return {file, publicKey, actor};
}

/** `dir/.metawsm/policy.json` (the default policy path when `dir` is the working directory) listing `keys`. */
export function writeActorsPolicy(dir: string, keys: readonly TestKey[], redis: Record<string, unknown> = {}): string {
	const file = path.join(dir, '.metawsm', 'policy.json');
	fs.mkdirSync(path.dirname(file), {recursive: true, mode: 0o700});
	const actors = Object.fromEntries(keys.map((key) => [key.publicKey, key.actor]));
	fs.writeFileSync(file, JSON.stringify({forum: {redis: {...redis, actors}}}));
	return file;
}
