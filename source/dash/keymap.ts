/**
 * The dashboard's keys as data: one registry that both the input handler and the `?`
 * help overlay read (gh-dash / k9s style), so a key cannot work without being documented.
 */
import type {Key} from 'ink';

/** Where a key works: the queue list, or an open thread's detail. */
export type View = 'queue' | 'detail';

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
	| 'agentPane'
	| 'jumpToPane';

export interface KeyBinding {
	/** Key names as `keyName` produces them. */
	keys: readonly string[];
	/** How the help overlay writes the keys. */
	label: string;
	action: Action;
	description: string;
	views: readonly View[];
	/** Short word for the one-line hint bar; bindings without one are only in `?`. */
	hint?: string;
}

const BOTH: readonly View[] = ['queue', 'detail'];

export const SECTION_KEYS = ['1', '2', '3', '4', '5', '6'] as const;

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

/** The binding for a key in a view, if any. */
export function bindingFor(name: string, view: View, keymap: readonly KeyBinding[] = KEYMAP): KeyBinding | undefined {
	return keymap.find((binding) => binding.views.includes(view) && binding.keys.includes(name));
}

/** `a answer  e editor …` for the hint bar, from the registry. */
export function hintBar(view: View, keymap: readonly KeyBinding[] = KEYMAP): {key: string; word: string}[] {
	return keymap
		.filter((binding) => binding.hint && binding.views.includes(view))
		.map((binding) => ({key: binding.keys[0]!, word: binding.hint!}));
}
