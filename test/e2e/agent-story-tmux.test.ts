/**
 * The whole story in real tmux (a private server): an agent in its own session calls the MCP
 * tool ask_human through the official SDK's Client (which spawns `metawsm forum mcp` from inside
 * the agent's pane); the operator's dashboard in another session shows the question, `t` shows
 * the agent pane's text, `2` picks a choice; the agent's call returns that choice.
 */
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, afterEach, beforeEach, expect, it} from 'vitest';
import {CLI, ROOT, runCli, tempDir} from '../helpers/cli.js';
import {describeWithTmux, privateTmux} from '../helpers/tmux.js';

const tmux = privateTmux('story');
const SDK = path.join(ROOT, 'node_modules', '@modelcontextprotocol', 'sdk', 'dist', 'esm', 'client');
let dir: string;
let cleanup: () => void;
let db: string;

/**
 * The agent: says what it is doing in its pane, then asks through MCP and prints what it got.
 * Its harness hands the server its environment (the SDK's default passes only HOME, PATH and a
 * few more, not TMUX and TMUX_PANE, which locate the pane).
 */
function agentScript(resultFile: string): string {
	return `import {Client} from ${JSON.stringify(path.join(SDK, 'index.js'))};
import {StdioClientTransport} from ${JSON.stringify(path.join(SDK, 'stdio.js'))};
import fs from 'node:fs';
console.log('agent: 3 migrations pending; legacy_users has had no reads for 90 days (AGENT-STORY-7)');
const transport = new StdioClientTransport({command: process.execPath, args: [${JSON.stringify(CLI)}, 'forum', 'mcp', '--db', ${JSON.stringify(db)}, '--ticket', 'OPS-7', '--agent', 'builder'], stderr: 'inherit', env: {...process.env}});
const client = new Client({name: 'story-agent', version: '1.0.0'});
await client.connect(transport);
const result = await client.callTool({name: 'ask_human', arguments: {title: 'Drop table legacy_users?', body: 'No reads for 90 days.', choices: ['Drop it', 'Keep it'], wait_seconds: 90}}, undefined, {timeout: 120000, resetTimeoutOnProgress: true});
fs.writeFileSync(${JSON.stringify(resultFile)}, JSON.stringify(result.structuredContent));
console.log('agent got: ' + result.structuredContent.decision.choice.label);
await client.close();
`;
}

beforeEach(() => {
	({dir, cleanup} = tempDir());
	db = path.join(dir, 'forum.db');
});
afterEach(() => {
	for (const session of ['agent', 'ops']) spawnSync('tmux', ['-L', tmux.name, 'kill-session', '-t', session]);
	cleanup();
});
afterAll(() => tmux.kill());

describeWithTmux('an agent asks through MCP from its tmux pane; the operator answers from the dashboard', () => {
	it("the dashboard shows the question, t shows the agent's pane, 2 picks; the agent's ask_human returns that choice", async () => {
		const resultFile = path.join(dir, 'result.json');
		const script = path.join(dir, 'agent.mjs');
		fs.writeFileSync(script, agentScript(resultFile));
		tmux.run('new-session', '-d', '-s', 'agent', '-x', '120', '-y', '20', `${process.execPath} ${script}; sleep 60`);
		const agentPane = tmux.display('agent:0.0', '#{pane_id}');

		tmux.run('new-session', '-d', '-s', 'ops', '-x', '100', '-y', '30', '-e', 'METAWSM_ACTOR_NAME=ops', `${process.execPath} ${CLI} forum dash --db ${db}`);
		await tmux.until('the question in the queue', 'ops', (screen) => screen.includes('Drop table legacy_users?') && screen.includes('1 Drop it'), 15_000);
		tmux.run('send-keys', '-t', 'ops', 'Enter');
		await tmux.until('the thread', 'ops', (screen) => screen.includes('State history'));
		tmux.run('send-keys', '-t', 'ops', 't');
		const shown = await tmux.until("the agent's pane", 'ops', (screen) => screen.includes('AGENT-STORY-7'));
		expect(shown).toContain(`agent pane ${agentPane} agent:0.0`);
		expect(shown).toContain('Drop table legacy_users?');

		tmux.run('send-keys', '-t', 'ops', '2');
		await tmux.until('the agent to get the answer', 'agent:0.0', (screen) => screen.includes('agent got: Keep it'), 15_000);
		const result = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
		expect(result).toMatchObject({status: 'answered', decision: {kind: 'choice', choice: {index: 2, label: 'Keep it'}, author: {type: 'operator', name: 'ops'}}});

		// What the operator saw when deciding is kept with the answer.
		const thread = JSON.parse((await runCli(['forum', 'thread', '--thread-id', result.thread_id, '--json', '--db', db])).stdout);
		expect(thread.agent_pane.pane_id).toBe(agentPane);
		expect(thread.posts.at(-1).answer.context.excerpt).toContain('AGENT-STORY-7');
	});
});
