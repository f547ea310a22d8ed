/**
 * The dashboard's state machine: `update(state, input, world) -> {state, effects}`, pure.
 * State is what the operator chose (section, cursor, view, prompt, filter) and what they were
 * told (notice, a write waiting); everything shown besides is derived from it and the world.
 * Hooks run the effects (writes, the editor, quitting) and feed their outcomes back as inputs.
 */
import {decisionHeadline, decisionOf} from '../forum/answers.js';
import {formatAge} from '../forum/age.js';
import {allowedTransitions} from '../forum/rules.js';
import {DEFAULT_SNOOZE, isSnoozed, parseSnoozeTime, SNOOZABLE_STATES} from '../forum/snooze.js';
import {ACTOR_TYPES, PRIORITIES, THREAD_STATES, type Actor, type ActorType, type Thread} from '../forum/types.js';
import type {CommandInput, DispatchResult} from '../service/forum-service.js';
import {safeLine} from '../text/safe-text.js';
import {bindingFor, keyOf, type Action, type KeyBinding, type Mode, type View} from './keymap.js';
import {parseFilter} from '../forum/filter.js';
import {nextNeedingHuman, nextOrder, orderLabel, SECTIONS, type OrderId, type Queue, type QueueEntry, type SectionId} from './queue-model.js';
import {deleteBefore, deleteWordBefore, insertAt, nextBoundary, previousBoundary} from './line-edit.js';

/** What an answer prompt answers with besides its text: an approval's yes/no, an amendment. */
export interface AnswerIntent {
	approved?: boolean;
	amend?: boolean;
}

/** Text of a write that did not land (refused, cancelled, timed out): kept until sent or discarded. */
export interface KeptText {
	threadId: string;
	text: string;
	/** Why it did not land, as the rule or the storage said. */
	reason: string;
	/** Where it was written: `e` reopens the same place. */
	origin: 'answer' | 'post' | 'editor';
	intent?: AnswerIntent;
}

/** A thread a bulk action acts on, with the version its row showed when the action started. */
export interface Target {
	threadId: string;
	version: number;
}

/**
 * What is being typed or chosen on the prompt line. `version` is the thread's last sequence
 * as shown when the prompt opened: the write carries it as `ifVersion`. `cursor` is where the
 * next typed text goes (a UTF-16 offset on a grapheme boundary of `value`).
 */
export type Prompt =
	| {kind: 'text'; purpose: 'answer' | 'post' | 'assign' | 'snooze'; threadId: string; value: string; cursor: number; version: number; intent?: AnswerIntent}
	| {kind: 'text'; purpose: 'filter'; threadId?: undefined; value: string; cursor: number}
	| {kind: 'menu'; purpose: 'state' | 'priority' | 'amend'; threadId: string; options: readonly string[]; index: number; version: number}
	| {kind: 'confirm'; purpose: 'close'; threadId: string; version: number}
	| {kind: 'confirm'; purpose: 'discard'; threadId?: undefined; kept: KeptText}
	// Bulk: the marked threads, each with its own version.
	| {kind: 'text'; purpose: 'bulkAssign'; threadId?: undefined; targets: readonly Target[]; value: string; cursor: number}
	| {kind: 'menu'; purpose: 'bulkState' | 'bulkPriority'; threadId?: undefined; targets: readonly Target[]; options: readonly string[]; index: number}
	| {kind: 'confirm'; purpose: 'bulkClose'; threadId?: undefined; targets: readonly Target[]}
	| {kind: 'kept'; threadId?: undefined; kept: KeptText};

/** A write that is waiting for another process to release the database. */
export interface Waiting {
	/** `answer OPS-7`. */
	what: string;
	elapsedMs: number;
}

/** A bulk action under way: how many of its writes are done. */
export interface Running {
	/** `close 3 threads`. */
	what: string;
	done: number;
	total: number;
}

/** What a bulk action says when it is done: `closed 2 · refused 1: …`. */
export interface BulkSpec {
	/** `closed`, `assigned to ops`, `→ triaged`, `priority high`. */
	done: string;
	what: string;
}

export interface BulkResult {
	threadId: string;
	outcome: WriteOutcome;
}

export interface Notice {
	text: string;
	tone: 'ok' | 'error' | 'info';
}

export interface DashState {
	sectionIndex: number;
	/** The thread the cursor is on, by id: live inserts above it never move it. */
	selectedId: string | undefined;
	/** Where the cursor was by position: it stays there when its thread leaves the section. */
	lastIndex: number;
	/** The cursor's row within the list window (the window moves only at its edges). */
	offset: number;
	view: View;
	/** The thread open in the detail view. */
	openId: string | undefined;
	detailScroll: number;
	help: boolean;
	/** Which page of the help a small pane shows (the frame takes it modulo the page count). */
	helpPage: number;
	/** `t`: the agent's tmux pane is shown in place of the conversation, for whichever thread is in view. */
	paneShown: boolean;
	prompt: Prompt | undefined;
	/**
	 * The filter of each section (forum/filter.ts syntax), kept until cleared: switching away and
	 * back shows it again. Only filters that parse are kept; while typing a bad one the last good
	 * one applies and the notice says what is wrong.
	 */
	filters: Partial<Record<SectionId, string>>;
	/** The order `o` cycles (queue-model.ts ORDERS), for every section. */
	order: OrderId;
	/** Where the cursor was when the filter prompt opened: Esc goes back there. */
	filterFrom: {id: string | undefined; index: number; offset: number} | undefined;
	notice: Notice | undefined;
	waiting: Waiting | undefined;
	/** After an answer or a close: the order before it, to move on to the next thread needing a human. */
	moveOn: {before: readonly string[]; actedId: string} | undefined;
	/** Marked threads (Space, `*`): A p s c act on all of them. Always among the rows shown. */
	marked: ReadonlySet<string>;
	/** A bulk action's writes under way. */
	running: Running | undefined;
}

/** What the reducer may read besides the state: pure facts of the moment. */
export interface World {
	/** The queue under a filter, in an order (memoised by the caller). */
	queue(filter: string, order: OrderId): Queue;
	thread(id: string): Thread | undefined;
	operator: Actor;
	now: string;
	/** Queue rows on screen for a section of `rowCount` rows. */
	listHeight(rowCount: number): number;
	/** Lines of the open thread past the first screen (how far it scrolls). */
	detailMax: number;
	/** Body lines of the detail view (a page). */
	detailHeight: number;
	/** Whether a thread is in view (the preview has room, or the thread view is open): `t` needs one. */
	threadInView: boolean;
	editorAvailable: boolean;
	/** The key registry in force (the config applied); default the registry's own keys. */
	keymap?: readonly KeyBinding[];
	/** The local zone, minutes east of UTC: a snooze `until 14:30` is local time. Default 0. */
	utcOffsetMinutes?: number;
	/** The answered thread whose decision `R` reuses for `threadId`, as the preview shows it; undefined when there is none. */
	similar?: (threadId: string) => {threadId: string; headline: string; postId?: string} | undefined;
}

