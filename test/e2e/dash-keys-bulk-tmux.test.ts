/**
 * Rebound keys and bulk actions in a real terminal (tmux, a 60x15 pane, emoji and CJK titles,
 * keys sent in one chunk): a config binding answer to x, a conflicting config refused, and
 * three marked threads closed with one c y.
 */
import fs from 'node:fs';
import path from 'node:path';
import stringWidth from 'string-width';
import {afterAll, afterEach, beforeAll, beforeEach, expect, it} from 'vitest';
import {CLI, runCli, tempDir} from '../helpers/cli.js';
import {describeWithTmux, HAS_TMUX, privateTmux, type TmuxServer} from '../helpers/tmux.js';

const PROMPT = 'dash-keys$';
let dir: string;
let cleanup: () => void;
let db: string;
let tmux: TmuxServer;
let session: string | undefined;
let counter = 0;

const forum = (args: string[]) => runCli(['forum', ...args, '--db', db]);
const capture = () => tmux.capture(session!);
const keys = (...k: string[]) => tmux.run('send-keys', '-t', session!, ...k);
const literal = (text: string) => tmux.run('send-keys', '-t', session!, '-l', text);
const until = (what: string, predicate: (screen: string) => boolean, timeoutMs?: number) => tmux.until(what, session!, predicate, timeoutMs);
const selectedRow = (screen: string) => screen.split('\n').find((line) => line.startsWith('▶')) ?? '';
const onShell = (screen: string) => screen.split(PROMPT).length - 1 >= 2 && !screen.includes('metawsm forum');

async function ask(ticket: string, title: string, priority = 'normal'): Promise<string> {
	const result = await forum(['ask', '--ticket', ticket, '--agent', 'builder', '--title', title, '--body', `${title}?`, '--priority', priority, '--json']);
	expect(result.code, result.stderr).toBe(0);
	return JSON.parse(result.stdout).thread_id;
}

async function stateOf(id: string): Promise<string> {
	return JSON.parse((await forum(['thread', '--thread-id', id, '--json'])).stdout).state;
}

function writeConfig(name: string, config: unknown): string {
	const file = path.join(dir, name);
	fs.writeFileSync(file, JSON.stringify(config));
	return file;
}

/** A shell in a fresh 60x15 session (no operator config: XDG points at an empty directory); then `command` in it. */
async function shell(command: string): Promise<void> {
	session = `keys-${++counter}`;
	const vars = Object.entries({PS1: `${PROMPT} `, METAWSM_ACTOR_NAME: 'ops', XDG_CONFIG_HOME: path.join(dir, 'xdg')}).flatMap(([key, value]) => ['-e', `${key}=${value}`]);
	tmux.run('new-session', '-d', '-s', session, '-x', '60', '-y', '15', ...vars, 'bash', '--norc', '--noprofile');
	await until('the shell prompt', (screen) => screen.includes(PROMPT));
	literal(command);
	keys('Enter');
}

async function dashboard(extra = ''): Promise<void> {
	await shell(`node ${CLI} forum dash --no-bell --db ${db}${extra}`);
	await until('the dashboard', (screen) => screen.includes('metawsm forum'));
}

beforeAll(() => {
	({dir, cleanup} = tempDir());
	if (HAS_TMUX) tmux = privateTmux('dash-keys');
});
let run = 0;
beforeEach(() => {
	db = path.join(dir, `forum-${++run}.db`);
});
afterEach(() => {
	if (session) tmux.run('kill-session', '-t', session);
	session = undefined;
});
afterAll(() => {
	if (HAS_TMUX) tmux.kill();
	cleanup();
});

