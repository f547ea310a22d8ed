/**
 * Signed remote commands (Ed25519 through node:crypto). Each remote actor holds its own private
 * key; serve holds only public keys, mapped to actor names and types in the policy
 * (`forum.redis.actors`). What is signed: a domain tag, the stream name, the signing time and
 * the command's exact JSON text, so a signature cannot be moved to another forum's stream,
 * replayed long after, or attached to other content.
 */
import {createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject} from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {ForumError} from '../forum/errors.js';

const DOMAIN = 'metawsm-forum-command-v1';
const PREFIX = 'ed25519:';

/** Where a remote client looks for its key when neither --key nor METAWSM_KEY says. */
export function defaultKeyPath(env: NodeJS.ProcessEnv = process.env): string {
	const base = env['XDG_CONFIG_HOME']?.trim() || path.join(env['HOME']?.trim() || os.homedir(), '.config');
	return path.join(base, 'metawsm', 'key');
}

export interface Signer {
	/** `ed25519:` and the raw 32-byte key in base64url: what goes into the policy. */
	publicKey: string;
	sign(stream: string, signedAt: string, commandText: string): string;
}

export function signedBytes(stream: string, signedAt: string, commandText: string): Buffer {
	return Buffer.from(`${DOMAIN}\n${stream}\n${signedAt}\n${commandText}`, 'utf8');
}

export function publicKeyText(key: KeyObject): string {
	const jwk = key.export({format: 'jwk'}) as {x?: string};
	return `${PREFIX}${jwk.x}`;
}

/** A public key from its text form; undefined when it is not one. */
export function parsePublicKey(text: string): KeyObject | undefined {
	if (typeof text !== 'string' || !text.startsWith(PREFIX)) return undefined;
	const x = text.slice(PREFIX.length);
	if (!/^[A-Za-z0-9_-]{43}$/.test(x)) return undefined;
	try {
		return createPublicKey({key: {kty: 'OKP', crv: 'Ed25519', x}, format: 'jwk'});
	} catch {
		return undefined;
	}
}

export function verifySignature(publicKey: KeyObject, stream: string, signedAt: string, commandText: string, signature: string): boolean {
	if (!/^[A-Za-z0-9_-]{86}$/.test(signature)) return false;
	try {
		return verify(null, signedBytes(stream, signedAt, commandText), publicKey, Buffer.from(signature, 'base64url'));
	} catch {
		return false;
	}
}

/** A new key pair: the private key as PKCS#8 PEM, the public key as text. */
export function generateKey(): {privatePem: string; publicKey: string} {
	const {privateKey, publicKey} = generateKeyPairSync('ed25519');
	return {privatePem: privateKey.export({format: 'pem', type: 'pkcs8'}).toString(), publicKey: publicKeyText(publicKey)};
}

/** Write a private key file 0600 (its directory 0700 when made); refuses to replace one unless `force`. */
export function writeKeyFile(file: string, privatePem: string, force: boolean): void {
	fs.mkdirSync(path.dirname(file), {recursive: true, mode: 0o700});
	const fd = fs.openSync(file, force ? 'w' : 'wx', 0o600);
	try {
		fs.fchmodSync(fd, 0o600);
		fs.writeSync(fd, privatePem);
		fs.fsyncSync(fd);
	} finally {
		fs.closeSync(fd);
	}
}

/** Load a signer from a private key file; refuses one that others can read. */
export function loadSigner(file: string): Signer {
	let text: string;
	let mode: number;
	try {
		mode = fs.statSync(file).mode & 0o777;
		text = fs.readFileSync(file, 'utf8');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		throw new ForumError(
			'usage',
			'missing_key',
			code === 'ENOENT'
				? `no signing key at ${file}: remote writes are signed; run \`metawsm forum keygen\` and add the public key it prints to forum.redis.actors in serve's policy (or pass --key FILE / set METAWSM_KEY)`
				: `cannot read signing key ${file} (${(error as Error).message})`,
		);
	}
	if ((mode & 0o077) !== 0) {
		throw new ForumError('usage', 'key_readable', `signing key ${file} can be read by others (mode ${mode.toString(8).padStart(4, '0')}); chmod 600 it`);
	}
	return signerFromPem(text, file);
}

/** A signer from a PKCS#8 PEM private key; `file` names it in errors. */
export function signerFromPem(text: string, file = 'the key'): Signer {
	let key: KeyObject;
	try {
		key = createPrivateKey(text);
	} catch {
		throw new ForumError('usage', 'bad_key', `${file} is not a private key; make one with \`metawsm forum keygen --key ${file}\``);
	}
	if (key.asymmetricKeyType !== 'ed25519') throw new ForumError('usage', 'bad_key', `${file} is a ${key.asymmetricKeyType} key; metawsm signs with Ed25519 (\`metawsm forum keygen\`)`);
	const publicKey = publicKeyText(createPublicKey(key));
	return {
		publicKey,
		sign: (stream, signedAt, commandText) => sign(null, signedBytes(stream, signedAt, commandText), key).toString('base64url'),
	};
}
