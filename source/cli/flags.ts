/** Flags every subcommand takes, and readers that validate flag values. */
import fs from 'node:fs';
import {ForumError} from '../forum/errors.js';
import {parseActorType, parsePriority, parseState, checkId} from '../forum/validate.js';
import type {ActorType, Priority, ThreadState} from '../forum/types.js';
import {ACTOR_TYPES, PRIORITIES, THREAD_STATES} from '../forum/types.js';
import type {FlagSpec} from './command.js';
import {parseDuration} from '../forum/snooze.js';

export const COMMON_FLAGS: Record<string, FlagSpec> = {
	db: {type: 'string', description: 'SQLite database file (env METAWSM_DB; default .metawsm/forum.db if it exists, else .metawsm/metawsm.db)'},
	policy: {type: 'string', description: 'policy file (default .metawsm/policy.json)'},
	json: {type: 'boolean', description: 'machine-readable output (errors as {"error":{"code","message"}})'},
	redis: {type: 'string', description: 'Redis URL (env METAWSM_REDIS_URL; policy forum.redis.url)'},
	remote: {type: 'boolean', description: 'no local database: read and write through Redis only'},
	help: {type: 'boolean', description: 'show help', shortFlag: 'h'},
	version: {type: 'boolean', description: 'print the version'},
};

export const WRITE_FLAGS: Record<string, FlagSpec> = {
	commandId: {type: 'string', description: 'idempotency key: a repeated id returns the first result and writes nothing'},
	actorType: {type: 'string', description: `who acts: ${ACTOR_TYPES.join(' | ')}`},
	actorName: {type: 'string', description: 'actor name (env METAWSM_ACTOR_NAME; default the OS user)'},
	ifVersion: {type: 'string', description: 'refuse (code stale) if the thread was answered, closed, moved or reassigned after version N (`thread --json` .version)'},
	key: {type: 'string', description: 'signing key for --remote writes (env METAWSM_KEY; default ~/.config/metawsm/key)'},
};

export const BODY_FLAGS: Record<string, FlagSpec> = {
	body: {type: 'string', description: 'text of the post'},
	bodyFile: {type: 'string', description: 'read the text from FILE (- for standard input)'},
};

export type Flags = Record<string, string | boolean | string[] | undefined>;

export function usage(code: string, message: string): ForumError {
	return new ForumError('usage', code, message);
}

