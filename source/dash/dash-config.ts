/**
 * The operator's dashboard config (`dash.json`): keys rebound per action (and per mode), the
 * theme, the bell. Read and checked before the dashboard starts; a bad entry is named with
 * its file. Pure apart from reading the file; loads no ink or react (`dash --help` reads it).
 *
 *   {"keys": {"answer": "x", "queue.close": ["c", "C"], "quit": []}, "theme": "high-contrast", "bell": false}
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {ForumError} from '../forum/errors.js';
import {closest} from '../cli/suggest.js';
import {KEY_NAME_SYNTAX, KEYMAP, keyLabel, MODE_LABELS, parseKeyName, type Action, type KeyBinding, type Mode} from './keymap.js';

/** How the frame is drawn: colours, no colours (NO_COLOR), or bold bright colours without dim text. */
export const THEMES = ['color', 'mono', 'high-contrast'] as const;
export type ThemeName = (typeof THEMES)[number];

export interface DashConfig {
	/** The file read; undefined when the default one does not exist. */
	file: string | undefined;
	/** The registry with the config's keys applied: what the dashboard, `?` and `dash --help` use. */
	keymap: readonly KeyBinding[];
	/** Undefined: not set (NO_COLOR decides). */
	theme?: ThemeName;
	bell?: boolean;
}

const SETTINGS = ['keys', 'theme', 'bell'] as const;

/**
 * The bell and theme in force: `--bell`/`--no-bell` over the config over on; the config's theme
 * over NO_COLOR (as no-color.org asks of config files) over colour.
 */
export function settingsOf(config: Pick<DashConfig, 'theme' | 'bell'>, options: {bellFlag?: boolean; env: NodeJS.ProcessEnv}): {bell: boolean; theme: ThemeName} {
	return {
		bell: options.bellFlag ?? config.bell ?? true,
		theme: config.theme ?? ((options.env['NO_COLOR'] ?? '') === '' ? 'color' : 'mono'),
	};
}

/** Mode names a config may put before an action (`queue.close`); `thread` is the detail view's help name. */
const MODE_NAMES: Record<string, Mode> = Object.fromEntries([
	...(Object.keys(MODE_LABELS) as Mode[]).map((mode) => [mode, mode]),
	['thread', 'detail'],
]);

/** `$XDG_CONFIG_HOME/metawsm/dash.json`, else `~/.config/metawsm/dash.json` (a relative XDG_CONFIG_HOME is ignored, as the spec says). */
export function defaultConfigPath(env: NodeJS.ProcessEnv): string {
	const xdg = env['XDG_CONFIG_HOME'];
	const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(env['HOME'] || os.homedir(), '.config');
	return path.join(base, 'metawsm', 'dash.json');
}

const invalid = (file: string, message: string) => new ForumError('usage', 'invalid_config', `${file}: ${message}`);

const quote = (text: string) => JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);

/**
 * The config in force: `given` (--config, must exist), else the default path (may be missing).
 * Throws a usage error (exit 2) naming the file and the bad entry.
 */
export function loadDashConfig(options: {given?: string; env: NodeJS.ProcessEnv}): DashConfig {
	const file = path.resolve(options.given ?? defaultConfigPath(options.env));
	let text: string;
	try {
		text = fs.readFileSync(file, 'utf8');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT' && options.given === undefined) return {file: undefined, keymap: KEYMAP};
		if (code === 'ENOENT') throw new ForumError('usage', 'missing_config', `no config file at ${file} (--config); see \`metawsm forum dash --help\` for its format`);
		throw new ForumError('usage', 'unreadable_config', `cannot read the config ${file}: ${(error as Error).message}`);
	}
	return parseDashConfig(text, file);
}

/** Parse and check a config's text (`file` names it in errors). */
export function parseDashConfig(text: string, file: string): DashConfig {
	let raw: unknown;
	try {
		raw = JSON.parse(text);
	} catch (error) {
		throw invalid(file, `not valid JSON (${(error as Error).message}); e.g. {"keys": {"answer": "x"}}`);
	}
	if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid(file, 'the config must be a JSON object, e.g. {"keys": {"answer": "x"}, "theme": "mono", "bell": false}');
	const config = raw as Record<string, unknown>;
	for (const name of Object.keys(config)) {
		if (!(SETTINGS as readonly string[]).includes(name)) {
			const near = closest(name, SETTINGS);
			throw invalid(file, `unknown setting ${quote(name)}${near ? `; did you mean ${near}?` : ''} (settings: ${SETTINGS.join(', ')})`);
		}
	}
	const result: DashConfig = {file, keymap: KEYMAP};
	if (config['theme'] !== undefined) {
		const theme = config['theme'];
		if (typeof theme !== 'string' || !(THEMES as readonly string[]).includes(theme)) {
			const near = typeof theme === 'string' ? closest(theme, THEMES) : undefined;
			throw invalid(file, `theme: unknown theme ${typeof theme === 'string' ? quote(theme) : JSON.stringify(theme)}${near ? `; did you mean ${near}?` : ''} (themes: ${THEMES.join(', ')})`);
		}
		result.theme = theme as ThemeName;
	}
	if (config['bell'] !== undefined) {
		if (typeof config['bell'] !== 'boolean') throw invalid(file, `bell: give true or false, not ${JSON.stringify(config['bell'])}`);
		result.bell = config['bell'];
	}
	if (config['keys'] !== undefined) {
		const keys = config['keys'];
		if (typeof keys !== 'object' || keys === null || Array.isArray(keys)) throw invalid(file, 'keys: give an object of action names to keys, e.g. {"answer": "x", "queue.close": ["c", "C"]}');
		result.keymap = applyKeys(KEYMAP, keys as Record<string, unknown>, file);
	}
	return result;
}

