/** What a subcommand gets: parsed flags, output, and lazily opened forum and policy. */
import fs from 'node:fs';
import {describeBadEvent, type BadEvent} from '../forum/event-shape.js';
import {ForumError} from '../forum/errors.js';
import type {Actor, ActorType} from '../forum/types.js';
import {checkLine, LIMITS} from '../forum/validate.js';
import {DEFAULT_POLICY_PATH, loadPolicy, type Policy} from '../policy/policy.js';
import {localClient, type ForumClient} from '../service/client.js';
import {defaultActorName, ForumService} from '../service/forum-service.js';
import {safeJson, safeLine} from '../text/safe-text.js';
import {ORIGINAL_DATABASE} from '../store/database.js';
import {colorFor, type Paint} from './color.js';
import {absoluteDbPath, defaultDbPath, FORUM_DB_PATH, READ_COMMANDS} from './database-path.js';
import {actorTypeFlag, stringFlag, usage, type Flags} from './flags.js';
import {openRemoteClient} from './remote.js';


export interface Output {
	write(text: string): void;
}

export interface ContextOptions {
	command: string;
	flags: Flags;
	env: NodeJS.ProcessEnv;
	stdout: Output;
	stderr: Output;
	readStdin?: () => Buffer;
	/** Aborted on SIGINT/SIGTERM; long-running commands stop cleanly on it. */
	signal: AbortSignal;
	/** Set the process title (what `ps` shows); the real executable passes one, tests need not. */
	setTitle?: (title: string) => void;
	/** Standard output is a terminal (colour is on only then, unless FORCE_COLOR). */
	stdoutIsTTY?: boolean;
}

export class Context {
	readonly command: string;
	readonly flags: Flags;
	readonly env: NodeJS.ProcessEnv;
	readonly stdout: Output;
	readonly stderr: Output;
	readonly signal: AbortSignal;
	private readonly stdinReader: () => Buffer;
	private readonly titleSetter: (title: string) => void;
	private readonly stdoutIsTTY: boolean;
	private cachedPaint: Paint | undefined;
	private cachedPolicy: Policy | undefined;
	private clients: ForumClient[] = [];
	/**
	 * Print skipped-event warnings on stderr (never stdout: `--json` output stays clean).
	 * The dashboard turns it off: Ink owns the terminal, and it shows them in its status line.
	 */
	warningsOnStderr = true;

	constructor(options: ContextOptions) {
		this.command = options.command;
		this.flags = options.flags;
		this.env = options.env;
		this.stdout = options.stdout;
		this.stderr = options.stderr;
		this.signal = options.signal;
		this.stdinReader = options.readStdin ?? (() => fs.readFileSync(0));
		this.titleSetter = options.setTitle ?? (() => undefined);
		this.stdoutIsTTY = options.stdoutIsTTY ?? false;
	}

	/** Name this process in `ps`, e.g. `metawsm forum ask --wait t-8k2m4q9x1z`. */
	setTitle(title: string): void {
		this.titleSetter(title);
	}

	/** Colours for text output: on a TTY (FORCE_COLOR forces, NO_COLOR turns off), never with --json. */
	async paint(): Promise<Paint> {
		this.cachedPaint ??= await colorFor({env: this.env, isTTY: this.stdoutIsTTY, json: this.json});
		return this.cachedPaint;
	}

	get json(): boolean {
		return this.flags['json'] === true;
	}

	readStdin(): Buffer {
		return this.stdinReader();
	}

	/** The database, absolute: --db, METAWSM_DB, else the default rule (database-path.ts). */
	dbPath(fallback?: string): string {
		// An empty METAWSM_DB is unset (`METAWSM_DB= metawsm ...`); an empty --db is a mistake.
		const path = stringFlag(this.flags, 'db') ?? (this.env['METAWSM_DB'] || undefined) ?? fallback ?? defaultDbPath();
		if (path.trim() === '') throw usage('invalid_flag', '--db is empty; give a file path');
		return absoluteDbPath(path);
	}