export function kebab(name: string): string {
	return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

export function stringFlag(flags: Flags, name: string): string | undefined {
	const value = flags[name];
	if (value === undefined) return undefined;
	if (typeof value !== 'string') throw usage('invalid_flag', `--${kebab(name)} takes a value`);
	// Node decodes argv lossily; a replacement character means the bytes were not UTF-8.
	if (value.includes('\uFFFD')) {
		throw usage('invalid_utf8', `--${kebab(name)} is not valid UTF-8; pass UTF-8 text${name === 'body' ? ' or use --body-file' : ''}`);
	}
	return value;
}

export function requiredFlag(flags: Flags, name: string, hint = ''): string {
	const value = stringFlag(flags, name);
	if (value === undefined || value.trim() === '') {
		throw usage('missing_flag', `--${kebab(name)} is required${hint ? `; ${hint}` : ''}`);
	}
	return value;
}

export function threadIdFlag(flags: Flags): string {
	const id = requiredFlag(flags, 'threadId', 'find ids with `metawsm forum list`').trim();
	const bad = checkId('--thread-id', id);
	if (bad) throw usage('invalid_flag', bad.message);
	return id;
}

export function priorityFlag(flags: Flags, fallback?: Priority): Priority {
	const raw = stringFlag(flags, 'priority');
	if (raw === undefined) {
		if (fallback) return fallback;
		throw usage('missing_flag', `--priority is required (${PRIORITIES.join(', ')})`);
	}
	const priority = parsePriority(raw);
	if (!priority) throw usage('invalid_priority', `unknown priority "${raw.slice(0, 40)}"; use one of ${PRIORITIES.join(', ')}`);
	return priority;
}

export function stateFlag(flags: Flags, name = 'state'): ThreadState | undefined {
	const raw = stringFlag(flags, name);
	if (raw === undefined) return undefined;
	const state = parseState(raw);
	if (!state) throw usage('invalid_state', `unknown state "${raw.slice(0, 40)}"; use one of ${THREAD_STATES.join(', ')}`);
	return state;
}

/** Comma-separated states, e.g. `--state new,waiting_human`. */
export function statesFlag(flags: Flags): ThreadState[] | undefined {
	const raw = stringFlag(flags, 'state');
	if (raw === undefined) return undefined;
	return raw.split(',').map((part) => {
		const state = parseState(part);
		if (!state) throw usage('invalid_state', `unknown state "${part.slice(0, 40)}"; use one of ${THREAD_STATES.join(', ')}`);
		return state;
	});
}

export function actorTypeFlag(flags: Flags, name: string, fallback: ActorType): ActorType {
	const raw = stringFlag(flags, name);
	if (raw === undefined) return fallback;
	const type = parseActorType(raw);
	if (!type) throw usage('invalid_actor_type', `unknown --${kebab(name)} "${raw.slice(0, 40)}"; use one of ${ACTOR_TYPES.join(', ')}`);
	return type;
}

export function integerFlag(flags: Flags, name: string, options: {min?: number; max?: number} = {}): number | undefined {
	const raw = stringFlag(flags, name);
	if (raw === undefined) return undefined;
	const min = options.min ?? 0;
	if (!/^\d+$/.test(raw.trim()) || Number(raw) < min || (options.max !== undefined && Number(raw) > options.max)) {
		const range = options.max !== undefined ? `${min}..${options.max}` : `≥ ${min}`;
		throw usage('invalid_flag', `--${kebab(name)} must be a whole number ${range}, got "${raw.slice(0, 40)}"`);
	}
	return Number(raw);
}

export function numberFlag(flags: Flags, name: string): number | undefined {
	const raw = stringFlag(flags, name);
	if (raw === undefined) return undefined;
	const value = Number(raw);
	if (raw.trim() === '' || !Number.isFinite(value) || value <= 0) {
		throw usage('invalid_flag', `--${kebab(name)} must be a number > 0, got "${raw.slice(0, 40)}"`);
	}
	return value;
}

/** Seconds to wait: a number ≥ 0, where 0 means no limit. Undefined when the flag is absent. */
export function timeoutFlag(flags: Flags, name = 'timeout'): number | undefined {
	const raw = stringFlag(flags, name);
	if (raw === undefined) return undefined;
	const seconds = Number(raw);
	if (raw.trim() !== '' && Number.isFinite(seconds) && seconds >= 0) return seconds;
	// The same durations as snooze --for: 90s, 10m, 1h30m.
	const ms = parseDuration(raw);
	if (ms !== undefined) return ms / 1000;
	throw usage('invalid_flag', `--${kebab(name)} must be seconds ≥ 0 (240; 0: no limit) or a duration (90s, 10m, 1h30m), got "${raw.slice(0, 40)}"`);
}

const utf8 = new TextDecoder('utf-8', {fatal: true});

function decode(bytes: Uint8Array, source: string): string {
	try {
		return utf8.decode(bytes);
	} catch {
		throw usage('invalid_utf8', `${source} is not valid UTF-8; convert it (e.g. iconv -t UTF-8) and retry`);
	}
}

/** The body from --body or --body-file (`-` reads standard input); exactly one is required. */
export function bodyFlag(flags: Flags, readStdin: () => Buffer): string {
	const inline = stringFlag(flags, 'body');
	const file = stringFlag(flags, 'bodyFile');
	if (inline !== undefined && file !== undefined) throw usage('conflicting_flags', 'give either --body or --body-file, not both');
	if (inline !== undefined) return inline;
	if (file === undefined || file === '') throw usage('missing_flag', '--body or --body-file is required (--body-file - reads standard input)');
	if (file === '-') return decode(readStdin(), 'standard input');
	let bytes: Buffer;
	try {
		bytes = fs.readFileSync(file);
	} catch (error) {
		throw usage('unreadable_file', `cannot read --body-file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
	}
	return decode(bytes, `--body-file ${file}`);
}
