/**
 * Issue 6 for the Redis transport: at-least-once delivery with idempotent consumers gives
 * exactly-once effects. `metawsm forum serve --redis` (the real CLI) is SIGKILLed 10 times at
 * random moments while local writers commit and a remote sender puts commands on the
 * commands stream, re-sending some (a client retry). After a last restart drains:
 * - the events stream holds every SQLite event exactly once, in order, entry id `<seq>-1`;
 * - every remote command took effect exactly once (its events match an in-memory replay);
 * - nothing is pending or dead-lettered; projections equal a replay;
 * - a remote `watch --follow` that ran throughout printed every event once, in order.
 */
import {spawn, type ChildProcessWithoutNullStreams} from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import type {Redis} from 'ioredis';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {ForumService} from '../../source/service/forum-service.js';
import {commandFields} from '../../source/transport/codec.js';
import {signerFromPem, type Signer} from '../../source/transport/signing.js';
import {writeActorsPolicy, writeTestKey, type TestKey} from '../helpers/keys.js';
import fs from 'node:fs';
import {parseEntries} from '../../source/transport/connection.js';
import {tempDir} from '../helpers/cli.js';
import {describeWithRedis, RedisServer} from '../transport/redis-server.js';
import {CLI, exited, figure, until} from './support.js';
import {commandPlan, makeRng} from './workers/plan.js';
import {withRawDb} from '../helpers/raw-db.js';

const KILLS = 10;
const SERVE_LIVES_MS = {min: 150, max: 700};
const STREAM = 'metawsm-forum';
const GROUP = 'metawsm-forum';

