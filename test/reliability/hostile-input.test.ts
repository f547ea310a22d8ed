/**
 * Issue 6.4: bad and hostile input through the real CLI. Every case must exit with the
 * documented code, print one line on stderr that says what to do (and no raw terminal
 * control), print nothing on stdout, and write nothing: the forum_events checksum, the
 * database file's bytes and the listing of the whole temp directory are equal before and after.
 */
import {execFileSync, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {tempDir} from '../helpers/cli.js';
import {ISSUE_15_CASES, VALID_KEY} from './hostile-cases-15.js';
import {CLI, cli, eventChecksum, exited, fileChecksum, figure, listing, RAW_CONTROL, startNode, waitForLine, type SpawnOptions} from './support.js';

let root: string;
let cleanup: () => void;
/** The working directory of every run (so a stray write to cwd shows in the listing). */
let work: string;
/** A forum with one thread, t-seed. */
let db: string;
const undo: (() => void)[] = [];

const ESC = '\u001b';
const HOSTILE = `${ESC}]0;pwned\u0007${ESC}[2J\u009b31m`;

/**
 * How this run can make a path unwritable: as a normal user, chmod; as root (CI), where chmod
 * stops nothing, `chattr +i` where the file system supports it, else run the CLI as nobody.
 */
type Lockdown = 'chmod' | 'chattr' | 'nobody' | 'unavailable';
let lockdown: Lockdown;

function chooseLockdown(): Lockdown {
	const forced = process.env['METAWSM_TEST_LOCKDOWN'];
	if (forced === 'chmod' || forced === 'chattr' || forced === 'nobody') return forced;
	if (process.getuid?.() !== 0) return 'chmod';
	const probe = path.join(root, 'probe');
	fs.writeFileSync(probe, '');
	try {
		execFileSync('chattr', ['+i', probe], {stdio: 'ignore'});
		execFileSync('chattr', ['-i', probe], {stdio: 'ignore'});
		return 'chattr';
	} catch {
		// nobody must be able to run the CLI from this checkout (not the case under /root).
		const asNobody = spawnSync(process.execPath, [CLI, '--version'], {uid: 65534, gid: 65534, cwd: root, stdio: 'ignore'});
		return asNobody.status === 0 ? 'nobody' : 'unavailable';
	} finally {
		fs.rmSync(probe);
	}
}

/** Make `target` unwritable the chosen way; returns spawn options for the CLI run. */
function makeUnwritable(target: string): SpawnOptions {
	if (lockdown === 'unavailable') {
		throw new Error('as root, chattr +i is unsupported on this file system and user nobody cannot run dist/cli.js from this checkout: run the suite as a normal user or from a world-readable checkout');
	}
	if (lockdown === 'chattr') {
		execFileSync('chattr', ['+i', target]);
		undo.push(() => execFileSync('chattr', ['-i', target]));
		return {};
	}
	const isDir = fs.statSync(target).isDirectory();
	fs.chmodSync(target, isDir ? 0o555 : 0o444);
	undo.push(() => fs.chmodSync(target, isDir ? 0o755 : 0o644));
	return lockdown === 'nobody' ? {uid: 65534, gid: 65534} : {};
}

beforeAll(async () => {
	({dir: root, cleanup} = tempDir('metawsm-hostile-'));
	// Traversable by nobody, for the read-only cases when running as root without chattr.
	fs.chmodSync(root, 0o755);
	work = path.join(root, 'work');
	fs.mkdirSync(work, {mode: 0o755});
	db = path.join(root, 'forum', 'forum.db');
	lockdown = chooseLockdown();
	figure('read-only cases use', lockdown);
	const seeded = await cli(['forum', 'ask', '--db', db, '--thread-id', 't-seed', '--ticket', 'SEED-1', '--title', 'Seed', '--body', 'seed'], {cwd: work});
	expect(seeded).toMatchObject({code: 0, stdout: 't-seed\n'});
	fs.chmodSync(path.dirname(db), 0o755);
	fs.chmodSync(db, 0o644);
}, 30_000);

afterAll(() => {
	for (const step of undo.splice(0).reverse()) step();
	cleanup();
});

interface BadInput {
	/** What is wrong, as a user would put it. */
	name: string;
	/** Arguments after `metawsm`; `--db DB` is appended unless `noDb`. A Buffer is passed as raw bytes (through bash). */
	args: (string | Buffer)[];
	code: 1 | 2 | 3;
	/** The message, including the part that says what to do. */
	message: RegExp;
	input?: string | Buffer;
	/** Which database file the case runs against (default: the seeded forum). */
	db?: () => string;
	noDb?: boolean;
	env?: Record<string, string>;
	/** Text that must not appear on stderr (a password). */
	secret?: string;
	/** Arrange the world before the run; returns spawn options (e.g. run as nobody). */
	prepare?: () => SpawnOptions | void;
}

function write(name: string, content: string | Buffer): string {
	const file = path.join(root, 'inputs', name);
	fs.mkdirSync(path.dirname(file), {recursive: true, mode: 0o755});
	fs.writeFileSync(file, content);
	return file;
}

function otherDb(name: string, content: string | Buffer): () => string {
	return () => write(name, content);
}

/** A copy of the seeded forum with PRAGMA user_version set past what this code knows. */
function newerSchemaDb(): string {
	const file = path.join(root, 'inputs', 'newer.db');
	fs.mkdirSync(path.dirname(file), {recursive: true});
	fs.copyFileSync(db, file);
	const raw = new Database(file);
	raw.pragma('user_version = 99');
	raw.close();
	return file;
}

const ask = (...extra: (string | Buffer)[]) => ['forum', 'ask', '--ticket', 'T-1', '--title', 'Q', ...extra];
const bigBody = 'x'.repeat(70_000);

const CASES: BadInput[] = [
	// ------------------------------------------------ unknown commands and flags
	{name: 'an unknown top-level command', args: ['frobnicate'], code: 2, message: /^metawsm: unknown command "frobnicate"; see `metawsm help`$/},
	{name: 'a forum command without forum', args: ['list'], code: 2, message: /^metawsm: unknown command "list"; did you mean `metawsm forum list`\? see `metawsm help`$/},
	{name: 'an unknown forum subcommand', args: ['forum', 'frobnicate'], code: 2, message: /unknown command "forum frobnicate"; commands: ask, wait, post/},
	{name: 'a subcommand name carrying an escape sequence', args: ['forum', `x${HOSTILE}`], code: 2, message: /unknown command "forum x\\e\]0;pwned\\a\\e\[2J\\x9b31m"; commands:/},
	{name: 'an unknown long flag', args: ask('--body', 'B', '--bogus'), code: 2, message: /unknown flag --bogus; see `metawsm forum ask --help`/},
	{name: 'an unknown short flag', args: ['forum', 'list', '-x'], code: 2, message: /unknown flag -x; see `metawsm forum list --help`/},
	{name: 'an unknown flag carrying an escape sequence', args: ['forum', 'list', `--x${ESC}[31m`], code: 2, message: /unknown flag --x\\e\[31-m; see `metawsm forum list --help`/},
	{name: 'a stray positional argument', args: ['forum', 'list', 'extra'], code: 2, message: /unexpected argument "extra"; values go after flags/},
	// ------------------------------------------------ missing or empty required values
	{name: 'a missing --ticket', args: ['forum', 'ask', '--title', 'Q', '--body', 'B'], code: 2, message: /--ticket is required; name the ticket/},
	{name: 'a missing --thread-id', args: ['forum', 'post', '--body', 'B'], code: 2, message: /--thread-id is required; find ids with `metawsm forum list`/},
	{name: 'a missing body', args: ask(), code: 2, message: /--body or --body-file is required \(--body-file - reads standard input\)/},
	{name: 'a value flag given without a value', args: ['forum', 'ask', '--ticket', 'T', '--body', 'B', '--title'], code: 2, message: /--title is required; give the question in one line/},
	{name: 'an empty body', args: ask('--body', ''), code: 2, message: /--body or --body-file is required|body is empty; give the text/},
	{name: 'a whitespace-only body', args: ask('--body', ' \n\t  '), code: 2, message: /body is empty; give the text with --body or --body-file/},
	{name: 'a whitespace-only body on standard input', args: ask('--body-file', '-'), input: '   \n\n', code: 2, message: /body is empty; give the text/},
	{name: 'a whitespace-only title', args: ['forum', 'ask', '--ticket', 'T', '--title', '   ', '--body', 'B'], code: 2, message: /--title is required; give the question in one line/},
	{name: 'an empty --db', args: ['forum', 'list', '--db', ''], noDb: true, code: 2, message: /--db is empty; give a file path/},
	// ------------------------------------------------ oversize, encoding, NUL, controls
	{name: 'an oversize body in --body', args: ['forum', 'post', '--thread-id', 't-seed', '--body', bigBody], code: 2, message: /body is 70000 bytes; the limit is 65536 bytes \(64 KiB\), shorten it or link to a file/},
	{name: 'a 1 MiB body on standard input', args: ask('--body-file', '-'), input: 'y'.repeat(1 << 20), code: 2, message: /body is 1048576 bytes; the limit is 65536 bytes/},
	{name: 'invalid UTF-8 bytes in --body', args: ask('--body', Buffer.from([0x66, 0xff, 0xfe])), code: 2, message: /--body is not valid UTF-8; pass UTF-8 text or use --body-file/},
	{name: 'invalid UTF-8 bytes in --title', args: ['forum', 'ask', '--ticket', 'T', '--title', Buffer.from([0x51, 0xc3]), '--body', 'B'], code: 2, message: /--title is not valid UTF-8; pass UTF-8 text$/},
	{name: 'an invalid UTF-8 body file', args: ask('--body-file', '<file:latin1.txt>'), code: 2, message: /--body-file .*latin1.txt is not valid UTF-8; convert it \(e\.g\. iconv -t UTF-8\) and retry/},
	{name: 'a NUL byte in a body on standard input', args: ['forum', 'post', '--thread-id', 't-seed', '--body-file', '-'], input: Buffer.from('a\u0000b'), code: 2, message: /body contains a NUL byte; remove it/},
	{name: 'an escape sequence in a title', args: ['forum', 'ask', '--ticket', 'T', '--title', `T${HOSTILE}`, '--body', 'B'], code: 2, message: /title contains a control character \(newline, escape, NUL\.\.\.\); use plain text/},
	{name: 'a C1 control in an agent name', args: ask('--body', 'B', '--agent', 'bad\u009b2J'), code: 2, message: /agent name contains a control character.*use plain text/},
	{name: 'a newline in a ticket', args: ['forum', 'ask', '--ticket', 'T\n1', '--title', 'Q', '--body', 'B'], code: 2, message: /ticket contains a control character.*use plain text/},
	{name: 'an escape sequence in an assignee', args: ['forum', 'assign', '--thread-id', 't-seed', '--assignee', `bob${HOSTILE}`], code: 2, message: /assignee contains a control character.*use plain text/},
	// ------------------------------------------------ ids, values, SQL-looking text
	{name: 'an unknown thread id', args: ['forum', 'post', '--thread-id', 't-nope', '--body', 'B'], code: 3, message: /no thread with id t-nope; see `metawsm forum list`/},
	{name: 'an unknown thread id to show', args: ['forum', 'thread', '--thread-id', 't-nope'], code: 3, message: /no thread with id t-nope; see `metawsm forum list`/},
	{name: 'a thread id carrying an escape sequence', args: ['forum', 'close', '--thread-id', `t-${HOSTILE}`], code: 2, message: /--thread-id "t-\?.*" is not a valid id \(letters, digits, \. _ : - only/},
	{name: 'a SQL-looking thread id', args: ['forum', 'answer', '--thread-id', "t-seed'; DROP TABLE forum_events;--", '--body', 'B'], code: 2, message: /is not a valid id \(letters, digits, \. _ : - only, at most 128\)/},
	{name: 'a SQL-looking command id', args: ask('--body', 'B', '--command-id', "1 OR 1=1"), code: 2, message: /--command-id "1 OR 1=1" is not a valid id/},
	{name: 'an unknown priority', args: ask('--body', 'B', '--priority', 'critical'), code: 2, message: /unknown priority "critical"; use one of low, normal, high, urgent/},
	{name: 'an unknown state', args: ['forum', 'state', '--thread-id', 't-seed', '--state', 'done'], code: 2, message: /unknown state "done"; use one of new, triaged/},
	{name: 'a negative --cursor', args: ['forum', 'watch', '--cursor', '-3'], code: 2, message: /--cursor must be a whole number ≥ 0, got "-3"/},
	// ------------------------------------------------ policy files
	{name: 'a policy that is not JSON', args: ['forum', 'list', '--policy', '<file:broken.json>'], code: 2, message: /not valid JSON .*; fix the file or remove it to use defaults/},
	{name: 'a policy with a wrongly typed value', args: ['forum', 'list', '--policy', '<file:typed.json>'], code: 2, message: /forum\.sla\.escalation_minutes must be a number > 0, got the string "30"/},
	{name: 'a policy with an unknown key', args: ['forum', 'list', '--policy', '<file:unknown.json>'], code: 2, message: /unknown key forum\.sla\.escalation_minute; known keys here: escalation_minutes, escalation_minutes_by_priority/},
	{name: 'a policy whose top level is an array', args: ['forum', 'list', '--policy', '<file:array.json>'], code: 2, message: /the top level must be an object, got an array/},
	{name: 'a policy with a __proto__ key', args: ['forum', 'list', '--policy', '<file:proto.json>'], code: 2, message: /unknown key __proto__; known keys here: forum$/},
	{name: 'a policy path that does not exist', args: ['forum', 'list', '--policy', 'nope.json'], code: 2, message: /cannot read policy nope\.json: no such file; pass --policy with a readable JSON file/},
	{name: 'a policy path that is a directory', args: ['forum', 'list', '--policy', '.'], code: 2, message: /cannot read policy \.: .*EISDIR.*; pass --policy with a readable JSON file/},
	{name: 'a policy with an escape sequence in a broken value', args: ['forum', 'list', '--policy', '<file:escape.json>'], code: 2, message: /not valid JSON.*fix the file/},
	// ------------------------------------------------ database files
	{name: 'a database file that is not SQLite', args: ask('--body', 'B'), db: otherDb('notes.db', 'just some notes, not a database\n'.repeat(200)), code: 1, message: /is not a metawsm forum database \(file is not a database\); point --db or METAWSM_DB at another file/},
	{name: 'a database file of random bytes', args: ['forum', 'list'], db: otherDb('random.db', Buffer.from(Array.from({length: 8192}, (_, i) => (i * 7919 + 13) % 256))), code: 1, message: /is not a metawsm forum database .*; point --db or METAWSM_DB at another file/},
	{name: 'a database with a newer schema version', args: ask('--body', 'B'), db: newerSchemaDb, code: 1, message: /has schema version 99, newer than this metawsm knows \(\d+\); upgrade metawsm/},
	{name: 'a database path that is a directory', args: ask('--body', 'B'), db: () => fs.mkdtempSync(path.join(root, 'dir-')), code: 1, message: /is a directory; pass --db with a file path/},
	{name: 'a database path under a regular file', args: ask('--body', 'B'), db: () => path.join(write('plain-file', 'x'), 'sub', 'forum.db'), code: 1, message: /cannot use .*plain-file\/sub\/forum\.db as the database \(ENOTDIR.*\); pass --db with a file path/},
	{name: 'a database path under /proc (mkdir fails with ENOENT)', args: ask('--body', 'B'), db: () => '/proc/self/metawsm-x/forum.db', code: 1, message: /cannot create database \/proc\/self\/metawsm-x\/forum\.db \(ENOENT.*\); pass --db with a path in a writable directory/},
	{
		name: 'a read-only database file',
		args: ask('--body', 'B'),
		db: () => {
			const file = path.join(root, 'readonly', 'forum.db');
			fs.mkdirSync(path.dirname(file), {mode: 0o755});
			fs.copyFileSync(db, file);
			return file;
		},
		// The directory too: otherwise SQLite leaves -wal and -shm files next to the read-only file.
		prepare: () => (makeUnwritable(path.join(root, 'readonly', 'forum.db')), makeUnwritable(path.join(root, 'readonly'))),
		code: 1,
		message: /cannot write database .*readonly\/forum\.db \((attempt to write a readonly database|unable to open database file)\); check its permissions or pass --db with a writable path/,
	},
	{
		name: 'a database in an unwritable directory',
		args: ask('--body', 'B'),
		db: () => {
			fs.mkdirSync(path.join(root, 'sealed'), {mode: 0o755});
			return path.join(root, 'sealed', 'new', 'forum.db');
		},
		prepare: () => makeUnwritable(path.join(root, 'sealed')),
		code: 1,
		message: /cannot write database .*sealed\/new\/forum\.db \((EACCES|EPERM).*\); check its permissions or pass --db with a writable path/,
	},
	// ------------------------------------------------ Redis transport
	{name: '--remote without a Redis URL', args: ['forum', 'list', '--remote'], noDb: true, code: 2, message: /--remote needs a Redis URL: pass --redis URL, set METAWSM_REDIS_URL, or set forum\.redis\.url in the policy/},
	{name: 'a Redis URL that is not redis://', args: ['forum', 'list', '--remote', '--redis', 'http://127.0.0.1:6379'], noDb: true, code: 2, message: /the Redis URL must start with redis:\/\/ or rediss:\/\//},
	{name: 'an invalid METAWSM_REMOTE_TIMEOUT', args: ['forum', 'list', '--remote', '--redis', 'redis://127.0.0.1:1'], env: {METAWSM_REMOTE_TIMEOUT: 'soon'}, noDb: true, code: 2, message: /METAWSM_REMOTE_TIMEOUT must be a number of seconds > 0, got "soon"/},
	{name: 'a local-only command with --remote', args: ['forum', 'rebuild', '--remote', '--redis', 'redis://127.0.0.1:1'], noDb: true, code: 2, message: /`metawsm forum rebuild` needs a local database; drop --remote/},
	{
		name: 'an unreachable Redis (the password never printed)',
		args: ['forum', 'ask', '--remote', '--redis', 'redis://agent:hunter2@127.0.0.1:1', '--ticket', 'T', '--title', 'Q', '--body', 'B'],
		noDb: true,
		env: {METAWSM_KEY: VALID_KEY},
		secret: 'hunter2',
		code: 1,
		message: /cannot reach Redis at redis:\/\/agent:\*\*\*@127\.0\.0\.1:1 \(.*ECONNREFUSED.*\); check the URL and that Redis is running/,
	},
];

const POLICIES: Record<string, string> = {
	'broken.json': '{"forum": {"enabled": true,,}}',
	'typed.json': '{"forum": {"sla": {"escalation_minutes": "30"}}}',
	'unknown.json': '{"forum": {"sla": {"escalation_minute": 5}}}',
	'array.json': '[1, 2]',
	'proto.json': '{"__proto__": {"polluted": true}}',
	'escape.json': `{"forum": ${ESC}[2J}`,
};

function resolveArgs(args: (string | Buffer)[]): (string | Buffer)[] {
	return args.map((arg) => {
		if (typeof arg !== 'string') return arg;
		const file = /^<file:(.+)>$/.exec(arg)?.[1];
		if (!file) return arg;
		if (file === 'latin1.txt') return write(file, Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
		return write(file, POLICIES[file]!);
	});
}

/** What "writes nothing" compares: the temp tree, and the database's events and bytes when it is a forum. */
function snapshot(file: string): {tree: string[]; events?: string; bytes?: string} {
	const tree = listing(root);
	if (!fs.existsSync(file) || fs.statSync(file).isDirectory()) return {tree};
	let events: string | undefined;
	try {
		events = eventChecksum(file);
	} catch {
		events = undefined;
	}
	return {tree, events, bytes: fileChecksum(file)};
}

describe('hostile and bad input through the real CLI', () => {
	const cases: BadInput[] = [...CASES, ...ISSUE_15_CASES];
	it('covers more than 80 cases', () => {
		expect(cases.length).toBeGreaterThan(80);
		figure('hostile input cases', cases.length);
	});

	for (const bad of cases) {
		it(`${bad.name}: exit ${bad.code}, one clear line, nothing written`, async () => {
			const file = bad.db ? bad.db() : db;
			const args = [...resolveArgs(bad.args), ...(bad.noDb ? [] : ['--db', file])];
			const before = snapshot(file);
			const options = bad.prepare?.() ?? {};
			const result = await cli(args, {cwd: work, input: bad.input, env: bad.env, ...options});
			if (bad.secret) expect(result.stderr).not.toContain(bad.secret);
			expect(result.stderr.trimEnd()).toMatch(bad.message);
			expect(result.code).toBe(bad.code);
			expect(result.stdout).toBe('');
			expect(result.stderr.endsWith('\n')).toBe(true);
			expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
			expect(result.stderr).not.toMatch(RAW_CONTROL);
			expect(snapshot(file)).toEqual(before);
		});
	}

	it('the same errors with --json are one {"error":{code,message}} object without raw controls', async () => {
		const result = await cli(['forum', 'list', '--json', `--x${ESC}[31m`, '--db', db], {cwd: work});
		expect(result.code).toBe(2);
		expect(result.stderr).not.toMatch(RAW_CONTROL);
		expect(JSON.parse(result.stderr)).toEqual({error: {code: 'unknown_flag', message: `unknown flag --x${ESC}[31-m; see \`metawsm forum list --help\``}});
	});
});

describe('a database locked by another process longer than the busy timeout', () => {
	it('a write exits 1 after the timeout with a "locked" message and writes nothing', async () => {
		// Another process holds the write lock for 6.5 s, longer than busy_timeout (5 s).
		const holder = startNode([
			'--input-type=module',
			'-e',
			`import Database from 'better-sqlite3';
			 const db = new Database(${JSON.stringify(db)});
			 db.exec('BEGIN EXCLUSIVE');
			 console.log('locked');
			 setTimeout(() => { db.exec('COMMIT'); db.close(); }, 6500);`,
		]);
		try {
			await waitForLine(holder, /^locked$/);
			const before = eventChecksum(db);
			const result = await cli([...ask('--body', 'B'), '--db', db], {cwd: work});
			figure('locked database: CLI gave up after (ms)', Math.round(result.ms));
			expect(result).toMatchObject({code: 1, stdout: ''});
			expect(result.stderr).toMatch(/^metawsm forum ask: database .*forum\.db is locked by another process for more than 5 s; retry when it finishes\n$/);
			expect(result.ms).toBeGreaterThanOrEqual(4500);
			await exited(holder);
			expect(eventChecksum(db)).toBe(before);
		} finally {
			holder.kill('SIGKILL');
		}
	}, 30_000);
});

describe('SQL-looking text is data, not SQL', () => {
	it('a body and a list filter full of SQL are stored and matched literally', async () => {
		const sql = "'); DROP TABLE forum_events; --";
		const count = () => {
			const raw = new Database(db, {readonly: true});
			try {
				return (raw.prepare('SELECT COUNT(*) AS n FROM forum_events').get() as {n: number}).n;
			} finally {
				raw.close();
			}
		};
		const before = count();
		const posted = await cli(['forum', 'post', '--thread-id', 't-seed', '--body', sql, '--db', db], {cwd: work});
		expect(posted.code).toBe(0);
		const filtered = await cli(['forum', 'list', '--json', '--ticket', "x' OR '1'='1", '--db', db], {cwd: work});
		expect(JSON.parse(filtered.stdout).threads).toEqual([]);
		const thread = JSON.parse((await cli(['forum', 'thread', '--json', '--thread-id', 't-seed', '--db', db], {cwd: work})).stdout);
		expect(thread.posts.at(-1).body).toBe(sql);
		expect(count()).toBe(before + 1);
	});
});
