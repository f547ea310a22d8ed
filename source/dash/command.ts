/** Entry of `metawsm forum dash`: the live dashboard, `--once` for one plain frame, `--demo` for a moving sample. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {ForumError} from '../forum/errors.js';
import type {Actor} from '../forum/types.js';
import type {Context} from '../cli/context.js';
import {stringFlag, usage} from '../cli/flags.js';
import {escalateDue} from '../consumers/sla-scheduler.js';
import {localClient, type ForumClient} from '../service/client.js';
import {ForumService} from '../service/forum-service.js';
import {DEMO, seedDemo, startSimulation} from './demo.js';
import {buildFrame, frameText} from './frame.js';
import {buildQueue} from './queue-model.js';
import {DASH_BUSY_TIMEOUT_MS} from './patient-dispatch.js';
import {loadSnapshot, type Snapshot} from './snapshot.js';

const ONCE_COLUMNS = 100;
const ONCE_ROWS = 30;

function positive(value: string | undefined): number | undefined {
	const n = Number(value);
	return value !== undefined && Number.isInteger(n) && n > 0 ? n : undefined;
}

/** One frame of the queue as plain text: what `--once` prints. */
export async function onceFrame(client: ForumClient, snapshot: Snapshot, operator: Actor, size: {columns: number; rows: number}): Promise<string> {
	const now = client.now();
	const queue = buildQueue({threads: snapshot.threads.values(), seen: snapshot.seen, me: operator.name, now, sla: client.sla, filter: ''});
	const selectedId = queue.sections.needs_human[0]?.thread.id;
	const lines = buildFrame({
		...size,
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

function openDemo(context: Context): Demo {
	if (context.isRemote()) throw usage('remote_unsupported', '--demo runs on a local database; drop --remote');
	const given = stringFlag(context.flags, 'db');
	const dir = given ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'metawsm-demo-'));
	const file = given ?? path.join(dir!, 'demo.db');
	const policy = context.policy();
	const probe = new ForumService({db: file, policy});
	const empty = probe.lastSequence() === 0;
	probe.close();
	if (empty) seedDemo(file, policy);
	const client = localClient(new ForumService({db: file, policy, busyTimeoutMs: DASH_BUSY_TIMEOUT_MS}));
	return {
		client,
		cleanup: () => {
			if (dir) fs.rmSync(dir, {recursive: true, force: true});
		},
	};
}

export async function runDashCommand(context: Context): Promise<number> {
	const once = context.flags['once'] === true;
	const demo = context.flags['demo'] === true;
	const bell = context.flags['bell'] !== false;
	const stdin = process.stdin;
	const stdout = process.stdout;
	if (!once && (!stdin.isTTY || !stdout.isTTY)) {
		throw usage('no_tty', 'the dashboard needs a terminal on stdin and stdout; for scripts use `metawsm forum dash --once`');
	}
	// In the demo the operator is the fixture's (threads are assigned to it) unless one is named.
	const named = context.flags['actorName'] !== undefined || (context.env['METAWSM_ACTOR_NAME'] ?? '').trim() !== '';
	const operator: Actor = demo && !named ? {type: 'operator', name: DEMO.operator} : context.actor('operator');

	// Ink owns the terminal: skipped-event warnings go to the status line (use-forum), not stderr.
	if (!once) context.warningsOnStderr = false;
	const opened = demo ? openDemo(context) : undefined;
	// The live dashboard's own connection: short lock waits, retried without blocking the frame.
	const own = !once && !opened && !context.isRemote() ? localClient(new ForumService({db: context.dbPath(), policy: context.policy(), busyTimeoutMs: DASH_BUSY_TIMEOUT_MS})) : undefined;
	let linked: ForumClient | undefined;
	try {
		let client = opened?.client ?? own ?? (await context.openForum());
		const redisUrl = once || opened || client.source().kind !== 'sqlite' ? undefined : context.redisUrl();
		if (redisUrl) {
			// Local data, Redis configured: the status bar shows the link (connected / reconnecting / lag).
			const {withRedisLink} = await import('../transport/link-status.js');
			client = withRedisLink(client, {url: redisUrl, policy: context.policy()});
			linked = client;
		}
		// Live: the first frame needs open threads only; closed ones follow. --once shows all counts.
		const snapshot = await loadSnapshot(client, operator.name, {openOnly: !once});
		if (once) {
			const size = {
				columns: positive(String(stdout.columns ?? '')) ?? positive(context.env['COLUMNS']) ?? ONCE_COLUMNS,
				rows: positive(String(stdout.rows ?? '')) ?? positive(context.env['LINES']) ?? ONCE_ROWS,
			};
			context.print(await onceFrame(client, snapshot, operator, size));
			return 0;
		}
		return await runLive(context, client, snapshot, operator, {bell, demo});
	} finally {
		await linked?.close();
		await own?.close();
		if (opened) {
			await opened.client.close();
			opened.cleanup();
		}
	}
}

async function runLive(context: Context, client: ForumClient, snapshot: Snapshot, operator: Actor, options: {bell: boolean; demo: boolean}): Promise<number> {
	// Ink and React load only here: agents' commands and `--once` never pay for them.
	const [{renderDash}, {enterAlternateScreen}] = await Promise.all([import('./app.js'), import('./terminal.js')]);
	const stdout = process.stdout;
	const stdin = process.stdin;
	const guard = enterAlternateScreen(stdout, {
		stdin,
		onCrash: (error) => process.stderr.write(`metawsm forum dash: crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`),
	});
	const stops: (() => void)[] = [];
	try {
		if (options.demo) stops.push(startSimulation(client));
		const redraw = {clear: () => {}};
		const theme = context.env['NO_COLOR'] !== undefined && context.env['NO_COLOR'] !== '' ? 'mono' : 'color';
		const instance = renderDash(
			{
				client,
				operator,
				initial: snapshot,
				theme,
				bell: options.bell ? () => void stdout.write('\u0007') : undefined,
				alternateScreen: true,
				onResume: () => redraw.clear(),
				// The SLA scheduler's pass, run by the dashboard when its queue shows unrecorded
				// escalations (locally only; a remote view leaves that to `serve`).
				escalate: client.source().kind === 'sqlite' ? () => escalateDue(client) : undefined,
			},
			{stdout, stdin, exitOnCtrlC: false, patchConsole: false},
		);
		redraw.clear = () => instance.clear();
		const onAbort = () => instance.unmount();
		context.signal.addEventListener('abort', onAbort, {once: true});
		try {
			await instance.waitUntilExit();
		} finally {
			context.signal.removeEventListener('abort', onAbort);
		}
		return 0;
	} catch (error) {
		throw error instanceof ForumError ? error : new ForumError('runtime', 'dash_failed', `the dashboard stopped: ${(error as Error).message}`);
	} finally {
		for (const stop of stops) stop();
		guard.restore();
	}
}
