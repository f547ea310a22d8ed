/** A private tmux server for a test file: sessions, keys, screens, and a guard for machines without tmux. */
import {execFileSync, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';

export const HAS_TMUX = spawnSync('tmux', ['-V']).status === 0;
const CI = process.env['CI'] === 'true';

/**
 * `describe` when tmux is installed; without it, skipped with a notice, except under CI=true,
 * where that is a failure.
 */
export function describeWithTmux(name: string, body: () => void): void {
	if (HAS_TMUX) {
		describe(name, body);
		return;
	}
	if (CI) {
		describe(name, () => {
			it('needs tmux, which .ci/run installs', () => {
				expect(HAS_TMUX, 'tmux is not installed').toBe(true);
			});
		});
		return;
	}
	console.warn(`skipping "${name}": tmux is not installed`);
	describe.skip(name, body);
}

export interface TmuxServer {
	/** The socket name (`tmux -L NAME`). */
	name: string;
	/** The socket's path: what `$TMUX` starts with inside this server's panes. */
	socketPath(): string;
	run(...args: string[]): string;
	capture(target: string, options?: {join?: boolean}): string;
	display(target: string, format: string): string;
	until(what: string, target: string, predicate: (screen: string) => boolean, timeoutMs?: number): Promise<string>;
	kill(): void;
}

/** A tmux server of its own (`-L`), so other suites' sessions never meet this one's. */
export function privateTmux(label: string): TmuxServer {
	const name = `metawsm-${label}-${process.pid}`;
	let started = false;
	const run = (...args: string[]) => {
		// A session of its own keeps the server up between tests: a server that exits when the
		// last session is killed races with the next test's new-session ("server exited unexpectedly").
		if (!started) {
			started = true;
			execFileSync('tmux', ['-L', name, 'new-session', '-d', '-s', 'keep-alive', '-x', '80', '-y', '24']);
		}
		return execFileSync('tmux', ['-L', name, ...args], {encoding: 'utf8'});
	};
	const capture = (target: string, options: {join?: boolean} = {}) => run('capture-pane', '-p', ...(options.join ? ['-J'] : []), '-t', target);
	return {
		name,
		socketPath: () => run('display-message', '-p', '#{socket_path}').trim(),
		run,
		capture,
		display: (target, format) => run('display-message', '-p', '-t', target, format).trim(),
		async until(what, target, predicate, timeoutMs = 8000) {
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const screen = capture(target);
				if (predicate(screen)) return screen;
				if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; screen of ${target}:\n${screen}`);
				await new Promise((resolve) => setTimeout(resolve, 25));
			}
		},
		kill() {
			if (!HAS_TMUX) return;
			spawnSync('tmux', ['-L', name, 'kill-server']);
			fs.rmSync(path.join(process.env['TMUX_TMPDIR'] ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, name), {force: true});
		},
	};
}
