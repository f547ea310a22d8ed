/**
 * The agent's pane beside its question, in real tmux (a private server): an agent asks from its
 * pane in one session, the operator's dashboard in another shows that pane's live text on `t`,
 * jumps there on `T`, and an answer given while it is shown keeps what was seen.
 */
import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, afterEach, beforeEach, expect, it} from 'vitest';
import {CLI, runCli, tempDir} from '../helpers/cli.js';
import {describeWithTmux, privateTmux} from '../helpers/tmux.js';

const tmux = privateTmux('pane');
const DASH_READY = 'metawsm forum  needs human';
let dir: string;
let cleanup: () => void;
let db: string;
let counter = 0;
let sessions: string[] = [];
let attached: ChildProcess | undefined;
const forum = (...args: string[]) => runCli(['forum', ...args, '--db', db], {cwd: dir});

/** An agent session whose pane prints a marker, then ticks, and asks a choice question with --wait. */
function startAgent(title: string): {session: string; paneId: string} {
	const session = `agent-${++counter}`;
	sessions.push(session);
	const script = path.join(dir, `${session}.sh`);
	fs.writeFileSync(
		script,
		`echo "agent: migrations ready, AGENT-WAS-HERE-42"
(for i in $(seq 1 400); do echo "tick-$i"; sleep 0.25; done) &
${process.execPath} ${CLI} forum ask --db ${db} --ticket OPS-7 --agent builder --title "${title}" --body "Drop it or keep it?" --choice "Drop it" --choice "Keep it" --wait > ${path.join(dir, `${session}.out`)}
kill %1
sleep 60
`,
	);
	tmux.run('new-session', '-d', '-s', session, '-x', '100', '-y', '20', `bash --norc --noprofile ${script}`);
	return {session, paneId: tmux.display(`${session}:0.0`, '#{pane_id}')};
}

async function startDash(): Promise<string> {
	const session = `ops-${++counter}`;
	sessions.push(session);
	tmux.run('new-session', '-d', '-s', session, '-x', '100', '-y', '30', '-e', 'METAWSM_ACTOR_NAME=ops', `${process.execPath} ${CLI} forum dash --no-bell --db ${db}`);
	await tmux.until('the dashboard', session, (screen) => screen.includes(DASH_READY));
	return session;
}

const keys = (session: string, ...k: string[]) => tmux.run('send-keys', '-t', session, ...k);

beforeEach(() => {
	({dir, cleanup} = tempDir());
	db = path.join(dir, 'forum.db');
});
afterEach(() => {
	attached?.kill('SIGKILL');
	attached = undefined;
	for (const session of sessions) spawnSync('tmux', ['-L', tmux.name, 'kill-session', '-t', session]);
	sessions = [];
	cleanup();
});
afterAll(() => tmux.kill());

