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
 * question, the keep-your-text menu after a refused write, a write waiting for the database,
 * and the help overlay.
 */
export type Mode = View | 'input' | 'menu' | 'confirm' | 'kept' | 'waiting' | 'help';

/** The modes besides the views, in help order, with the name the help overlay gives them. */
export const PROMPT_MODES: readonly {mode: Exclude<Mode, View>; label: string}[] = [
	{mode: 'input', label: 'typing'},
	{mode: 'menu', label: 'menu'},
	{mode: 'confirm', label: 'y/N'},
	{mode: 'kept', label: 'kept text'},
	{mode: 'waiting', label: 'waiting'},
	{mode: 'help', label: 'help'},
];

/** What a mode is called in the help overlay's title and the README table. */
export const MODE_LABELS: Record<Mode, string> = {
	queue: 'queue',
	detail: 'thread',
	...(Object.fromEntries(PROMPT_MODES.map(({mode, label}) => [mode, label])) as Record<Exclude<Mode, View>, string>),
};

/** A binding for "any other key" in its mode (the y/N question's No, closing the help); no key is named so. */
export const ANY_KEY = 'any';

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
	| 'order'
	| 'help'
	| 'helpNext'
	| 'helpPrev'
	| 'quit'
	| 'choose'
	| 'approve'
	| 'deny'
	| 'amend'
	| 'agentPane'
	| 'jumpToPane'
	| 'snooze'
	| 'unsnooze'
	| 'claim'
	| 'reuse'
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
	| 'cancelWait'
	| 'cursorLeft'
	| 'cursorRight'
	| 'lineStart'
	| 'lineEnd'
	| 'deleteWord'
	| 'closeHelp'
	| 'suspend'
	// marks (bulk actions)
	| 'mark'
	| 'markAll';

export interface KeyBinding {
	/** Key names as `keyName` produces them. */
	keys: readonly string[];
	/** How the help overlay writes the keys. */
	label: string;
	action: Action;
	description: string;
	views: readonly Mode[];
	/** Short word for the one-line hint bar (or a prompt's help); bindings without one are only in `?`. */
	hint?: string;
	/** The hint word in the filter prompt, where Enter keeps and Esc clears. */
	filterHint?: string;
	/** Hinted only for a thread that asks this kind of question (or, `answered`, has a decision). */
	hintWhen?: QuestionKind | 'answered';
	/** Why a config cannot rebind it (the way out, text input, y/N…); absent: rebindable. */
	fixed?: string;
}

const BOTH: readonly View[] = ['queue', 'detail'];
// Keys a config cannot move, and why (the README's config section lists them).
const DIGITS_FIXED = 'the digits are the section and option numbers';
const INPUT_FIXED = 'keys in a text input type text; Enter sends, Esc cancels';
const MENU_FIXED = 'in every menu Enter applies, Esc leaves and digits pick';
const CONFIRM_FIXED = 'a y/N question is always y or anything else';
/** Keys that work everywhere: quit and suspend the job. */
const EVERYWHERE: readonly Mode[] = ['queue', 'detail', 'input', 'menu', 'confirm', 'kept', 'waiting', 'help'];

export const SECTION_KEYS = ['1', '2', '3', '4', '5', '6', '7'] as const;
/** One digit per option of a choice question (at most MAX_CHOICES = 9). */
export const CHOICE_KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

