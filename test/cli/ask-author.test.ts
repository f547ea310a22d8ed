import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {runCli, tempDir} from '../helpers/cli.js';

let dir: string;
let cleanup: () => void;
let db: string;
// No METAWSM_ACTOR_NAME: the author would otherwise be the OS user.
const forum = (...args: string[]) => runCli(['forum', ...args, '--db', db], {env: {METAWSM_ACTOR_NAME: ''}});

beforeAll(() => {
	({dir, cleanup} = tempDir());
	db = path.join(dir, 'forum.db');
});
afterAll(() => cleanup());

async function author(...flags: string[]): Promise<{type: string; name: string}> {
	const asked = await forum('ask', '--ticket', 'OPS-1', '--title', 'who asks?', '--body', 'b', ...flags, '--json');
	expect(asked.code, asked.stderr).toBe(0);
	const shown = await forum('thread', '--thread-id', JSON.parse(asked.stdout).thread_id, '--json');
	const thread = JSON.parse(shown.stdout);
	return {type: thread.created_by_type, name: thread.created_by_name};
}

describe('the author of a question', () => {
	it('is the --agent name when no --actor-name is given (the queue and the conversation agree)', async () => {
		expect(await author('--agent', 'bigbot')).toMatchObject({type: 'agent', name: 'bigbot'});
	});

	it('is METAWSM_ACTOR_NAME when set (an identity the agent runs under)', async () => {
		const asked = await runCli(['forum', 'ask', '--db', db, '--ticket', 'OPS-2', '--title', 't', '--body', 'b', '--agent', 'bigbot', '--json'], {env: {METAWSM_ACTOR_NAME: 'runner-9'}});
		const shown = await forum('thread', '--thread-id', JSON.parse(asked.stdout).thread_id, '--json');
		expect(JSON.parse(shown.stdout).created_by_name).toBe('runner-9');
	});

	it('is the --actor-name when one is given', async () => {
		expect(await author('--agent', 'bigbot', '--actor-name', 'runner-3')).toMatchObject({type: 'agent', name: 'runner-3'});
	});
});
