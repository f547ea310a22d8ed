/**
 * The dashboard's keys as data: one registry that both the input handler and the `?`
 * help overlay read (gh-dash / k9s style), so a key cannot work without being documented.
 */
import type {Key} from 'ink';
import type {QuestionKind} from '../forum/types.js';

/** Where a key works: the queue list, or an open thread's detail. */
export type View = 'queue' | 'detail';

/**
 * Where a key works, views and the bottom-line modes: an inline text input, a menu, a y/N
 * question, the keep-your-text menu after a refused write, a write waiting for the database.
 */
export type Mode = View | 'input' | 'menu' | 'confirm' | 'kept' | 'waiting';

/** The bottom-line modes, in help order, with the name the help overlay gives them. */
export const PROMPT_MODES: readonly {mode: Exclude<Mode, View>; label: string}[] = [
	{mode: 'input', label: 'typing'},
	{mode: 'menu', label: 'menu'},
	{mode: 'confirm', label: 'y/N'},
	{mode: 'kept', label: 'kept text'},
	{mode: 'waiting', label: 'waiting'},
];

export type Action =
	| 'down'
	| 'up'
	| 'top'
	| 'bottom'
	| 'pageDown'
	| 'pageUp'
	| 'nextSection'
	| 'prevSection'
	| 'section'
	| 'open'
	| 'back'
	| 'answer'
	| 'editor'
	| 'post'
	| 'assign'
	| 'state'
	| 'priority'
	| 'close'
	| 'filter'
	| 'help'
	| 'quit'
	| 'choose'
	| 'approve'
	| 'deny'
	| 'amend'
	| 'agentPane'
	| 'jumpToPane'
	// bottom-line modes
	| 'submit'
	| 'cancel'
	| 'deleteChar'
	| 'clearInput'
	| 'pickChoice'
	| 'menuNext'
	| 'menuPrev'
	| 'menuPick'
	| 'confirmYes'
	| 'confirmNo'
	| 'keptPost'
	| 'keptEdit'
	| 'keptDiscard'
	| 'cancelWait';

export interface KeyBinding {
	/** Key names as `keyName` produces them. */
	keys: readonly string[];
	/** How the help overlay writes the keys. */
	label: string;
	action: Action;
	description: string;
	views: readonly Mode[];
	/** Short word for the one-line hint bar; bindings without one are only in `?`. */
	hint?: string;
	/** Hinted only for a thread that asks this kind of question (or, `answered`, has a decision). */
	hintWhen?: QuestionKind | 'answered';
}

const BOTH: readonly View[] = ['queue', 'detail'];

export const SECTION_KEYS = ['1', '2', '3', '4', '5', '6'] as const;
/** One digit per option of a choice question (at most MAX_CHOICES = 9). */
export const CHOICE_KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

