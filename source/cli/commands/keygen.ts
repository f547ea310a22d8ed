import fs from 'node:fs';
import {ForumError} from '../../forum/errors.js';
import {defaultKeyPath, generateKey, loadSigner, writeKeyFile} from '../../transport/signing.js';
import {safeLine} from '../../text/safe-text.js';
import type {CommandSpec} from '../command.js';
import {stringFlag} from '../flags.js';

export const keygen: CommandSpec = {
	name: 'keygen',
	summary: 'make the signing key for --remote writes; prints the public key for the policy',
	usage: `metawsm forum keygen [--key FILE] [--force]

Writes a new Ed25519 private key to FILE (default: METAWSM_KEY, else
~/.config/metawsm/key), mode 0600 in a 0700 directory, and prints its public key. Put the
public key in serve's policy, mapped to who this key acts as:

  {"forum": {"redis": {"actors": {"ed25519:…": {"type": "human", "name": "ops"}}}}}

Remote writes (--remote) are signed with it; serve refuses commands whose key is not listed
or whose --actor-type/--actor-name differ from the key's. An existing key is never replaced
without --force; without it, keygen prints that key's public key.

Example:
  metawsm forum keygen
  metawsm forum keygen --key ~/.config/metawsm/agent-builder.key`,
	flags: {key: {type: 'string', description: 'key file (env METAWSM_KEY; default ~/.config/metawsm/key)'}, force: {type: 'boolean', description: 'replace an existing key'}},
	async run(context) {
		const file = stringFlag(context.flags, 'key') ?? (context.env['METAWSM_KEY']?.trim() || defaultKeyPath(context.env));
		const force = context.flags['force'] === true;
		if (fs.existsSync(file) && !force) {
			const existing = loadSigner(file);
			throw new ForumError('usage', 'key_exists', `a key exists at ${file} (public key ${existing.publicKey}); pass --force to replace it`);
		}
		const {privatePem, publicKey} = generateKey();
		try {
			writeKeyFile(file, privatePem, force);
		} catch (error) {
			throw new ForumError('runtime', 'key_unwritable', `cannot write key ${file} (${(error as Error).message})`);
		}
		if (context.json) context.printJson({public_key: publicKey, key_file: file});
		else {
			context.print(publicKey);
			context.stderr.write(`wrote private key ${safeLine(file)} (0600); add the public key to forum.redis.actors in serve's policy, e.g. "${publicKey}": {"type": "human", "name": "${safeLine(context.env['METAWSM_ACTOR_NAME'] ?? 'ops')}"}\n`);
		}
		return 0;
	},
};
