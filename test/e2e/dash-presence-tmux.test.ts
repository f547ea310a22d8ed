/**
 * Snooze and "I'm on it" in real terminals: two dashboards (alice, bob) in tmux on one
 * database. An answer prompt opened in one shows in the other within a second; quitting,
 * Esc, Ctrl-C and SIGTERM withdraw it; `z` hides a thread until the agent posts.
 */
import {execFileSync} from 'node:child_process';
import path from 'node:path';
import {afterAll, afterEach, beforeEach, expect, it} from 'vitest';
import {CLI, runCli, tempDir} from '../helpers/cli.js';
import {describeWithTmux, privateTmux, type TmuxServer} from '../helpers/tmux.js';

const PROMPT = 'dash-test$';
let tmux: TmuxServer;
let dir: string;
let cleanup: () => void;
let db: string;
let counter = 0;
const sessions: string[] = [];

const forum = (...args: string[]) => runCli(['forum', ...args, '--db', db]);

async function ask(ticket: string, title: string): Promise<string> {
	const result = await forum('ask', '--ticket', ticket, '--agent', 'builder', '--title', title, '--body', `${title} (body)`, '--json');
	expect(result.code, result.stderr).toBe(0);
	return JSON.parse(result.stdout).thread_id;
}

/** A dashboard as `operator` in its own 100x30 session. */
async function dash(operator: string): Promise<string> {
	const session = `presence-${process.pid}-${++counter}`;
	sessions.push(session);
	tmux.run('new-session', '-d', '-s', session, '-x', '100', '-y', '30', '-e', `PS1=${PROMPT} `, '-e', `METAWSM_ACTOR_NAME=${operator}`, 'bash', '--norc', '--noprofile');
	await tmux.until('the shell prompt', session, (screen) => screen.includes(PROMPT));
	tmux.run('send-keys', '-t', session, '-l', `node ${CLI} forum dash --no-bell --db ${db}`);
	tmux.run('send-keys', '-t', session, 'Enter');
	await tmux.until('the dashboard', session, (screen) => screen.includes('metawsm forum  needs human'));
	return session;
}

/** Send a key until the screen shows `what` (a key sent as the first frame draws can be lost under load). */
async function pressUntil(session: string, key: string, what: (screen: string) => boolean, label: string): Promise<void> {
	for (let attempt = 0; attempt < 5; attempt++) {
		tmux.run('send-keys', '-t', session, key);
		try {
			await tmux.until(label, session, what, 1500);
			return;
		} catch (error) {
			if (attempt === 4) throw error;
		}
	}
}