export const KEYMAP: readonly KeyBinding[] = [
	{keys: ['j', 'down'], label: 'j ↓', action: 'down', description: 'next thread (detail: scroll down)', views: BOTH},
	{keys: ['k', 'up'], label: 'k ↑', action: 'up', description: 'previous thread (detail: scroll up)', views: BOTH},
	{keys: ['g', 'home'], label: 'g', action: 'top', description: 'first thread / top of the conversation', views: BOTH},
	{keys: ['G', 'end'], label: 'G', action: 'bottom', description: 'last thread / end of the conversation', views: BOTH},
	{keys: ['pagedown', 'ctrl+d'], label: 'PgDn', action: 'pageDown', description: 'one page down', views: BOTH},
	{keys: ['pageup', 'ctrl+u'], label: 'PgUp', action: 'pageUp', description: 'one page up', views: BOTH},
	{keys: ['tab'], label: 'Tab', action: 'nextSection', description: 'next section', views: ['queue']},
	{keys: ['shift+tab'], label: 'S-Tab', action: 'prevSection', description: 'previous section', views: ['queue']},
	{keys: SECTION_KEYS, label: '1-6', action: 'section', description: 'jump to a section', views: ['queue']},
	{keys: ['enter'], label: 'Enter', action: 'open', description: 'open the thread: whole conversation, history', views: ['queue']},
	{keys: ['escape'], label: 'Esc', action: 'back', description: 'back to the queue / clear the filter', views: BOTH},
	{keys: ['a'], label: 'a', action: 'answer', description: 'answer (inline; Enter sends) → answered', views: BOTH, hint: 'answer'},
	{keys: CHOICE_KEYS, label: '1-9', action: 'choose', description: 'choice question: send that option as the answer', views: ['detail'], hint: 'choose', hintWhen: 'choice'},
	{keys: ['y'], label: 'y', action: 'approve', description: 'approval question: approve (optional reason, Enter sends)', views: BOTH, hint: 'approve', hintWhen: 'approval'},
	{keys: ['n'], label: 'n', action: 'deny', description: 'approval question: deny (optional reason, Enter sends)', views: BOTH, hint: 'deny', hintWhen: 'approval'},
	{keys: ['M'], label: 'M', action: 'amend', description: 'amend the current answer (history keeps both)', views: BOTH, hint: 'amend', hintWhen: 'answered'},
	{keys: ['e'], label: 'e', action: 'editor', description: 'answer in $EDITOR', views: BOTH, hint: 'editor'},
	{keys: ['r'], label: 'r', action: 'post', description: 'add a post without changing the state', views: BOTH, hint: 'post'},
	{keys: ['A'], label: 'A', action: 'assign', description: 'assign (default: me)', views: BOTH, hint: 'assign'},
	{keys: ['s'], label: 's', action: 'state', description: 'change state (only moves the rules allow)', views: BOTH, hint: 'state'},
	{keys: ['p'], label: 'p', action: 'priority', description: 'change priority', views: BOTH, hint: 'priority'},
	{keys: ['c'], label: 'c', action: 'close', description: 'close (asks; default No)', views: BOTH, hint: 'close'},
	{keys: ['t'], label: 't', action: 'agentPane', description: "show / hide the agent's tmux pane (live) beside its question", views: BOTH},
	{keys: ['T'], label: 'T', action: 'jumpToPane', description: "jump to the agent's tmux pane (come back: tmux switch-client -l, prefix L)", views: BOTH},
	{keys: ['/'], label: '/', action: 'filter', description: 'filter by title, body, ticket, agent (Esc clears)', views: ['queue'], hint: 'filter'},
	{keys: ['?'], label: '?', action: 'help', description: 'this help', views: BOTH, hint: 'help'},
	{keys: ['q', 'ctrl+c'], label: 'q ^C', action: 'quit', description: 'quit (terminal restored)', views: BOTH, hint: 'quit'},

	{keys: ['enter'], label: 'Enter', action: 'submit', description: 'send (filter: keep it)', views: ['input']},
	{keys: ['escape'], label: 'Esc', action: 'cancel', description: 'cancel (filter: clear it)', views: ['input']},
	{keys: ['backspace', 'delete'], label: 'Bksp', action: 'deleteChar', description: 'delete the last character', views: ['input']},
	{keys: ['ctrl+u'], label: '^U', action: 'clearInput', description: 'clear the input', views: ['input']},
	{keys: CHOICE_KEYS, label: '1-9', action: 'pickChoice', description: 'empty answer to a choice question: send that option', views: ['input']},
	{keys: ['right', 'down', 'l', 'j', 'tab'], label: '→ j Tab', action: 'menuNext', description: 'next option', views: ['menu']},
	{keys: ['left', 'up', 'h', 'k', 'shift+tab'], label: '← k', action: 'menuPrev', description: 'previous option', views: ['menu']},
	{keys: CHOICE_KEYS, label: '1-9', action: 'menuPick', description: 'apply that option', views: ['menu']},
	{keys: ['enter'], label: 'Enter', action: 'submit', description: 'apply the highlighted option', views: ['menu']},
	{keys: ['escape'], label: 'Esc', action: 'cancel', description: 'leave the menu', views: ['menu']},
	{keys: ['y', 'Y'], label: 'y', action: 'confirmYes', description: 'yes, do it', views: ['confirm']},
	{keys: ['n', 'N', 'enter', 'escape'], label: 'n Enter', action: 'confirmNo', description: 'no (also any other key)', views: ['confirm']},
	{keys: ['p'], label: 'p', action: 'keptPost', description: 'send the kept text as a plain post', views: ['kept']},
	{keys: ['e'], label: 'e', action: 'keptEdit', description: 'edit the kept text again', views: ['kept']},
	{keys: ['d'], label: 'd', action: 'keptDiscard', description: 'discard the kept text (asks y/N)', views: ['kept']},
	{keys: ['escape'], label: 'Esc', action: 'cancelWait', description: 'stop waiting for the database (text kept)', views: ['waiting']},
];

/** One name per key press: `j`, `G`, `enter`, `shift+tab`, `ctrl+c`, `pagedown`… */
export function keyName(input: string, key: Key): string {
	if (key.upArrow) return 'up';
	if (key.downArrow) return 'down';
	if (key.leftArrow) return 'left';
	if (key.rightArrow) return 'right';
	if (key.pageUp) return 'pageup';
	if (key.pageDown) return 'pagedown';
	if (key.home) return 'home';
	if (key.end) return 'end';
	if (key.return) return 'enter';
	if (key.escape) return 'escape';
	if (key.tab) return key.shift ? 'shift+tab' : 'tab';
	if (key.backspace) return 'backspace';
	if (key.delete) return 'delete';
	if (key.ctrl) return `ctrl+${input}`;
	return input;
}

/** The binding for a key in a view or mode, if any. */
export function bindingFor(name: string, mode: Mode, keymap: readonly KeyBinding[] = KEYMAP): KeyBinding | undefined {
	return keymap.find((binding) => binding.views.includes(mode) && binding.keys.includes(name));
}

/** What the hint bar knows of the thread the keys act on. */
export interface HintContext {
	question?: QuestionKind;
	/** Options of a choice question. */
	choices?: number;
	answered?: boolean;
}

/** `a answer  e editor …` for the hint bar, from the registry; question keys only where they apply. */
export function hintBar(view: View, context: HintContext = {}, keymap: readonly KeyBinding[] = KEYMAP): {key: string; word: string}[] {
	return keymap
		.filter((binding) => binding.hint && binding.views.includes(view))
		.filter((binding) => binding.hintWhen === undefined || (binding.hintWhen === 'answered' ? context.answered === true : binding.hintWhen === context.question))
		.map((binding) => ({key: binding.action === 'choose' ? `1-${context.choices ?? 9}` : binding.keys[0]!, word: binding.hint!}));
}