export const KEYMAP: readonly KeyBinding[] = [
	{keys: ['j', 'down'], label: 'j ↓', action: 'down', description: 'next thread (detail: scroll down)', views: BOTH},
	{keys: ['k', 'up'], label: 'k ↑', action: 'up', description: 'previous thread (detail: scroll up)', views: BOTH},
	{keys: ['g', 'home'], label: 'g Home', action: 'top', description: 'first thread / top of the conversation', views: BOTH},
	{keys: ['G', 'end'], label: 'G End', action: 'bottom', description: 'last thread / end of the conversation', views: BOTH},
	{keys: ['pagedown', 'ctrl+d'], label: 'PgDn ^D', action: 'pageDown', description: 'one page down', views: BOTH},
	{keys: ['pageup', 'ctrl+u'], label: 'PgUp ^U', action: 'pageUp', description: 'one page up', views: BOTH},
	{keys: ['tab'], label: 'Tab', action: 'nextSection', description: 'next section', views: ['queue']},
	{keys: ['shift+tab'], label: 'S-Tab', action: 'prevSection', description: 'previous section', views: ['queue']},
	{keys: SECTION_KEYS, label: '1-7', action: 'section', description: 'jump to a section', views: ['queue'], fixed: DIGITS_FIXED},
	{keys: ['enter'], label: 'Enter', action: 'open', description: 'open the thread: whole conversation, history', views: ['queue']},
	{keys: ['escape'], label: 'Esc', action: 'back', description: 'back to the queue / clear the marks, then the filter', views: BOTH},
	{keys: ['a'], label: 'a', action: 'answer', description: 'answer (inline; Enter sends) → answered', views: BOTH, hint: 'answer'},
	{keys: CHOICE_KEYS, label: '1-9', action: 'choose', description: 'choice question: send that option as the answer', views: ['detail'], hint: 'choose', hintWhen: 'choice', fixed: DIGITS_FIXED},
	{keys: ['y'], label: 'y', action: 'approve', description: 'approval question: approve (optional reason, Enter sends)', views: BOTH, hint: 'approve', hintWhen: 'approval'},
	{keys: ['n'], label: 'n', action: 'deny', description: 'approval question: deny (optional reason, Enter sends)', views: BOTH, hint: 'deny', hintWhen: 'approval'},
	{keys: ['M'], label: 'M', action: 'amend', description: 'amend the current answer (history keeps both)', views: BOTH, hint: 'amend', hintWhen: 'answered'},
	{keys: ['e'], label: 'e', action: 'editor', description: 'answer in $EDITOR', views: BOTH, hint: 'editor'},
	{keys: ['r'], label: 'r', action: 'post', description: 'add a post without changing the state', views: BOTH, hint: 'post'},
	{keys: ['A'], label: 'A', action: 'assign', description: 'assign (default: me)', views: BOTH, hint: 'assign'},
	{keys: ['s'], label: 's', action: 'state', description: 'change state (only moves the rules allow)', views: BOTH, hint: 'state'},
	{keys: ['p'], label: 'p', action: 'priority', description: 'change priority', views: BOTH, hint: 'priority'},
	{keys: ['c'], label: 'c', action: 'close', description: 'close (asks; default No)', views: BOTH, hint: 'close'},
	{keys: ['z'], label: 'z', action: 'snooze', description: 'snooze: out of Needs human until a time (30m, 2h, 1d, 14:30; Enter: 1h) or an agent post', views: BOTH},
	{keys: ['Z'], label: 'Z', action: 'unsnooze', description: 'end the snooze now (back in Needs human)', views: BOTH},
	{keys: ['m'], label: 'm', action: 'claim', description: "claim: assign to me, note \"claimed\" (never one someone holds)", views: BOTH},
	{keys: ['R'], label: 'R', action: 'reuse', description: 'answer with the similar answered thread\'s decision shown in the preview', views: BOTH},
	{keys: ['t'], label: 't', action: 'agentPane', description: "show / hide the agent's tmux pane (live) beside its question", views: BOTH},
	{keys: ['T'], label: 'T', action: 'jumpToPane', description: "jump to the agent's tmux pane (come back: tmux switch-client -l, prefix L)", views: BOTH},
	{keys: ['space'], label: 'Space', action: 'mark', description: 'mark / unmark the thread (then the next row); A p s c act on all marked', views: ['queue']},
	{keys: ['*'], label: '*', action: 'markAll', description: 'mark every thread shown (section and filter); again: unmark them', views: ['queue']},
	{keys: ['/'], label: '/', action: 'filter', description: 'filter this section: agent:etl priority:>=high words… (README: Filters; Esc clears)', views: ['queue'], hint: 'filter'},
	{keys: ['o'], label: 'o', action: 'order', description: 'cycle the order: default → blocked cost → newest → recently updated', views: ['queue']},
	{keys: ['?'], label: '?', action: 'help', description: 'this help', views: BOTH, hint: 'help'},
	{keys: ['q'], label: 'q', action: 'quit', description: 'quit (terminal restored)', views: BOTH, hint: 'quit'},
	{keys: ['ctrl+c'], label: '^C', action: 'quit', description: 'quit, from anywhere (terminal restored)', views: EVERYWHERE, fixed: 'Ctrl-C always quits'},
	{keys: ['ctrl+z'], label: '^Z', action: 'suspend', description: 'suspend to the shell (fg brings it back)', views: EVERYWHERE, fixed: 'Ctrl-Z always suspends'},

	{keys: ['enter'], label: 'Enter', action: 'submit', description: 'send (filter: keep it)', views: ['input'], hint: 'send', filterHint: 'keep', fixed: INPUT_FIXED},
	{keys: ['escape'], label: 'Esc', action: 'cancel', description: 'cancel (filter: clear it, back where you were)', views: ['input'], hint: 'cancel', filterHint: 'clear', fixed: INPUT_FIXED},
	{keys: ['left'], label: '←', action: 'cursorLeft', description: 'move the cursor left', views: ['input'], fixed: INPUT_FIXED},
	{keys: ['right'], label: '→', action: 'cursorRight', description: 'move the cursor right', views: ['input'], fixed: INPUT_FIXED},
	{keys: ['home', 'ctrl+a'], label: 'Home ^A', action: 'lineStart', description: 'to the start of the input', views: ['input'], fixed: INPUT_FIXED},
	{keys: ['end', 'ctrl+e'], label: 'End ^E', action: 'lineEnd', description: 'to the end of the input', views: ['input'], fixed: INPUT_FIXED},
	{keys: ['backspace', 'delete'], label: 'Bksp', action: 'deleteChar', description: 'delete the character before the cursor', views: ['input'], fixed: INPUT_FIXED},
	{keys: ['ctrl+w'], label: '^W', action: 'deleteWord', description: 'delete the word before the cursor', views: ['input'], fixed: INPUT_FIXED},
	{keys: ['ctrl+u'], label: '^U', action: 'clearInput', description: 'delete everything before the cursor', views: ['input'], fixed: INPUT_FIXED},
	{keys: CHOICE_KEYS, label: '1-9', action: 'pickChoice', description: 'empty answer to a choice question: send that option', views: ['input'], fixed: INPUT_FIXED},
	{keys: ['right', 'down', 'l', 'j', 'tab'], label: '→ j Tab', action: 'menuNext', description: 'next option', views: ['menu']},
	{keys: ['left', 'up', 'h', 'k', 'shift+tab'], label: '← k', action: 'menuPrev', description: 'previous option', views: ['menu']},
	{keys: CHOICE_KEYS, label: '1-9', action: 'menuPick', description: 'apply that option', views: ['menu'], hint: 'pick', fixed: MENU_FIXED},
	{keys: ['enter'], label: 'Enter', action: 'submit', description: 'apply the highlighted option', views: ['menu'], hint: 'apply', fixed: MENU_FIXED},
	{keys: ['escape'], label: 'Esc', action: 'cancel', description: 'leave the menu', views: ['menu'], hint: 'cancel', fixed: MENU_FIXED},
	{keys: ['y', 'Y'], label: 'y', action: 'confirmYes', description: 'yes, do it', views: ['confirm'], hint: 'yes', fixed: CONFIRM_FIXED},
	{keys: ['n', 'N', 'enter', 'escape', ANY_KEY], label: 'n Enter', action: 'confirmNo', description: 'no (also any other key)', views: ['confirm'], hint: 'no', fixed: CONFIRM_FIXED},
	{keys: ['p'], label: 'p', action: 'keptPost', description: 'send the kept text as a plain post', views: ['kept'], hint: 'post'},
	{keys: ['e'], label: 'e', action: 'keptEdit', description: 'edit the kept text again', views: ['kept'], hint: 'edit'},
	{keys: ['d'], label: 'd', action: 'keptDiscard', description: 'discard the kept text (asks y/N)', views: ['kept'], hint: 'discard'},
	{keys: ['escape'], label: 'Esc', action: 'cancelWait', description: 'stop waiting for the database (text kept)', views: ['waiting'], fixed: 'Esc always stops waiting'},
	{keys: ['j', 'down', 'space', 'pagedown'], label: 'j Space', action: 'helpNext', description: 'next page of this help (a small pane shows it in pages)', views: ['help'], fixed: 'the help pages with j and k'},
	{keys: ['k', 'up', 'pageup'], label: 'k', action: 'helpPrev', description: 'previous page of this help', views: ['help'], fixed: 'the help pages with j and k'},
	{keys: [ANY_KEY], label: 'any', action: 'closeHelp', description: 'close this help', views: ['help'], fixed: 'any key closes the help'},
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
	if (input === ' ') return 'space';
	return input;
}

