/**
 * Issue 15's hostile inputs for the hostile-input suite: invisible characters in one-line
 * fields, backup and keygen misuse, bad signing keys, bad actor maps in the policy. Files these
 * cases need live in a scratch directory outside the suite's watched tree, made at import.
 */
import {generateKeyPairSync} from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {generateKey, writeKeyFile} from '../../source/transport/signing.js';

export interface Issue15Case {
	name: string;
	args: string[];
	code: 1 | 2 | 3;
	message: RegExp;
	noDb?: boolean;
	env?: Record<string, string>;
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'metawsm-hostile-15-'));
process.on('exit', () => fs.rmSync(scratch, {recursive: true, force: true}));

function file(name: string, content: string, mode = 0o600): string {
	const at = path.join(scratch, name);
	fs.writeFileSync(at, content, {mode});
	fs.chmodSync(at, mode);
	return at;
}

/** A valid 0600 signing key, for cases that must get past the key check. */
export const VALID_KEY = path.join(scratch, 'valid.key');
writeKeyFile(VALID_KEY, generateKey().privatePem, true);
const READABLE_KEY = file('readable.key', generateKey().privatePem, 0o644);
const NOT_A_KEY = file('not-a.key', 'hello, I am not a key\n');
const RSA_KEY = file('rsa.key', generateKeyPairSync('rsa', {modulusLength: 1024}).privateKey.export({format: 'pem', type: 'pkcs8'}).toString());
const EXISTING_BACKUP = file('existing-backup.db', 'already here');
const PLAIN_FILE = file('plain', 'x');
const policy = (name: string, json: unknown) => file(name, JSON.stringify(json));
const PUBLIC = generateKey().publicKey;

const ask = (...extra: string[]) => ['forum', 'ask', '--ticket', 'T-1', '--title', 'Q', '--body', 'B', ...extra];
const askWith = (field: string, value: string) => {
	const base: Record<string, string> = {'--ticket': 'T-1', '--title': 'Q', '--body': 'B'};
	base[field] = value;
	return ['forum', 'ask', ...Object.entries(base).flat()];
};
const remoteWrite = ['forum', 'post', '--remote', '--redis', 'redis://127.0.0.1:1', '--thread-id', 't-seed', '--body', 'B'];
const INVISIBLE = /contains an invisible or direction-changing character \(U\+[0-9A-F]{4,5}, e\.g\. a zero-width space or a bidi override\); use plain text/;

