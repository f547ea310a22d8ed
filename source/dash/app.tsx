/**
 * The live triage dashboard: the state machine (state.ts) fed by keys and by the outcomes of
 * its effects, hooks for each data source and side effect, and the pure frame drawn with Ink.
 */
import {render, useApp, useInput, type Instance, type Key, type RenderOptions} from 'ink';
import {useCallback, useEffect, useRef, useState} from 'react';
import type {Actor, Thread} from '../forum/types.js';
import type {ForumClient} from '../service/client.js';
import type {CommandInput, ThreadDetail} from '../service/forum-service.js';
import {newCommandId} from '../service/ids.js';
import {safeText} from '../text/safe-text.js';
import {jumpToPane} from '../tmux/pane.js';
import {decisionContextOf} from './agent-pane.js';
import {agentPaneRows, buildFrame, detailMax, frameText, layout, queueRows, type FrameInput} from './frame.js';
import {KEYMAP, keyName, type KeyBinding} from './keymap.js';
import {describeError, dispatchPatiently} from './patient-dispatch.js';
import {buildQueue, SECTIONS, tabCount, type OrderId, type Queue, type SectionId} from './queue-model.js';
import type {Snapshot} from './snapshot.js';
import {cursorOf, filterOf, initialState, modeOf, update, writeName, type BulkResult, type DashState, type Effect, type Input, type World, type WriteOutcome} from './state.js';
import {useBell} from './use-bell.js';
import {useClock} from './use-clock.js';
import {useAgentPane} from './use-agent-pane.js';
import {useEditor, type Editor} from './use-editor.js';
import {useEscalation} from './use-escalation.js';
import {useForum} from './use-forum.js';
import {useSize} from './use-size.js';
import {useThreadDetail} from './use-thread-detail.js';
import {usePresence} from './use-presence.js';
import {useSimilar} from './use-similar.js';
import type {PresenceChannel} from '../service/presence.js';
import {FrameView, type Theme} from './view.js';

export interface DashAppProps {
	client: ForumClient;
	/** The operator: acts in dispatch, owns the seen cursors, is "me" for assignments. */
	operator: Actor;
	initial: Snapshot;
	/** The first selected thread's detail, loaded with the snapshot: the first frame shows its preview. */
	initialDetail?: ThreadDetail;
	theme?: Theme;
	/** The key registry in force (a config applied); default the registry's own keys. */
	keymap?: readonly KeyBinding[];
	/** Fixed pane size (tests); default the terminal's. */
	columns?: number;
	rows?: number;
	/** Rings the terminal bell; undefined for `--no-bell`. */
	bell?: () => void;
	/** Answer in an editor; default $EDITOR through the terminal. */
	editor?: Editor;
	/** Ctrl-Z: stop the job and give the terminal back until `fg`, then call `onResume`; undefined where there is no job control (tests). */
	suspend?: (onResume: () => void) => void;
	/** Called after the editor gave the terminal back: redraw everything. */
	onResume?: () => void;
	/** The app owns the alternate screen (the editor leaves it while it runs). */
	alternateScreen?: boolean;
	/** Stop the 1 s clock (tests that compare frames). */
	clock?: boolean;
	/**
	 * One pass of the SLA scheduler (record escalation events); called when the queue shows
	 * escalated threads without one, at most every `escalateEveryMs`. Undefined: not here (remote).
	 */
	escalate?: () => Promise<unknown>;
	escalateEveryMs?: number;
	/** Pause between write attempts while another process holds the database lock, ms (default 250). */
	lockRetryMs?: number;
	/** Give up a write after the database stayed locked this long, ms (default 30 000); typed text is kept. */
	lockWaitMs?: number;
	/** Where "I'm on it" goes and comes from (SQLite on this host, Redis); undefined: not shown. */
	presence?: PresenceChannel;
}

const segmenter = new Intl.Segmenter(undefined, {granularity: 'grapheme'});

