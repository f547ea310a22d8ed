/** `.metawsm/policy.json`: defaults from DESIGN.md, strict validation that names the key. */
import fs from 'node:fs';
import {ForumError} from '../forum/errors.js';
import {PRIORITIES, type ActorType, type Priority} from '../forum/types.js';

/** Who a remote signing key acts as; `system` is serve's own and cannot be granted. */
export interface KeyActor {
	type: Exclude<ActorType, 'system'>;
	name: string;
}

export interface Policy {
	forum: {
		enabled: boolean;
		topics: {command_prefix: string; event_prefix: string; integration_prefix: string};
		redis: {
			/** Unset: Redis is off. */
			url: string | undefined;
			stream: string;
			group: string;
			consumer: string;
			/** Approximate MAXLEN for the events stream. */
			maxlen: number;
			/** Deliveries after which a remote command goes to the dead-letter stream. */
			max_deliveries: number;
			/** Public keys (`ed25519:…`, from `metawsm forum keygen`) allowed to send commands, and who each acts as. */
			actors: Record<string, KeyActor>;
		};
		sla: {
			escalation_minutes: number;
			/** Per-priority overrides of escalation_minutes. */
			escalation_minutes_by_priority: Partial<Record<Priority, number>>;
		};
		docs_sync: {enabled: boolean; root: string};
	};
}

export const DEFAULT_POLICY_PATH = '.metawsm/policy.json';

export function defaultPolicy(): Policy {
	return {
		forum: {
			enabled: true,
			topics: {command_prefix: 'forum.commands', event_prefix: 'forum.events', integration_prefix: 'forum.integration'},
			redis: {url: undefined, stream: 'metawsm-forum', group: 'metawsm-forum', consumer: 'operator', maxlen: 100_000, max_deliveries: 5, actors: {}},
			sla: {escalation_minutes: 30, escalation_minutes_by_priority: {}},
			docs_sync: {enabled: true, root: 'docs/tickets'},
		},
	};
}

type Leaf = 'boolean' | 'string' | 'non-empty string' | 'number > 0' | 'integer > 0' | 'key map';
type Shape = {[key: string]: Shape | Leaf};

const SHAPE: Shape = {
	forum: {
		enabled: 'boolean',
		topics: {command_prefix: 'non-empty string', event_prefix: 'non-empty string', integration_prefix: 'non-empty string'},
		redis: {
			url: 'non-empty string',
			stream: 'non-empty string',
			group: 'non-empty string',
			consumer: 'non-empty string',
			maxlen: 'integer > 0',
			max_deliveries: 'integer > 0',
			actors: 'key map',
		},
		sla: {
			escalation_minutes: 'number > 0',
			escalation_minutes_by_priority: Object.fromEntries(PRIORITIES.map((p) => [p, 'number > 0' as const])),
		},
		docs_sync: {enabled: 'boolean', root: 'non-empty string'},
	},
};

function fits(leaf: Leaf, value: unknown): boolean {
	switch (leaf) {
		case 'boolean':
			return typeof value === 'boolean';
		case 'string':
			return typeof value === 'string';
		case 'non-empty string':
			return typeof value === 'string' && value.trim() !== '';
		case 'number > 0':
			return typeof value === 'number' && Number.isFinite(value) && value > 0;
		case 'integer > 0':
			return typeof value === 'number' && Number.isInteger(value) && value > 0;
		case 'key map':
			return typeof value === 'object' && value !== null && !Array.isArray(value);
	}
}

const PUBLIC_KEY = /^ed25519:[A-Za-z0-9_-]{43}$/;
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2069\u3164\ufeff\uffa0]/u;

/** `forum.redis.actors`: each key a public key, each value who it acts as. Throws naming the entry. */
function checkKeyMap(value: Record<string, unknown>, where: string, file: string): Record<string, KeyActor> {
	const out: Record<string, KeyActor> = {};
	for (const [key, actor] of Object.entries(value)) {
		const at = `${where}[${JSON.stringify(key.slice(0, 60))}]`;
		if (!PUBLIC_KEY.test(key)) throw invalid(file, `${at} is not a public key; use the ed25519:… line \`metawsm forum keygen\` prints`);
		const fields = actor as Record<string, unknown>;
		if (typeof actor !== 'object' || actor === null || Array.isArray(actor)) throw invalid(file, `${at} must be an object {"type", "name"}, got ${describeValue(actor)}`);
		const extra = Object.keys(fields).find((name) => name !== 'type' && name !== 'name');
		if (extra) throw invalid(file, `unknown key ${at}.${extra}; known keys here: type, name`);
		if (fields['type'] === 'system') throw invalid(file, `${at}.type is system, which is reserved for serve's own work; use agent, operator or human`);
		if (fields['type'] !== 'agent' && fields['type'] !== 'operator' && fields['type'] !== 'human') throw invalid(file, `${at}.type must be agent, operator or human, got ${describeValue(fields['type'])}`);
		const name = fields['name'];
		if (typeof name !== 'string' || name.trim() === '' || name !== name.trim() || [...name].length > 64 || UNPRINTABLE.test(name)) {
			throw invalid(file, `${at}.name must be a plain name of at most 64 characters, got ${describeValue(name)}`);
		}
		out[key] = {type: fields['type'], name};
	}
	return out;
}

function describeValue(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 40))}`;
	if (typeof value === 'object') return 'an object';
	return `${typeof value} ${String(value)}`;
}

function invalid(file: string, message: string): ForumError {
	return new ForumError('usage', 'invalid_policy', `policy ${file}: ${message}`);
}

/** Merge `input` over `target` following `shape`; throws naming the first bad key. */
function merge(target: Record<string, unknown>, input: unknown, shape: Shape, at: string, file: string): void {
	if (typeof input !== 'object' || input === null || Array.isArray(input)) {
		throw invalid(file, `${at || 'the top level'} must be an object, got ${describeValue(input)}`);
	}
	for (const [key, value] of Object.entries(input)) {
		const where = at ? `${at}.${key}` : key;
		// Own keys only: "__proto__" or "constructor" must not walk into Object.prototype.
		const expected = Object.hasOwn(shape, key) ? shape[key] : undefined;
		if (expected === undefined) {
			throw invalid(file, `unknown key ${where}; known keys here: ${Object.keys(shape).join(', ')}`);
		}
		if (typeof expected === 'string') {
			if (!fits(expected, value)) throw invalid(file, `${where} must be a ${expected === 'key map' ? 'map of public keys to actors' : expected}, got ${describeValue(value)}`);
			target[key] = expected === 'key map' ? checkKeyMap(value as Record<string, unknown>, where, file) : value;
		} else {
			const child = (target[key] ??= {}) as Record<string, unknown>;
			merge(child, value, expected, where, file);
		}
	}
}

/** Validate parsed JSON as a policy over the defaults. */
export function parsePolicy(input: unknown, file = 'policy'): Policy {
	const policy = defaultPolicy();
	merge(policy as unknown as Record<string, unknown>, input, SHAPE, '', file);
	return policy;
}

/** Load the policy file; a missing file means defaults, a malformed one is an error. */
export function loadPolicy(file: string = DEFAULT_POLICY_PATH, options: {required?: boolean} = {}): Policy {
	let text: string;
	try {
		text = fs.readFileSync(file, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !options.required) return defaultPolicy();
		const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
		throw new ForumError('usage', 'invalid_policy', `cannot read policy ${file}: ${reason}; pass --policy with a readable JSON file`);
	}
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch (error) {
		throw invalid(file, `not valid JSON (${(error as Error).message}); fix the file or remove it to use defaults`);
	}
	return parsePolicy(json, file);
}