/** Named keys as `keyName` produces them, and how help writes each. */
const NAMED_KEYS: Record<string, string> = {
	enter: 'Enter',
	escape: 'Esc',
	tab: 'Tab',
	'shift+tab': 'S-Tab',
	space: 'Space',
	backspace: 'Bksp',
	delete: 'Del',
	up: '↑',
	down: '↓',
	left: '←',
	right: '→',
	home: 'Home',
	end: 'End',
	pageup: 'PgUp',
	pagedown: 'PgDn',
};
/** Other spellings a config may use for a named key. */
const KEY_ALIASES: Record<string, string> = {esc: 'escape', return: 'enter', bksp: 'backspace', del: 'delete', pgup: 'pageup', pgdn: 'pagedown', 's-tab': 'shift+tab', ' ': 'space'};
/** Ctrl letters a terminal sends as another key's byte: they never arrive as themselves. */
const CTRL_ALIASES: Record<string, string> = {h: 'backspace', i: 'tab', j: 'enter', m: 'enter'};

/** The key-name syntax, for error messages and the README. */
export const KEY_NAME_SYNTAX = 'a single character (x, X, *, ?), enter, esc, tab, shift+tab, space, backspace, delete, up, down, left, right, home, end, pageup, pagedown, or ctrl+a … ctrl+z';

