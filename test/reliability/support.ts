/** Shared by the reliability suite: database fingerprints, file listings, child processes. */
import {spawn, type ChildProcess} from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import {CLI, ROOT, runProcess, type CliOptions, type TimedResult} from '../helpers/cli.js';

export {CLI, ROOT};

/**
 * sha256 of every row of forum_events in sequence order: equal before and after means no event
 * was written. Reads a copy (file and WAL) elsewhere, so looking leaves no -wal/-shm files behind.
 */
export function eventChecksum(file: string): string {
	const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'metawsm-checksum-'));
	try {
		const copy = path.join(scratch, 'copy.db');
		fs.copyFileSync(file, copy);
		if (fs.existsSync(`${file}-wal`)) fs.copyFileSync(`${file}-wal`, `${copy}-wal`);
		const db = new Database(copy, {fileMustExist: true});
		try {
			const rows = db.prepare('SELECT * FROM forum_events ORDER BY sequence').all();
			return crypto.createHash('sha256').update(JSON.stringify(rows)).digest('hex');
		} finally {
			db.close();
		}
	} finally {
		fs.rmSync(scratch, {recursive: true, force: true});
	}
}

/** sha256 of a file's bytes. */
export function fileChecksum(file: string): string {
	return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** Every path under `dir` (relative, sorted), directories marked with a trailing slash, with octal modes. */
export function listing(dir: string): string[] {
	const out: string[] = [];
	const walk = (at: string) => {
		for (const entry of fs.readdirSync(at, {withFileTypes: true})) {
			const full = path.join(at, entry.name);
			const rel = path.relative(dir, full);
			if (entry.isDirectory()) {
				out.push(`${rel}/`);
				walk(full);
			} else {
				out.push(rel);
			}
		}
	};
	walk(dir);
	return out.sort();
}

export function mode(file: string): string {
	return (fs.statSync(file).mode & 0o777).toString(8);
}

/** Options of `cli`: the same as runCli's. */
export type SpawnOptions = CliOptions;

/** Quote bytes for bash's $'...': what arrives in argv is exactly these bytes, valid UTF-8 or not. */
function ansiC(bytes: Buffer): string {
	return `$'${[...bytes].map((byte) => `\\x${byte.toString(16).padStart(2, '0')}`).join('')}'`;
}

/**
 * Run the built CLI with runCli's options (uid/gid, timing included).
 * Buffer arguments reach the CLI as raw bytes (Node can only pass strings, so they go through bash).
 */
export function cli(args: (string | Buffer)[], options: SpawnOptions = {}): Promise<TimedResult> {
	const raw = args.some((arg) => typeof arg !== 'string');
	return raw
		? runProcess('bash', ['-c', `exec ${[process.execPath, CLI, ...args].map((arg) => ansiC(Buffer.from(arg))).join(' ')}`], options)
		: runProcess(process.execPath, [CLI, ...(args as string[])], options);
}

/** Start a node script (ESM, run from the repository root so it finds better-sqlite3 and tsx). */
export function startNode(args: string[], options: {env?: Record<string, string>} = {}): ChildProcess {
	return spawn(process.execPath, args, {cwd: ROOT, env: {...process.env, ...options.env}, stdio: ['ignore', 'pipe', 'pipe']});
}

/** Resolve with the first line a child prints on stdout that matches `pattern`. */
export function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs = 15_000): Promise<string> {
	return new Promise((resolve, reject) => {
		let buffer = '';
		let stderr = '';
		const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
		child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
		child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
			buffer += chunk;
			const line = buffer.split('\n').find((candidate) => pattern.test(candidate));
			if (line !== undefined) {
				clearTimeout(timer);
				resolve(line);
			}
		});
		child.on('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`child exited ${code} before printing ${pattern}; stderr: ${stderr}`));
		});
	});
}

export function exited(child: ChildProcess): Promise<number | null> {
	if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
	return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

/** Raw terminal controls (C0 except newline, DEL, C1): none may appear in anything the CLI prints. */
// eslint-disable-next-line no-control-regex
export const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

/** Where a figure goes: printed to the test log, so CI output carries the numbers RELIABILITY.md quotes. */
export function figure(name: string, value: unknown): void {
	console.log(`[reliability] ${name}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
}

/**
 * Bundle a worker under test/reliability/workers/ into node_modules/.cache (so it resolves
 * better-sqlite3 from the repository) and return its path: a child starts in ~100 ms, no tsx.
 */
export async function buildWorker(name: string): Promise<string> {
	const {build} = await import('esbuild');
	const outfile = path.join(ROOT, 'node_modules', '.cache', 'metawsm-reliability', `${name}-${process.pid}.mjs`);
	await build({
		entryPoints: [path.join(ROOT, 'test', 'reliability', 'workers', `${name}.ts`)],
		outfile,
		bundle: true,
		format: 'esm',
		platform: 'node',
		target: 'node20',
		external: ['better-sqlite3'],
		logLevel: 'warning',
	});
	return outfile;
}

/** Poll `read` until it returns `want` (usable in hooks, unlike expect.poll); throws with the last value on timeout. */
export async function until<T>(read: () => T, want: T, timeoutMs = 10_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	let last = read();
	while (last !== want) {
		if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${String(want)}, last saw ${String(last)}`);
		await new Promise((resolve) => setTimeout(resolve, 20));
		last = read();
	}
}
