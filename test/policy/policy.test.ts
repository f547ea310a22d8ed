import fs from 'node:fs';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {defaultPolicy, loadPolicy, parsePolicy} from '../../source/policy/policy.js';
import {tempDir} from '../helpers/cli.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({dir, cleanup} = tempDir()));
afterEach(() => cleanup());

function write(text: string): string {
	const file = path.join(dir, 'policy.json');
	fs.writeFileSync(file, text);
	return file;
}

describe('policy', () => {
	it('defaults to DESIGN.md’s values when the file is missing', () => {
		const policy = loadPolicy(path.join(dir, 'absent.json'));
		expect(policy).toEqual(defaultPolicy());
		expect(policy.forum).toMatchObject({
			enabled: true,
			topics: {command_prefix: 'forum.commands', event_prefix: 'forum.events', integration_prefix: 'forum.integration'},
			redis: {url: undefined, stream: 'metawsm-forum', group: 'metawsm-forum', consumer: 'operator'},
			sla: {escalation_minutes: 30},
			docs_sync: {enabled: true},
		});
	});

	it('merges given keys over the defaults', () => {
		const policy = parsePolicy({forum: {sla: {escalation_minutes: 5, escalation_minutes_by_priority: {low: 60}}, redis: {url: 'redis://x:1'}}});
		expect(policy.forum.sla).toEqual({escalation_minutes: 5, escalation_minutes_by_priority: {low: 60}});
		expect(policy.forum.redis.url).toBe('redis://x:1');
		expect(policy.forum.redis.stream).toBe('metawsm-forum');
	});

	it('names an unknown key and lists the known ones', () => {
		expect(() => parsePolicy({forum: {sla: {escalation_minute: 5}}}, 'p.json')).toThrowError(
			'policy p.json: unknown key forum.sla.escalation_minute; known keys here: escalation_minutes, escalation_minutes_by_priority',
		);
	});

	it('names a wrongly typed key and the expected type', () => {
		expect(() => parsePolicy({forum: {enabled: 'yes'}}, 'p.json')).toThrowError('policy p.json: forum.enabled must be a boolean, got the string "yes"');
		expect(() => parsePolicy({forum: {sla: {escalation_minutes: 0}}}, 'p.json')).toThrowError(/forum.sla.escalation_minutes must be a number > 0, got number 0/);
		expect(() => parsePolicy({forum: []}, 'p.json')).toThrowError(/forum must be an object, got an array/);
	});

	it('refuses malformed JSON instead of ignoring it', () => {
		const file = write('{"forum": {"enabled": true,,}}');
		expect(() => loadPolicy(file)).toThrowError(/not valid JSON/);
	});

	it('refuses a missing file when its path was given explicitly', () => {
		expect(() => loadPolicy(path.join(dir, 'nope.json'), {required: true})).toThrowError(/cannot read policy .*nope.json: no such file/);
	});
});