describeWithTmux("the agent's pane in the dashboard", () => {
	it("t shows the asking agent's live pane text in the preview, and t again hides it", async () => {
		const agent = startAgent('Drop legacy_users?');
		const ops = await startDash();
		await tmux.until('the question', ops, (screen) => screen.includes('Drop legacy_users?'));
		keys(ops, 't');
		const shown = await tmux.until('the pane text', ops, (screen) => screen.includes('AGENT-WAS-HERE-42') && /tick-\d+/.test(screen));
		expect(shown).toContain(`agent pane ${agent.paneId} ${agent.session}:0.0`);
		const tick = (screen: string) => Math.max(...[...screen.matchAll(/tick-(\d+)/g)].map((m) => Number(m[1])));
		const first = tick(shown);
		await tmux.until('the pane text to move on', ops, (screen) => screen.includes('tick-') && tick(screen) > first);
		keys(ops, 't');
		await tmux.until('the conversation again', ops, (screen) => !screen.includes('AGENT-WAS-HERE-42'));
	});

	it('the pane shows in the detail view too, and a pane that is gone is one line, not a crash', async () => {
		const agent = startAgent('Gone soon?');
		const ops = await startDash();
		await tmux.until('the question', ops, (screen) => screen.includes('Gone soon?'));
		keys(ops, 'Enter');
		await tmux.until('the detail', ops, (screen) => screen.includes('State history'));
		keys(ops, 't');
		await tmux.until('the pane text', ops, (screen) => screen.includes('AGENT-WAS-HERE-42'));
		tmux.run('kill-session', '-t', agent.session);
		const gone = await tmux.until('the gone line', ops, (screen) => screen.includes(`the agent's pane ${agent.paneId} (${agent.session}:0.0) is gone`));
		expect(gone).toContain(DASH_READY);
		expect(gone).not.toContain('AGENT-WAS-HERE-42');
	});

	it('a question asked outside tmux says so on t', async () => {
		await forum('ask', '--ticket', 'OPS-7', '--title', 'From a script', '--body', 'b');
		const ops = await startDash();
		await tmux.until('the question', ops, (screen) => screen.includes('From a script'));
		keys(ops, 't');
		await tmux.until('the no-pane line', ops, (screen) => screen.includes('no agent pane: this question was not asked from inside tmux'));
		keys(ops, 'T');
		await tmux.until('the T refusal', ops, (screen) => screen.includes('no agent pane: this question was not asked from inside tmux'));
	});

	it('an answer given while the pane is shown records an excerpt and hash of it, and thread shows them', async () => {
		startAgent('Which way?');
		const ops = await startDash();
		await tmux.until('the question', ops, (screen) => screen.includes('Which way?'));
		keys(ops, 't');
		await tmux.until('the pane text', ops, (screen) => screen.includes('AGENT-WAS-HERE-42'));
		keys(ops, 'a');
		await tmux.until('the answer input', ops, (screen) => screen.includes('answer OPS-7 ›'));
		tmux.run('send-keys', '-t', ops, '-l', 'Keep it for now.');
		keys(ops, 'Enter');
		await tmux.until('the confirmation', ops, (screen) => screen.includes('✓ answered OPS-7'));
		const id = JSON.parse((await forum('list', '--json', '--state', 'answered')).stdout).threads[0].thread_id;
		const detail = JSON.parse((await forum('thread', '--thread-id', id, '--json')).stdout);
		const context = detail.posts.at(-1).answer.context;
		expect(context).toMatchObject({kind: 'agent_pane', pane_id: detail.agent_pane.pane_id});
		expect(context.excerpt).toContain('AGENT-WAS-HERE-42');
		expect(Buffer.byteLength(context.excerpt)).toBeLessThanOrEqual(2048);
		expect(context.sha256).toMatch(/^[0-9a-f]{64}$/);
		const text = (await forum('thread', '--thread-id', id)).stdout;
		expect(text).toContain(`seen: agent pane ${detail.agent_pane.pane_id}`);
		expect(text).toContain('│ agent: migrations ready, AGENT-WAS-HERE-42');
	});

	it("T switches the operator's tmux client to the agent's pane; tmux switch-client -l comes back", async () => {
		const agent = startAgent('Jump there?');
		const ops = await startDash();
		// A real client attached to the operator's session, in a pseudo-terminal of its own.
		attached = spawn('script', ['-qfc', `tmux -L ${tmux.name} attach -t ${ops}`, '/dev/null'], {stdio: ['pipe', 'ignore', 'ignore'], env: {...process.env, TERM: 'xterm-256color', TMUX: ''}});
		const clientSession = () => tmux.run('list-clients', '-F', '#{client_session}').trim();
		const deadline = Date.now() + 5000;
		while (clientSession() !== ops && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
		expect(clientSession()).toBe(ops);
		await tmux.until('the question and its body', ops, (screen) => screen.includes('Jump there?') && screen.includes('Drop it or keep it?'));
		keys(ops, 'T');
		const until = Date.now() + 5000;
		while (clientSession() !== agent.session && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
		expect(clientSession()).toBe(agent.session);
		expect(tmux.run('list-clients', '-F', '#{pane_id}').trim()).toBe(agent.paneId);
		tmux.run('switch-client', '-l', '-c', tmux.run('list-clients', '-F', '#{client_name}').trim());
		expect(clientSession()).toBe(ops);
	});
});
