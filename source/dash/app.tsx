/** The live triage dashboard: state, keys and actions around a pure frame. */
import {render, useApp, useInput, type Instance, type Key, type RenderOptions} from 'ink';
import {useCallback, useEffect, useMemo, useRef, useState} from 'react';
import {allowedTransitions} from '../forum/rules.js';
import {ACTOR_TYPES, PRIORITIES, type Actor, type ActorType, type Thread} from '../forum/types.js';
import type {ForumClient} from '../service/client.js';
import type {CommandInput, ThreadDetail} from '../service/forum-service.js';
import {safeLine, safeText} from '../text/safe-text.js';
import {jumpToPane} from '../tmux/pane.js';
import {decisionContextOf} from './agent-pane.js';
import {agentPaneRows, buildFrame, detailLines, frameText, layout, type FrameInput, type Notice, type Prompt} from './frame.js';
import {bindingFor, keyName, type Action, type View} from './keymap.js';
import {buildQueue, nextNeedingHuman, SECTIONS} from './queue-model.js';
import type {Snapshot} from './snapshot.js';
import {useEditor, type Editor} from './use-editor.js';
import {useAgentPane} from './use-agent-pane.js';
import {useForum} from './use-forum.js';
import {useSize} from './use-size.js';
import {FrameView, type Theme} from './view.js';

export interface DashAppProps {
	client: ForumClient;
	/** The operator: acts in dispatch, owns the seen cursors, is "me" for assignments. */
	operator: Actor;
	initial: Snapshot;
	theme?: Theme;
	/** Fixed pane size (tests); default the terminal's. */
	columns?: number;
	rows?: number;
	/** Rings the terminal bell; undefined for `--no-bell`. */
	bell?: () => void;
	/** Answer in an editor; default $EDITOR through the terminal. */
	editor?: Editor;
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
}

/** Strip controls from typed or pasted text: the inline input is one line. */
function typed(input: string): string {
	// eslint-disable-next-line no-control-regex
	return input.replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
}

function parseAssignee(value: string, fallback: Actor): Actor | string {
	const text = value.trim();
	if (text === '') return fallback;
	const colon = text.indexOf(':');
	if (colon > 0) {
		const type = text.slice(0, colon).trim() as ActorType;
		if (!ACTOR_TYPES.includes(type)) return `unknown assignee type "${safeLine(type)}"; use ${ACTOR_TYPES.join(', ')} (e.g. human:alice)`;
		return {type, name: text.slice(colon + 1).trim()};
	}
	return {type: 'operator', name: text};
}

