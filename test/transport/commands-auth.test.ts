/** Issue 15.3: serve applies only signed, well-formed commands of the key's own actor; everything else goes to the dead-letter stream with its reason. */
import {expect, test} from 'vitest';
import type {RemoteCommand} from '../../source/transport/codec.js';
import {commandFields} from '../../source/transport/codec.js';
import {parseEntries, streamKeys} from '../../source/transport/connection.js';
import {startRedisServeParts} from '../../source/transport/serve.js';
import {generateKey, signerFromPem} from '../../source/transport/signing.js';
import {askMany, eventually, signedCommandFields, tempForum, testKeyring, testPolicy} from './fixtures.js';
import {describeWithRedis, useRedisServer} from './redis-server.js';

const human = {type: 'human', name: 'ops'} as const;

describeWithRedis('serve authorizes remote commands', () => {
	const fixture = useRedisServer();

	async function setUp() {
		const policy = testPolicy();
		const made = tempForum(policy);
		fixture.cleanups.push(made.cleanup);
		const lines: string[] = [];
		const running = await startRedisServeParts(made.service, {url: fixture.server.url, policy, log: (line) => lines.push(line)});
		fixture.cleanups.push(() => running.stop());
		const [threadId] = askMany(made.service, 1);
		const keyring = testKeyring(policy);
		const keys = streamKeys(policy);
		const send = (fields: (string | number)[]) => fixture.probe.call('XADD', [keys.commands, '*', ...fields]);
		/** The dead-letter reason of `commandId` (waits for it). */
		const deadReason = async (commandId: string): Promise<string> => {
			let reason = '';
			await eventually(async () => {
				const entry = parseEntries(await fixture.probe.call('XRANGE', [keys.dead, '-', '+'])).find((dead) => dead.fields['command_id'] === commandId || dead.fields['entry_id'] === commandId);
				reason = entry?.fields['error'] ?? '';
				return reason !== '';
			}, 8000, `${commandId} in the dead-letter stream; log: ${lines.join('\n')}`);
			return reason;
		};
		const close = (commandId: string, actor: RemoteCommand['actor'] = human): RemoteCommand => ({type: 'close', commandId, threadId: threadId!, actor});
		return {policy, made, threadId: threadId!, keyring, send, deadReason, close, keys, lines};
	}

	test('an unsigned command is dead-lettered as unsigned and not applied', async () => {
		const {send, deadReason, close, made, threadId} = await setUp();
		await send(commandFields(close('c-unsigned'), 'x'));
		expect(await deadReason('c-unsigned')).toMatch(/^refused: unsigned: remote commands must be signed/);
		expect(made.service.getThread(threadId)!.thread.state).toBe('new');
	});

	test('a command signed by a key the policy does not list is dead-lettered as unknown key', async () => {
		const {send, deadReason, close, policy} = await setUp();
		const stranger = signerFromPem(generateKey().privatePem);
		await send(commandFields(close('c-stranger'), 'x', {signer: stranger, stream: policy.forum.redis.stream, signedAt: new Date().toISOString()}));
		expect(await deadReason('c-stranger')).toMatch(/^refused: unknown key: ed25519:\S+ is not listed in forum\.redis\.actors/);
	});

	test('a command whose text was changed after signing is dead-lettered as a bad signature', async () => {
		const {send, deadReason, close, policy} = await setUp();
		const fields = signedCommandFields(policy, close('c-tampered'), 'x');
		const at = fields.indexOf('command') + 1;
		fields[at] = fields[at]!.replace('"close"', '"close" ');
		await send(fields);
		expect(await deadReason('c-tampered')).toMatch(/^refused: bad signature/);
	});

	test('a signature made for another stream is a bad signature here', async () => {
		const {send, deadReason, close, keyring} = await setUp();
		const command = close('c-other-stream');
		await send(commandFields(command, 'x', {signer: keyring(command), stream: 'another-forum', signedAt: new Date().toISOString()}));
		expect(await deadReason('c-other-stream')).toMatch(/^refused: bad signature/);
	});

	test('actor type system is reserved for serve, even for a listed key', async () => {
		const {send, deadReason, close, policy, keyring} = await setUp();
		const signer = keyring(close('c-make-key'));
		const command = close('c-system', {type: 'system', name: 'sla'});
		await send(commandFields(command, 'x', {signer, stream: policy.forum.redis.stream, signedAt: new Date().toISOString()}));
		expect(await deadReason('c-system')).toMatch(/^refused: actor type system is reserved for serve's own work/);
	});

	test('request_escalation is serve\'s own work', async () => {
		const {send, deadReason, policy, threadId} = await setUp();
		await send(signedCommandFields(policy, {type: 'request_escalation', commandId: 'c-escalate', threadId, waitedMinutes: 99, actor: human}, 'x'));
		expect(await deadReason('c-escalate')).toMatch(/^refused: request_escalation is serve's own work/);
	});

	test('a command id used again with another signature (other content) is refused as replayed', async () => {
		const {send, deadReason, policy, threadId, keyring, made} = await setUp();
		await send(signedCommandFields(policy, {type: 'post', commandId: 'c-replay', threadId, body: 'first', actor: human}, 'x', keyring));
		await eventually(() => made.service.getThread(threadId)!.posts.length === 1, 8000, 'the first post');
		await send(signedCommandFields(policy, {type: 'post', commandId: 'c-replay', threadId, body: 'second', actor: human}, 'x', keyring));
		expect(await deadReason('c-replay')).toMatch(/^refused: replayed: command id c-replay was already used at .* with another signature \(other content\)/);
	});

	test('a signature older than an hour is refused as expired', async () => {
		const {send, deadReason, close, policy, keyring} = await setUp();
		const command = close('c-old');
		await send(commandFields(command, 'x', {signer: keyring(command), stream: policy.forum.redis.stream, signedAt: new Date(Date.now() - 2 * 3600_000).toISOString()}));
		expect(await deadReason('c-old')).toMatch(/^refused: expired: signed at /);
	});

	for (const [name, command, reason] of [
		['a numeric thread id', {type: 'post', commandId: 'c-num', threadId: 12345, body: 'x', actor: human}, /threadId must be text, got number/],
		['a body given as an object', {type: 'post', commandId: 'c-obj', threadId: 't-x', body: {text: 'x'}, actor: human}, /body must be text, got an object/],
		['an unknown field', {type: 'close', commandId: 'c-field', threadId: 't-x', actor: human, sudo: true}, /unknown field "sudo" in a close command/],
		['an actor with extra fields', {type: 'close', commandId: 'c-actor', threadId: 't-x', actor: {...human, admin: true}}, /actor has fields other than type and name/],
		['a fractional version', {type: 'close', commandId: 'c-ver', threadId: 't-x', actor: human, ifVersion: 1.5}, /ifVersion must be a whole number/],
	] as const) {
		test(`${name} is dead-lettered as malformed with the field named`, async () => {
			const {send, deadReason} = await setUp();
			await send(['command_id', command.commandId, 'command', JSON.stringify(command)]);
			expect(await deadReason(command.commandId)).toMatch(new RegExp(`^malformed command: ${reason.source}`));
		});
	}

	test('an oversize entry is never read: dead-lettered by size and deleted from the commands stream', async () => {
		const {send, deadReason, keys} = await setUp();
		const id = String(await send(['command', 'x'.repeat(2 * 1024 * 1024)]));
		expect(await deadReason(id)).toMatch(/^oversize entry: \d+ bytes in 1 fields, over the limit; not read/);
		await eventually(async () => parseEntries(await fixture.probe.call('XRANGE', [keys.commands, id, id])).length === 0, 5000, 'the oversize entry deleted');
	});
});