describeWithTmux('rebound keys and bulk actions in tmux (60x15)', () => {
	it('a config binding answer to x: a does nothing, x answers', async () => {
		const id = await ask('OPS-7', '表を消してもいい? 🗑️', 'urgent');
		const config = writeConfig('x.json', {keys: {answer: 'x'}});
		await dashboard(` --config ${config}`);
		await until('OPS-7 selected', (screen) => selectedRow(screen).includes('OPS-7'));
		// a then x in one chunk: had a opened a prompt, x would be typed into it.
		literal('ax');
		const prompt = await until('the answer prompt', (screen) => screen.includes('answer OPS-7 ›'));
		expect(prompt).not.toContain('answer OPS-7 › x');
		expect(prompt).not.toContain('answer OPS-7 › a');
		literal('ship it\r');
		await until('the answer confirmation', (screen) => screen.includes('✓ answered OPS-7'));
		expect(await stateOf(id)).toBe('answered');
		keys('q');
		await until('the shell again', onShell);
	});

	it('a then nothing: with answer on x, a alone opens no prompt', async () => {
		await ask('OPS-8', 'Which 🎨 palette?', 'high');
		const config = writeConfig('x2.json', {keys: {answer: 'x'}});
		await dashboard(` --config ${config}`);
		await until('OPS-8 selected', (screen) => selectedRow(screen).includes('OPS-8'));
		keys('a', '?');
		// ? opened the help, so a (sent before it) was read and did nothing.
		const help = await until('the help', (screen) => screen.includes(' Keys: queue'));
		expect(help).not.toContain('answer OPS-8 ›');
		expect(help.split('\n').at(-4)).toContain('x answer');
		keys('q', 'q');
		await until('the shell again', onShell);
	});

	it('a config binding two actions to one key is refused before the dashboard starts, naming both and the file (exit 2)', async () => {
		await ask('OPS-9', 'anything');
		const config = writeConfig('conflict.json', {keys: {answer: 'c'}});
		await shell(`node ${CLI} forum dash --no-bell --db ${db} --config ${config}; echo rc=$?`);
		const screen = await until('the refusal', (s) => /rc=\d/.test(s));
		const joined = tmux.capture(session!, {join: true});
		expect(joined).toContain(`metawsm forum dash: ${config}: keys: c would be both answer and close in queue; give one of them another key`);
		expect(screen).toContain('rc=2');
		expect(screen).not.toContain('needs human');
	});

	it('marking 3 threads (keys in one chunk) and c y closes those 3 and no other, after one confirmation', async () => {
		const ids = [
			await ask('OPS-1', '🚀 デプロイしますか?', 'urgent'),
			await ask('OPS-2', '数据库迁移 📦', 'high'),
			await ask('OPS-3', 'Keep 👍 or drop?', 'normal'),
			await ask('OPS-4', '中文标题 keep me', 'low'),
			await ask('OPS-5', 'Also keep 🙂', 'low'),
		];
		await dashboard();
		await until('OPS-1 selected', (screen) => selectedRow(screen).includes('OPS-1'));
		// Space marks and moves down: OPS-1, then j skips OPS-2, then OPS-3 and OPS-4.
		literal(' j  c');
		const asked = await until('one confirmation with the count', (screen) => screen.includes('close 3 threads? y/N'));
		const rows = asked.split('\n').filter((line) => /^[ ▶][•! ]{2}/.test(line) && /OPS-\d/.test(line));
		expect(rows, asked).toHaveLength(5);
		expect(rows.filter((line) => line.includes('✓')).map((line) => /OPS-\d/.exec(line)![0])).toEqual(['OPS-1', 'OPS-3', 'OPS-4']);
		// The ✓ column keeps the columns aligned by cells, emoji and CJK titles included; nothing is wider than the pane.
		expect(new Set(rows.map((line) => stringWidth(line.slice(0, line.indexOf('OPS-'))))).size).toBe(1);
		expect(asked.split('\n').every((line) => stringWidth(line) <= 60)).toBe(true);
		keys('y');
		await until('the summary', (screen) => screen.includes('✓ closed 3'));
		expect(await Promise.all(ids.map(stateOf))).toEqual(['closed', 'new', 'closed', 'closed', 'new']);
		expect(capture().split('\n')[0]).toMatch(/^ metawsm forum/);
		keys('q');
		await until('the shell again', onShell);
	});
});