export function DashApp(props: DashAppProps) {
	const {client, operator, initial} = props;
	const {exit} = useApp();
	const size = useSize({columns: props.columns, rows: props.rows});
	const feed = useForum({client, viewer: operator.name, initial});
	// Fresh on every render; the tick below renders again only when the frame would change.
	const now = client.now();
	const [, setTick] = useState(0);
	const defaultEditor = useEditor({onResume: props.onResume, alternateScreen: props.alternateScreen});
	const editor = props.editor ?? defaultEditor;

	const [sectionIndex, setSectionIndex] = useState(0);
	const [selectedId, setSelectedId] = useState<string | undefined>(undefined);
	const [offset, setOffset] = useState(0);
	const [view, setView] = useState<View>('queue');
	const [openId, setOpenId] = useState<string | undefined>(undefined);
	const [detailScroll, setDetailScroll] = useState(0);
	const [help, setHelp] = useState(false);
	const [prompt, setPrompt] = useState<Prompt | undefined>(undefined);
	const [filter, setFilter] = useState('');
	const [notice, setNotice] = useState<Notice | undefined>(undefined);
	const [loaded, setLoaded] = useState<{id: string; detail: ThreadDetail | undefined} | undefined>(undefined);
	/** `t`: the agent's pane is shown in place of the conversation, for whichever thread is in view. */
	const [paneShown, setPaneShown] = useState(false);
	/** Bumped when a thread crosses its SLA: the only time-driven rebuild of the queue. */
	const [slaEpoch, setSlaEpoch] = useState(0);
	const lastIndex = useRef(0);
	const pendingMove = useRef<{before: string[]; actedId: string} | undefined>(undefined);

	// Rebuilt on data changes, filter changes and when a thread crosses its SLA; not every second.
	const queue = useMemo(
		() => buildQueue({threads: feed.threads.values(), seen: feed.seen, me: operator.name, now: client.now(), sla: client.sla, filter}),
		// eslint-disable-next-line react-hooks/exhaustive-deps
		[feed.version, filter, slaEpoch, client, operator.name],
	);
	useEffect(() => {
		if (Date.parse(now) >= queue.nextEscalationAt) setSlaEpoch((epoch) => epoch + 1);
	}, [now, queue.nextEscalationAt]);

	// Bell: once per new escalation episode, never for those already there at start.
	const rung = useRef<Set<string> | undefined>(undefined);
	useEffect(() => {
		if (rung.current === undefined) {
			rung.current = new Set(queue.escalationKeys);
			return;
		}
		let fresh = false;
		for (const key of queue.escalationKeys) {
			if (!rung.current.has(key)) {
				rung.current.add(key);
				fresh = true;
			}
		}
		if (fresh) props.bell?.();
	}, [queue, props.bell]);

	// The SLA scheduler runs only when there is something to record: nothing at idle.
	const escalating = useRef({running: false, last: Number.NEGATIVE_INFINITY});
	const escalateIfDue = useCallback(
		(due: number) => {
			const state = escalating.current;
			if (!props.escalate || due === 0 || state.running || Date.now() - state.last < (props.escalateEveryMs ?? 5000)) return;
			state.running = true;
			state.last = Date.now();
			props.escalate().then(
				() => (state.running = false),
				(error: unknown) => {
					state.running = false;
					setNotice({text: `SLA escalation failed: ${(error as Error).message}`, tone: 'error'});
				},
			);
		},
		// eslint-disable-next-line react-hooks/exhaustive-deps
		[props.escalate, props.escalateEveryMs],
	);
	useEffect(() => escalateIfDue(queue.unrecordedEscalations), [queue, escalateIfDue]);

	const section = SECTIONS[sectionIndex]!;
	const entries = queue.sections[section.id];
	const box = layout(size.columns, size.rows, entries.length);
	let selectedIndex = selectedId === undefined ? -1 : entries.findIndex((entry) => entry.thread.id === selectedId);
	if (selectedIndex < 0 && entries.length > 0) selectedIndex = Math.min(lastIndex.current, entries.length - 1);
	const current = selectedIndex >= 0 ? entries[selectedIndex]!.thread : undefined;
	const currentId = current?.id;
	useEffect(() => {
		lastIndex.current = Math.max(0, selectedIndex);
	});
	// Pin the cursor to a thread id (also the implicit first one): live inserts must not move it.
	useEffect(() => {
		if (currentId !== undefined && currentId !== selectedId && !pendingMove.current) setSelectedId(currentId);
	}, [currentId, selectedId]);
	const listHeight = Math.max(1, box.listHeight);
	const maxTop = Math.max(0, entries.length - listHeight);
	const top = Math.min(Math.max(0, selectedIndex - Math.min(offset, listHeight - 1)), maxTop);

	// After an action: the next thread that needs a human.
	useEffect(() => {
		const pending = pendingMove.current;
		if (!pending) return;
		pendingMove.current = undefined;
		const next = nextNeedingHuman(pending.before, pending.actedId, entries);
		if (next) setSelectedId(next);
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [queue]);

	const targetId = view === 'detail' ? openId : box.previewHeight > 0 ? currentId : undefined;
	const targetSequence = targetId ? feed.threads.get(targetId)?.lastSequence : undefined;
	useEffect(() => {
		if (!targetId) return;
		let live = true;
		client.getThread(targetId).then(
			(detail) => {
				if (!live) return;
				setLoaded({id: targetId, detail});
				if (detail && view === 'detail') feed.markSeen(detail.thread);
			},
			(error: unknown) => live && setNotice({text: `could not load the thread: ${(error as Error).message}`, tone: 'error'}),
		);
		return () => {
			live = false;
		};
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [client, targetId, targetSequence, view]);

	const detail = loaded && loaded.id === targetId ? loaded.detail : undefined;
	const detailMissing = loaded !== undefined && loaded.id === targetId && loaded.detail === undefined;
	const detailMax =
		view === 'detail' ? Math.max(0, detailLines(detail, {now, sla: client.sla, detailMissing}, size.columns).length - box.detailHeight) : 0;
	const scrollTo = (next: number) => setDetailScroll(Math.min(Math.max(0, next), detailMax));
	const threadOf = useCallback((id: string) => feed.threads.get(id), [feed.threads]);
	const actingOn = view === 'detail' ? (openId ? feed.threads.get(openId) : undefined) : current;
	const paneView = useAgentPane({pane: detail?.agentPane, isActive: paneShown && detail !== undefined, now: () => client.now()});

	const select = (index: number, newOffset: number) => {
		if (entries.length === 0) return;
		const clamped = Math.min(Math.max(0, index), entries.length - 1);
		setSelectedId(entries[clamped]!.thread.id);
		setOffset(Math.min(Math.max(0, newOffset), listHeight - 1));
	};

	const switchSection = (index: number) => {
		const next = (index + SECTIONS.length) % SECTIONS.length;
		setSectionIndex(next);
		const nextEntries = queue.sections[SECTIONS[next]!.id];
		if (!currentId || !nextEntries.some((entry) => entry.thread.id === currentId)) {
			setSelectedId(nextEntries[0]?.thread.id);
			lastIndex.current = 0;
			setOffset(0);
		}
	};

	/** Dispatch one command; a refusal or failure is shown inline, never thrown. */
	const act = async (input: CommandInput, done: string, options: {keepPromptOnInvalid?: boolean; leaveDetail?: boolean} = {}): Promise<boolean> => {
		const before = entries.map((entry) => entry.thread.id);
		let result;
		try {
			// An answer given while the agent's pane was shown keeps what the operator saw of it.
			const seen = input.type === 'answer' && paneShown && detail?.thread.id === input.threadId ? decisionContextOf(paneView, agentPaneRows(box, view)) : undefined;
			result = await client.dispatch(seen && input.type === 'answer' ? {...input, context: seen} : input);
		} catch (error) {
			setNotice({text: `not done: ${(error as Error).message ?? String(error)}`, tone: 'error'});
			setPrompt(undefined);
			return false;
		}
		if (!result.ok) {
			setNotice({text: result.rejection.message, tone: 'error'});
			if (!(options.keepPromptOnInvalid && result.rejection.code === 'invalid_input')) setPrompt(undefined);
			return false;
		}
		setPrompt(undefined);
		setNotice({text: result.events.length === 0 ? `${done} (no change)` : done, tone: 'ok'});
		if (result.thread) feed.markSeen(result.thread);
		pendingMove.current = {before, actedId: result.threadId};
		if (options.leaveDetail) setView('queue');
		await feed.refresh([result.threadId]);
		return true;
	};

	const startAction = (action: Action, thread: Thread | undefined) => {
		if (!thread) {
			setNotice({text: 'no thread selected', tone: 'error'});
			return;
		}
		const ticket = safeLine(thread.ticket);
		switch (action) {
			case 'answer':
			case 'post':
				setPrompt({kind: 'text', purpose: action, threadId: thread.id, value: ''});
				return;
			case 'assign':
				setPrompt({kind: 'text', purpose: 'assign', threadId: thread.id, value: operator.name});
				return;
			case 'state': {
				const options = allowedTransitions(thread.state);
				if (options.length === 0) {
					setNotice({text: `${ticket} is ${thread.state}; no state change is allowed from there`, tone: 'error'});
					return;
				}
				setPrompt({kind: 'menu', purpose: 'state', threadId: thread.id, options, index: 0});
				return;
			}
			case 'priority':
				setPrompt({kind: 'menu', purpose: 'priority', threadId: thread.id, options: PRIORITIES, index: Math.max(0, PRIORITIES.indexOf(thread.priority))});
				return;
			case 'close':
				setPrompt({kind: 'confirm', purpose: 'close', threadId: thread.id});
				return;
			case 'editor': {
				const context = [`# ${thread.ticket} · ${thread.agentName}: ${thread.title}`, ...thread.body.split('\n').map((line) => `# ${line}`)].join('\n');
				editor(safeText(context, {multiline: true})).then(
					(text) => {
						if (text === '') {
							setNotice({text: 'the editor returned no text; nothing sent', tone: 'info'});
							return;
						}
						void act({type: 'answer', threadId: thread.id, body: text, actor: operator}, `answered ${ticket}`, {leaveDetail: true});
					},
					(error: unknown) => setNotice({text: `editor failed: ${(error as Error).message}`, tone: 'error'}),
				);
				return;
			}
			default:
				return;
		}
	};

	const submitPrompt = (current: Prompt) => {
		const thread = 'threadId' in current && current.threadId ? feed.threads.get(current.threadId) : undefined;
		const ticket = thread ? safeLine(thread.ticket) : 'thread';
		if (current.kind === 'text') {
			if (current.purpose === 'filter') {
				setPrompt(undefined);
				return;
			}
			const threadId = current.threadId!;
			if (current.purpose === 'answer') {
				void act({type: 'answer', threadId, body: current.value, actor: operator}, `answered ${ticket}`, {keepPromptOnInvalid: true, leaveDetail: true});
			} else if (current.purpose === 'post') {
				void act({type: 'post', threadId, body: current.value, actor: operator}, `posted on ${ticket}`, {keepPromptOnInvalid: true});
			} else {
				const assignee = parseAssignee(current.value, operator);
				if (typeof assignee === 'string') {
					setNotice({text: assignee, tone: 'error'});
					return;
				}
				void act({type: 'assign', threadId, assignee, note: '', actor: operator}, `assigned ${ticket} to ${safeLine(assignee.name)}`, {keepPromptOnInvalid: true});
			}
			return;
		}
		if (current.kind === 'menu') {
			const choice = current.options[current.index]!;
			if (current.purpose === 'state') {
				void act({type: 'change_state', threadId: current.threadId, state: choice as Thread['state'], actor: operator}, `${ticket} → ${choice}`);
			} else {
				void act({type: 'change_priority', threadId: current.threadId, priority: choice as Thread['priority'], actor: operator}, `${ticket} priority ${choice}`);
			}
		}
	};

	const onPromptKey = (current: Prompt, name: string, input: string, key: Key) => {
		if (current.kind === 'confirm') {
			if (name === 'y' || name === 'Y') {
				const ticket = safeLine(feed.threads.get(current.threadId)?.ticket ?? 'thread');
				void act({type: 'close', threadId: current.threadId, actor: operator}, `closed ${ticket}`, {leaveDetail: true});
			} else {
				setPrompt(undefined);
				setNotice({text: 'not closed', tone: 'info'});
			}
			return;
		}
		if (name === 'escape') {
			if (current.kind === 'text' && current.purpose === 'filter') setFilter('');
			setPrompt(undefined);
			return;
		}
		if (name === 'enter') {
			submitPrompt(current);
			return;
		}
		if (current.kind === 'menu') {
			const count = current.options.length;
			if (name === 'right' || name === 'down' || name === 'j' || name === 'l' || name === 'tab') setPrompt({...current, index: (current.index + 1) % count});
			else if (name === 'left' || name === 'up' || name === 'k' || name === 'h' || name === 'shift+tab') setPrompt({...current, index: (current.index - 1 + count) % count});
			else if (/^[1-9]$/.test(name) && Number(name) <= count) submitPrompt({...current, index: Number(name) - 1});
			return;
		}
		let value = current.value;
		// Fast typing arrives as one chunk: text then Enter ("Ship it.\r") is text plus submit.
		// Other line breaks inside a chunk (a multi-line paste) become spaces and never submit.
		const submits = input.length > 1 && input.endsWith('\r') && !/[\r\n]/.test(input.slice(0, -1));
		if (name === 'backspace' || name === 'delete') value = [...value].slice(0, -1).join('');
		else if (name === 'ctrl+u') value = '';
		else if (!key.ctrl && !key.meta && input !== '') value += typed((submits ? input.slice(0, -1) : input).replace(/\r\n?|\n/g, ' '));
		else return;
		const next = {...current, value};
		setPrompt(next);
		if (current.purpose === 'filter') setFilter(value);
		if (submits) submitPrompt(next);
	};

	const runAction = (action: Action, name: string) => {
		const page = view === 'detail' ? Math.max(1, box.detailHeight - 1) : listHeight;
		if (view === 'detail') {
			switch (action) {
				case 'down':
					return scrollTo(detailScroll + 1);
				case 'up':
					return scrollTo(detailScroll - 1);
				case 'pageDown':
					return scrollTo(detailScroll + page);
				case 'pageUp':
					return scrollTo(detailScroll - page);
				case 'top':
					return scrollTo(0);
				case 'bottom':
					return scrollTo(detailMax);
				case 'back':
					setView('queue');
					if (openId) setSelectedId(openId);
					return;
				default:
					break;
			}
		}
		switch (action) {
			case 'down':
				return select(selectedIndex + 1, offset + 1);
			case 'up':
				return select(selectedIndex - 1, offset - 1);
			case 'pageDown':
				return select(selectedIndex + page, offset);
			case 'pageUp':
				return select(selectedIndex - page, offset);
			case 'top':
				return select(0, 0);
			case 'bottom':
				return select(entries.length - 1, listHeight - 1);
			case 'nextSection':
				return switchSection(sectionIndex + 1);
			case 'prevSection':
				return switchSection(sectionIndex - 1);
			case 'section':
				return switchSection(Number(name) - 1);
			case 'open':
				if (!current) return setNotice({text: 'no thread selected', tone: 'error'});
				setOpenId(current.id);
				setSelectedId(current.id);
				setDetailScroll(0);
				setView('detail');
				return;
			case 'back':
				if (filter !== '') {
					setFilter('');
					setNotice({text: 'filter cleared', tone: 'info'});
				}
				return;
			case 'filter':
				return setPrompt({kind: 'text', purpose: 'filter', value: filter});
			case 'help':
				return setHelp(true);
			case 'agentPane':
				if (!paneShown && !targetId) return setNotice({text: 'no room for the preview here; open the thread (Enter), then t', tone: 'info'});
				return setPaneShown(!paneShown);
			case 'jumpToPane': {
				const pane = detail?.agentPane;
				if (!pane) return setNotice({text: detail ? 'no agent pane: this question was not asked from inside tmux' : targetId ? 'still loading the thread; press T again' : 'open the thread first (Enter)', tone: 'error'});
				void jumpToPane(pane, process.env).then((result) => setNotice(result.ok ? {text: result.value, tone: 'ok'} : {text: result.reason, tone: 'error'}));
				return;
			}
			case 'quit':
				return exit();
			default:
				return startAction(action, actingOn);
		}
	};

	// Keys can arrive before React re-attaches a new listener: read the latest state through a ref.
	const onKey = useRef<(input: string, key: Key) => void>(() => undefined);
	onKey.current = (input, key) => {
		const name = keyName(input, key);
		if (name === 'ctrl+c') return exit();
		if (help) {
			setHelp(false);
			return;
		}
		if (prompt) return onPromptKey(prompt, name, input, key);
		const binding = bindingFor(name, view);
		if (binding) {
			setNotice(undefined);
			runAction(binding.action, name);
		}
	};
	useInput(useCallback((input: string, key: Key) => onKey.current(input, key), []));

	const frameInput: FrameInput = {
		columns: size.columns,
		rows: size.rows,
		queue,
		sectionIndex,
		selectedId: currentId,
		top,
		view,
		detail,
		detailMissing,
		detailScroll: Math.min(detailScroll, detailMax),
		help,
		prompt,
		filter,
		notice,
		feedError: feed.feedError ?? feed.warning,
		source: client.source(),
		lastSequence: feed.lastSequence,
		operator: operator.name,
		now,
		sla: client.sla,
		threadOf,
		agentPane: paneShown && detail ? paneView : undefined,
	};
	const lines = buildFrame(frameInput);

	// The clock: once a second, draw again only if the frame (waiting times, HH:MM) would
	// change or a thread crossed its SLA. Idle means no render at all most seconds.
	const rendered = useRef({input: frameInput, text: '', nextEscalationAt: queue.nextEscalationAt, unrecorded: queue.unrecordedEscalations});
	useEffect(() => {
		rendered.current = {input: frameInput, text: frameText(lines), nextEscalationAt: queue.nextEscalationAt, unrecorded: queue.unrecordedEscalations};
	});
	useEffect(() => {
		if (props.clock === false) return;
		const timer = setInterval(() => {
			const last = rendered.current;
			// Retry escalations that did not get recorded (a locked database, a refusal).
			escalateIfDue(last.unrecorded);
			const at = client.now();
			if (Date.parse(at) >= last.nextEscalationAt || frameText(buildFrame({...last.input, now: at})) !== last.text) setTick((tick) => tick + 1);
		}, 1000);
		return () => clearInterval(timer);
	}, [client, props.clock, escalateIfDue]);

	return <FrameView lines={lines} theme={props.theme ?? 'color'} />;
}

/** Mount the dashboard on a real terminal. */
export function renderDash(props: DashAppProps, options: RenderOptions): Instance {
	return render(<DashApp {...props} />, options);
}