const segmenter = new Intl.Segmenter(undefined, {granularity: 'grapheme'});

/** A key name as a config writes it (`x`, `Enter`, `esc`, `ctrl+x`) in `keyName`'s terms, or why it is not one. */
export function parseKeyName(text: string): {key: string} | {error: string} {
	const lower = text.toLowerCase();
	// Own properties only: `constructor` or `toString` is no key.
	const named = Object.hasOwn(KEY_ALIASES, lower) ? KEY_ALIASES[lower]! : lower;
	if (Object.hasOwn(NAMED_KEYS, named)) return {key: named};
	const ctrl = /^(?:ctrl|control|c)[+-](.)$/i.exec(text);
	if (ctrl) {
		const letter = ctrl[1]!.toLowerCase();
		if (!/^[a-z]$/.test(letter)) return {error: `ctrl+ takes a letter a-z, not "${ctrl[1]}"`};
		if (Object.hasOwn(CTRL_ALIASES, letter)) return {error: `ctrl+${letter} arrives as ${CTRL_ALIASES[letter]} (the terminal sends the same byte); use ${CTRL_ALIASES[letter]}`};
		return {key: `ctrl+${letter}`};
	}
	const graphemes = [...segmenter.segment(text)];
	// eslint-disable-next-line no-control-regex
	if (graphemes.length === 1 && !/[\u0000-\u001f\u007f-\u009f]/.test(text)) return {key: text};
	return {error: 'not a key name'};
}

