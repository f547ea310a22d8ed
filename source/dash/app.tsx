/** The live triage dashboard: state, keys and actions around a pure frame. */
import {render, useApp, useInput, type Instance, type Key, type RenderOptions} from 'ink';
import {useCallback, useEffect, useMemo, useRef, useState} from 'react';
import {decisionHeadline, decisionOf} from '../forum/answers.js';
import {formatAge} from '../forum/age.js';
import {allowedTransitions} from '../forum/rules.js';
import {ACTOR_TYPES, PRIORITIES, type Actor, type ActorType, type Thread} from '../forum/types.js';
import type {ForumClient} from '../service/client.js';
import type {CommandInput, ThreadDetail} from '../service/forum-service.js';
import {safeLine, safeText} from '../text/safe-text.js';
import {newCommandId} from '../service/ids.js';
import {jumpToPane} from '../tmux/pane.js';
import {decisionContextOf} from './agent-pane.js';
import {agentPaneRows, buildFrame, choiceList, detailLines, frameText, layout, promptMode, type AnswerIntent, type FrameInput, type KeptText, type Notice, type Prompt, type Waiting} from './frame.js';
import {bindingFor, keyName, type Action, type View} from './keymap.js';
import {describeError, dispatchPatiently, isDatabaseLocked} from './patient-dispatch.js';
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
	/** Pause between write attempts while another process holds the database lock, ms (default 250). */
	lockRetryMs?: number;
	/** Give up a write after the database stayed locked this long, ms (default 30 000); typed text is kept. */
	lockWaitMs?: number;
}