export const ISSUE_15_CASES: Issue15Case[] = [
	// ------------------------------------------------ invisible characters in one-line fields
	{name: 'a zero-width space in a ticket', args: askWith('--ticket', 'T\u200bICKET-1'), code: 2, message: INVISIBLE},
	{name: 'a right-to-left override in a title', args: askWith('--title', 'Deploy \u202etsop'), code: 2, message: INVISIBLE},
	{name: 'an Arabic letter mark in an agent name', args: ask('--agent', 'bui\u061clder'), code: 2, message: INVISIBLE},
	{name: 'tag characters in a ticket', args: askWith('--ticket', 'OPS-7\u{e0041}\u{e0042}'), code: 2, message: INVISIBLE},
	{name: 'a Hangul filler as an actor name', args: ask('--actor-name', '\u3164'), code: 2, message: INVISIBLE},
	{name: 'a byte-order mark in a title', args: askWith('--title', '\ufeffQuestion'), code: 2, message: INVISIBLE},
	{name: 'a word joiner in an assignee', args: ['forum', 'assign', '--thread-id', 't-seed', '--assignee', 'bo\u2060b'], code: 2, message: INVISIBLE},
	{name: 'a left-to-right mark in --viewer', args: ['forum', 'list', '--viewer', 'ops\u200e'], code: 2, message: /--viewer contains an invisible or direction-changing character \(U\+200E/},
	{name: 'a zero-width joiner inside a ticket', args: askWith('--ticket', 'OPS\u200d-7'), code: 2, message: INVISIBLE},
	{name: 'a soft hyphen in a title', args: askWith('--title', 'Re\u00adstart?'), code: 2, message: INVISIBLE},
	{name: 'a Mongolian vowel separator in an agent name', args: ask('--agent', 'a\u180eb'), code: 2, message: INVISIBLE},
	{name: 'a bidi isolate in a run id', args: ask('--run-id', 'run-\u20661'), code: 2, message: INVISIBLE},
	{name: 'an invisible character in a choice', args: [...ask('--choice', 'Lu\u200bcide', '--choice', 'Heroicons')], code: 2, message: INVISIBLE},
	// ------------------------------------------------ backup
	{name: 'backup without a file', args: ['forum', 'backup'], code: 2, message: /--file is required; give the backup file: metawsm forum backup FILE/},
	{name: 'backup onto an existing file', args: ['forum', 'backup', EXISTING_BACKUP], code: 2, message: /existing-backup\.db exists; pass --force to replace it, or give a new path/},
	{name: 'backup into a directory that does not exist', args: ['forum', 'backup', path.join(scratch, 'no', 'such', 'b.db')], code: 2, message: /cannot write the backup: directory .*no\/such does not exist/},
	{name: 'backup with --remote', args: ['forum', 'backup', path.join(scratch, 'r.db'), '--remote', '--redis', 'redis://127.0.0.1:1'], noDb: true, code: 2, message: /`metawsm forum backup` needs a local database; drop --remote/},
	{name: 'backup given two files', args: ['forum', 'backup', path.join(scratch, 'a.db'), path.join(scratch, 'b.db')], code: 2, message: /unexpected argument ".*b\.db"; values go after flags/},
	// ------------------------------------------------ keygen
	{name: 'keygen over an existing key', args: ['forum', 'keygen', '--key', VALID_KEY], noDb: true, code: 2, message: /a key exists at .*valid\.key \(public key ed25519:[A-Za-z0-9_-]{43}\); pass --force to replace it/},
	{name: 'keygen to a path under a regular file', args: ['forum', 'keygen', '--key', path.join(PLAIN_FILE, 'key')], noDb: true, code: 1, message: /cannot write key .*plain\/key \(ENOTDIR|EEXIST/},
	// ------------------------------------------------ signing keys of remote writes
	{name: 'a remote write without a signing key', args: remoteWrite, noDb: true, env: {METAWSM_KEY: path.join(scratch, 'missing.key')}, code: 2, message: /no signing key at .*missing\.key: remote writes are signed; run `metawsm forum keygen` and add the public key it prints to forum\.redis\.actors/},
	{name: 'a signing key others can read', args: remoteWrite, noDb: true, env: {METAWSM_KEY: READABLE_KEY}, code: 2, message: /signing key .*readable\.key can be read by others \(mode 0644\); chmod 600 it/},
	{name: 'a signing key file that is not a key', args: remoteWrite, noDb: true, env: {METAWSM_KEY: NOT_A_KEY}, code: 2, message: /not-a\.key is not a private key; make one with `metawsm forum keygen --key/},
	{name: 'an RSA key as a signing key', args: remoteWrite, noDb: true, env: {METAWSM_KEY: RSA_KEY}, code: 2, message: /rsa\.key is a rsa key; metawsm signs with Ed25519/},
	// ------------------------------------------------ forum.redis.actors in the policy
	{name: 'a policy actor key that is not a public key', args: ['forum', 'list', '--policy', policy('bad-key.json', {forum: {redis: {actors: {'ssh-rsa AAAA': {type: 'human', name: 'ops'}}}}})], code: 2, message: /forum\.redis\.actors\["ssh-rsa AAAA"\] is not a public key; use the ed25519:… line `metawsm forum keygen` prints/},
	{name: 'a policy granting a key the system actor type', args: ['forum', 'list', '--policy', policy('system.json', {forum: {redis: {actors: {[PUBLIC]: {type: 'system', name: 'sla'}}}}})], code: 2, message: /\.type is system, which is reserved for serve's own work; use agent, operator or human/},
	{name: 'a policy actor with an unknown field', args: ['forum', 'list', '--policy', policy('extra.json', {forum: {redis: {actors: {[PUBLIC]: {type: 'human', name: 'ops', admin: true}}}}})], code: 2, message: /unknown key forum\.redis\.actors\[".*"\]\.admin; known keys here: type, name/},
	{name: 'a policy whose actors are an array', args: ['forum', 'list', '--policy', policy('array-actors.json', {forum: {redis: {actors: [PUBLIC]}}})], code: 2, message: /forum\.redis\.actors must be a map of public keys to actors, got an array/},
	{name: 'a policy actor name with a zero-width space', args: ['forum', 'list', '--policy', policy('zwsp-name.json', {forum: {redis: {actors: {[PUBLIC]: {type: 'human', name: 'o\u200bps'}}}}})], code: 2, message: /\.name must be a plain name of at most 64 characters/},
	{name: 'a policy actor with an unknown type', args: ['forum', 'list', '--policy', policy('root-type.json', {forum: {redis: {actors: {[PUBLIC]: {type: 'root', name: 'ops'}}}}})], code: 2, message: /\.type must be agent, operator or human, got the string "root"/},
];