/** What a write does besides dispatching: its confirmation, and the text to keep if it does not land. */
export interface WriteSpec {
	done: string;
	/** The operator's text: kept (with the reason) on a refusal, a failure or a lock timeout. */
	kept?: Omit<KeptText, 'reason'>;
	/** An invalid_input refusal leaves the prompt open with the text (e.g. an empty answer). */
	keepPromptOnInvalid?: boolean;
	leaveDetail?: boolean;
	/** The write ends the thread's need (answer, close): the cursor moves on to the next one. */
	movesOn?: boolean;
	/** Read the thread again and write on its version as it is now (a kept text sent as a post). */
	onCurrentVersion?: boolean;
}

export type WriteOutcome =
	| {kind: 'done'; result: DispatchResult; waited: boolean}
	| {kind: 'locked'; elapsedMs: number; cancelled: boolean}
	| {kind: 'failed'; message: string};

export type Input =
	/** One key: its name (`j`, `enter`, `ctrl+u`), and the text it types in an input. */
	| {type: 'key'; name: string; text: string}
	/** Text typed or pasted into the text input at once (a chunk of several characters). */
	| {type: 'text'; text: string}
	| {type: 'waiting'; what: string; elapsedMs: number}
	| {type: 'written'; command: CommandInput; spec: WriteSpec; order: readonly string[]; outcome: WriteOutcome}
	| {type: 'editorDone'; threadId: string; version: number; text: string; intent: AnswerIntent}
	| {type: 'editorFailed'; threadId: string; initial?: string; intent: AnswerIntent; message: string}
	/** The data changed: keep the cursor on its thread, and move on after an answer or a close. */
	| {type: 'queueChanged'}
	| {type: 'notice'; notice: Notice | undefined}
	| {type: 'bulkProgress'; done: number}
	| {type: 'bulkWritten'; spec: BulkSpec; results: readonly BulkResult[]};

export type Effect =
	| {type: 'write'; command: CommandInput; spec: WriteSpec; order: readonly string[]}
	/** One write per command, in order, each with its own command id; the outcomes come back as `bulkWritten`. */
	| {type: 'bulk'; commands: readonly CommandInput[]; spec: BulkSpec}
	| {type: 'editor'; threadId: string; version: number; initial?: string; intent: AnswerIntent}
	| {type: 'cancelWait'}
	| {type: 'refresh'; threadIds: string[]}
	| {type: 'markSeen'; thread: Thread}
	| {type: 'quit'}
	| {type: 'suspend'}
	/** `T`: switch the tmux client to the pane of the thread in view. */
	| {type: 'jumpToPane'};

export interface Update {
	state: DashState;
	effects: Effect[];
}

export function initialState(queue?: Queue): DashState {
	return {
		sectionIndex: 0,
		selectedId: queue?.sections[SECTIONS[0]!.id][0]?.thread.id,
		lastIndex: 0,
		offset: 0,
		view: 'queue',
		openId: undefined,
		detailScroll: 0,
		help: false,
		helpPage: 0,
		paneShown: false,
		prompt: undefined,
		filters: {},
		order: 'default',
		filterFrom: undefined,
		notice: undefined,
		waiting: undefined,
		moveOn: undefined,
		marked: NO_MARKS,
		running: undefined,
	};
}

const NO_MARKS: ReadonlySet<string> = new Set();

/** The key mode the state puts the keyboard in. */
export function modeOf(state: Pick<DashState, 'help' | 'prompt' | 'view' | 'waiting'>): Mode {
	if (state.help) return 'help';
	if (state.prompt) return promptMode(state.prompt);
	return state.view;
}

/** The key mode a prompt puts the keyboard in. */
export function promptMode(prompt: Prompt): Exclude<Mode, View | 'help' | 'waiting'> {
	return prompt.kind === 'text' ? 'input' : prompt.kind;
}

/** The filter kept for the current section ('' for none). */
export function filterOf(state: Pick<DashState, 'filters' | 'sectionIndex'>): string {
	return state.filters[SECTIONS[state.sectionIndex]!.id] ?? '';
}

/** The rows of the current section under its filter, in the current order. */
export function entriesOf(state: DashState, world: World): readonly QueueEntry[] {
	return world.queue(filterOf(state), state.order).sections[SECTIONS[state.sectionIndex]!.id];
}

/** Where the cursor is: its thread when still in the section, else the row at its last position. */
export function cursorOf(state: DashState, world: World): {index: number; thread: Thread | undefined; top: number; listHeight: number} {
	const entries = entriesOf(state, world);
	const listHeight = Math.max(1, world.listHeight(entries.length));
	let index = state.selectedId === undefined ? -1 : entries.findIndex((entry) => entry.thread.id === state.selectedId);
	if (index < 0 && entries.length > 0) index = Math.min(state.lastIndex, entries.length - 1);
	const maxTop = Math.max(0, entries.length - listHeight);
	const top = Math.min(Math.max(0, index - Math.min(state.offset, listHeight - 1)), maxTop);
	return {index, thread: index >= 0 ? entries[index]!.thread : undefined, top, listHeight};
}

/** The thread the action keys act on: the open one in the detail view, else the cursor's. */
export function actingOn(state: DashState, world: World): Thread | undefined {
	if (state.view === 'detail') return state.openId ? world.thread(state.openId) : undefined;
	return cursorOf(state, world).thread;
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
	snooze: 'snooze of',
};

export function writeName(command: CommandInput, thread: Thread | undefined): string {
	const id = 'threadId' in command ? command.threadId : undefined;
	return `${WRITE_NAMES[command.type]} ${id ? safeLine(thread?.ticket ?? id) : ''}`.trim();
}

/** `15:10`: an ISO time as the clock on the wall reads it, in a zone `offsetMinutes` east of UTC. */
function localHourMinute(iso: string, offsetMinutes: number): string {
	return new Date(Date.parse(iso) + offsetMinutes * 60_000).toISOString().slice(11, 16);
}

