/** A private redis-server on a free loopback port (never 6379), in a temp dir: for tests and benchmarks. */
import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {Redis} from 'ioredis';

/** Servers still running when the test process exits (a crash or a timeout) are killed with it. */
const running = new Set<ChildProcess>();
process.on('exit', () => {
	for (const child of running) child.kill('SIGKILL');
});

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

export interface RedisServerOptions {
	/** Extra config lines, e.g. ACL users: ['user alice on >secret ~* &* +@all']. */
	config?: string[];
	/** Also listen with TLS (self-signed certificate for 127.0.0.1, in `certFile`). */
	tls?: boolean;
}

export class RedisServer {
	readonly dir: string;
	private child: ChildProcess | undefined;
	/** TLS port (with `tls`), else 0. */
	tlsPort = 0;
	private constructor(
		readonly port: number,
		private readonly options: RedisServerOptions,
	) {
		this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'metawsm-redis-'));
	}

	static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
		const server = new RedisServer(await freePort(), options);
		if (options.tls) {
			server.tlsPort = await freePort();
			const result = spawnSync('openssl', [
				'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
				'-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', server.keyFile, '-out', server.certFile,
			], {stdio: 'pipe'});
			if (result.status !== 0) throw new Error(`openssl could not make a test certificate: ${result.stderr}`);
		}
		await server.resume();
		return server;
	}

	/** The self-signed certificate (also its own CA) of a TLS server. */
	get certFile(): string {
		return path.join(this.dir, 'cert.pem');
	}

	private get keyFile(): string {
		return path.join(this.dir, 'key.pem');
	}

	get url(): string {
		return `redis://127.0.0.1:${this.port}`;
	}

	/** Start (again) on the same port and dir; it loads dump.rdb if a SAVE wrote one. */
	async resume(): Promise<void> {
		const conf = path.join(this.dir, 'redis.conf');
		fs.writeFileSync(
			conf,
			[`port ${this.port}`, 'bind 127.0.0.1', 'save ""', 'appendonly no', `dir ${this.dir}`, 'daemonize no', 'loglevel warning', ...this.tlsConfig(), ...(this.options.config ?? [])].join('\n') + '\n',
		);
		const child = spawn('redis-server', [conf], {stdio: ['ignore', 'pipe', 'pipe']});
		this.child = child;
		running.add(child);
		child.once('exit', () => running.delete(child));
		let output = '';
		child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
		child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
		const deadline = Date.now() + 10_000;
		for (;;) {
			if (child.exitCode !== null) throw new Error(`redis-server exited: ${output}`);
			if (await this.answers()) return;
			if (Date.now() > deadline) throw new Error(`redis-server did not start on ${this.port}: ${output}`);
			await new Promise((resolve) => setTimeout(resolve, 25));
		}
	}

	private tlsConfig(): string[] {
		if (!this.options.tls) return [];
		return [`tls-port ${this.tlsPort}`, `tls-cert-file ${this.certFile}`, `tls-key-file ${this.keyFile}`, `tls-ca-cert-file ${this.certFile}`, 'tls-auth-clients no'];
	}

	private answers(): Promise<boolean> {
		return new Promise((resolve) => {
			const socket = net.connect(this.port, '127.0.0.1');
			socket.once('connect', () => {
				socket.write('PING\r\n');
			});
			socket.once('data', (data) => {
				socket.destroy();
				// -NOAUTH also means it is up.
				resolve(/PONG|NOAUTH/.test(data.toString()));
			});
			socket.once('error', () => resolve(false));
		});
	}

	/** Stop at once (SIGKILL: no save), like a crash. */
	async kill(): Promise<void> {
		const child = this.child;
		if (!child || child.exitCode !== null) return;
		await new Promise<void>((resolve) => {
			child.once('exit', () => resolve());
			child.kill('SIGKILL');
		});
		this.child = undefined;
	}

	/** Stop and remove the temp dir. */
	async stop(): Promise<void> {
		await this.kill();
		fs.rmSync(this.dir, {recursive: true, force: true});
	}

	/** A plain client for assertions (closed by the caller). */
	client(url = this.url): Redis {
		const client = new Redis(url, {lazyConnect: false, maxRetriesPerRequest: 1});
		// Outage tests stop the server under it; its reconnect errors are expected.
		client.on('error', () => undefined);
		return client;
	}
}
