/** CLI conventions, run as a real process: missing databases, help, --version, "did you mean", completion, colour, process titles. */
import {execFileSync, spawn, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {CLI, runCli, tempDir} from '../helpers/cli.js';

let dir: string;
let cleanup: () => void;
let db: string;
const ESC = '\u001b[';

beforeAll(async () => {
	({dir, cleanup} = tempDir());
	db = path.join(dir, 'forum.db');
	const asked = await runCli(['forum', 'ask', '--db', db, '--ticket', 'OPS-7', '--title', 'May I drop it?', '--body', 'b', '--priority', 'urgent']);
	expect(asked.code, asked.stderr).toBe(0);
});
afterAll(() => cleanup());

describe('read commands never create a database', () => {
	for (const args of [['list'], ['thread', '--thread-id', 't-1'], ['watch'], ['status'], ['dash', '--once'], ['rebuild'], ['rebuild', '--verify']]) {
		it(`${args.join(' ')} on a missing --db exits 1, names the absolute path and creates nothing`, async () => {
			const result = await runCli(['forum', ...args, '--db', 'nowhere/x.db'], {cwd: dir});
			expect(result.code).toBe(1);
			expect(result.stderr).toBe(`metawsm forum ${args[0]}: no forum database at ${path.join(dir, 'nowhere', 'x.db')} (metawsm forum ask creates one; or pass --db)\n`);
			expect(fs.existsSync(path.join(dir, 'nowhere'))).toBe(false);
		});
	}

	it('the default path is missing too: list creates no .metawsm directory', async () => {
		const {dir: empty, cleanup: done} = tempDir();
		try {
			const result = await runCli(['forum', 'list'], {cwd: empty, env: {METAWSM_DB: ''}});
			expect(result.code).toBe(1);
			expect(result.stderr).toContain(`no forum database at ${path.join(empty, '.metawsm', 'metawsm.db')}`);
			expect(fs.readdirSync(empty)).toEqual([]);
		} finally {
			done();
		}
	});

	it('a write command still creates it', async () => {
		const file = path.join(dir, 'new', 'forum.db');
		const result = await runCli(['forum', 'ask', '--db', file, '--ticket', 'A-1', '--title', 'q', '--body', 'b']);
		expect(result.code, result.stderr).toBe(0);
		expect(fs.existsSync(file)).toBe(true);
	});
});

describe('help and --version', () => {
	it('metawsm forum help ask prints ask’s help, as do metawsm help ask and metawsm help forum ask', async () => {
		const expected = (await runCli(['forum', 'ask', '--help'])).stdout;
		expect(expected).toContain('Usage: metawsm forum ask');
		for (const args of [['forum', 'help', 'ask'], ['help', 'ask'], ['help', 'forum', 'ask']]) {
			const result = await runCli(args);
			expect(result.code, args.join(' ')).toBe(0);
			expect(result.stdout).toBe(expected);
		}
	});

	it('metawsm help and metawsm forum help print the command list and exit 0', async () => {
		for (const args of [['help'], ['forum', 'help'], ['help', 'forum']]) {
			const result = await runCli(args);
			expect(result.code).toBe(0);
			expect(result.stdout).toContain('Commands:');
			expect(result.stdout).toContain('import');
		}
	});

	it('--version works at every level', async () => {
		for (const args of [['--version'], ['forum', '--version'], ['forum', 'ask', '--version'], ['forum', 'list', '--version']]) {
			const result = await runCli(args);
			expect(result, args.join(' ')).toMatchObject({code: 0, stdout: '0.1.0\n'});
		}
	});
});

describe('did you mean', () => {
	it('metawsm forum dahs suggests dash (exit 2)', async () => {
		const result = await runCli(['forum', 'dahs']);
		expect(result.code).toBe(2);
		expect(result.stderr).toContain('did you mean `metawsm forum dash`?');
	});

	it('a mistyped flag suggests the flag', async () => {
		const result = await runCli(['forum', 'list', '--tiket', 'A', '--db', db]);
		expect(result.code).toBe(2);
		expect(result.stderr).toContain('unknown flag --tiket; did you mean --ticket? See `metawsm forum list --help`');
	});

	it('a mistyped top-level command suggests forum, or the forum command', async () => {
		expect((await runCli(['forun', 'list'])).stderr).toContain('did you mean `metawsm forum`?');
		expect((await runCli(['lsit'])).stderr).toContain('did you mean `metawsm forum list`?');
		expect((await runCli(['help', 'aks'])).stderr).toContain('did you mean `metawsm forum help ask`?');
	});
});

describe('completion', () => {
	it('the bash script completes commands, flags and flag values', async () => {
		const script = (await runCli(['completion', 'bash'])).stdout;
		const complete = (words: string[]) =>
			execFileSync('bash', ['--norc', '--noprofile', '-c', `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _metawsm; echo "\${COMPREPLY[*]}"`], {encoding: 'utf8'}).trim();
		expect(complete(['metawsm', 'fo'])).toBe('forum');
		expect(complete(['metawsm', 'forum', 'da'])).toBe('dash');
		expect(complete(['metawsm', 'forum', 'ask', '--pri'])).toBe('--priority');
		expect(complete(['metawsm', 'forum', 'list', '--state', 'wa'])).toBe('waiting_operator waiting_human');
		expect(complete(['metawsm', 'completion', ''])).toBe('bash zsh fish');
	});

	it('zsh and fish scripts name every command and flag', async () => {
		for (const shell of ['zsh', 'fish']) {
			const result = await runCli(['completion', shell]);
			expect(result.code).toBe(0);
			expect(result.stdout).toContain('import');
			expect(result.stdout).toContain('thread-id');
		}
		expect((await runCli(['completion', 'zsh'])).stdout.startsWith('#compdef metawsm')).toBe(true);
	});

	it('an unknown shell is bad usage', async () => {
		const result = await runCli(['completion', 'bsh']);
		expect(result.code).toBe(2);
		expect(result.stderr).toContain('did you mean bash?');
	});
});

describe('colour', () => {
	it('piped output has no colour; FORCE_COLOR forces it; --json never has it', async () => {
		for (const args of [['list'], ['thread', '--thread-id', (await threadId())], ['status']]) {
			const plain = await runCli(['forum', ...args, '--db', db]);
			expect(plain.stdout).not.toContain(ESC);
			const forced = await runCli(['forum', ...args, '--db', db], {env: {FORCE_COLOR: '1'}});
			expect(forced.stdout, args[0]).toContain(`${ESC}31m`); // urgent / escalated in red
			const json = await runCli(['forum', ...args, '--db', db, '--json'], {env: {FORCE_COLOR: '1'}});
			expect(json.stdout).not.toContain(ESC);
		}
	});

	const HAS_SCRIPT = spawnSync('script', ['--version']).status === 0;
	it.runIf(HAS_SCRIPT)('on a terminal list is coloured, and NO_COLOR turns it off', () => {
		const env = {...process.env, TERM: 'xterm'} as Record<string, string>;
		delete env['FORCE_COLOR'];
		delete env['NO_COLOR'];
		// script(1) runs the CLI on a pseudo-terminal.
		const onTty = (extra: Record<string, string>) => execFileSync('script', ['-qec', `node ${CLI} forum list --db ${db}`, '/dev/null'], {encoding: 'utf8', env: {...env, ...extra}});
		expect(onTty({})).toContain(`${ESC}31m`);
		expect(onTty({NO_COLOR: '1'})).not.toContain(ESC);
	});
});

async function threadId(): Promise<string> {
	const list = await runCli(['forum', 'list', '--db', db, '--json']);
	return JSON.parse(list.stdout).threads[0].thread_id;
}

/** The command line `ps` shows for a process. */
function psArgs(pid: number): string {
	return spawnSync('ps', ['-o', 'args=', '-p', String(pid)], {encoding: 'utf8'}).stdout.trim();
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = probe();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

describe('process titles', () => {
	it('a waiting agent shows as `metawsm forum ask --wait <thread>`, serve as `metawsm forum serve`', async () => {
		const agent = spawn(process.execPath, [CLI, 'forum', 'ask', '--db', db, '--ticket', 'T-1', '--title', 'waiting', '--body', 'b', '--wait'], {stdio: ['ignore', 'pipe', 'pipe']});
		let stderr = '';
		agent.stderr.on('data', (chunk) => (stderr += chunk));
		const serve = spawn(process.execPath, [CLI, 'forum', 'serve', '--db', db], {stdio: 'ignore'});
		try {
			const id = await until('the thread id', () => /thread (t-\w+) opened/.exec(stderr)?.[1]);
			expect(await until('the agent title', () => (psArgs(agent.pid!).includes('--wait') ? psArgs(agent.pid!) : undefined))).toBe(`metawsm forum ask --wait ${id}`);
			expect(await until('the serve title', () => (psArgs(serve.pid!) === 'metawsm forum serve' ? 'ok' : undefined))).toBe('ok');
		} finally {
			agent.kill();
			serve.kill();
		}
	});

	const HAS_TMUX = spawnSync('tmux', ['-V']).status === 0;
	it.runIf(HAS_TMUX || process.env['CI'] === 'true')('a dashboard shows as `metawsm forum dash`', async () => {
		const socket = `metawsm-title-${process.pid}`;
		const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'});
		try {
			tmux('new-session', '-d', '-s', 'title', '-x', '100', '-y', '30', 'bash', '--norc', '--noprofile');
			tmux('send-keys', '-t', 'title', '-l', `exec node ${CLI} forum dash --no-bell --db ${db}`);
			tmux('send-keys', '-t', 'title', 'Enter');
			const pid = Number(tmux('display-message', '-p', '-t', 'title', '#{pane_pid}').trim());
			expect(await until('the dash title', () => (psArgs(pid) === 'metawsm forum dash' ? 'ok' : undefined))).toBe('ok');
		} finally {
			spawnSync('tmux', ['-L', socket, 'kill-server']);
		}
	});
});