/** How long after now `session`'s screen takes to satisfy `predicate`, ms (polled every 10 ms). */
async function timeUntil(session: string, predicate: (screen: string) => boolean, timeoutMs = 5000): Promise<number> {
	const started = performance.now();
	for (;;) {
		if (predicate(tmux.capture(session))) return performance.now() - started;
		if (performance.now() - started > timeoutMs) throw new Error(`never happened; screen:\n${tmux.capture(session)}`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

/** The dashboard process of a session (the shell's child), by its pid. */
function dashPid(session: string): number {
	const shell = tmux.display(session, '#{pane_pid}');
	return Number(execFileSync('ps', ['-o', 'pid=', '--ppid', shell], {encoding: 'utf8'}).trim().split('\n')[0]);
}

describeWithTmux('presence and snooze in tmux', () => {
	beforeEach(() => {
		tmux ??= privateTmux('presence');
		({dir, cleanup} = tempDir());
		db = path.join(dir, 'forum.db');
	});
	afterEach(() => {
		for (const session of sessions.splice(0)) {
			try {
				tmux.run('kill-session', '-t', session);
			} catch {
				// Already gone.
			}
		}
		cleanup();
	});
	afterAll(() => tmux?.kill());

	it('the answer prompt opened in one dashboard shows "alice is answering" in the other within 1 s; Esc clears it', async () => {
		await ask('OPS-7', 'May I drop legacy_users?');
		const alice = await dash('alice');
		const bob = await dash('bob');
		await tmux.until('bob sees the thread', bob, (screen) => screen.includes('OPS-7'));
		// The key, then the clock: from the key press to bob's screen.
		const started = performance.now();
		await pressUntil(alice, 'a', (screen) => screen.includes('answer OPS-7 ›'), 'the answer prompt');
		const shown = await timeUntil(bob, (screen) => screen.includes('alice is answering'));
		const total = performance.now() - started;
		console.log(`presence: alice's answer prompt shown in bob's pane ${Math.round(total)} ms after the key (${Math.round(shown)} ms after her prompt drew)`);
		expect(total).toBeLessThan(1000);
		expect(tmux.capture(bob)).toContain('✎ alice is answering');
		tmux.run('send-keys', '-t', alice, 'Escape');
		const gone = await timeUntil(bob, (screen) => !screen.includes('alice is answering'));
		expect(gone).toBeLessThan(1000);
	});

	it('Ctrl-C and SIGTERM in the answering dashboard clear it at once (no 15 s expiry)', async () => {
		await ask('OPS-8', 'Retry or quarantine?');
		const alice = await dash('alice');
		const bob = await dash('bob');
		await pressUntil(alice, 'a', (screen) => screen.includes('answer OPS-8 ›'), 'the answer prompt');
		await tmux.until('bob sees alice', bob, (screen) => screen.includes('alice is answering'));
		tmux.run('send-keys', '-t', alice, 'C-c');
		expect(await timeUntil(bob, (screen) => !screen.includes('alice is answering'), 3000)).toBeLessThan(2000);
		// Again, with a SIGTERM to the dashboard process.
		const again = await dash('alice');
		await pressUntil(again, 'a', (screen) => screen.includes('answer OPS-8 ›'), 'the answer prompt');
		await tmux.until('bob sees alice again', bob, (screen) => screen.includes('alice is answering'));
		process.kill(dashPid(again), 'SIGTERM');
		expect(await timeUntil(bob, (screen) => !screen.includes('alice is answering'), 3000)).toBeLessThan(2000);
		await tmux.until('the shell back', again, (screen) => screen.includes(PROMPT));
	});

	it('z hides a thread from Needs human; an agent post brings it back', async () => {
		const id = await ask('OPS-9', 'Which region?');
		const alice = await dash('alice');
		await tmux.until('the thread', alice, (screen) => screen.includes('[1 Needs human 1]'));
		await pressUntil(alice, 'z', (screen) => screen.includes('snooze OPS-9 for / until'), 'the snooze prompt');
		tmux.run('send-keys', '-t', alice, '-l', '2h');
		tmux.run('send-keys', '-t', alice, 'Enter');
		const hidden = await tmux.until('the thread hidden', alice, (screen) => screen.includes('[1 Needs human 0]'));
		expect(hidden).toContain('(+1 snoozed)');
		const waited = JSON.parse((await forum('wait', '--thread-id', id, '--timeout', '1', '--json')).stdout);
		expect(waited.snooze_remaining_seconds).toBeGreaterThan(7000);
		expect((await forum('post', '--thread-id', id, '--body', 'tests are red now', '--actor-type', 'agent', '--actor-name', 'builder')).code).toBe(0);
		const back = await tmux.until('the thread back', alice, (screen) => screen.includes('[1 Needs human 1]'));
		expect(back).toMatch(/▶.*OPS-9/);
	});

	it('R answers with a similar answered thread\'s decision, and the agent\'s waiting `wait` returns it', async () => {
		const earlier = await ask('OPS-10', 'May I drop table legacy_users?');
		expect((await forum('answer', '--thread-id', earlier, '--body', 'Yes, after a backup.', '--actor-name', 'bob')).code).toBe(0);
		const again = await forum('ask', '--ticket', 'OPS-10', '--agent', 'cleaner', '--title', 'Can I drop the legacy_users table?', '--body', 'May I drop table legacy_users? (body)', '--json');
		const id = JSON.parse(again.stdout).thread_id as string;
		// The agent waits, as an agent does.
		const waiting = forum('wait', '--thread-id', id, '--timeout', '30', '--json');
		const alice = await dash('alice');
		await tmux.until('the suggestion', alice, (screen) => screen.includes('similar, answered'));
		await pressUntil(alice, 'R', (screen) => screen.includes('answered OPS-10 with the earlier decision'), 'the reuse answer');
		const result = await waiting;
		expect(result.code, result.stderr).toBe(0);
		const {decision} = JSON.parse(result.stdout);
		expect(decision).toMatchObject({kind: 'text', body: 'Yes, after a backup.', author: {name: 'alice'}, reuses: {thread_id: earlier}});
	});
});
