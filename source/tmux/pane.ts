/**
 * The agent's tmux pane: where `ask` records it asked from, what the dashboard shows of it
 * (`capture-pane`) and how an operator jumps to it. tmux is an outside program: every call
 * may fail (no tmux, the pane closed, another host), and says so in one line.
 */
import os from 'node:os';
import type {AgentPane} from '../forum/types.js';

/** How long one tmux call may take before we give up on it. */
const TMUX_TIMEOUT_MS = 1500;

type Env = Readonly<Record<string, string | undefined>>;

/** The tmux server's socket path from `$TMUX` (`socket,pid,session`). */
export function socketOf(env: Env): string | undefined {
	const socket = env['TMUX']?.split(',')[0];
	return socket && socket.trim() !== '' ? socket : undefined;
}

async function tmux(socket: string | undefined, args: string[], env: Env = process.env): Promise<string> {
	// Loaded only in tmux: agents' commands outside tmux never load child_process.
	const {execFile} = await import('node:child_process');
	return new Promise((resolve, reject) => {
		execFile('tmux', [...(socket ? ['-S', socket] : []), ...args], {timeout: TMUX_TIMEOUT_MS, encoding: 'utf8', env: {...env} as NodeJS.ProcessEnv}, (error, stdout, stderr) => {
			if (error) reject(Object.assign(error, {stderr: String(stderr)}));
			else resolve(String(stdout));
		});
	});
}

/**
 * Where this process runs, when it runs in a tmux pane (`$TMUX` and `$TMUX_PANE` set); else
 * undefined. The `session:window.pane` target is asked of tmux and null if that fails.
 */
export async function agentPaneFromEnv(env: Env): Promise<AgentPane | undefined> {
	const paneId = env['TMUX_PANE']?.trim();
	const socket = socketOf(env);
	if (!paneId || !socket || !/^%\d{1,9}$/.test(paneId)) return undefined;
	const target = await tmux(socket, ['display-message', '-p', '-t', paneId, '#{session_name}:#{window_index}.#{pane_index}'], env)
		.then((text) => text.trim().replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 256) || null)
		.catch(() => null);
	return {pane_id: paneId, target, socket, host: os.hostname()};
}

export type PaneResult<T> = {ok: true; value: T} | {ok: false; reason: string};

/** The tmux the dashboard can reach, if any: why the pane cannot be shown or reached otherwise. */
function reachable(pane: AgentPane): string | undefined {
	if (pane.host !== os.hostname()) return `the agent's pane ${pane.pane_id} is on host ${pane.host}; look there (tmux -S ${pane.socket} attach -t ${pane.pane_id})`;
	return undefined;
}

/** One line for a failed tmux call: not installed, no server, or the pane is gone. */
function failure(pane: AgentPane, error: unknown): string {
	const err = error as NodeJS.ErrnoException & {stderr?: string; killed?: boolean};
	if (err.code === 'ENOENT') return 'tmux is not installed here; the agent pane cannot be shown';
	if (err.killed) return `tmux did not answer within ${TMUX_TIMEOUT_MS} ms`;
	const said = (err.stderr ?? '').trim().split('\n')[0] ?? '';
	if (/no server running|error connecting|No such file/i.test(said)) return `the agent's tmux server (${pane.socket}) is not running; its pane ${pane.pane_id} is gone`;
	if (/can't find pane|can't find window|can't find session/i.test(said)) return `the agent's pane ${pane.pane_id}${pane.target ? ` (${pane.target})` : ''} is gone`;
	return `tmux failed: ${said.slice(0, 120) || err.message.slice(0, 120)}`;
}

/**
 * The last `lines` lines of the pane's visible text (wrapped lines joined), without trailing
 * blank lines. Raw agent text: render it with safeText.
 */
export async function capturePaneTail(pane: AgentPane, lines: number): Promise<PaneResult<string>> {
	const away = reachable(pane);
	if (away) return {ok: false, reason: away};
	try {
		const text = await tmux(pane.socket, ['capture-pane', '-p', '-J', '-t', pane.pane_id]);
		const all = text.replace(/\s+$/, '').split('\n');
		return {ok: true, value: all.slice(-Math.max(1, lines)).join('\n')};
	} catch (error) {
		return {ok: false, reason: failure(pane, error)};
	}
}

/**
 * Show the agent's pane in the operator's tmux client: switch the client to its session,
 * select its window and pane. `env` is the dashboard's: it must run in tmux, on the same server.
 */
export async function jumpToPane(pane: AgentPane, env: Env): Promise<PaneResult<string>> {
	const away = reachable(pane);
	if (away) return {ok: false, reason: away};
	const mine = socketOf(env);
	if (!mine) return {ok: false, reason: `the dashboard is not running in tmux; attach to the agent with: tmux -S ${pane.socket} attach -t ${pane.pane_id}`};
	if (mine !== pane.socket) return {ok: false, reason: `the agent's pane is on another tmux server (${pane.socket}); attach there: tmux -S ${pane.socket} attach -t ${pane.pane_id}`};
	try {
		await tmux(mine, ['switch-client', '-t', pane.pane_id], env);
		await tmux(mine, ['select-window', '-t', pane.pane_id], env);
		await tmux(mine, ['select-pane', '-t', pane.pane_id], env);
		return {ok: true, value: `jumped to ${pane.pane_id}${pane.target ? ` (${pane.target})` : ''}; back with: tmux switch-client -l (prefix L)`};
	} catch (error) {
		return {ok: false, reason: failure(pane, error)};
	}
}
