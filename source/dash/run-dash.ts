/**
 * The dashboard as a plain function: `runDash(options)` opens what it needs, draws one frame
 * (`once`) or runs live until quit, and restores the terminal on every way out. The CLI only
 * parses flags into these options.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {ForumError} from '../forum/errors.js';
import type {Actor} from '../forum/types.js';
import type {Policy} from '../policy/policy.js';
import {localClient, type ForumClient} from '../service/client.js';
import {escalateDue} from '../service/escalation.js';
import {ForumService} from '../service/forum-service.js';
import type {ThemeName} from './dash-config.js';
import {DEMO, seedDemo, startSimulation} from './demo.js';
import type {KeyBinding} from './keymap.js';
import {buildFrame, frameText} from './frame.js';
import {DASH_BUSY_TIMEOUT_MS} from './patient-dispatch.js';
import {buildQueue} from './queue-model.js';
import {loadSnapshot, type Snapshot} from './snapshot.js';
import {combinePresence, newPresenceSession, type PresenceChannel} from '../service/presence.js';

export interface DashOptions {
	/**
	 * Open the forum the flags name: the local database, or a remote view. The dashboard closes
	 * it. `busyTimeoutMs` is the live view's short lock wait (see patient-dispatch.ts).
	 */
	openForum(options: {busyTimeoutMs?: number}): Promise<ForumClient>;
	/** `openForum` gives a remote view (no demo, no Redis link of its own, no SLA pass here). */
	remote: boolean;
	policy: Policy;
	/** The Redis URL to show the link of, for a local database; undefined when Redis is off. */
	redisUrl?: string;
	/** The Redis URL "I'm on it" goes through (local or remote); undefined: this host's SQLite only. */
	presenceRedisUrl?: string;
	/** The operator: acts, owns the seen cursors, is "me". Undefined with `demo`: the fixture's operator. */
	operator: Actor | undefined;
	/** Print one plain frame and return. */
	once: boolean;
	/** Seed demo data and simulate agents: in `demo.db` (--db), else in a temporary directory removed on exit. */
	demo?: {db?: string};
	/** Ring the terminal bell on new escalations. */
	bell: boolean;
	/** How to draw: the config's theme, else mono for NO_COLOR, else colour. */
	theme: ThemeName;
	/** The key registry in force (the config applied). */
	keymap: readonly KeyBinding[];
	/** The size `once` draws at when stdout is not a terminal (COLUMNS/LINES). */
	onceSize?: {columns?: number; rows?: number};
	stdin: NodeJS.ReadStream;
	stdout: NodeJS.WriteStream;
	/** Where `once` prints its frame. */
	print(text: string): void;
	/** Aborted on SIGINT, SIGTERM or SIGHUP: quit cleanly. */
	signal: AbortSignal;
}

const ONCE_COLUMNS = 100;
const ONCE_ROWS = 30;

const positive = (value: number | undefined) => (value !== undefined && Number.isInteger(value) && value > 0 ? value : undefined);

/** One frame of the queue as plain text: what `--once` prints (no key hints: nothing reads keys). */
export async function onceFrame(client: ForumClient, snapshot: Snapshot, operator: Actor, size: {columns: number; rows: number}): Promise<string> {
	const now = client.now();
	const queue = buildQueue({threads: snapshot.threads.values(), seen: snapshot.seen, me: operator.name, now, sla: client.sla, filter: '', closedCount: snapshot.closedCount});
	const selectedId = queue.sections.needs_human[0]?.thread.id;
	const lines = buildFrame({
		...size,
		once: true,
		queue,
		sectionIndex: 0,
		selectedId,
		top: 0,
		view: 'queue',
		detail: selectedId ? await client.getThread(selectedId) : undefined,
		detailScroll: 0,
		help: false,
		prompt: undefined,
		filter: '',
		notice: undefined,
		feedError: undefined,
		source: client.source(),
		lastSequence: snapshot.sequence,
		operator: operator.name,
		now,
		sla: client.sla,
		threadOf: (id) => snapshot.threads.get(id),
	});
	return frameText(lines);
}

interface Demo {
	client: ForumClient;
	cleanup: () => void;
}

function openDemo(policy: Policy, given: string | undefined): Demo {
	const dir = given ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'metawsm-demo-'));
	const file = given ?? path.join(dir!, 'demo.db');
	const probe = new ForumService({db: file, policy});
	const empty = probe.lastSequence() === 0;
	probe.close();
	if (empty) seedDemo(file, policy);
	const client = localClient(new ForumService({db: file, policy, busyTimeoutMs: DASH_BUSY_TIMEOUT_MS}));
	let removed = false;
	const cleanup = () => {
		if (removed || !dir) return;
		removed = true;
		process.off('exit', cleanup);
		fs.rmSync(dir, {recursive: true, force: true});
	};
	// Also on a crash or process.exit: a demo never leaves its directory behind.
	process.on('exit', cleanup);
	return {client, cleanup};
}