/** Strip controls from typed or pasted text: the inline input is one line. */
function typed(input: string): string {
	// eslint-disable-next-line no-control-regex
	return input.replace(/\r\n?|\n/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
}

export function parseAssignee(value: string, fallback: Actor): Actor | string {
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

/** A rule's refusal names the thread by id; the dashboard names it by its ticket, as its notices do. */
export function inTicketTerms(message: string, thread: Thread | undefined): string {
	if (!thread) return message;
	const ticket = safeLine(thread.ticket);
	return message.split(`thread ${thread.id}`).join(ticket).split(thread.id).join(ticket);
}

const textPrompt = (prompt: Omit<Extract<Prompt, {kind: 'text'; purpose: 'answer' | 'post' | 'assign' | 'snooze'}>, 'cursor'>): Prompt => ({...prompt, cursor: prompt.value.length});

// ---------------------------------------------------------------------------------------------

interface Step {
	state: DashState;
	effects: Effect[];
}

const say = (state: DashState, text: string, tone: Notice['tone'] = 'error'): DashState => ({...state, notice: {text, tone}});

export function update(state: DashState, input: Input, world: World): Update {
	const next = step(state, input, world);
	return next.state.marked.size === 0 ? next : pruneMarks(next, input, world);
}

/** Marks stay only on rows shown (section and filter): a bulk action never acts on a thread out of sight. */
function pruneMarks(next: Update, input: Input, world: World): Update {
	const {state} = next;
	const shown = new Set(entriesOf(state, world).map((entry) => entry.thread.id));
	const dropped = [...state.marked].filter((id) => !shown.has(id));
	if (dropped.length === 0) return next;
	const marked = new Set([...state.marked].filter((id) => shown.has(id)));
	// Said once, unless the operator is being told something else or a bulk action is moving them.
	const quiet = state.notice !== undefined || state.running !== undefined || input.type === 'bulkWritten';
	const tickets = dropped.slice(0, 3).map((id) => safeLine(world.thread(id)?.ticket ?? id)).join(', ');
	const notice: Notice | undefined = quiet ? state.notice : {text: `${dropped.length} ${dropped.length === 1 ? 'mark' : 'marks'} dropped: ${tickets}${dropped.length > 3 ? ' …' : ''} no longer shown here`, tone: 'info'};
	return {state: {...state, marked, notice}, effects: next.effects};
}

function step(state: DashState, input: Input, world: World): Update {
	const step: Step = {state, effects: []};
	switch (input.type) {
		case 'key':
			return onKey(step, input.name, input.text, world);
		case 'text':
			return state.prompt?.kind === 'text' ? typeText(step, state.prompt, input.text, world) : step;
		case 'waiting':
			return {
				state: {
					...state,
					waiting: {what: input.what, elapsedMs: input.elapsedMs},
					// The prompt of the waiting write gives way: keys move around the queue while it waits.
					// (A bulk action's writes come from no prompt: one typed meanwhile stays.)
					prompt: state.waiting || state.running || state.prompt?.kind !== 'text' || state.prompt.purpose === 'filter' ? state.prompt : undefined,
				},
				effects: [],
			};
		case 'written':
			return written(step, input, world);
		case 'editorDone': {
			if (input.text === '') return {state: say(state, 'the editor returned no text; nothing sent', 'info'), effects: []};
			const thread = world.thread(input.threadId);
			const ticket = safeLine(thread?.ticket ?? 'the thread');
			return write(
				step,
				{type: 'answer', threadId: input.threadId, body: input.text, actor: world.operator, ifVersion: input.version, ...(input.intent.amend ? {amend: true} : {})},
				{done: `answered ${ticket}`, leaveDetail: true, movesOn: true, kept: {threadId: input.threadId, text: input.text, origin: 'editor', intent: input.intent}},
				world,
			);
		}
		case 'editorFailed': {
			const reason = `editor failed: ${input.message}`;
			if (input.initial) return {state: {...state, prompt: {kind: 'kept', kept: {threadId: input.threadId, text: input.initial, origin: 'editor', intent: input.intent, reason}}}, effects: []};
			return {state: say(state, reason), effects: []};
		}
		case 'queueChanged':
			return queueChanged(step, world);
		case 'notice':
			return {state: {...state, notice: input.notice}, effects: []};
		case 'bulkProgress':
			// A write that waited has landed by now: the status line stops saying so.
			return {state: {...state, waiting: undefined, running: state.running ? {...state.running, done: input.done} : undefined}, effects: []};
		case 'bulkWritten':
			return bulkWritten(step, input, world);
	}
}

/** Keep the cursor on its thread; after an answer or close, on the next thread that needs a human. */
function queueChanged(step: Step, world: World): Update {
	const {state} = step;
	const entries = entriesOf(state, world);
	if (state.moveOn) {
		const next = nextNeedingHuman(state.moveOn.before, state.moveOn.actedId, entries);
		const index = next ? entries.findIndex((entry) => entry.thread.id === next) : -1;
		return {state: {...state, moveOn: undefined, selectedId: next ?? state.selectedId, lastIndex: index >= 0 ? index : state.lastIndex}, effects: []};
	}
	const {thread, index} = cursorOf(state, world);
	if (thread && (thread.id !== state.selectedId || index !== state.lastIndex)) return {state: {...state, selectedId: thread.id, lastIndex: index}, effects: []};
	return step;
}

function onKey(step: Step, name: string, text: string, world: World): Update {
	const {state} = step;
	const mode = modeOf(state);
	const action = bindingFor(name, mode, world.keymap)?.action;
	if (action === 'quit' && name === 'ctrl+c') return {state, effects: [{type: 'quit'}]};
	if (action === 'suspend') return {state, effects: [{type: 'suspend'}]};
	if (mode === 'help') {
		if (action === 'helpNext' || action === 'helpPrev') return {state: {...state, helpPage: state.helpPage + (action === 'helpNext' ? 1 : -1)}, effects: []};
		return {state: {...state, help: false}, effects: []};
	}
	if (state.prompt) return onPromptKey(step, state.prompt, name, text, action, world);
	if (state.waiting && bindingFor(name, 'waiting', world.keymap)?.action === 'cancelWait') return {state, effects: [{type: 'cancelWait'}]};
	if (!action) return step;
	return runAction({state: {...state, notice: undefined}, effects: []}, action, name, world);
}

/** Move the cursor to `index` (clamped), the window row to `offset`. */
function select(state: DashState, world: World, index: number, offset: number): DashState {
	const entries = entriesOf(state, world);
	if (entries.length === 0) return state;
	const listHeight = Math.max(1, world.listHeight(entries.length));
	const clamped = Math.min(Math.max(0, index), entries.length - 1);
	return {...state, selectedId: entries[clamped]!.thread.id, lastIndex: clamped, offset: Math.min(Math.max(0, offset), listHeight - 1)};
}

function switchSection(state: DashState, world: World, index: number): DashState {
	const next = (index + SECTIONS.length) % SECTIONS.length;
	const current = cursorOf(state, world).thread;
	const moved = {...state, sectionIndex: next};
	const entries = entriesOf(moved, world);
	if (current && entries.some((entry) => entry.thread.id === current.id)) return {...moved, selectedId: current.id, lastIndex: entries.findIndex((entry) => entry.thread.id === current.id)};
	return {...moved, selectedId: entries[0]?.thread.id, lastIndex: 0, offset: 0};
}

/** After the filter text changed: the cursor stays on its thread if it still matches, else goes to the first match. */
function refilter(state: DashState, world: World, filter: string): DashState {
	const next = {...state, filters: {...state.filters, [SECTIONS[state.sectionIndex]!.id]: filter}};
	return keepCursor(state, next, world);
}

/** After the rows changed under the cursor (filter, order): stay on the thread if it is still there, else the first row. */
function keepCursor(state: DashState, next: DashState, world: World): DashState {
	const entries = entriesOf(next, world);
	const index = state.selectedId === undefined ? -1 : entries.findIndex((entry) => entry.thread.id === state.selectedId);
	if (index >= 0) return {...next, lastIndex: index};
	return {...next, selectedId: entries[0]?.thread.id, lastIndex: 0, offset: 0};
}

function runAction(step: Step, action: Action, name: string, world: World): Update {
	const {state} = step;
	const cursor = cursorOf(state, world);
	if (state.view === 'detail') {
		const page = Math.max(1, world.detailHeight - 1);
		const scrollTo = (line: number): Update => ({state: {...state, detailScroll: Math.min(Math.max(0, line), world.detailMax)}, effects: []});
		const scroll = Math.min(state.detailScroll, world.detailMax);
		switch (action) {
			case 'down':
				return scrollTo(scroll + 1);
			case 'up':
				return scrollTo(scroll - 1);
			case 'pageDown':
				return scrollTo(scroll + page);
			case 'pageUp':
				return scrollTo(scroll - page);
			case 'top':
				return scrollTo(0);
			case 'bottom':
				return scrollTo(world.detailMax);
			case 'back': {
				const entries = entriesOf(state, world);
				const index = entries.findIndex((entry) => entry.thread.id === state.openId);
				return {state: {...state, view: 'queue', selectedId: state.openId ?? state.selectedId, lastIndex: index >= 0 ? index : state.lastIndex}, effects: []};
			}
			default:
				break;
		}
	}
	const page = cursor.listHeight;
	switch (action) {
		case 'down':
			return {state: select(state, world, cursor.index + 1, state.offset + 1), effects: []};
		case 'up':
			return {state: select(state, world, cursor.index - 1, state.offset - 1), effects: []};
		case 'pageDown':
			return {state: select(state, world, cursor.index + page, state.offset), effects: []};
		case 'pageUp':
			return {state: select(state, world, cursor.index - page, state.offset), effects: []};
		case 'top':
			return {state: select(state, world, 0, 0), effects: []};
		case 'bottom':
			return {state: select(state, world, Number.MAX_SAFE_INTEGER, page - 1), effects: []};
		case 'nextSection':
			return {state: switchSection(state, world, state.sectionIndex + 1), effects: []};
		case 'prevSection':
			return {state: switchSection(state, world, state.sectionIndex - 1), effects: []};
		case 'section':
			return {state: switchSection(state, world, Number(name) - 1), effects: []};
		case 'open':
			if (!cursor.thread) return {state: say(state, 'no thread selected'), effects: []};
			return {state: {...state, view: 'detail', openId: cursor.thread.id, selectedId: cursor.thread.id, lastIndex: cursor.index, detailScroll: 0}, effects: []};
		case 'back':
			if (state.marked.size > 0) return {state: {...state, marked: NO_MARKS, notice: {text: 'marks cleared', tone: 'info'}}, effects: []};
			if (filterOf(state) === '') return step;
			return {state: {...refilter(state, world, ''), filterFrom: undefined, notice: {text: 'filter cleared', tone: 'info'}}, effects: []};
		case 'filter': {
			const value = filterOf(state);
			return {
				state: {...state, prompt: {kind: 'text', purpose: 'filter', value, cursor: value.length}, filterFrom: {id: cursor.thread?.id, index: cursor.index, offset: state.offset}},
				effects: [],
			};
		}
		case 'order': {
			const order = nextOrder(state.order);
			return {state: {...keepCursor(state, {...state, order}, world), notice: {text: `order: ${orderLabel(order)}`, tone: 'info'}}, effects: []};
		}
		case 'help':
			return {state: {...state, help: true, helpPage: 0}, effects: []};
		case 'agentPane':
			if (!state.paneShown && !world.threadInView) {
				return {state: say(state, `no room for the preview here; open the thread (${keyOf('open', 'queue', world.keymap) ?? 'open'}), then ${keyOf('agentPane', 'detail', world.keymap) ?? 't'}`, 'info'), effects: []};
			}
			return {state: {...state, paneShown: !state.paneShown}, effects: []};
		case 'jumpToPane':
			return {state, effects: [{type: 'jumpToPane'}]};
		case 'quit':
			return {state, effects: [{type: 'quit'}]};
		case 'mark': {
			if (!cursor.thread) return {state: say(state, 'no thread selected'), effects: []};
			const marked = new Set(state.marked);
			if (!marked.delete(cursor.thread.id)) marked.add(cursor.thread.id);
			return {state: {...select(state, world, cursor.index + 1, state.offset + 1), marked}, effects: []};
		}
		case 'markAll': {
			const ids = entriesOf(state, world).map((entry) => entry.thread.id);
			if (ids.length === 0) return {state: say(state, 'no threads shown to mark', 'info'), effects: []};
			const all = ids.every((id) => state.marked.has(id));
			return {state: {...state, marked: all ? NO_MARKS : new Set(ids), notice: {text: all ? `unmarked ${ids.length}` : `marked all ${ids.length} shown`, tone: 'info'}}, effects: []};
		}
		default:
			if (state.view === 'queue' && state.marked.size > 0 && BULK_ACTIONS.includes(action)) return startBulk(step, action, world);
			return startAction(step, action, actingOn(state, world), name, world);
	}
}

/** A thread's refusal before any write: closed, or (for answers) already decided. */
function refuseEarly(thread: Thread, state: DashState, world: World, options: {answering?: boolean} = {}): string | undefined {
	const ticket = safeLine(thread.ticket);
	if (thread.state === 'closed') return `${ticket} is closed; a closed thread takes no posts, answers or changes`;
	const decision = options.answering && thread.state === 'answered' ? decisionOf(thread) : null;
	if (decision) {
		const ago = formatAge(Date.parse(world.now) - Date.parse(decision.at));
		const amend = keyOf('amend', state.view, world.keymap);
		return `${ticket} is already answered by ${safeLine(decision.author.name)} ${ago} ago (${safeLine(decisionHeadline(decision).slice(0, 40))})${amend ? `; ${amend} amends it` : ''}`;
	}
	return undefined;
}

/** `1 Drop · 2 Keep (recommended)`: options as numbered keys. */
export function choiceList(question: Extract<Thread['question'], {kind: 'choice'}>): string {
	return question.choices.map((label, index) => `${index + 1} ${safeLine(label)}${question.recommended === index + 1 ? ' (recommended)' : ''}`).join(' · ');
}

/** Send a choice as the answer, at once (a digit in the detail view or in an empty answer prompt). */
function sendChoice(step: Step, thread: Thread, index: number, version: number, world: World, amend = false): Update {
	if (thread.question.kind !== 'choice') return step;
	const label = thread.question.choices[index - 1]!;
	return write(
		step,
		{type: 'answer', threadId: thread.id, body: '', choice: index, actor: world.operator, ifVersion: version, ...(amend ? {amend: true} : {})},
		{done: `${amend ? 'amended' : 'answered'} ${safeLine(thread.ticket)}: ${index} ${safeLine(label)}`, leaveDetail: true, movesOn: true},
		world,
	);
}

function startAction(step: Step, action: Action, thread: Thread | undefined, name: string, world: World): Update {
	const {state} = step;
	if (!thread) return {state: say(state, 'no thread selected'), effects: []};
	const ticket = safeLine(thread.ticket);
	const version = thread.lastSequence;
	const open = (prompt: Prompt): Update => ({state: {...state, prompt}, effects: []});
	const key = (name: Action) => keyOf(name, state.view, world.keymap) ?? `(${name}: no key)`;
	const refused = (text: string | undefined): Update | undefined => (text ? {state: say(state, text), effects: []} : undefined);
	switch (action) {
		case 'answer':
			return refused(refuseEarly(thread, state, world, {answering: true})) ?? open(textPrompt({kind: 'text', purpose: 'answer', threadId: thread.id, value: '', version}));
		case 'post':
			return refused(refuseEarly(thread, state, world)) ?? open(textPrompt({kind: 'text', purpose: 'post', threadId: thread.id, value: '', version}));
		case 'choose': {
			const question = thread.question;
			if (question.kind !== 'choice') return {state: say(state, `${ticket} is not a choice question (it asks ${question.kind === 'approval' ? `for an approval: ${key('approve')} or ${key('deny')}` : `for text: ${key('answer')}`})`), effects: []};
			const index = Number(name);
			if (index > question.choices.length) return {state: say(state, `${ticket} offers ${question.choices.length} options: ${choiceList(question)}`), effects: []};
			return refused(refuseEarly(thread, state, world, {answering: true})) ?? sendChoice(step, thread, index, version, world);
		}
		case 'approve':
		case 'deny':
			if (thread.question.kind !== 'approval') {
				return {
					state: say(state, `${ticket} is not an approval question (it asks ${thread.question.kind === 'choice' ? `a choice: ${key('answer')} or 1-9 in the thread` : `for text: ${key('answer')}`}); nothing sent`),
					effects: [],
				};
			}
			return (
				refused(refuseEarly(thread, state, world, {answering: true})) ??
				open(textPrompt({kind: 'text', purpose: 'answer', threadId: thread.id, value: '', version, intent: {approved: action === 'approve'}}))
			);
		case 'amend': {
			const early = refused(refuseEarly(thread, state, world));
			if (early) return early;
			const decision = thread.state === 'answered' ? decisionOf(thread) : null;
			if (!decision) return {state: say(state, `${ticket} has no answer to amend; answer it with ${key('answer')}`), effects: []};
			if (thread.question.kind === 'approval') return open({kind: 'menu', purpose: 'amend', threadId: thread.id, options: ['approve', 'deny'], index: decision.approved ? 1 : 0, version});
			const value = decision.kind === 'text' ? safeLine(decision.body) : '';
			return open(textPrompt({kind: 'text', purpose: 'answer', threadId: thread.id, value, version, intent: {amend: true}}));
		}
		case 'assign':
			// Empty: Enter assigns to me (the prompt says so); typing gives another name, never "rootalice".
			return refused(refuseEarly(thread, state, world)) ?? open(textPrompt({kind: 'text', purpose: 'assign', threadId: thread.id, value: '', version}));
		case 'state': {
			if (thread.state === 'closed') return {state: say(state, `${ticket} is closed; no state change is allowed from there`), effects: []};
			const options = allowedTransitions(thread.state);
			if (options.length === 0) return {state: say(state, `${ticket} is ${thread.state}; no state change is allowed from there`), effects: []};
			return open({kind: 'menu', purpose: 'state', threadId: thread.id, options, index: 0, version});
		}
		case 'priority':
			return refused(refuseEarly(thread, state, world)) ?? open({kind: 'menu', purpose: 'priority', threadId: thread.id, options: PRIORITIES, index: Math.max(0, PRIORITIES.indexOf(thread.priority)), version});
		case 'close':
			if (thread.state === 'closed') return {state: say(state, `${ticket} is already closed`), effects: []};
			return open({kind: 'confirm', purpose: 'close', threadId: thread.id, version});
		case 'snooze':
			if (thread.state === 'closed') return {state: say(state, `${ticket} is closed; only an open question can be snoozed`), effects: []};
			if (!SNOOZABLE_STATES.includes(thread.state)) return {state: say(state, `${ticket} is ${thread.state}; only an open question waiting for a decision can be snoozed`), effects: []};
			return open(textPrompt({kind: 'text', purpose: 'snooze', threadId: thread.id, value: '', version}));
		case 'unsnooze':
			if (!isSnoozed(thread, world.now)) return {state: say(state, `${ticket} is not snoozed`, 'info'), effects: []};
			return write(step, {type: 'snooze', threadId: thread.id, until: null, note: '', actor: world.operator, ifVersion: version}, {done: `${ticket} is no longer snoozed`}, world);
		case 'claim': {
			// A claim never takes a thread from someone else silently: that is a reassignment (A).
			const holder = thread.assignee;
			if (holder && holder.type === world.operator.type && holder.name === world.operator.name) return {state: say(state, `${ticket} is already yours`, 'info'), effects: []};
			if (holder) {
				const reassign = keyOf('assign', state.view, world.keymap) ?? 'A';
				return {state: say(state, `${ticket} is assigned to ${holder.type}:${safeLine(holder.name)}; ${reassign} reassigns it (a claim only takes an unassigned thread)`), effects: []};
			}
			return (
				refused(refuseEarly(thread, state, world)) ??
				write(step, {type: 'assign', threadId: thread.id, assignee: world.operator, note: 'claimed', actor: world.operator, ifVersion: version}, {done: `claimed ${ticket}`}, world)
			);
		}
		case 'reuse': {
			const early = refused(refuseEarly(thread, state, world, {answering: true}));
			if (early) return early;
			const similar = world.similar?.(thread.id);
			if (!similar) return {state: say(state, `no similar answered thread of ${ticket}'s ticket or agent to reuse (the preview shows one when there is)`, 'info'), effects: []};
			return write(
				step,
				{type: 'answer', threadId: thread.id, body: '', reuses: {threadId: similar.threadId, ...(similar.postId ? {postId: similar.postId} : {})}, actor: world.operator, ifVersion: version},
				{done: `answered ${ticket} with the earlier decision: ${safeLine(similar.headline.slice(0, 40))}`, leaveDetail: true, movesOn: true},
				world,
			);
		}
		case 'editor':
			if (!world.editorAvailable) return {state: say(state, 'no editor here'), effects: []};
			return refused(refuseEarly(thread, state, world, {answering: true})) ?? {state, effects: [{type: 'editor', threadId: thread.id, version, intent: {}}]};
		default:
			return step;
	}
}

/** Dispatch a command (an effect); the outcome comes back as `written`. */
function write(step: Step, command: CommandInput, spec: WriteSpec, world: World): Update {
	const {state} = step;
	if (state.waiting) return notLanded(step, `not sent: ${state.waiting.what} is still waiting for the database; send this after it`, spec, world);
	if (state.running) return notLanded(step, `not sent: ${state.running.what} is still under way (${state.running.done}/${state.running.total}); send this after it`, spec, world);
	const order = entriesOf(state, world).map((entry) => entry.thread.id);
	return {state, effects: [...step.effects, {type: 'write', command, spec, order}]};
}

/** The write did not land: keep the text in the kept-text menu, or just say why. */
function notLanded(step: Step, reason: string, spec: WriteSpec, world: World): Update {
	const {state} = step;
	const thread = spec.kept ? world.thread(spec.kept.threadId) : undefined;
	const why = inTicketTerms(reason, thread);
	if (spec.kept && spec.kept.text.trim() !== '') {
		// Show the thread as it is now (the feed may not have caught up with what made it refuse).
		return {state: {...state, prompt: {kind: 'kept', kept: {...spec.kept, reason: why}}, notice: undefined}, effects: [...step.effects, {type: 'refresh', threadIds: [spec.kept.threadId]}]};
	}
	return {state: {...state, prompt: undefined, notice: {text: why, tone: 'error'}}, effects: step.effects};
}

function written(step: Step, input: Extract<Input, {type: 'written'}>, world: World): Update {
	const cleared: Step = {state: {...step.state, waiting: undefined}, effects: []};
	const {outcome, spec, command} = input;
	const thread = 'threadId' in command && command.threadId ? world.thread(command.threadId) : undefined;
	if (outcome.kind === 'locked') {
		const seconds = Math.round(outcome.elapsedMs / 1000);
		return notLanded(cleared, outcome.cancelled ? 'stopped waiting for the database; nothing was sent' : `the database stayed locked by another process for ${seconds}s; nothing was sent`, spec, world);
	}
	if (outcome.kind === 'failed') return notLanded(cleared, `not done: ${outcome.message}`, spec, world);
	const result = outcome.result;
	if (!result.ok) {
		if (spec.keepPromptOnInvalid && !outcome.waited && result.rejection.code === 'invalid_input') {
			return {state: say(cleared.state, inTicketTerms(result.rejection.message, thread)), effects: []};
		}
		return notLanded(cleared, inTicketTerms(result.rejection.message, thread), spec, world);
	}
	const state: DashState = {
		...cleared.state,
		prompt: undefined,
		notice: {text: result.events.length === 0 ? `${spec.done} (no change)` : spec.done, tone: 'ok'},
		view: spec.leaveDetail ? 'queue' : cleared.state.view,
		// Only what ends the thread's need moves the cursor on; assign, priority and posts keep it.
		moveOn: spec.movesOn ? {before: input.order, actedId: result.threadId} : undefined,
		selectedId: spec.leaveDetail && cleared.state.view === 'detail' ? (cleared.state.openId ?? cleared.state.selectedId) : cleared.state.selectedId,
	};
	const effects: Effect[] = result.thread ? [{type: 'markSeen', thread: result.thread}] : [];
	return {state, effects};
}

function submitText(step: Step, prompt: Extract<Prompt, {kind: 'text'}>, world: World): Update {
	const {state} = step;
	if (prompt.purpose === 'filter') {
		// A bad filter keeps the prompt open with the text as typed, and says what is wrong.
		const parsed = parseFilter(prompt.value);
		if (!parsed.ok) return {state: say(state, `filter: ${parsed.error.message}`), effects: []};
		return {state: {...refilter(state, world, prompt.value), prompt: undefined, filterFrom: undefined, notice: undefined}, effects: []};
	}
	if (prompt.purpose === 'bulkAssign') {
		const assignee = parseAssignee(prompt.value, world.operator);
		if (typeof assignee === 'string') return {state: say(state, assignee), effects: []};
		const commands = prompt.targets.map(({threadId, version}): CommandInput => ({type: 'assign', threadId, assignee, note: '', actor: world.operator, ifVersion: version}));
		return bulk(step, commands, {done: `assigned to ${safeLine(assignee.name)}`, what: `assign ${count(commands.length)}`});
	}
	const thread = world.thread(prompt.threadId);
	const ticket = thread ? safeLine(thread.ticket) : 'thread';
	const {threadId, version: ifVersion, value} = prompt;
	const operator = world.operator;
	if (prompt.purpose === 'answer') {
		const intent = prompt.intent ?? {};
		const verb = intent.approved === true ? 'approved' : intent.approved === false ? 'denied' : intent.amend ? 'amended' : 'answered';
		return write(
			step,
			{type: 'answer', threadId, body: value, actor: operator, ifVersion, ...(intent.approved !== undefined ? {approved: intent.approved} : {}), ...(intent.amend ? {amend: true} : {})},
			{done: `${verb} ${ticket}`, keepPromptOnInvalid: true, leaveDetail: true, movesOn: true, kept: {threadId, text: value, origin: 'answer', intent}},
			world,
		);
	}
	if (prompt.purpose === 'snooze') {
		const time = parseSnoozeTime(value.trim() === '' ? DEFAULT_SNOOZE : value, world.now, {offsetMinutes: world.utcOffsetMinutes ?? 0});
		// The prompt stays open with the text: fix it and press Enter again.
		if (!time.ok) return {state: say(state, time.message), effects: []};
		return write(
			step,
			{type: 'snooze', threadId, until: time.until, note: '', actor: operator, ifVersion},
			{done: `snoozed ${ticket} until ${localHourMinute(time.until, world.utcOffsetMinutes ?? 0)}`, keepPromptOnInvalid: true, movesOn: true, leaveDetail: true},
			world,
		);
	}
	if (prompt.purpose === 'post') {
		return write(step, {type: 'post', threadId, body: value, actor: operator, ifVersion}, {done: `posted on ${ticket}`, keepPromptOnInvalid: true, kept: {threadId, text: value, origin: 'post'}}, world);
	}
	const assignee = parseAssignee(value, operator);
	if (typeof assignee === 'string') return {state: say(state, assignee), effects: []};
	return write(step, {type: 'assign', threadId, assignee, note: '', actor: operator, ifVersion}, {done: `assigned ${ticket} to ${safeLine(assignee.name)}`, keepPromptOnInvalid: true}, world);
}

function submitMenu(step: Step, prompt: Extract<Prompt, {kind: 'menu'}>, world: World): Update {
	const {state} = step;
	if ('targets' in prompt) {
		const choice = prompt.options[prompt.index]!;
		const {targets} = prompt;
		if (prompt.purpose === 'bulkPriority') {
			const commands = targets.map(({threadId, version}): CommandInput => ({type: 'change_priority', threadId, priority: choice as Thread['priority'], actor: world.operator, ifVersion: version}));
			return bulk(step, commands, {done: `priority ${choice}`, what: `set the priority of ${count(targets.length)}`});
		}
		// Closing from the state menu asks the same y/N as c.
		if (choice === 'closed') return {state: {...state, prompt: {kind: 'confirm', purpose: 'bulkClose', targets}}, effects: []};
		const commands = targets.map(({threadId, version}): CommandInput => ({type: 'change_state', threadId, state: choice as Thread['state'], actor: world.operator, ifVersion: version}));
		return bulk(step, commands, {done: `→ ${choice}`, what: `move ${count(targets.length)}`});
	}
	const ticket = safeLine(world.thread(prompt.threadId)?.ticket ?? 'thread');
	const choice = prompt.options[prompt.index]!;
	const {threadId, version: ifVersion} = prompt;
	if (prompt.purpose === 'state') {
		// Closing from the state menu asks the same y/N as c.
		if (choice === 'closed') return {state: {...state, prompt: {kind: 'confirm', purpose: 'close', threadId, version: ifVersion}}, effects: []};
		return write(step, {type: 'change_state', threadId, state: choice as Thread['state'], actor: world.operator, ifVersion}, {done: `${ticket} → ${choice}`}, world);
	}
	if (prompt.purpose === 'priority') {
		return write(step, {type: 'change_priority', threadId, priority: choice as Thread['priority'], actor: world.operator, ifVersion}, {done: `${ticket} priority ${choice}`}, world);
	}
	return {state: {...state, prompt: textPrompt({kind: 'text', purpose: 'answer', threadId, value: '', version: ifVersion, intent: {amend: true, approved: choice === 'approve'}})}, effects: []};
}

function onKeptKey(step: Step, kept: KeptText, action: Action | undefined, world: World): Update {
	const {state} = step;
	const thread = world.thread(kept.threadId);
	switch (action) {
		case 'keptPost':
			// On the thread's version as it is now (read again): the operator has seen why it was refused.
			return write(
				step,
				{type: 'post', threadId: kept.threadId, body: kept.text, actor: world.operator, ...(thread ? {ifVersion: thread.lastSequence} : {})},
				{done: `posted the kept text on ${safeLine(thread?.ticket ?? 'the thread')}`, kept, onCurrentVersion: true},
				world,
			);
		case 'keptEdit':
			if (kept.origin === 'editor' && thread) return {state: {...state, prompt: undefined}, effects: [{type: 'editor', threadId: thread.id, version: thread.lastSequence, initial: kept.text, intent: kept.intent ?? {}}]};
			return {
				state: {
					...state,
					prompt: textPrompt({kind: 'text', purpose: kept.origin === 'post' ? 'post' : 'answer', threadId: kept.threadId, value: safeLine(kept.text), version: thread?.lastSequence ?? 0, intent: kept.intent}),
				},
				effects: [],
			};
		case 'keptDiscard':
			return {state: {...state, prompt: {kind: 'confirm', purpose: 'discard', kept}}, effects: []};
		default:
			return step;
	}
}

function onPromptKey(step: Step, prompt: Prompt, name: string, text: string, action: Action | undefined, world: World): Update {
	const {state} = step;
	if (prompt.kind === 'kept') return onKeptKey(step, prompt.kept, action, world);
	if (prompt.kind === 'confirm') {
		if (prompt.purpose === 'discard') {
			if (action === 'confirmYes') return {state: {...state, prompt: undefined, notice: {text: 'kept text discarded', tone: 'info'}}, effects: []};
			return {state: {...state, prompt: {kind: 'kept', kept: prompt.kept}}, effects: []};
		}
		if (prompt.purpose === 'bulkClose') {
			if (action !== 'confirmYes') return {state: {...state, prompt: undefined, notice: {text: 'not closed', tone: 'info'}}, effects: []};
			const commands = prompt.targets.map(({threadId, version}): CommandInput => ({type: 'close', threadId, actor: world.operator, ifVersion: version}));
			return bulk(step, commands, {done: 'closed', what: `close ${count(commands.length)}`});
		}
		if (action === 'confirmYes') {
			const ticket = safeLine(world.thread(prompt.threadId)?.ticket ?? 'thread');
			return write(step, {type: 'close', threadId: prompt.threadId, actor: world.operator, ifVersion: prompt.version}, {done: `closed ${ticket}`, leaveDetail: true, movesOn: true}, world);
		}
		return {state: {...state, prompt: undefined, notice: {text: 'not closed', tone: 'info'}}, effects: []};
	}
	if (prompt.kind === 'menu') {
		const count = prompt.options.length;
		if (action === 'cancel') return {state: {...state, prompt: undefined}, effects: []};
		if (action === 'submit') return submitMenu(step, prompt, world);
		if (action === 'menuNext') return {state: {...state, prompt: {...prompt, index: (prompt.index + 1) % count}}, effects: []};
		if (action === 'menuPrev') return {state: {...state, prompt: {...prompt, index: (prompt.index - 1 + count) % count}}, effects: []};
		if (action === 'menuPick' && Number(name) <= count) return submitMenu(step, {...prompt, index: Number(name) - 1}, world);
		return step;
	}
	// The text input.
	if (action === 'cancel') {
		if (prompt.purpose !== 'filter') return {state: {...state, prompt: undefined}, effects: []};
		// Esc: no filter, and the cursor back on the thread it was on before `/`.
		const from = state.filterFrom;
		const cleared = {...state, prompt: undefined, filters: {...state.filters, [SECTIONS[state.sectionIndex]!.id]: ''}, filterFrom: undefined, notice: undefined};
		if (!from?.id) return {state: refilter(cleared, world, ''), effects: []};
		const index = entriesOf(cleared, world).findIndex((entry) => entry.thread.id === from.id);
		return {state: {...cleared, selectedId: from.id, lastIndex: index >= 0 ? index : from.index, offset: from.offset}, effects: []};
	}
	if (action === 'submit') return submitText(step, prompt, world);
	if (action === 'pickChoice' && prompt.purpose === 'answer' && prompt.value === '' && prompt.intent?.approved === undefined) {
		const thread = world.thread(prompt.threadId);
		if (thread?.question.kind === 'choice' && Number(name) <= thread.question.choices.length) {
			return sendChoice(step, thread, Number(name), prompt.version, world, prompt.intent?.amend === true);
		}
	}
	const {value, cursor} = prompt;
	const edit = (next: {value: string; cursor: number}) => setText(step, prompt, next, world);
	switch (action) {
		case 'cursorLeft':
			return edit({value, cursor: previousBoundary(value, cursor)});
		case 'cursorRight':
			return edit({value, cursor: nextBoundary(value, cursor)});
		case 'lineStart':
			return edit({value, cursor: 0});
		case 'lineEnd':
			return edit({value, cursor: value.length});
		case 'deleteChar':
			return edit(deleteBefore(value, cursor));
		case 'deleteWord':
			return edit(deleteWordBefore(value, cursor));
		case 'clearInput':
			return edit({value: value.slice(cursor), cursor: 0});
		default:
			break;
	}
	// Any other key that types something: its text goes in at the cursor.
	if (name.startsWith('ctrl+') || text === '') return step;
	return typeText(step, prompt, text, world);
}

/** Text into the input at the cursor. A chunk that ends in Enter ("Ship it.\r") is text plus submit. */
function typeText(step: Step, prompt: Extract<Prompt, {kind: 'text'}>, text: string, world: World): Update {
	// Other line breaks inside a chunk (a multi-line paste) become spaces and never submit.
	// A lone "\r" is the Enter of a chunk like "z\r": the key that opened the prompt, then Enter.
	const submits = text.endsWith('\r') && !/[\r\n]/.test(text.slice(0, -1));
	const clean = typed(submits ? text.slice(0, -1) : text);
	const next = setText(step, prompt, insertAt(prompt.value, prompt.cursor, clean), world);
	const current = next.state.prompt;
	if (submits && current?.kind === 'text') return submitText(next, current, world);
	return next;
}

function setText(step: Step, prompt: Extract<Prompt, {kind: 'text'}>, edit: {value: string; cursor: number}, world: World): Update {
	const nextPrompt = {...prompt, value: edit.value, cursor: edit.cursor} as Prompt;
	const state = {...step.state, prompt: nextPrompt};
	if (prompt.purpose === 'filter' && edit.value !== prompt.value) {
		// Live: each good filter applies as it is typed; a bad one leaves the last good one and says why.
		const parsed = parseFilter(edit.value);
		if (!parsed.ok) return {state: say(state, `filter: ${parsed.error.message}`), effects: step.effects};
		return {state: {...refilter(state, world, edit.value), notice: undefined}, effects: step.effects};
	}
	return {state, effects: step.effects};
}

// --- bulk: the marked threads ------------------------------------------------------------------

/** The actions that act on every marked thread in the queue (the others act on the cursor's). */
const BULK_ACTIONS: readonly Action[] = ['assign', 'priority', 'state', 'close'];

/** `1 thread`, `3 threads`. */
export function count(n: number): string {
	return `${n} ${n === 1 ? 'thread' : 'threads'}`;
}

/** The marked rows in queue order, each with the version shown now. */
export function targetsOf(state: DashState, world: World): Target[] {
	return entriesOf(state, world)
		.filter((entry) => state.marked.has(entry.thread.id))
		.map((entry) => ({threadId: entry.thread.id, version: entry.thread.lastSequence}));
}

function startBulk(step: Step, action: Action, world: World): Update {
	const {state} = step;
	const targets = targetsOf(state, world);
	const threads = targets.map((target) => world.thread(target.threadId)).filter((thread): thread is Thread => thread !== undefined);
	const open = (prompt: Prompt): Update => ({state: {...state, prompt}, effects: []});
	const allClosed = threads.every((thread) => thread.state === 'closed');
	switch (action) {
		case 'assign':
			return open({kind: 'text', purpose: 'bulkAssign', targets, value: '', cursor: 0});
		case 'priority': {
			const common = threads.every((thread) => thread.priority === threads[0]?.priority) ? threads[0]?.priority : undefined;
			return open({kind: 'menu', purpose: 'bulkPriority', targets, options: PRIORITIES, index: Math.max(0, PRIORITIES.indexOf(common ?? 'normal'))});
		}
		case 'state': {
			// Every move one of them allows; the rule refuses it for the others, and the summary says so.
			const moves = new Set(threads.flatMap((thread) => allowedTransitions(thread.state)));
			const options = THREAD_STATES.filter((target) => moves.has(target));
			// Only a closed thread allows no move at all.
			if (options.length === 0) return {state: say(state, `the ${count(targets.length)} marked ${targets.length === 1 ? 'is' : 'are'} closed; no state change is allowed from there`), effects: []};
			return open({kind: 'menu', purpose: 'bulkState', targets, options, index: 0});
		}
		case 'close':
			if (allClosed) return {state: say(state, `the ${count(targets.length)} marked ${targets.length === 1 ? 'is' : 'are'} already closed`), effects: []};
			return open({kind: 'confirm', purpose: 'bulkClose', targets});
		default:
			return step;
	}
}

/** Send a bulk action's commands (one effect; the app writes them one by one). */
function bulk(step: Step, commands: readonly CommandInput[], spec: BulkSpec): Update {
	const {state} = step;
	const busy = state.waiting ? `${state.waiting.what} is still waiting for the database` : state.running ? `${state.running.what} is still under way` : undefined;
	if (busy) return {state: {...state, prompt: undefined, notice: {text: `not sent: ${busy}; ${spec.what} after it`, tone: 'error'}}, effects: []};
	return {state: {...state, prompt: undefined, notice: undefined, running: {what: spec.what, done: 0, total: commands.length}}, effects: [...step.effects, {type: 'bulk', commands, spec}]};
}

/** Why a write was refused, short: `stale (operator bob answered it 4s ago)`, else the rule's words. */
function shortReason(code: string, message: string, thread: Thread | undefined): string {
	const changes = code === 'stale' ? /changed since version \d+: (.*); read it again/.exec(message)?.[1] : undefined;
	if (changes) return `stale (${changes})`;
	const text = inTicketTerms(message, thread);
	const ticket = thread ? safeLine(thread.ticket) : '';
	return ticket && text.startsWith(`${ticket} `) ? text.slice(ticket.length + 1) : text;
}

/**
 * The summary of a bulk action: `closed 2 · refused 1: OPS-7 stale (bob answered it)`, with
 * `unchanged` (already so: no event) and `not sent` (the database stayed locked, or Esc).
 */
export function bulkSummary(
	spec: BulkSpec,
	results: readonly BulkResult[],
	thread: (id: string) => Thread | undefined,
	shown: (id: string) => boolean = () => true,
): {text: string; tone: Notice['tone']; settled: string[]} {
	const changed: string[] = [];
	const unchanged: string[] = [];
	const refused: string[] = [];
	const unsent: string[] = [];
	// Refused and unsent threads stay marked while they are shown (a thread that left the view drops its mark).
	const kept = {refused: 0, unsent: 0};
	let unsentWhy = '';
	for (const {threadId, outcome} of results) {
		const known = thread(threadId);
		const ticket = safeLine(known?.ticket ?? threadId);
		if (outcome.kind === 'done') {
			const result = outcome.result;
			if (result.ok) (result.events.length === 0 ? unchanged : changed).push(threadId);
			else {
				refused.push(`${ticket} ${shortReason(result.rejection.code, result.rejection.message, known)}`);
				if (shown(threadId)) kept.refused += 1;
			}
		} else {
			unsent.push(ticket);
			if (shown(threadId)) kept.unsent += 1;
			unsentWhy ||= outcome.kind === 'failed' ? outcome.message : outcome.cancelled ? 'stopped waiting for the database' : `the database stayed locked for ${Math.round(outcome.elapsedMs / 1000)}s`;
		}
	}
	const parts = [`${spec.done} ${changed.length}`];
	if (unchanged.length > 0) parts.push(`unchanged ${unchanged.length} (already so)`);
	// Said up front, where a narrow pane still shows it: those still marked, to look at and retry.
	const still = (n: number, of: number) => (n === 0 ? '' : n === of ? ', still marked' : `, ${n} still marked`);
	if (refused.length > 0) parts.push(`refused ${refused.length}${still(kept.refused, refused.length)}: ${refused.slice(0, 3).join('; ')}${refused.length > 3 ? `; and ${refused.length - 3} more` : ''}`);
	if (unsent.length > 0) parts.push(`not sent ${unsent.length}${still(kept.unsent, unsent.length)}: ${unsentWhy}`);
	const trouble = refused.length + unsent.length;
	return {text: parts.join(' · '), tone: trouble > 0 ? 'error' : 'ok', settled: [...changed, ...unchanged]};
}

function bulkWritten(step: Step, input: Extract<Input, {type: 'bulkWritten'}>, world: World): Update {
	const {state} = step;
	const shown = new Set(entriesOf(state, world).map((entry) => entry.thread.id));
	const summary = bulkSummary(input.spec, input.results, world.thread, (id) => shown.has(id));
	// What landed is unmarked; what was refused or not sent stays marked, to look at and retry.
	const marked = new Set([...state.marked].filter((id) => !summary.settled.includes(id)));
	const effects: Effect[] = [];
	for (const {outcome} of input.results) if (outcome.kind === 'done' && outcome.result.ok && outcome.result.thread) effects.push({type: 'markSeen', thread: outcome.result.thread});
	return {state: {...state, running: undefined, waiting: undefined, marked, notice: {text: summary.text, tone: summary.tone}}, effects};
}
