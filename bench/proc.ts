/** Processes for benchmarks: wall and CPU time of one run, a command inside a real pseudo-terminal, /proc readings. */
import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';

export interface ProcessCost {
	wallMs: number;
	/** User + system CPU time of the process and its children (getrusage via bash `times`, 1 ms resolution). */
	cpuMs: number;
}

// bash times the command itself (EPOCHREALTIME around it, so bash's own start-up is not counted)
// and reports its children's CPU time with `times`.
const TIMED = 's=$EPOCHREALTIME; "$@" >/dev/null 2>"$ERRFILE"; c=$?; e=$EPOCHREALTIME; times; echo "$s $e $c"';

const seconds = (text: string) => {
	const match = /^(\d+)m([\d.]+)s$/.exec(text);
	if (!match) throw new Error(`unexpected \`times\` output: ${text}`);
	return Number(match[1]) * 60 + Number(match[2]);
};

/** Run `command args` once to completion; throws with its stderr when it fails. */
export function measureProcess(command: string, args: string[], env: NodeJS.ProcessEnv = process.env, errFile = '/dev/null'): ProcessCost {
	const result = spawnSync('bash', ['-c', TIMED, 'timed', command, ...args], {env: {...env, ERRFILE: errFile}, encoding: 'utf8'});
	const lines = result.stdout.trim().split('\n');
	const [start, end, code] = lines.at(-1)!.split(' ');
	if (result.status !== 0 || code !== '0') {
		const detail = errFile === '/dev/null' ? '' : fs.readFileSync(errFile, 'utf8');
		throw new Error(`${command} ${args.join(' ')} failed (exit ${code}): ${detail || result.stderr}`);
	}
	const [user, system] = lines.at(-2)!.split(' ').map(seconds) as [number, number];
	return {wallMs: (Number(end) - Number(start)) * 1000, cpuMs: (user + system) * 1000};
}

export function available(command: string, args = ['--version']): boolean {
	return spawnSync(command, args, {stdio: 'ignore'}).status === 0;
}

/** Wall-clock now in epoch milliseconds with sub-millisecond precision, comparable across processes. */
export const epochMs = () => performance.timeOrigin + performance.now();

/** ANSI escape sequences out: what a person reads on the screen, in output order. */
export const screenText = (raw: string) => raw.replace(/\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g, '').replace(/\x1b\[[0-9;?<>=]*[ -/]*[@-~]/g, '').replace(/\x1b[()][A-Z0-9]/g, '');

/**
 * A command inside a real pseudo-terminal (util-linux `script`) of a given size: keys go in
 * through the terminal, everything the program draws comes back as the raw byte stream.
 */
export class PtySession {
	readonly child: ChildProcess;
	readonly startedAt: number;
	/** Everything drawn so far. */
	output = '';
	private waiters: {test: () => boolean; resolve: () => void}[] = [];
	readonly exited: Promise<number | null>;

	constructor(command: string[], options: {rows: number; columns: number; env?: NodeJS.ProcessEnv}) {
		const quoted = command.map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`).join(' ');
		this.startedAt = epochMs();
		this.child = spawn('script', ['-qfec', `stty rows ${options.rows} cols ${options.columns}; exec ${quoted}`, '/dev/null'], {
			env: {...process.env, TERM: 'xterm-256color', ...options.env},
			stdio: ['pipe', 'pipe', 'pipe'],
		});
		this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
		this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
			this.output += chunk;
			this.waiters = this.waiters.filter((waiter) => {
				if (!waiter.test()) return true;
				waiter.resolve();
				return false;
			});
		});
		this.child.stderr!.resume();
	}

	/** Resolve with the moment (epochMs) `test` first holds after new output; reject after `timeoutMs`. */
	when(test: () => boolean, timeoutMs: number): Promise<number> {
		if (test()) return Promise.resolve(epochMs());
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => {
				this.waiters = this.waiters.filter((waiter) => waiter.resolve !== done);
				reject(new Error(`timed out after ${timeoutMs} ms; last screen text: ${screenText(this.output.slice(-400))}`));
			}, timeoutMs);
			const done = () => {
				clearTimeout(timer);
				resolve(epochMs());
			};
			this.waiters.push({test, resolve: done});
		});
	}

	/** Type into the terminal; returns the moment it was written. */
	type(keys: string): number {
		const at = epochMs();
		this.child.stdin!.write(keys);
		return at;
	}

	/** The program inside the terminal (script's child). */
	programPid(): number {
		const children = fs.readFileSync(`/proc/${this.child.pid}/task/${this.child.pid}/children`, 'utf8').trim().split(/\s+/).map(Number);
		if (!children[0]) throw new Error('the program inside the terminal is not running');
		return children[0];
	}

	async stop(keys: string, timeoutMs = 5000): Promise<number | null> {
		if (this.child.exitCode !== null) return this.child.exitCode;
		this.child.stdin!.write(keys);
		const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
		const code = await this.exited;
		clearTimeout(timer);
		return code;
	}

	kill(): void {
		if (this.child.exitCode !== null) return;
		try {
			process.kill(this.programPid(), 'SIGKILL');
		} catch {
			// Already gone.
		}
		this.child.kill('SIGKILL');
	}
}

/** CPU time (user + system) of a process so far, in ms (clock ticks of 10 ms). */
export function processCpuMs(pid: number): number {
	const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	// Fields 14 and 15 of /proc/PID/stat (utime, stime); the slice starts at field 3.
	return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** Resident memory of a process: now and its peak, in MB. */
export function processMemoryMb(pid: number): {rssMb: number; peakMb: number} {
	const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
	const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
	return {rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024};
}