	policyPath(): string {
		return stringFlag(this.flags, 'policy') ?? DEFAULT_POLICY_PATH;
	}

	policy(): Policy {
		this.cachedPolicy ??= loadPolicy(this.policyPath(), {required: stringFlag(this.flags, 'policy') !== undefined});
		return this.cachedPolicy;
	}

	/** The Redis URL from --redis, METAWSM_REDIS_URL or the policy; undefined when Redis is off. */
	redisUrl(): string | undefined {
		const url = stringFlag(this.flags, 'redis') ?? this.env['METAWSM_REDIS_URL'] ?? this.policy().forum.redis.url;
		if (url === undefined || url.trim() === '') return undefined;
		if (!/^rediss?:\/\//.test(url)) throw usage('invalid_redis_url', 'the Redis URL must start with redis:// or rediss://');
		return url;
	}

	isRemote(): boolean {
		return this.flags['remote'] === true;
	}

	/** Open the local database (SQLite) as a service; only for commands that need SQLite itself. */
	openService(file = this.dbPath()): ForumService {
		if (this.isRemote()) throw usage('remote_unsupported', `\`metawsm forum ${this.command}\` needs a local database; drop --remote`);
		let service: ForumService;
		try {
			service = new ForumService({db: file, policy: this.policy(), create: !READ_COMMANDS.has(this.command)});
		} catch (error) {
			if (error instanceof ForumError && error.code === ORIGINAL_DATABASE && this.command !== 'import') {
				throw new ForumError(
					'runtime',
					error.code,
					`${error.message}: import its forum with \`metawsm forum import --from ${file}\` (writes ${FORUM_DB_PATH}, the default from then on), or point --db / METAWSM_DB at this forum's own database`,
				);
			}
			throw error;
		}
		service.onWarning((bad) => this.warn(bad));
		return service;
	}

	/** One warning line on stderr (one JSON object with --json) for an event every reader skips. */
	warn(bad: BadEvent): void {
		if (!this.warningsOnStderr) return;
		const message = describeBadEvent(bad);
		if (this.json) this.stderr.write(`${safeJson({warning: {code: 'bad_event', message, sequence: bad.sequence, event_type: bad.eventType, reason: bad.reason}})}\n`);
		else this.stderr.write(`metawsm forum ${this.command}: warning: ${safeLine(message)}\n`);
	}

	/** The forum: local SQLite, or with --remote a view over Redis. Closed when the command ends. */
	async openForum(): Promise<ForumClient> {
		const client = this.isRemote() ? await openRemoteClient(this) : localClient(this.openService());
		this.clients.push(client);
		return client;
	}

	/** The acting actor from --actor-type/--actor-name, with per-command defaults. */
	actor(defaultType: ActorType): Actor {
		const type = actorTypeFlag(this.flags, 'actorType', defaultType);
		const name = (stringFlag(this.flags, 'actorName') ?? defaultActorName()).trim();
		const bad = checkLine('--actor-name', name, LIMITS.nameChars);
		if (bad) throw usage('invalid_flag', bad.message);
		return {type, name};
	}

	print(text: string): void {
		this.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
	}

	printJson(value: unknown): void {
		this.stdout.write(`${safeJson(value)}\n`);
	}

	/** Report a failure as one line (or one JSON object) on stderr; returns the exit code. */
	fail(error: unknown): number {
		const failure =
			error instanceof ForumError
				? error
				: new ForumError('runtime', 'internal_error', error instanceof Error ? error.message : String(error));
		const message = failure.message.replace(/\s*\n\s*/g, ' ');
		// Messages may quote what the user or a file gave (flags, paths, JSON snippets): never raw escapes.
		if (this.json) this.stderr.write(`${safeJson({error: {code: failure.code, message}})}\n`);
		else this.stderr.write(`metawsm forum ${this.command}: ${safeLine(message)}\n`);
		return failure.exitCode;
	}

	async close(): Promise<void> {
		for (const client of this.clients.splice(0)) await client.close();
	}
}