/** How the status line names a write that waits for the database. */
const WRITE_NAMES: Record<CommandInput['type'], string> = {
	ask: 'ask',
	post: 'post on',
	answer: 'answer to',
	assign: 'assignment of',
	change_state: 'state change of',
	change_priority: 'priority change of',
	close: 'close of',
	request_escalation: 'escalation of',
};

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
	const [waiting, setWaiting] = useState<Waiting | undefined>(undefined);
	/** The write waiting for the database, and how to stop it (Esc). */
	const waitingRef = useRef<(Waiting & {controller: AbortController}) | undefined>(undefined);
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
					// A held lock is retried on the next pass; the status line already says why.
					if (!isDatabaseLocked(error)) setNotice({text: `SLA escalation failed: ${describeError(error)}`, tone: 'error'});
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
			(error: unknown) => live && setNotice({text: `could not load the thread: ${describeError(error)}`, tone: 'error'}),
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

	/** What a write does besides dispatching: its confirmation, and the text to keep if it does not land. */
	interface WriteSpec {
		done: string;
		/** The operator's text: kept (with the reason) on a refusal, a failure or a lock timeout. */
		kept?: Omit<KeptText, 'reason'>;
		/** An invalid_input refusal leaves the prompt open with the text (e.g. an empty answer). */
		keepPromptOnInvalid?: boolean;
		leaveDetail?: boolean;
	}

	/** The write did not land: keep the text in the kept-text menu, or just say why. */
	const notLanded = (reason: string, spec: WriteSpec) => {
		if (spec.kept && spec.kept.text.trim() !== '') {
			setPrompt({kind: 'kept', kept: {...spec.kept, reason}});
			setNotice(undefined);
			// Show the thread as it is now (the feed may not have caught up with what made it refuse).
			void feed.refresh([spec.kept.threadId]);
		} else {
			setPrompt(undefined);
			setNotice({text: reason, tone: 'error'});
		}
	};

	/**
	 * Dispatch one command, patiently under a held lock (the frame keeps drawing); a refusal or
	 * failure is shown inline, never thrown, and typed text is never dropped.
	 */
	const act = async (input: CommandInput, spec: WriteSpec): Promise<boolean> => {
		if (waitingRef.current) {
			notLanded(`not sent: ${waitingRef.current.what} is still waiting for the database; send this after it`, spec);
			return false;
		}
		const before = entries.map((entry) => entry.thread.id);
		const controller = new AbortController();
		const what = `${WRITE_NAMES[input.type]} ${'threadId' in input && input.threadId ? safeLine(feed.threads.get(input.threadId)?.ticket ?? input.threadId) : ''}`.trim();
		let waited = false;
		// An answer given while the agent's pane was shown keeps what the operator saw of it.
		const seen = input.type === 'answer' && paneShown && detail?.thread.id === input.threadId ? decisionContextOf(paneView, agentPaneRows({view, columns: size.columns, now, sla: client.sla}, box, detail)) : undefined;
		const sent: CommandInput = seen && input.type === 'answer' ? {...input, context: seen} : input;
		const outcome = await dispatchPatiently(client, {...sent, commandId: sent.commandId ?? newCommandId()}, {
			retryMs: props.lockRetryMs ?? 250,
			limitMs: props.lockWaitMs ?? 30_000,
			signal: controller.signal,
			onWait: (elapsedMs) => {
				if (!waited) {
					waited = true;
					// The prompt gives way: keys move around the queue while the write waits.
					setPrompt((open) => (open?.kind === 'text' && open.purpose === 'filter' ? open : undefined));
				}
				waitingRef.current = {what, elapsedMs, controller};
				setWaiting({what, elapsedMs});
			},
		});
		// (Read through a function: TypeScript does not see onWait set the ref.)
		const waitingNow = () => waitingRef.current;
		if (waitingNow()?.controller === controller) {
			waitingRef.current = undefined;
			setWaiting(undefined);
		}
		if (outcome.kind === 'locked') {
			const seconds = Math.round(outcome.elapsedMs / 1000);
			notLanded(outcome.cancelled ? 'stopped waiting for the database; nothing was sent' : `the database stayed locked by another process for ${seconds}s; nothing was sent`, spec);
			return false;
		}
		if (outcome.kind === 'failed') {
			notLanded(`not done: ${describeError(outcome.error)}`, spec);
			return false;
		}
		const result = outcome.result;
		if (!result.ok) {
			if (spec.keepPromptOnInvalid && !waited && result.rejection.code === 'invalid_input') {
				setNotice({text: result.rejection.message, tone: 'error'});
				return false;
			}
			notLanded(result.rejection.message, spec);
			return false;
		}
		setPrompt(undefined);
		setNotice({text: result.events.length === 0 ? `${spec.done} (no change)` : spec.done, tone: 'ok'});
		if (result.thread) feed.markSeen(result.thread);
		pendingMove.current = {before, actedId: result.threadId};
		if (spec.leaveDetail) setView('queue');
		await feed.refresh([result.threadId]);
		return true;
	};

	/** A thread's refusal before any write: closed, or (for answers) already decided. */
	const refuseEarly = (thread: Thread, options: {answering?: boolean} = {}): string | undefined => {
		const ticket = safeLine(thread.ticket);
		if (thread.state === 'closed') return `${ticket} is closed; a closed thread takes no posts, answers or changes`;
		const decision = options.answering && thread.state === 'answered' ? decisionOf(thread) : null;
		if (decision) {
			const ago = formatAge(Date.parse(client.now()) - Date.parse(decision.at));
			return `${ticket} is already answered by ${safeLine(decision.author.name)} ${ago} ago (${safeLine(decisionHeadline(decision).slice(0, 40))}); M amends it`;
		}
		return undefined;
	};

	const editorContext = (thread: Thread) =>
		safeText([`# ${thread.ticket} · ${thread.agentName}: ${thread.title}`, ...thread.body.split('\n').map((line) => `# ${line}`)].join('\n'), {multiline: true});

	/** $EDITOR, then the answer; the text survives a refusal or a lock timeout in the kept-text menu. */
	const answerInEditor = (thread: Thread, initial?: string, intent: AnswerIntent = {}) => {
		// The version shown when the editor opened: a change made while it was open makes the answer stale.
		const version = thread.lastSequence;
		const ticket = safeLine(thread.ticket);
		editor(editorContext(thread), initial).then(
			(text) => {
				if (text === '') {
					setNotice({text: 'the editor returned no text; nothing sent', tone: 'info'});
					return;
				}
				void act(
					{type: 'answer', threadId: thread.id, body: text, actor: operator, ifVersion: version, ...(intent.amend ? {amend: true} : {})},
					{done: `answered ${ticket}`, leaveDetail: true, kept: {threadId: thread.id, text, origin: 'editor', intent}},
				);
			},
			(error: unknown) => {
				if (initial) setPrompt({kind: 'kept', kept: {threadId: thread.id, text: initial, origin: 'editor', intent, reason: `editor failed: ${(error as Error).message}`}});
				else setNotice({text: `editor failed: ${(error as Error).message}`, tone: 'error'});
			},
		);
	};

	/** Send a choice as the answer, at once (a digit in the detail view or in an empty answer prompt). */
	const sendChoice = (thread: Thread, index: number, version: number, amend = false) => {
		if (thread.question.kind !== 'choice') return;
		const label = thread.question.choices[index - 1]!;
		void act(
			{type: 'answer', threadId: thread.id, body: '', choice: index, actor: operator, ifVersion: version, ...(amend ? {amend: true} : {})},
			{done: `${amend ? 'amended' : 'answered'} ${safeLine(thread.ticket)}: ${index} ${safeLine(label)}`, leaveDetail: true},
		);
	};

	const startAction = (action: Action, thread: Thread | undefined, name: string) => {
		if (!thread) {
			setNotice({text: 'no thread selected', tone: 'error'});
			return;
		}
		const ticket = safeLine(thread.ticket);
		const version = thread.lastSequence;
		const refuse = (text: string | undefined): boolean => {
			if (text) setNotice({text, tone: 'error'});
			return text !== undefined;
		};
		switch (action) {
			case 'answer':
				if (refuse(refuseEarly(thread, {answering: true}))) return;
				setPrompt({kind: 'text', purpose: 'answer', threadId: thread.id, value: '', version});
				return;
			case 'post':
				if (refuse(refuseEarly(thread))) return;
				setPrompt({kind: 'text', purpose: 'post', threadId: thread.id, value: '', version});
				return;
			case 'choose': {
				const question = thread.question;
				if (question.kind !== 'choice') return void refuse(`${ticket} is not a choice question (it asks ${question.kind === 'approval' ? 'for an approval: y or n' : 'for text: a'})`);
				const index = Number(name);
				if (index > question.choices.length) return void refuse(`${ticket} offers ${question.choices.length} options: ${choiceList(question)}`);
				if (refuse(refuseEarly(thread, {answering: true}))) return;
				return sendChoice(thread, index, version);
			}
			case 'approve':
			case 'deny':
				if (thread.question.kind !== 'approval') {
					return void refuse(`${ticket} is not an approval question (it asks ${thread.question.kind === 'choice' ? 'a choice: a or 1-9 in the thread' : 'for text: a'}); nothing sent`);
				}
				if (refuse(refuseEarly(thread, {answering: true}))) return;
				setPrompt({kind: 'text', purpose: 'answer', threadId: thread.id, value: '', version, intent: {approved: action === 'approve'}});
				return;
			case 'amend': {
				if (refuse(refuseEarly(thread))) return;
				const decision = thread.state === 'answered' ? decisionOf(thread) : null;
				if (!decision) return void refuse(`${ticket} has no answer to amend; answer it with a`);
				if (thread.question.kind === 'approval') {
					setPrompt({kind: 'menu', purpose: 'amend', threadId: thread.id, options: ['approve', 'deny'], index: decision.approved ? 1 : 0, version});
					return;
				}
				const value = decision.kind === 'text' ? safeLine(decision.body) : '';
				setPrompt({kind: 'text', purpose: 'answer', threadId: thread.id, value, version, intent: {amend: true}});
				return;
			}
			case 'assign':
				if (refuse(refuseEarly(thread))) return;
				setPrompt({kind: 'text', purpose: 'assign', threadId: thread.id, value: operator.name, version});
				return;
			case 'state': {
				const options = allowedTransitions(thread.state);
				if (options.length === 0) return void refuse(`${ticket} is ${thread.state}; no state change is allowed from there`);
				setPrompt({kind: 'menu', purpose: 'state', threadId: thread.id, options, index: 0, version});
				return;
			}
			case 'priority':
				if (refuse(refuseEarly(thread))) return;
				setPrompt({kind: 'menu', purpose: 'priority', threadId: thread.id, options: PRIORITIES, index: Math.max(0, PRIORITIES.indexOf(thread.priority)), version});
				return;
			case 'close':
				if (thread.state === 'closed') return void refuse(`${ticket} is already closed`);
				setPrompt({kind: 'confirm', purpose: 'close', threadId: thread.id, version});
				return;
			case 'editor':
				if (refuse(refuseEarly(thread, {answering: true}))) return;
				return answerInEditor(thread);
			default:
				return;
		}
	};

	const submitText = (current: Extract<Prompt, {kind: 'text'}>) => {
		if (current.purpose === 'filter') {
			setPrompt(undefined);
			return;
		}
		const thread = feed.threads.get(current.threadId);
		const ticket = thread ? safeLine(thread.ticket) : 'thread';
		const {threadId, version: ifVersion, value} = current;
		if (current.purpose === 'answer') {
			const intent = current.intent ?? {};
			const verb = intent.approved === true ? 'approved' : intent.approved === false ? 'denied' : intent.amend ? 'amended' : 'answered';
			void act(
				{type: 'answer', threadId, body: value, actor: operator, ifVersion, ...(intent.approved !== undefined ? {approved: intent.approved} : {}), ...(intent.amend ? {amend: true} : {})},
				{done: `${verb} ${ticket}`, keepPromptOnInvalid: true, leaveDetail: true, kept: {threadId, text: value, origin: 'answer', intent}},
			);
		} else if (current.purpose === 'post') {
			void act({type: 'post', threadId, body: value, actor: operator, ifVersion}, {done: `posted on ${ticket}`, keepPromptOnInvalid: true, kept: {threadId, text: value, origin: 'post'}});
		} else {
			const assignee = parseAssignee(value, operator);
			if (typeof assignee === 'string') {
				setNotice({text: assignee, tone: 'error'});
				return;
			}
			void act({type: 'assign', threadId, assignee, note: '', actor: operator, ifVersion}, {done: `assigned ${ticket} to ${safeLine(assignee.name)}`, keepPromptOnInvalid: true});
		}
	};

	const submitMenu = (current: Extract<Prompt, {kind: 'menu'}>) => {
		const ticket = safeLine(feed.threads.get(current.threadId)?.ticket ?? 'thread');
		const choice = current.options[current.index]!;
		const {threadId, version: ifVersion} = current;
		if (current.purpose === 'state') {
			// Closing from the state menu asks the same y/N as c.
			if (choice === 'closed') return setPrompt({kind: 'confirm', purpose: 'close', threadId, version: ifVersion});
			void act({type: 'change_state', threadId, state: choice as Thread['state'], actor: operator, ifVersion}, {done: `${ticket} → ${choice}`});
		} else if (current.purpose === 'priority') {
			void act({type: 'change_priority', threadId, priority: choice as Thread['priority'], actor: operator, ifVersion}, {done: `${ticket} priority ${choice}`});
		} else {
			setPrompt({kind: 'text', purpose: 'answer', threadId, value: '', version: ifVersion, intent: {amend: true, approved: choice === 'approve'}});
		}
	};

	/** The kept-text menu: send as a post on the thread as it is now, edit again, or discard. */
	const onKeptKey = (kept: KeptText, action: Action | undefined) => {
		const thread = feed.threads.get(kept.threadId);
		const now = thread?.lastSequence ?? 0;
		switch (action) {
			case 'keptPost':
				// The current version (read now, the feed may lag): the operator has seen why it was refused.
				void feed.refresh([kept.threadId]).then(() => {
					const fresh = feed.threads.get(kept.threadId);
					return act(
						{type: 'post', threadId: kept.threadId, body: kept.text, actor: operator, ...(fresh ? {ifVersion: fresh.lastSequence} : {})},
						{done: `posted the kept text on ${safeLine(fresh?.ticket ?? 'the thread')}`, kept},
					);
				});
				return;
			case 'keptEdit':
				if (kept.origin === 'editor' && thread) {
					setPrompt(undefined);
					return answerInEditor(thread, kept.text, kept.intent);
				}
				setPrompt({kind: 'text', purpose: kept.origin === 'post' ? 'post' : 'answer', threadId: kept.threadId, value: safeLine(kept.text), version: now, intent: kept.intent});
				return;
			case 'keptDiscard':
				setPrompt({kind: 'confirm', purpose: 'discard', kept});
				return;
			default:
				return;
		}
	};

	const onPromptKey = (current: Prompt, name: string, input: string, key: Key) => {
		const action = bindingFor(name, promptMode(current))?.action;
		if (current.kind === 'kept') return onKeptKey(current.kept, action);
		if (current.kind === 'confirm') {
			if (current.purpose === 'discard') {
				if (action === 'confirmYes') {
					setPrompt(undefined);
					setNotice({text: 'kept text discarded', tone: 'info'});
				} else setPrompt({kind: 'kept', kept: current.kept});
				return;
			}
			if (action === 'confirmYes') {
				const ticket = safeLine(feed.threads.get(current.threadId)?.ticket ?? 'thread');
				void act({type: 'close', threadId: current.threadId, actor: operator, ifVersion: current.version}, {done: `closed ${ticket}`, leaveDetail: true});
			} else {
				setPrompt(undefined);
				setNotice({text: 'not closed', tone: 'info'});
			}
			return;
		}
		if (current.kind === 'menu') {
			const count = current.options.length;
			if (action === 'cancel') setPrompt(undefined);
			else if (action === 'submit') submitMenu(current);
			else if (action === 'menuNext') setPrompt({...current, index: (current.index + 1) % count});
			else if (action === 'menuPrev') setPrompt({...current, index: (current.index - 1 + count) % count});
			else if (action === 'menuPick' && Number(name) <= count) submitMenu({...current, index: Number(name) - 1});
			return;
		}
		if (action === 'cancel') {
			if (current.purpose === 'filter') setFilter('');
			setPrompt(undefined);
			return;
		}
		if (action === 'submit') return submitText(current);
		if (action === 'pickChoice' && current.purpose === 'answer' && current.value === '' && current.intent?.approved === undefined) {
			const thread = feed.threads.get(current.threadId);
			if (thread?.question.kind === 'choice' && Number(name) <= thread.question.choices.length) {
				return sendChoice(thread, Number(name), current.version, current.intent?.amend === true);
			}
		}
		let value = current.value;
		// Fast typing arrives as one chunk: text then Enter ("Ship it.\r") is text plus submit.
		// Other line breaks inside a chunk (a multi-line paste) become spaces and never submit.
		const submits = input.length > 1 && input.endsWith('\r') && !/[\r\n]/.test(input.slice(0, -1));
		if (action === 'deleteChar') value = [...value].slice(0, -1).join('');
		else if (action === 'clearInput') value = '';
		else if (!key.ctrl && !key.meta && input !== '') value += typed((submits ? input.slice(0, -1) : input).replace(/\r\n?|\n/g, ' '));
		else return;
		const next = {...current, value};
		setPrompt(next);
		if (next.purpose === 'filter') setFilter(value);
		if (submits) submitText(next);
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
				return startAction(action, actingOn, name);
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
		if (waitingRef.current && bindingFor(name, 'waiting')?.action === 'cancelWait') {
			waitingRef.current.controller.abort();
			return;
		}
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
		waiting,
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