export async function runDash(options: DashOptions): Promise<number> {
	const {once, stdin, stdout} = options;
	if (!once && (!stdin.isTTY || !stdout.isTTY)) {
		throw new ForumError('usage', 'no_tty', 'the dashboard needs a terminal on stdin and stdout; for scripts use `metawsm forum dash --once`');
	}
	if (options.demo && options.remote) throw new ForumError('usage', 'remote_unsupported', '--demo runs on a local database; drop --remote');
	const operator: Actor = options.operator ?? {type: 'operator', name: DEMO.operator};
	const demo = options.demo ? openDemo(options.policy, options.demo.db) : undefined;
	let client: ForumClient | undefined;
	let linked: ForumClient | undefined;
	try {
		// The live dashboard's own connection: short lock waits, retried without blocking the frame.
		client = demo?.client ?? (await options.openForum(once || options.remote ? {} : {busyTimeoutMs: DASH_BUSY_TIMEOUT_MS}));
		let shown = client;
		if (!once && !demo && !options.remote && options.redisUrl && client.source().kind === 'sqlite') {
			// Local data, Redis configured: the status bar shows the link (connected / reconnecting / lag).
			const {withRedisLink} = await import('../transport/link-status.js');
			shown = linked = withRedisLink(client, {url: options.redisUrl, policy: options.policy});
		}
		// Live: the first frame needs open threads only; closed ones follow. --once shows all counts.
		const snapshot = await loadSnapshot(shown, operator.name, {openOnly: !once});
		if (once) {
			const size = {
				columns: positive(stdout.columns) ?? positive(options.onceSize?.columns) ?? ONCE_COLUMNS,
				rows: positive(stdout.rows) ?? positive(options.onceSize?.rows) ?? ONCE_ROWS,
			};
			options.print(await onceFrame(shown, snapshot, operator, size));
			return 0;
		}
		return await runLive(options, shown, snapshot, operator, Boolean(demo));
	} finally {
		await linked?.close();
		await client?.close();
		demo?.cleanup();
	}
}

/** "I'm on it" channels: the local database's table, and Redis when configured. */
async function openPresence(options: DashOptions, client: ForumClient, operator: Actor): Promise<PresenceChannel | undefined> {
	const session = newPresenceSession();
	const channels: PresenceChannel[] = [];
	const source = client.source();
	if (source.kind === 'sqlite' && source.location !== ':memory:') {
		const {sqlitePresence} = await import('../store/presence-table.js');
		try {
			channels.push(sqlitePresence({file: source.location, session, operator: operator.name}));
		} catch {
			// A database without the table (opened read-only elsewhere): no presence from here.
		}
	}
	if (options.presenceRedisUrl) {
		const {redisPresence} = await import('../transport/presence.js');
		channels.push(redisPresence({url: options.presenceRedisUrl, policy: options.policy, session, operator: operator.name}));
	}
	if (channels.length === 0) return undefined;
	return channels.length === 1 ? channels[0] : combinePresence(channels);
}

async function runLive(options: DashOptions, client: ForumClient, snapshot: Snapshot, operator: Actor, demo: boolean): Promise<number> {
	// Ink and React load only here: agents' commands and `--once` never pay for them.
	const [{renderDash}, {enterAlternateScreen}] = await Promise.all([import('./app.js'), import('./terminal.js')]);
	const presence = await openPresence(options, client, operator);
	const {stdout, stdin} = options;
	const guard = enterAlternateScreen(stdout, {
		stdin,
		onCrash: (error) => process.stderr.write(`metawsm forum dash: crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`),
	});
	const stops: (() => void)[] = [];
	const quit = new AbortController();
	try {
		if (demo) stops.push(startSimulation(client));
		const redraw = {clear: () => {}};
		// The first frame with its preview: no second render while the operator's first key comes in.
		const first = buildQueue({threads: snapshot.threads.values(), seen: snapshot.seen, me: operator.name, now: client.now(), sla: client.sla, filter: '', closedCount: snapshot.closedCount}).sections.needs_human[0];
		const initialDetail = first ? await client.getThread(first.thread.id) : undefined;
		const instance = renderDash(
			{
				client,
				operator,
				initial: snapshot,
				initialDetail,
				theme: options.theme,
				keymap: options.keymap,
				bell: options.bell ? () => void stdout.write('\u0007') : undefined,
				alternateScreen: true,
				onResume: () => redraw.clear(),
				suspend: (onResume) =>
					guard.suspend(() => {
						redraw.clear();
						onResume();
					}),
				// The SLA pass, run by the dashboard when its queue shows unrecorded escalations (a local
				// database only; a remote view leaves that to `serve`), in slices so keys never wait on it.
				escalate: client.source().kind === 'sqlite' && !options.remote ? () => escalateDue(client, {sliceMs: 8, signal: quit.signal}) : undefined,
				presence,
			},
			{stdout, stdin, exitOnCtrlC: false, patchConsole: false},
		);
		redraw.clear = () => instance.clear();
		const onAbort = () => instance.unmount();
		options.signal.addEventListener('abort', onAbort, {once: true});
		try {
			await instance.waitUntilExit();
		} finally {
			options.signal.removeEventListener('abort', onAbort);
		}
		return 0;
	} catch (error) {
		throw error instanceof ForumError ? error : new ForumError('runtime', 'dash_failed', `the dashboard stopped: ${(error as Error).message}`);
	} finally {
		quit.abort();
		for (const stop of stops) stop();
		// Quit, Ctrl-C, SIGTERM, SIGHUP: nobody is left shown as answering here.
		await presence?.close();
		guard.restore();
	}
}