/** How help and hints write one key: `Enter`, `^X`, `↑`, `x`. */
export function keyLabel(name: string): string {
	if (Object.hasOwn(NAMED_KEYS, name)) return NAMED_KEYS[name]!;
	if (name.startsWith('ctrl+')) return `^${name.slice(5).toUpperCase()}`;
	return name;
}

/** The first key of an action in a mode, as hints write it (`x` once answer is bound to x); undefined when unbound. */
export function keyOf(action: Action, mode: Mode, keymap: readonly KeyBinding[] = KEYMAP): string | undefined {
	const binding = keymap.find((candidate) => candidate.action === action && candidate.views.includes(mode));
	return binding?.keys[0] === undefined ? undefined : keyLabel(binding.keys[0]);
}

/** The binding for a key in a view or mode, if any: its own, else the mode's any-key binding. */
export function bindingFor(name: string, mode: Mode, keymap: readonly KeyBinding[] = KEYMAP): KeyBinding | undefined {
	const inMode = keymap.filter((binding) => binding.views.includes(mode));
	return inMode.find((binding) => binding.keys.includes(name)) ?? inMode.find((binding) => binding.keys.includes(ANY_KEY));
}

/** The bindings of a mode, in registry order. */
export function bindingsOf(mode: Mode, keymap: readonly KeyBinding[] = KEYMAP): KeyBinding[] {
	return keymap.filter((binding) => binding.views.includes(mode));
}

/** `Enter send · Esc cancel`: a bottom-line mode's hinted keys, from the registry. */
export function modeHints(mode: Exclude<Mode, View>, options: {filter?: boolean; keymap?: readonly KeyBinding[]} = {}): string {
	return bindingsOf(mode, options.keymap)
		.filter((binding) => binding.hint)
		.map((binding) => `${binding.label.split(' ')[0]} ${options.filter ? (binding.filterHint ?? binding.hint) : binding.hint}`)
		.join(' · ');
}

/** Where a binding works, as the help and the README say it. */
export function whereOf(binding: KeyBinding): string {
	if (binding.views.length === EVERYWHERE.length) return 'anywhere';
	return binding.views.map((mode) => MODE_LABELS[mode]).join(', ');
}

/** The whole keyboard as a Markdown table: the README's key table is exactly this. */
export function keyTable(keymap: readonly KeyBinding[] = KEYMAP): string {
	const cell = (text: string) => text.replace(/[|]/g, '\\|');
	const rows = ['| where | key | action |', '|---|---|---|'];
	for (const binding of keymap) {
		rows.push(`| ${whereOf(binding)} | ${binding.label.split(' ').map((key) => `\`${cell(key)}\``).join(' ')} | ${cell(binding.description)} |`);
	}
	return rows.join('\n');
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
		.filter((binding) => binding.hint && binding.keys.length > 0 && binding.views.includes(view))
		.filter((binding) => binding.hintWhen === undefined || (binding.hintWhen === 'answered' ? context.answered === true : binding.hintWhen === context.question))
		.map((binding) => ({key: binding.action === 'choose' ? `1-${context.choices ?? 9}` : keyLabel(binding.keys[0]!), word: binding.hint!}));
}

/** The whole keyboard as plain text for `dash --help`: `  j ↓        next thread …`, grouped by where the keys work. */
export function keyHelp(keymap: readonly KeyBinding[] = KEYMAP): string {
	const groups = new Map<string, KeyBinding[]>();
	for (const binding of keymap) groups.set(whereOf(binding), [...(groups.get(whereOf(binding)) ?? []), binding]);
	const width = Math.max(...keymap.map((binding) => binding.label.length));
	return [...groups]
		.map(([where, bindings]) => [`${where}:`, ...bindings.map((binding) => `  ${binding.label.padEnd(width)}  ${binding.description}`)].join('\n'))
		.join('\n');
}
