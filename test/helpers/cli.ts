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

/** A result with the wall time from spawn to exit. */
export type TimedResult = CliResult & {ms: number};

export interface CliOptions {
	cwd?: string;
	env?: Record<string, string>;
	/** Bytes or text for standard input. */
	input?: string | Buffer;
	timeoutMs?: number;
	/** Run as this uid/gid (the test must run as root). */
	uid?: number;
	gid?: number;
}

/** Run a process with the CLI's test environment; resolves with exit code and output (never rejects on a non-zero exit). */
export function runProcess(file: string, argv: string[], options: CliOptions = {}): Promise<TimedResult> {
	return new Promise((resolve, reject) => {
		const started = performance.now();
		const child = spawn(file, argv, {
			cwd: options.cwd,
			env: {...process.env, METAWSM_ACTOR_NAME: 'tester', ...options.env},
			uid: options.uid,
			gid: options.gid,
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
			resolve({code: code ?? (signal ? 128 : 1), stdout, stderr, ms: performance.now() - started});
		});
		// A child that exits before reading its input must not fail the test.
		child.stdin.on('error', () => undefined);
		child.stdin.end(options.input ?? '');
	});
}

/** Run `metawsm <args>` from dist/cli.js. */
export async function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
	const {code, stdout, stderr} = await runProcess(process.execPath, [CLI, ...args], options);
	return {code, stdout, stderr};
}

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(prefix = 'metawsm-test-'): {dir: string; cleanup: () => void} {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	return {dir, cleanup: () => fs.rmSync(dir, {recursive: true, force: true})};
}
