/**
 * A choice question answered from the dashboard in a real terminal (tmux 100x30, private
 * socket): Enter opens the thread, 2 picks the second option.
 */
import {execFileSync, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ForumService} from '../../source/service/forum-service.js';
import {CLI, tempDir} from '../helpers/cli.js';

const HAS_TMUX = spawnSync('tmux', ['-V']).status === 0;
const CI = process.env['CI'] === 'true';
if (!HAS_TMUX && !CI) console.warn('skipping the tmux decision test: tmux is not installed');

const PROMPT = 'dash-test$';
const SOCKET = `metawsm-decision-${process.pid}`;
const session = `metawsm-decision-${process.pid}`;
let dir: string;
let cleanup: () => void;
let db: string;

const tmux = (...args: string[]) => execFileSync('tmux', ['-L', SOCKET, ...args], {encoding: 'utf8'});
const capture = () => tmux('capture-pane', '-p', '-t', session);

async function until(what: string, predicate: (screen: string) => boolean, timeoutMs = 5000): Promise<string> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const screen = capture();
		if (predicate(screen)) return screen;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; screen:\n${screen}`);
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
}

beforeAll(() => {
	({dir, cleanup} = tempDir());
	db = path.join(dir, 'forum.db');
});
afterAll(() => {
	if (HAS_TMUX) {
		spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
		fs.rmSync(path.join(process.env['TMUX_TMPDIR'] ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, SOCKET), {force: true});
	}
	cleanup();
});

const describeWithTmux = HAS_TMUX ? describe : CI ? (name: string, _body: () => void) => describe(name, () => {
	it('needs tmux, which .ci/run installs', () => {
		expect(HAS_TMUX, 'tmux is not installed').toBe(true);
	});
}) : describe.skip;

describeWithTmux('a decision from the dashboard in tmux', () => {
	it('Enter then 2 on a choice question records choice 2 "B" as the decision', async () => {
		// Until `forum ask --choice` lands in the CLI, the question is asked through the service.
		const service = new ForumService({db});
		let threadId: string;
		try {
			const asked = service.dispatch({
				type: 'ask',
				ticket: 'PICK-1',
				agentName: 'builder',
				title: 'A or B?',
				body: 'Pick one.',
				priority: 'urgent',
				question: {kind: 'choice', choices: ['A', 'B'], recommended: null},
				actor: {type: 'agent', name: 'builder'},
			});
			if (!asked.ok) throw new Error(asked.rejection.message);
			threadId = asked.threadId;
		} finally {
			service.close();
		}

		tmux('new-session', '-d', '-s', session, '-x', '100', '-y', '30', '-e', `PS1=${PROMPT} `, '-e', 'METAWSM_ACTOR_NAME=ops', 'bash', '--norc', '--noprofile');
		await until('the shell prompt', (screen) => screen.includes(PROMPT));
		tmux('send-keys', '-t', session, '-l', `node ${CLI} forum dash --no-bell --db ${db}`);
		tmux('send-keys', '-t', session, 'Enter');
		await until('the dashboard with the question', (screen) => screen.includes('PICK-1') && screen.includes('choose one — 1 A · 2 B'));
		tmux('send-keys', '-t', session, 'Enter');
		await until('the thread view', (screen) => screen.includes('State history') && screen.includes('1-2 choose'));
		tmux('send-keys', '-t', session, '2');
		await until('the confirmation', (screen) => screen.includes('✓ answered PICK-1: 2 B'));
		tmux('send-keys', '-t', session, 'q');
		await until('the shell again', (screen) => screen.includes(PROMPT) && !screen.includes('metawsm forum  needs human'));

		const check = new ForumService({db});
		try {
			const thread = check.getThread(threadId)!.thread;
			expect(thread.state).toBe('answered');
			expect(thread.answer).toMatchObject({kind: 'choice', choice: {index: 2, label: 'B'}, author: {type: 'operator', name: 'ops'}});
		} finally {
			check.close();
		}
	});
});
