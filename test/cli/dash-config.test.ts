/** `metawsm forum dash --config`, as a real process: a bad config exits 2 before anything opens; --help shows the keys in force. */
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {settingsOf} from '../../source/dash/dash-config.js';
import {runCli, tempDir} from '../helpers/cli.js';

let dir: string;
let cleanup: () => void;
let db: string;
const write = (name: string, config: unknown) => {
	const file = path.join(dir, name);
	fs.writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config));
	return file;
};
// No operator's own config leaks in: the default place is an empty directory.
const env = () => ({XDG_CONFIG_HOME: path.join(dir, 'xdg')});

beforeAll(async () => {
	({dir, cleanup} = tempDir());
	db = path.join(dir, 'forum.db');
	const asked = await runCli(['forum', 'ask', '--db', db, '--ticket', 'OPS-7', '--title', 'May I?', '--body', 'b']);
	expect(asked.code, asked.stderr).toBe(0);
});
afterAll(() => cleanup());

describe('dash --config', () => {
	it('two actions on one key: exit 2, one line naming the file, the key and both actions', async () => {
		const file = write('conflict.json', {keys: {answer: 'c'}});
		const result = await runCli(['forum', 'dash', '--once', '--db', db, '--config', file], {env: env()});
		expect(result.code).toBe(2);
		expect(result.stdout).toBe('');
		expect(result.stderr).toBe(`metawsm forum dash: ${file}: keys: c would be both answer and close in queue; give one of them another key\n`);
	});

	it('a missing --config FILE is an error; a missing default file is not', async () => {
		const missing = await runCli(['forum', 'dash', '--once', '--db', db, '--config', path.join(dir, 'nope.json')], {env: env()});
		expect(missing.code).toBe(2);
		expect(missing.stderr).toBe(`metawsm forum dash: no config file at ${path.join(dir, 'nope.json')} (--config); see \`metawsm forum dash --help\` for its format\n`);
		const fine = await runCli(['forum', 'dash', '--once', '--db', db], {env: env()});
		expect(fine.code, fine.stderr).toBe(0);
		expect(fine.stdout).toContain('OPS-7');
	});

	it('a bad file at the default place is refused too, with its path', async () => {
		const xdg = path.join(dir, 'xdg-bad');
		fs.mkdirSync(path.join(xdg, 'metawsm'), {recursive: true});
		fs.writeFileSync(path.join(xdg, 'metawsm', 'dash.json'), '{"theme": "neon"}');
		const result = await runCli(['forum', 'dash', '--once', '--db', db], {env: {XDG_CONFIG_HOME: xdg}});
		expect(result.code).toBe(2);
		expect(result.stderr).toBe(`metawsm forum dash: ${path.join(xdg, 'metawsm', 'dash.json')}: theme: unknown theme "neon" (themes: color, mono, high-contrast)\n`);
	});

	it('dash --help lists the keys in force with the config, and says which file', async () => {
		const file = write('x.json', {keys: {answer: 'x'}});
		const result = await runCli(['forum', 'dash', '--help', '--config', file], {env: env()});
		expect(result.code).toBe(0);
		expect(result.stdout).toContain(`Keys (the keys in force with ${file};`);
		expect(result.stdout).toMatch(/^ {2}x +answer \(inline/m);
		expect(result.stdout).not.toMatch(/^ {2}a +answer/m);
		const plain = await runCli(['forum', 'dash', '--help'], {env: env()});
		expect(plain.stdout).toMatch(/^ {2}a +answer \(inline/m);
	});

	it('dash --help with a bad config still prints the defaults, and says why the dashboard will refuse', async () => {
		const file = write('bad.json', {keys: {anwser: 'x'}});
		const result = await runCli(['forum', 'dash', '--help', '--config', file], {env: env()});
		expect(result.code).toBe(0);
		expect(result.stdout).toContain(`keys.anwser: unknown action "anwser"; did you mean answer?`);
		expect(result.stdout).toContain('the dashboard refuses to start until it is fixed');
		expect(result.stdout).toMatch(/^ {2}a +answer \(inline/m);
	});
});

describe('bell and theme in force', () => {
	it('--no-bell and --bell win over the config, the config over the default (on)', () => {
		expect(settingsOf({bell: false}, {env: {}}).bell).toBe(false);
		expect(settingsOf({bell: false}, {bellFlag: true, env: {}}).bell).toBe(true);
		expect(settingsOf({}, {bellFlag: false, env: {}}).bell).toBe(false);
		expect(settingsOf({}, {env: {}}).bell).toBe(true);
	});

	it('NO_COLOR draws mono unless the config names a theme', () => {
		expect(settingsOf({}, {env: {}}).theme).toBe('color');
		expect(settingsOf({}, {env: {NO_COLOR: '1'}}).theme).toBe('mono');
		expect(settingsOf({theme: 'high-contrast'}, {env: {NO_COLOR: '1'}}).theme).toBe('high-contrast');
	});
});