describeWithRedis('serve SIGKILLed during relay and remote commands', () => {
	let redis: RedisServer;
	let probe: Redis;
	let dir: string;
	let cleanup: () => void;
	let db: string;
	const children: ChildProcessWithoutNullStreams[] = [];
	let keys: TestKey[] = [];
	const signers = new Map<string, Signer>();
	const signed = (command: Parameters<typeof commandFields>[0]) =>
		commandFields(command, 'reliability', {signer: signers.get(`${command.actor.type}/${command.actor.name}`)!, stream: STREAM, signedAt: new Date().toISOString()});

	beforeAll(async () => {
		redis = await RedisServer.start();
		probe = redis.client();
		({dir, cleanup} = tempDir('metawsm-transport-crash-'));
		db = path.join(dir, 'forum.db');
		// The plan's remote commands act as these two; serve's policy (the working directory's) lists their keys.
		keys = [writeTestKey(dir, {type: 'agent', name: 'builder'}), writeTestKey(dir, {type: 'operator', name: 'ops'})];
		writeActorsPolicy(dir, keys);
		for (const key of keys) signers.set(`${key.actor.type}/${key.actor.name}`, signerFromPem(fs.readFileSync(key.file, 'utf8')));
	}, 30_000);

	afterAll(async () => {
		for (const child of children) child.kill('SIGKILL');
		probe?.disconnect();
		await redis?.stop();
		cleanup();
	});

	function start(args: string[]): {child: ChildProcessWithoutNullStreams; stdout: () => string; stderr: () => string} {
		const child = spawn(process.execPath, [CLI, 'forum', ...args, '--db', db, '--redis', redis.url], {cwd: dir, env: {...process.env, METAWSM_ACTOR_NAME: 'tester'}});
		children.push(child);
		let stdout = '';
		let stderr = '';
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
		return {child, stdout: () => stdout, stderr: () => stderr};
	}

	const serveLogs: (() => string)[] = [];

	async function startServe() {
		// One SLA pass per start (high and urgent threads escalate at once), none while draining.
		const serve = start(['serve', '--sla-interval', '3600']);
		serveLogs.push(serve.stderr);
		await until(() => /serve: running/.test(serve.stderr()) && /commands: consuming/.test(serve.stderr()), true, 15_000);
		return serve;
	}

	it('every event is published once, every remote command applied once, across 10 kills', async () => {
		// SQLite first, so the remote watcher and serve find a database.
		const local = new ForumService({db});
		const localPlan = commandPlan({prefix: 'local', seed: 11});
		local.dispatch(localPlan.next().value!);

		const watcher = start(['watch', '--follow', '--json', '--remote', '--cursor', '0']);
		const remotePlan = commandPlan({prefix: 'remote', seed: 22});
		const sent: string[] = [];
		let resent = 0;
		const rng = makeRng(33);
		// Local writes and remote sends go on while serve dies and restarts.
		const writer = setInterval(() => local.dispatch(localPlan.next().value!), 15);
		let sending = Promise.resolve();
		const sender = setInterval(() => {
			sending = sending.then(async () => {
				const command = remotePlan.next().value!;
				sent.push(command.commandId);
				await probe.call('XADD', [`${STREAM}:commands`, '*', ...signed(command)]);
				// An at-least-once sender: sometimes the same command goes out twice.
				if (rng() < 0.15) {
					resent++;
					await probe.call('XADD', [`${STREAM}:commands`, '*', ...signed(command)]);
				}
			});
		}, 10);

		const lives: number[] = [];
		try {
			for (let kill = 0; kill < KILLS; kill++) {
				const serve = await startServe();
				const life = SERVE_LIVES_MS.min + Math.floor(rng() * (SERVE_LIVES_MS.max - SERVE_LIVES_MS.min));
				await new Promise((resolve) => setTimeout(resolve, life));
				serve.child.kill('SIGKILL');
				await exited(serve.child);
				lives.push(life);
			}
		} finally {
			clearInterval(writer);
			clearInterval(sender);
			await sending;
		}

		// One last serve drains what the killed ones left.
		const drainStarted = performance.now();
		const serve = await startServe();
		const streamTop = async (key: string) => parseEntries(await probe.call('XREVRANGE', [key, '+', '-', 'COUNT', 1]))[0]?.id;
		const pending = async () => Number(((await probe.call('XPENDING', [`${STREAM}:commands`, GROUP])) as unknown[])[0]);
		const lastDelivered = async () => {
			const groups = (await probe.call('XINFO', ['GROUPS', `${STREAM}:commands`])) as unknown[][];
			const fields = groups[0]!;
			return String(fields[fields.indexOf('last-delivered-id') + 1]);
		};
		const lastSent = await streamTop(`${STREAM}:commands`);
		const deadline = Date.now() + 30_000;
		// Drained: every command entry delivered and acknowledged, every committed event in the stream.
		while (!((await lastDelivered()) === lastSent && (await pending()) === 0 && (await streamTop(`${STREAM}:events`)) === `${local.lastSequence()}-1`)) {
			if (Date.now() > deadline) throw new Error(`serve did not drain: ${serve.stderr().slice(-2000)}`);
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
		const drainMs = performance.now() - drainStarted;
		if (process.env["DEBUG_DRAIN"]) console.log(serve.stderr().slice(-3000));
		serve.child.kill('SIGTERM');
		expect(await exited(serve.child)).toBe(0);

		// The events stream: every SQLite event once, in order, with its sequence as entry id.
		const total = local.lastSequence();
		const entries = parseEntries(await probe.call('XRANGE', [`${STREAM}:events`, '-', '+']));
		expect(entries.map((entry) => entry.id)).toEqual(Array.from({length: total}, (_, i) => `${i + 1}-1`));
		const raw = new Database(db, {readonly: true});
		try {
			const eventIds = raw.prepare('SELECT event_id FROM forum_events ORDER BY sequence').pluck().all();
			expect(entries.map((entry) => (JSON.parse(entry.fields['event']!) as {event_id: string}).event_id)).toEqual(eventIds);
		} finally {
			raw.close();
		}

		// Every remote command took effect exactly once: its events are what a replay of the plan gives.
		const replay = new ForumService({db: ':memory:'});
		try {
			const expected = new Map<string, number>();
			for (const command of commandPlan({prefix: 'remote', seed: 22})) {
				if (expected.size === sent.length) break;
				const result = replay.dispatch(command);
				expected.set(command.commandId, result.ok ? result.events.length : 0);
			}
			const actual = new Map(
				(withRawDb(db, (raw) => raw.prepare(`SELECT command_id, COUNT(*) AS n FROM forum_events WHERE command_id LIKE 'remote-%' GROUP BY command_id`).all()) as {command_id: string; n: number}[]).map(
					(row) => [row.command_id, row.n],
				),
			);
			for (const [commandId, count] of expected) expect({commandId, events: actual.get(commandId) ?? 0}).toEqual({commandId, events: count});
		} finally {
			replay.close();
		}
		expect(await pending()).toBe(0);
		expect(await probe.call('XLEN', [`${STREAM}:dead`])).toBe(0);
		expect(local.verify().differences).toEqual([]);

		// The remote watcher saw the whole log once, in order, through all of it.
		await until(() => watcher.stdout().split('\n').filter(Boolean).length, total, 15_000);
		const watched = watcher
			.stdout()
			.split('\n')
			.filter(Boolean)
			.map((line) => (JSON.parse(line) as {sequence: number}).sequence);
		expect(watched).toEqual(Array.from({length: total}, (_, i) => i + 1));
		watcher.child.kill('SIGINT');
		await exited(watcher.child);
		local.close();

		figure('transport crash', {
			serveKills: KILLS,
			serveLivedMs: `${Math.min(...lives)}..${Math.max(...lives)}`,
			remoteCommands: sent.length,
			remoteResent: resent,
			events: total,
			drainAfterLastRestartMs: Math.round(drainMs),
			// Commands whose id had already been applied when serve handled them (re-sent, or re-delivered after a kill).
			answeredAsDuplicate: serveLogs.reduce((sum, log) => sum + (log().match(/was already applied/g)?.length ?? 0), 0),
		});
	}, 180_000);
});