/** One character of a chunk as the key it is: `\r` Enter, `\t` Tab, DEL Backspace, ` ` Space, ^A `ctrl+a`. */
function charKey(char: string): string {
	if (char === '\r' || char === '\n') return 'enter';
	if (char === '\t') return 'tab';
	if (char === '\u007f' || char === '\b') return 'backspace';
	if (char === ' ') return 'space';
	const code = char.codePointAt(0)!;
	if (code >= 1 && code <= 26) return `ctrl+${String.fromCharCode(code + 96)}`;
	return char;
}

const editorContext = (thread: Thread) =>
	safeText([`# ${thread.ticket} · ${thread.agentName}: ${thread.title}`, ...thread.body.split('\n').map((line) => `# ${line}`)].join('\n'), {multiline: true});

export function DashApp(props: DashAppProps) {
	const {client, operator, initial} = props;
	const {exit} = useApp();
	const size = useSize({columns: props.columns, rows: props.rows});
	const feed = useForum({client, viewer: operator.name, initial});
	const defaultEditor = useEditor({onResume: props.onResume, alternateScreen: props.alternateScreen});
	const editor = props.editor ?? defaultEditor;
	// Fresh on every render; the clock renders again only when the frame would change.
	const now = client.now();

	// The queue per filter and order, rebuilt when the data changes or a thread crosses its SLA: a
	// cache, not state. A few entries: each section may keep a filter of its own (its tab counts it).
	const cache = useRef(new Map<string, {revision: number; closedCount: number; queue: Queue; at: number}>());
	const queueFor = useCallback(
		(filter: string, order: OrderId): Queue => {
			const slot = `${order}\u0000${filter}`;
			const known = cache.current.get(slot);
			const at = client.now();
			const fresh = known && known.revision === feed.revision() && known.closedCount === feed.closedCount && Date.parse(at) < known.queue.nextEscalationAt;
			// The blocked-cost order moves with the clock (a minute at a time, as WAIT does).
			if (fresh && (order !== 'blocked' || Date.parse(at) - known.at < 60_000)) return known.queue;
			const queue = buildQueue({threads: feed.threads.values(), seen: feed.seen, me: operator.name, now: at, sla: client.sla, filter, order, closedCount: feed.closedCount});
			cache.current.delete(slot);
			if (cache.current.size >= SECTIONS.length + 1) cache.current.delete(cache.current.keys().next().value!);
			cache.current.set(slot, {revision: feed.revision(), closedCount: feed.closedCount, queue, at: Date.parse(at)});
			return queue;
		},
		[client, feed, operator.name],
	);

	const [state, setState] = useState<DashState>(() => initialState(queueFor('', 'default')));
	const [, setRedraw] = useState(0);
	// Keys can arrive several in one read: each applies to the state the one before left.
	const current = useRef(state);

	const queue = queueFor(filterOf(state), state.order);
	const box = layout(size.columns, size.rows, queue.sections[SECTIONS[state.sectionIndex]!.id].length);
	const cursorWorld: Pick<World, 'queue' | 'listHeight'> = {queue: queueFor, listHeight: (rowCount) => queueRows(layout(size.columns, size.rows, rowCount))};
	const cursor = cursorOf(state, cursorWorld as World);
	const targetId = state.view === 'detail' ? state.openId : box.previewHeight > 0 ? cursor.thread?.id : undefined;
	const apply = useRef<(input: Input) => void>(() => undefined);
	const shown = useThreadDetail({
		client,
		threadId: targetId,
		version: targetId ? feed.threads.get(targetId)?.lastSequence : undefined,
		initial: props.initialDetail,
		onError: (text) => apply.current({type: 'notice', notice: {text, tone: 'error'}}),
	});
	// The thread view marks what it shows seen (again when a new event arrives while it is open).
	const opened = state.view === 'detail' && shown.detail?.thread.id === state.openId ? shown.detail?.thread : undefined;
	useEffect(() => {
		if (opened) feed.markSeen(opened);
	}, [opened, feed]);
	const foundId = useRef<string | undefined>(undefined);
	const similar = useSimilar({
		client,
		threadId: targetId,
		version: targetId ? feed.threads.get(targetId)?.lastSequence : undefined,
		foundVersion: foundId.current ? feed.threads.get(foundId.current)?.lastSequence : undefined,
	});
	foundId.current = similar?.threadId;
	// The editor is open (for an answer): others see it like the answer prompt.
	const [editing, setEditing] = useState<string | undefined>(undefined);
	const onIt = presenceSpot(state, editing);
	const presence = usePresence({channel: props.presence, threadId: onIt?.threadId, activity: onIt?.activity});
	const paneView = useAgentPane({pane: shown.detail?.agentPane, isActive: state.paneShown && shown.detail !== undefined, now: () => client.now()});
	const frameFacts = {detail: shown.detail, detailMissing: shown.missing, now, sla: client.sla, columns: size.columns, rows: size.rows};
	const scrollMax = state.view === 'detail' ? detailMax(frameFacts) : 0;

	const world: World = {
		queue: queueFor,
		thread: (id) => feed.threads.get(id),
		operator,
		now,
		listHeight: cursorWorld.listHeight,
		detailMax: scrollMax,
		detailHeight: box.detailHeight,
		threadInView: targetId !== undefined,
		editorAvailable: true,
		keymap: props.keymap ?? KEYMAP,
		utcOffsetMinutes: -new Date(now).getTimezoneOffset(),
		similar: (id) => (similar && id === targetId ? similar : undefined),
	};
	const worldRef = useRef(world);
	worldRef.current = world;

	/** The write waiting for the database, and how to stop it (Esc). */
	const waiting = useRef<AbortController | undefined>(undefined);

	const run = (effect: Effect) => {
		switch (effect.type) {
			case 'write':
				return void write(effect);
			case 'bulk':
				return void writeBulk(effect);
			case 'editor': {
				const thread = feed.threads.get(effect.threadId);
				if (!thread) return;
				setEditing(effect.threadId);
				editor(editorContext(thread), effect.initial)
					.then(
						(text) => apply.current({type: 'editorDone', threadId: effect.threadId, version: effect.version, text, intent: effect.intent}),
						(error: unknown) => apply.current({type: 'editorFailed', threadId: effect.threadId, initial: effect.initial, intent: effect.intent, message: (error as Error).message}),
					)
					.finally(() => setEditing(undefined));
				return;
			}
			case 'cancelWait':
				return waiting.current?.abort();
			case 'refresh':
				return void feed.refresh(effect.threadIds);
			case 'markSeen':
				return feed.markSeen(effect.thread);
			case 'quit':
				return exit();
			case 'jumpToPane': {
				const pane = shown.detail?.agentPane;
				const notice = (text: string, tone: 'ok' | 'error') => apply.current({type: 'notice', notice: {text, tone}});
				if (!pane) return notice(shown.detail ? 'no agent pane: this question was not asked from inside tmux' : targetId ? 'still loading the thread; press T again' : 'open the thread first (Enter)', 'error');
				void jumpToPane(pane, process.env).then((result) => (result.ok ? notice(result.value, 'ok') : notice(result.reason, 'error')));
				return;
			}
			case 'suspend':
				// Back from `fg`: draw the whole frame again.
				if (props.suspend) return props.suspend(() => setRedraw((n) => n + 1));
				return apply.current({type: 'notice', notice: {text: 'no job control here; q quits', tone: 'info'}});
		}
	};

	/** Dispatch patiently under a held lock (the frame keeps drawing); the outcome goes back to the state machine. */
	/** One dispatch, patient under a held lock (the frame shows the wait): single writes and bulk ones alike. */
	const sendPatiently = async (command: CommandInput, what: string, signal: AbortSignal): Promise<WriteOutcome> => {
		let waited = false;
		const outcome = await dispatchPatiently(client, {...command, commandId: command.commandId ?? newCommandId()}, {
			retryMs: props.lockRetryMs ?? 250,
			limitMs: props.lockWaitMs ?? 30_000,
			signal,
			onWait: (elapsedMs) => {
				waited = true;
				apply.current({type: 'waiting', what, elapsedMs});
			},
		});
		return outcome.kind === 'done' ? {kind: 'done', result: outcome.result, waited} : outcome.kind === 'locked' ? outcome : {kind: 'failed', message: describeError(outcome.error)};
	};

	const write = async ({command, spec, order}: Extract<Effect, {type: 'write'}>) => {
		let input = command;
		if (spec.onCurrentVersion && 'threadId' in input && input.threadId) {
			// The current version (read now, the feed may lag): the operator has seen why it was refused.
			await feed.refresh([input.threadId]);
			const fresh = feed.threads.get(input.threadId);
			if (fresh) input = {...input, ifVersion: fresh.lastSequence} as typeof input;
		}
		// An answer given while the agent's pane was shown keeps what the operator saw of it.
		const detail = shown.detail;
		if (input.type === 'answer' && current.current.paneShown && detail?.thread.id === input.threadId) {
			const context = decisionContextOf(paneView, agentPaneRows({view: current.current.view, columns: size.columns, now, sla: client.sla}, box, detail));
			if (context) input = {...input, context};
		}
		const controller = new AbortController();
		waiting.current = controller;
		const what = writeName(input, 'threadId' in input && input.threadId ? feed.threads.get(input.threadId) : undefined);
		const outcome = await sendPatiently(input, what, controller.signal);
		if (waiting.current === controller) waiting.current = undefined;
		if (outcome.kind === 'done' && outcome.result.ok) await feed.refresh([outcome.result.threadId]);
		apply.current({type: 'written', command: input, spec, order, outcome});
	};

	/**
	 * A bulk action: one dispatch per thread, each with its own command id and the version its row
	 * showed, patient under a held lock like any write. The loop yields between writes, so keys and
	 * frames go on with many marked threads. A lock that does not clear (or Esc) stops the rest.
	 */
	const writeBulk = async ({commands, spec}: Extract<Effect, {type: 'bulk'}>) => {
		const controller = new AbortController();
		waiting.current = controller;
		const results: BulkResult[] = [];
		let stopped: WriteOutcome | undefined;
		let reported = Date.now();
		for (const [index, command] of commands.entries()) {
			const threadId = 'threadId' in command && command.threadId ? command.threadId : '';
			if (stopped) {
				results.push({threadId, outcome: stopped});
				continue;
			}
			const mapped = await sendPatiently(command, writeName(command, feed.threads.get(threadId)), controller.signal);
			results.push({threadId, outcome: mapped});
			if (mapped.kind !== 'done') stopped = mapped;
			// A turn of the event loop between writes: input and the frame are never starved.
			await new Promise((resolve) => setImmediate(resolve));
			if ((mapped.kind === 'done' && mapped.waited) || Date.now() - reported >= 100) {
				reported = Date.now();
				apply.current({type: 'bulkProgress', done: index + 1});
			}
		}
		if (waiting.current === controller) waiting.current = undefined;
		const landed = results.flatMap(({threadId, outcome}) => (outcome.kind === 'done' && outcome.result.ok ? [threadId] : []));
		if (landed.length > 0) await feed.refresh(landed);
		apply.current({type: 'bulkWritten', spec, results});
	};

	apply.current = (input: Input) => {
		const next = update(current.current, input, worldRef.current);
		current.current = next.state;
		setState(next.state);
		for (const effect of next.effects) run(effect);
	};

	// The data changed: the cursor stays on its thread (or moves on after an answer or a close).
	useEffect(() => apply.current({type: 'queueChanged'}), [queue]);

	// The Closed section holds pages of the history: the next one loads while the cursor nears the last row loaded
	// (not under a filter, which would page in the whole history looking for matches).
	const sectionId = SECTIONS[state.sectionIndex]!.id;
	const loadedRows = queue.sections[sectionId].length;
	const pageIn = sectionId === 'closed' && filterOf(state) === '' && feed.closedMore && cursor.index + 2 * cursor.listHeight >= loadedRows;
	useEffect(() => {
		if (pageIn) feed.loadMoreClosed();
	}, [pageIn, loadedRows, feed]);

	useBell(queue.escalationKeys, props.bell);
	useEscalation({
		escalate: props.escalate,
		due: queue.unrecordedEscalations,
		everyMs: props.escalateEveryMs,
		onError: (text) => apply.current({type: 'notice', notice: {text, tone: 'error'}}),
	});

	useInput(
		useCallback((input: string, key: Key) => {
			const name = keyName(input, key);
			const plain = !key.ctrl && !key.meta && name === input;
			if (!plain || input.length <= 1) return apply.current({type: 'key', name, text: key.ctrl || key.meta ? '' : input});
			// Several keys in one read (tmux send-keys, key repeat over ssh, a paste): one at a time,
			// except that once a text input is open the rest of the chunk is its text.
			let rest = input;
			while (rest !== '') {
				if (modeOf(current.current) === 'input') return apply.current({type: 'text', text: rest});
				const first = segmenter.segment(rest)[Symbol.iterator]().next().value!.segment;
				rest = rest.slice(first.length);
				apply.current({type: 'key', name: charKey(first), text: first});
			}
		}, []),
	);

	const frameInput: FrameInput = {
		columns: size.columns,
		rows: size.rows,
		queue,
		sectionIndex: state.sectionIndex,
		selectedId: cursor.thread?.id,
		top: cursor.top,
		view: state.view,
		detail: shown.detail,
		detailMissing: shown.missing,
		detailScroll: Math.min(state.detailScroll, scrollMax),
		help: state.help,
		helpPage: state.helpPage,
		prompt: state.prompt,
		filter: filterOf(state),
		tabCounts: tabCounts(state, queueFor),
		order: state.order,
		notice: state.notice,
		waiting: state.waiting,
		feedError: feed.feedError ?? feed.warning,
		source: client.source(),
		lastSequence: feed.lastSequence,
		operator: operator.name,
		now,
		sla: client.sla,
		threadOf: (id) => feed.threads.get(id),
		agentPane: state.paneShown && shown.detail ? paneView : undefined,
		keymap: world.keymap,
		marked: state.marked,
		running: state.running,
		presence,
		similar,
	};
	// Only the visible window of rows is formatted: a frame costs the same with 10 threads or 10k.
	const lines = buildFrame(frameInput);
	useClock({
		isActive: props.clock !== false,
		now: () => client.now(),
		changed: (at) => Date.parse(at) >= queue.nextEscalationAt || frameText(buildFrame({...frameInput, now: at})) !== frameText(lines),
	});

	return <FrameView lines={lines} theme={props.theme ?? 'color'} />;
}

