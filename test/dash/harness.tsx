/** Mount the dashboard with ink-testing-library on a real SQLite database in a temp dir. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {render} from 'ink-testing-library';
import {DashApp, type DashAppProps} from '../../source/dash/app.js';
import {DASH_BUSY_TIMEOUT_MS} from '../../source/dash/patient-dispatch.js';
import {loadSnapshot} from '../../source/dash/snapshot.js';
import type {Actor, Priority} from '../../source/forum/types.js';
import {localClient, type ForumClient} from '../../source/service/client.js';
import {ForumService} from '../../source/service/forum-service.js';

export const OPERATOR: Actor = {type: 'operator', name: 'ops'};

export const KEYS = {
	down: '\u001B[B',
	up: '\u001B[A',
	pageDown: '\u001B[6~',
	pageUp: '\u001B[5~',
	enter: '\r',
	escape: '\u001B',
	tab: '\t',
	shiftTab: '\u001B[Z',
	backspace: '\u007F',
	ctrlC: '\u0003',
} as const;

// eslint-disable-next-line no-control-regex
const ANSI = /\u001B\[[0-9;?]*[A-Za-z]/g;

export interface Forum {
	dir: string;
	file: string;
	/** The dashboard's own service (its client wraps it). */
	service: ForumService;
	client: ForumClient;
	/** A second connection: "another process" writing to the same file. */
	other: ForumService;
	ask(ticket: string, title: string, options?: {priority?: Priority; agent?: string; body?: string}): string;
	cleanup(): void;
}

/** `clock`: the dashboard's own clock (default the real one), for tests that move time. */
export function openForum(options: {clock?: () => Date} = {}): Forum {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'metawsm-dash-'));
	const file = path.join(dir, 'forum.db');
	// As the live dashboard opens it: short lock waits (see patient-dispatch.ts).
	const service = new ForumService({db: file, pollMs: 20, clock: options.clock, busyTimeoutMs: DASH_BUSY_TIMEOUT_MS});
	// Each write by "the other process" is one second after the previous, starting ten minutes ago: a stable order.
	let tick = Date.now() - 600_000;
	const other = new ForumService({db: file, clock: () => new Date((tick += 1000))});
	const ask: Forum['ask'] = (ticket, title, options = {}) => {
		const agent = options.agent ?? 'builder';
		const result = other.dispatch({
			type: 'ask',
			ticket,
			agentName: agent,
			title,
			body: options.body ?? `${title} (body)`,
			priority: options.priority ?? 'normal',
			actor: {type: 'agent', name: agent},
		});
		if (!result.ok) throw new Error(result.rejection.message);
		return result.threadId;
	};
	return {
		dir,
		file,
		service,
		client: localClient(service),
		other,
		ask,
		cleanup: () => {
			other.close();
			service.close();
			fs.rmSync(dir, {recursive: true, force: true});
		},
	};
}

export interface Dash {
	frame(): string;
	lines(): string[];
	press(...keys: string[]): Promise<void>;
	type(text: string): Promise<void>;
	/** Resolve when the frame satisfies `predicate`; fail with the last frame after `timeoutMs`. */
	waitFor(predicate: (frame: string) => boolean, timeoutMs?: number): Promise<string>;
	/** The line of the selected row (starts with ▶). */
	selected(): string;
	/** Whether the app exited (Ink let go of stdin) within `timeoutMs`. */
	exited(timeoutMs?: number): Promise<boolean>;
	unmount(): void;
}

export async function mountDash(forum: Forum, props: Partial<DashAppProps> = {}): Promise<Dash> {
	// As the live command does: open threads first, closed ones after the first frame.
	const initial = await loadSnapshot(forum.client, (props.operator ?? OPERATOR).name, {openOnly: true});
	const app = render(
		<DashApp client={forum.client} operator={OPERATOR} initial={initial} columns={100} rows={30} clock={false} theme="mono" {...props} />,
	);
	const frame = () => (app.lastFrame() ?? '').replace(ANSI, '');
	const waitFor = async (predicate: (frame: string) => boolean, timeoutMs = 3000) => {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const current = frame();
			if (predicate(current)) return current;
			if (Date.now() > deadline) throw new Error(`frame never matched; last frame:\n${current}`);
			await new Promise((resolve) => setTimeout(resolve, 10));
		}
	};
	// A key is read once the input hook is attached: after the first frame and a turn of the loop.
	await waitFor((f) => f.trim() !== '');
	await new Promise((resolve) => setTimeout(resolve, 20));
	const press = async (...keys: string[]) => {
		for (const key of keys) {
			const before = frame();
			app.stdin.write(key);
			// Wait for the frame to react (most keys change it); never a fixed sleep beyond 300 ms.
			const deadline = Date.now() + 300;
			while (frame() === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
		}
	};
	return {
		frame,
		lines: () => frame().split('\n'),
		press,
		type: async (text: string) => {
			for (const char of text) await press(char);
		},
		waitFor,
		selected: () => frame().split('\n').find((line) => line.startsWith('▶')) ?? '',
		exited: async (timeoutMs = 2000) => {
			const deadline = Date.now() + timeoutMs;
			// On exit Ink unmounts and stops reading stdin.
			while (Date.now() < deadline) {
				if (app.stdin.listenerCount('readable') === 0) return true;
				await new Promise((resolve) => setTimeout(resolve, 10));
			}
			return false;
		},
		unmount: () => app.unmount(),
	};
}
