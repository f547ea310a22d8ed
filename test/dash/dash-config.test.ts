import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {defaultConfigPath, loadDashConfig, parseDashConfig} from '../../source/dash/dash-config.js';
import {bindingFor, hintBar, KEYMAP, keyHelp, keyTable, parseKeyName} from '../../source/dash/keymap.js';

const FILE = '/home/ops/.config/metawsm/dash.json';
const parse = (config: unknown) => parseDashConfig(typeof config === 'string' ? config : JSON.stringify(config), FILE);
const refusal = (config: unknown): string => {
	try {
		parse(config);
	} catch (error) {
		expect((error as {exitCode?: number}).exitCode).toBe(2);
		return (error as Error).message;
	}
	throw new Error('the config was accepted');
};

describe('rebinding keys', () => {
	it('binding answer to x makes x answer and leaves a unbound, in every mode answer has', () => {
		const {keymap} = parse({keys: {answer: 'x'}});
		for (const mode of ['queue', 'detail'] as const) {
			expect(bindingFor('x', mode, keymap)?.action).toBe('answer');
			expect(bindingFor('a', mode, keymap)).toBeUndefined();
		}
	});

	it('a mode before the action rebinds it there only: queue.close moves c in the queue, the thread view keeps it', () => {
		const {keymap} = parse({keys: {'queue.close': ['C', 'ctrl+x']}});
		expect(bindingFor('C', 'queue', keymap)?.action).toBe('close');
		expect(bindingFor('ctrl+x', 'queue', keymap)?.action).toBe('close');
		expect(bindingFor('c', 'queue', keymap)).toBeUndefined();
		expect(bindingFor('c', 'detail', keymap)?.action).toBe('close');
		expect(parse({keys: {'thread.close': 'C'}}).keymap.find((b) => b.action === 'close' && b.views.includes('detail'))?.keys).toEqual(['C']);
	});

	it('an empty list leaves the action unbound; a fixed binding of the same action stays (q unbound, Ctrl-C still quits)', () => {
		const {keymap} = parse({keys: {quit: []}});
		expect(bindingFor('q', 'queue', keymap)).toBeUndefined();
		expect(bindingFor('ctrl+c', 'queue', keymap)?.action).toBe('quit');
		expect(hintBar('queue', {}, keymap).some((hint) => hint.word === 'quit')).toBe(false);
	});

	it('two rebinds that swap keys are fine: the check runs on the result', () => {
		const {keymap} = parse({keys: {answer: 'c', close: 'a'}});
		expect(bindingFor('c', 'queue', keymap)?.action).toBe('answer');
		expect(bindingFor('a', 'queue', keymap)?.action).toBe('close');
	});

	it('the hint bar, --help text and labels show the keys in force; the README table stays the defaults', () => {
		const {keymap} = parse({keys: {answer: 'x', filter: 'ctrl+f', help: 'enter', open: 'space', mark: 'v'}});
		expect(hintBar('queue', {}, keymap).map((hint) => `${hint.key} ${hint.word}`)).toEqual(expect.arrayContaining(['x answer', '^F filter', 'Enter help']));
		expect(keyHelp(keymap)).toMatch(/^ {2}x +answer \(inline/m);
		expect(keyHelp(keymap)).not.toMatch(/^ {2}a +answer/m);
		expect(keyTable()).toBe(keyTable(KEYMAP));
		expect(keyTable()).toContain('| queue, thread | `a` | answer');
	});

	it('key names: single characters keep their case, named keys and ctrl+ ignore it, esc and return are aliases', () => {
		expect(parseKeyName('X')).toEqual({key: 'X'});
		expect(parseKeyName('Enter')).toEqual({key: 'enter'});
		expect(parseKeyName('esc')).toEqual({key: 'escape'});
		expect(parseKeyName('return')).toEqual({key: 'enter'});
		expect(parseKeyName('Ctrl+F')).toEqual({key: 'ctrl+f'});
		expect(parseKeyName('space')).toEqual({key: 'space'});
		expect(parseKeyName('é')).toEqual({key: 'é'});
	});

	it('theme and bell are read as given', () => {
		expect(parse({theme: 'high-contrast', bell: false})).toMatchObject({theme: 'high-contrast', bell: false});
		expect(parse({})).toEqual({file: FILE, keymap: KEYMAP});
	});
});

describe('a bad config is refused, naming the file and the entry', () => {
	const cases: [string, unknown, string][] = [
		['not JSON', '{"keys": {', `${FILE}: not valid JSON (`],
		['not an object', '["answer"]', `${FILE}: the config must be a JSON object, e.g. {"keys": {"answer": "x"}, "theme": "mono", "bell": false}`],
		['an unknown setting, with the closest', {keyz: {}}, `${FILE}: unknown setting "keyz"; did you mean keys? (settings: keys, theme, bell)`],
		['keys not an object', {keys: ['answer']}, `${FILE}: keys: give an object of action names to keys, e.g. {"answer": "x", "queue.close": ["c", "C"]}`],
		['an unknown action, with the closest', {keys: {anwser: 'x'}}, `${FILE}: keys.anwser: unknown action "anwser"; did you mean answer? (the actions are listed in \`metawsm forum dash --help\`)`],
		['an unknown mode, with the closest', {keys: {'qeue.close': 'x'}}, `${FILE}: keys.qeue.close: unknown mode "qeue"; did you mean queue? (modes with keys to rebind: queue, detail (or thread), menu, kept)`],
		['an action in a mode it has no key in', {keys: {'menu.answer': 'x'}}, `${FILE}: keys.menu.answer: answer has no key in menu; it works in queue, detail`],
		['a value that is no key', {keys: {answer: 7}}, `${FILE}: keys.answer: give a key name or a list of them, e.g. "x" or ["x", "X"] ([] leaves it unbound), not 7`],
		[
			'an unknown key name, with the syntax',
			{keys: {answer: 'ctl+x'}},
			`${FILE}: keys.answer: unknown key name "ctl+x" (not a key name); key names: a single character (x, X, *, ?), enter, esc, tab, shift+tab, space, backspace, delete, up, down, left, right, home, end, pageup, pagedown, or ctrl+a … ctrl+z`,
		],
		['ctrl+ with no letter', {keys: {answer: 'ctrl+1'}}, `${FILE}: keys.answer: unknown key name "ctrl+1" (ctrl+ takes a letter a-z, not "1"); key names:`],
		['a ctrl key the terminal sends as another', {keys: {answer: 'ctrl+i'}}, `${FILE}: keys.answer: unknown key name "ctrl+i" (ctrl+i arrives as tab (the terminal sends the same byte); use tab); key names:`],
		['a key listed twice', {keys: {answer: ['x', 'x']}}, `${FILE}: keys.answer: "x" is listed twice`],
		['two actions on one key in one mode, naming both', {keys: {answer: 'c'}}, `${FILE}: keys: c would be both answer and close in queue; give one of them another key`],
		['a key taken by a fixed binding', {keys: {help: 'ctrl+c'}}, `${FILE}: keys: ^C would be both help and quit in queue; give one of them another key`],
		['a fixed action: Enter sends in a text input', {keys: {submit: 'x'}}, `${FILE}: keys.submit: submit cannot be rebound (keys in a text input type text; Enter sends, Esc cancels)`],
		['a fixed action: y in a y/N question', {keys: {confirmYes: 'j'}}, `${FILE}: keys.confirmYes: confirmYes cannot be rebound (a y/N question is always y or anything else)`],
		['a fixed action: the section digits', {keys: {section: 'x'}}, `${FILE}: keys.section: section cannot be rebound (the digits are the section and option numbers)`],
		['an unknown theme, with the closest', {theme: 'mon'}, `${FILE}: theme: unknown theme "mon"; did you mean mono? (themes: color, mono, high-contrast)`],
		['a bell that is not true or false', {bell: 'off'}, `${FILE}: bell: give true or false, not "off"`],
	];
	for (const [what, config, message] of cases) {
		it(what, () => {
			const text = refusal(config);
			if (message.endsWith('key names:') || message.endsWith('(')) expect(text.startsWith(message), text).toBe(true);
			else expect(text).toBe(message);
			expect(text).not.toContain('\n');
		});
	}
});

describe('where the config is read from', () => {
	let dir: string;
	beforeEach(() => {
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'metawsm-config-'));
	});
	afterEach(() => fs.rmSync(dir, {recursive: true, force: true}));

	it('$XDG_CONFIG_HOME/metawsm/dash.json, else ~/.config/metawsm/dash.json; a relative XDG_CONFIG_HOME is ignored', () => {
		expect(defaultConfigPath({XDG_CONFIG_HOME: '/x/conf', HOME: '/home/ops'})).toBe('/x/conf/metawsm/dash.json');
		expect(defaultConfigPath({HOME: '/home/ops'})).toBe('/home/ops/.config/metawsm/dash.json');
		expect(defaultConfigPath({XDG_CONFIG_HOME: 'rel', HOME: '/home/ops'})).toBe('/home/ops/.config/metawsm/dash.json');
	});

	it('a missing file at the default place means the defaults', () => {
		expect(loadDashConfig({env: {XDG_CONFIG_HOME: dir}})).toEqual({file: undefined, keymap: KEYMAP});
	});

	it('the default file is read when it exists', () => {
		fs.mkdirSync(path.join(dir, 'metawsm'));
		fs.writeFileSync(path.join(dir, 'metawsm', 'dash.json'), '{"keys": {"answer": "x"}}');
		const config = loadDashConfig({env: {XDG_CONFIG_HOME: dir}});
		expect(config.file).toBe(path.join(dir, 'metawsm', 'dash.json'));
		expect(bindingFor('x', 'queue', config.keymap)?.action).toBe('answer');
	});

	it('a missing --config FILE is an error naming the absolute path', () => {
		expect(() => loadDashConfig({given: path.join(dir, 'nope.json'), env: {}})).toThrow(`no config file at ${path.join(dir, 'nope.json')} (--config); see \`metawsm forum dash --help\` for its format`);
	});

	it('a config that cannot be read (a directory) says why', () => {
		expect(() => loadDashConfig({given: dir, env: {}})).toThrow(`cannot read the config ${dir}: EISDIR`);
	});
});

describe('names that are properties of every object', () => {
	it('constructor is no key name, no mode and no action', () => {
		expect(parseKeyName('constructor')).toEqual({error: 'not a key name'});
		expect(refusal({keys: {'constructor.answer': 'x'}})).toContain('unknown mode "constructor"');
		expect(refusal({keys: {toString: 'x'}})).toContain('unknown action "toString"');
	});
});