/** Where this dashboard is "on it": an open answer, reason or post prompt, an amend menu, or the editor. */
function presenceSpot(state: DashState, editing: string | undefined): {threadId: string; activity: 'answering' | 'posting'} | undefined {
	if (editing) return {threadId: editing, activity: 'answering'};
	const prompt = state.prompt;
	if (prompt?.kind === 'text' && (prompt.purpose === 'answer' || prompt.purpose === 'post')) return {threadId: prompt.threadId, activity: prompt.purpose === 'answer' ? 'answering' : 'posting'};
	if (prompt?.kind === 'menu' && prompt.purpose === 'amend') return {threadId: prompt.threadId, activity: 'answering'};
	// A refused answer's text kept for a retry: still on it.
	if (prompt?.kind === 'kept') return {threadId: prompt.kept.threadId, activity: prompt.kept.origin === 'post' ? 'posting' : 'answering'};
	return undefined;
}

/** Mount the dashboard on a real terminal. */
export function renderDash(props: DashAppProps, options: RenderOptions): Instance {
	return render(<DashApp {...props} />, options);
}

/** Each tab counts its own section under that section's own filter, not the filter in view. */
function tabCounts(state: DashState, queueFor: (filter: string, order: OrderId) => Queue): Record<SectionId, number> {
	return Object.fromEntries(
		SECTIONS.map(({id}) => {
			const filter = state.filters[id] ?? '';
			return [id, tabCount(queueFor(filter, state.order), id, filter)];
		}),
	) as Record<SectionId, number>;
}
