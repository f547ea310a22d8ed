/** Run the built CLI (dist/cli.js) as a real process, in a temp directory. */
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = path.join(ROOT, 'dist', 'cli.js');

export interface CliResult {
	code: number;
	stdout: string;
	stderr: string;
}

export interface CliOptions {
	cwd?: string;
	env?: Record<string, string>;
	/** Bytes or text for standard input. */
	input?: string | Buffer;
	timeoutMs?: number;
}

/** Run `metawsm <args>`; resolves with exit code and output (never rejects on a non-zero exit). */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [CLI, ...args], {
			cwd: options.cwd,
			env: {...process.env, METAWSM_ACTOR_NAME: 'tester', ...options.env},
			stdio: ['pipe', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
		const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
		child.on('error', reject);
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			resolve({code: code ?? (signal ? 128 : 1), stdout, stderr});
		});
		child.stdin.end(options.input ?? '');
	});
}

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(prefix = 'metawsm-test-'): {dir: string; cleanup: () => void} {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	return {dir, cleanup: () => fs.rmSync(dir, {recursive: true, force: true})};
}