/** The rebindable bindings an entry of `keys` names: `answer` in every mode it has, `queue.close` in the queue only. */
function targetsOf(keymap: readonly KeyBinding[], entry: string, file: string): {action: Action; mode: Mode | undefined} {
	const actions = [...new Set(keymap.map((binding) => binding.action))];
	const dot = entry.indexOf('.');
	const modeName = dot >= 0 ? entry.slice(0, dot) : undefined;
	const actionName = dot >= 0 ? entry.slice(dot + 1) : entry;
	let mode: Mode | undefined;
	if (modeName !== undefined) {
		mode = Object.hasOwn(MODE_NAMES, modeName) ? MODE_NAMES[modeName] : undefined;
		if (!mode) {
			const near = closest(modeName, Object.keys(MODE_NAMES));
			// Name the modes that have keys to rebind; the others (typing, y/N…) are fixed.
			const open = (Object.keys(MODE_LABELS) as Mode[]).filter((m) => keymap.some((binding) => binding.views.includes(m) && !binding.fixed));
			const names = open.map((m) => (m === 'detail' ? 'detail (or thread)' : m)).join(', ');
			throw invalid(file, `keys.${entry}: unknown mode ${quote(modeName)}${near ? `; did you mean ${near}?` : ''} (modes with keys to rebind: ${names})`);
		}
	}
	if (!(actions as string[]).includes(actionName)) {
		const near = closest(actionName, actions);
		throw invalid(file, `keys.${entry}: unknown action ${quote(actionName)}${near ? `; did you mean ${near}?` : ''} (the actions are listed in \`metawsm forum dash --help\`)`);
	}
	const action = actionName as Action;
	const inMode = keymap.filter((binding) => binding.action === action && (mode === undefined || binding.views.includes(mode)));
	if (inMode.length === 0) {
		const where = [...new Set(keymap.filter((binding) => binding.action === action).flatMap((binding) => binding.views))];
		throw invalid(file, `keys.${entry}: ${action} has no key in ${modeName}; it works in ${where.join(', ')}`);
	}
	const fixed = inMode.find((binding) => binding.fixed);
	if (inMode.every((binding) => binding.fixed)) throw invalid(file, `keys.${entry}: ${action} cannot be rebound (${fixed!.fixed})`);
	return {action, mode};
}

function keysOf(value: unknown, entry: string, file: string): string[] {
	const list = typeof value === 'string' ? [value] : Array.isArray(value) && value.every((item) => typeof item === 'string') ? (value as string[]) : undefined;
	if (!list) throw invalid(file, `keys.${entry}: give a key name or a list of them, e.g. "x" or ["x", "X"] ([] leaves it unbound), not ${JSON.stringify(value).slice(0, 40)}`);
	const keys: string[] = [];
	for (const text of list) {
		const parsed = parseKeyName(text);
		if ('error' in parsed) throw invalid(file, `keys.${entry}: unknown key name ${quote(text)} (${parsed.error}); key names: ${KEY_NAME_SYNTAX}`);
		if (keys.includes(parsed.key)) throw invalid(file, `keys.${entry}: ${quote(text)} is listed twice`);
		keys.push(parsed.key);
	}
	return keys;
}

/**
 * The registry with `keys` applied. A rebound binding answers only to its new keys (its old
 * ones are free); a mode-qualified entry splits the binding so the other modes keep theirs.
 * Fixed bindings never change. Then every mode must give each key one action.
 */
export function applyKeys(keymap: readonly KeyBinding[], keys: Record<string, unknown>, file: string): KeyBinding[] {
	let next: KeyBinding[] = [...keymap];
	for (const [entry, value] of Object.entries(keys)) {
		const {action, mode} = targetsOf(next, entry, file);
		const bound = keysOf(value, entry, file);
		const label = bound.length === 0 ? '' : bound.map(keyLabel).join(' ');
		next = next.flatMap((binding): KeyBinding[] => {
			if (binding.action !== action || binding.fixed || (mode !== undefined && !binding.views.includes(mode))) return [binding];
			const rebound: KeyBinding = {...binding, keys: bound, label, views: mode === undefined ? binding.views : [mode]};
			const rest = mode === undefined ? [] : binding.views.filter((view) => view !== mode);
			return [rebound, ...(rest.length > 0 ? [{...binding, views: rest}] : [])];
		});
	}
	// Unbound actions ([]) leave the registry: no key, no help line, no hint.
	next = next.filter((binding) => binding.keys.length > 0);
	for (const mode of Object.keys(MODE_LABELS) as Mode[]) {
		const owner = new Map<string, KeyBinding>();
		for (const binding of next.filter((candidate) => candidate.views.includes(mode))) {
			for (const key of binding.keys) {
				const other = owner.get(key);
				if (other && other.action !== binding.action) {
					const [first, second] = [other, binding].map((b) => b.action);
					throw invalid(file, `keys: ${keyLabel(key)} would be both ${first} and ${second} in ${MODE_LABELS[mode]}; give one of them another key`);
				}
				owner.set(key, binding);
			}
		}
	}
	return next;
}
