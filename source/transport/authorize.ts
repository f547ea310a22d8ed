/**
 * Who may send a remote command: a signature by a key the policy lists, over this stream's
 * name, the signing time and the command's exact text; the actor the command names must be the
 * key's; `system` and the SLA's escalation requests are serve's own work; a command id already
 * used with another signature is a replay.
 */
import {createHash, type KeyObject} from 'node:crypto';
import type {KeyActor, Policy} from '../policy/policy.js';
import type {SignedCommandRecord} from '../store/meta.js';
import type {DecodedCommand} from './codec.js';
import {parsePublicKey, verifySignature} from './signing.js';

/** A signature older than this is refused (a replay of a refused command, long after). */
export const MAX_SIGNATURE_AGE_MS = 60 * 60 * 1000;
/** A signature this far in the sender's future is refused (its clock is wrong). */
export const MAX_SIGNATURE_SKEW_MS = 5 * 60 * 1000;

export type Authorization = {ok: true; record: SignedCommandRecord} | {ok: false; reason: string};

export interface Authorizer {
	authorize(decoded: DecodedCommand, entryId: string, now: Date): Authorization;
}

export function createAuthorizer(policy: Policy, previous: (commandId: string) => SignedCommandRecord | undefined): Authorizer {
	const parsed = new Map<string, KeyObject | undefined>();
	const lookUp = (text: string): {key: KeyObject; actor: KeyActor} | undefined => {
		const actor = Object.hasOwn(policy.forum.redis.actors, text) ? policy.forum.redis.actors[text] : undefined;
		if (!actor) return undefined;
		if (!parsed.has(text)) parsed.set(text, parsePublicKey(text));
		const key = parsed.get(text);
		return key && {key, actor};
	};
	const stream = policy.forum.redis.stream;
	return {
		authorize(decoded, entryId, now) {
			const {command, key, signature, signedAt, text} = decoded;
			if (!key || !signature || !signedAt) {
				return {ok: false, reason: 'unsigned: remote commands must be signed by a key listed in forum.redis.actors (metawsm forum keygen)'};
			}
			const known = lookUp(key);
			if (!known) return {ok: false, reason: `unknown key: ${key.slice(0, 60)} is not listed in forum.redis.actors of serve's policy`};
			if (!verifySignature(known.key, stream, signedAt, text, signature)) return {ok: false, reason: `bad signature: the signature does not match the command, the stream ${stream} and key ${key.slice(0, 60)}`};
			const at = Date.parse(signedAt);
			if (!Number.isFinite(at)) return {ok: false, reason: 'bad signature: signed_at is not a time'};
			if (now.getTime() - at > MAX_SIGNATURE_AGE_MS) return {ok: false, reason: `expired: signed at ${signedAt}, more than ${MAX_SIGNATURE_AGE_MS / 60_000} minutes ago`};
			if (at - now.getTime() > MAX_SIGNATURE_SKEW_MS) return {ok: false, reason: `signed in the future (${signedAt}): the sender's clock is more than ${MAX_SIGNATURE_SKEW_MS / 60_000} minutes ahead`};
			if (command.actor.type === 'system') return {ok: false, reason: "actor type system is reserved for serve's own work"};
			if (command.type === 'request_escalation') return {ok: false, reason: "request_escalation is serve's own work (the SLA scheduler)"};
			if (command.actor.type !== known.actor.type || command.actor.name !== known.actor.name) {
				return {ok: false, reason: `actor mismatch: the command acts as ${command.actor.type}/${command.actor.name.slice(0, 64)}, but key ${key.slice(0, 60)} belongs to ${known.actor.type}/${known.actor.name}`};
			}
			// A retry re-signs the same text with the same key (a new time, so a new signature): allowed.
			const commandHash = createHash('sha256').update(text).digest('base64url');
			const seen = previous(command.commandId);
			if (seen && (seen.publicKey !== key || seen.commandHash !== commandHash)) {
				return {
					ok: false,
					reason: `replayed: command id ${command.commandId} was already used at ${seen.seenAt} with another signature (${seen.publicKey !== key ? 'another key' : 'other content'})`,
				};
			}
			return {ok: true, record: {commandId: command.commandId, publicKey: key, signature, commandHash, entryId, seenAt: now.toISOString()}};
		},
	};
}
