/** A private redis-server for benchmarks: a free loopback port (never 6379), a temp dir, stopped at the end. */
import {spawn, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const {port} = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

function answers(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = net.connect(port, '127.0.0.1');
		socket.once('connect', () => socket.write('PING\r\n'));
		socket.once('data', (data) => {
			socket.destroy();
			resolve(data.toString().includes('PONG'));
		});
		socket.once('error', () => resolve(false));
	});
}

export class BenchRedis {
	private child: ChildProcess | undefined;
	private constructor(
		readonly port: number,
		readonly dir: string,
	) {}

	static async start(): Promise<BenchRedis> {
		const server = new BenchRedis(await freePort(), fs.mkdtempSync(path.join(os.tmpdir(), 'metawsm-bench-redis-')));
		await server.resume();
		return server;
	}

	get url(): string {
		return `redis://127.0.0.1:${this.port}`;
	}

	/** Start (again) on the same port; loads the dump a SAVE wrote. Resolves once it answers PING. */
	async resume(): Promise<void> {
		const conf = path.join(this.dir, 'redis.conf');
		fs.writeFileSync(conf, [`port ${this.port}`, 'bind 127.0.0.1', 'save ""', 'appendonly no', `dir ${this.dir}`, 'loglevel warning'].join('\n') + '\n');
		const child = spawn('redis-server', [conf], {stdio: 'ignore'});
		this.child = child;
		const deadline = Date.now() + 10_000;
		while (!(await answers(this.port))) {
			if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
			if (Date.now() > deadline) throw new Error(`redis-server did not answer on ${this.port}`);
			await new Promise((resolve) => setTimeout(resolve, 5));
		}
	}

	/** Stop at once, like a crash (the dump from the last SAVE stays). */
	async kill(): Promise<void> {
		const child = this.child;
		this.child = undefined;
		if (!child || child.exitCode !== null) return;
		await new Promise<void>((resolve) => {
			child.once('exit', () => resolve());
			child.kill('SIGKILL');
		});
	}

	async stop(): Promise<void> {
		await this.kill();
		fs.rmSync(this.dir, {recursive: true, force: true});
	}
}
