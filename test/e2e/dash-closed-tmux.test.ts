/** The Closed section in a real terminal: the whole count shown, the newest first, older pages loaded as it scrolls. */
import path from 'node:path';
import {afterAll, expect, it} from 'vitest';
import {CLOSED_PAGE} from '../../source/dash/snapshot.js';
import {ForumService} from '../../source/service/forum-service.js';
import {CLI, tempDir} from '../helpers/cli.js';
import {describeWithTmux, privateTmux} from '../helpers/tmux.js';

const tmux = privateTmux('dash-closed');
const {dir, cleanup} = tempDir('metawsm-dash-closed-');
afterAll(() => {
	tmux.kill();
	cleanup();
});

const CLOSED = CLOSED_PAGE + 30;

/** CL-1 (closed first) .. CL-CLOSED (closed last), a second apart, then one open thread. */
function seed(file: string): void {
	let at = Date.now() - 3_600_000;
	const forum = new ForumService({db: file, clock: () => new Date((at += 1000))});
	try {
		forum.batch(() => {
			for (let i = 1; i <= CLOSED; i++) {
				const asked = forum.dispatch({type: 'ask', ticket: `CL-${i}`, agentName: 'builder', title: `closed ${i}`, body: 'b', priority: 'normal', actor: {type: 'agent', name: 'builder'}});
				if (!asked.ok) throw new Error(asked.rejection.message);
				forum.dispatch({type: 'close', threadId: asked.threadId, actor: {type: 'operator', name: 'ops'}});
			}
			forum.dispatch({type: 'ask', ticket: 'OPEN-1', agentName: 'builder', title: 'still open', body: 'b', priority: 'normal', actor: {type: 'agent', name: 'builder'}});
		});
	} finally {
		forum.close();
	}
}

const selected = (screen: string) => screen.split('\n').find((line) => line.startsWith('▶')) ?? '';

describeWithTmux('the Closed section in tmux', () => {
	it('counts every closed thread, shows the newest first, and reaches the oldest by loading pages as G goes down', async () => {
		const db = path.join(dir, 'forum.db');
		seed(db);
		const pane = 'closed';
		tmux.run('new-session', '-d', '-s', pane, '-x', '100', '-y', '30', '-e', 'METAWSM_ACTOR_NAME=ops', `node ${CLI} forum dash --no-bell --db ${db}`);
		await tmux.until('the dashboard', pane, (screen) => screen.includes('metawsm forum  needs human'));
		expect(tmux.capture(pane)).toContain(`closed ${CLOSED}`);
		tmux.run('send-keys', '-t', pane, '6');
		const first = await tmux.until('the Closed section', pane, (screen) => screen.includes(`[6 Closed ${CLOSED}]`) && /▶.*CL-/.test(screen));
		expect(selected(first)).toContain(`CL-${CLOSED} `);
		// Each G goes to the last row loaded; near it the next page comes, until the oldest is the last.
		const deadline = Date.now() + 15_000;
		while (!/CL-1 /.test(selected(tmux.capture(pane)))) {
			if (Date.now() > deadline) throw new Error(`never reached CL-1; screen:\n${tmux.capture(pane)}`);
			tmux.run('send-keys', '-t', pane, 'G');
			await new Promise((resolve) => setTimeout(resolve, 200));
		}
		expect(tmux.capture(pane)).toContain(`[6 Closed ${CLOSED}]`);
		tmux.run('send-keys', '-t', pane, 'q');
	});
});
