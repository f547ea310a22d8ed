import {expect, test} from 'vitest';
import {describeRedisError, redactText, redactUrl} from '../../source/transport/redis-url.js';

test('a URL with user and password keeps the user and hides the password', () => {
	expect(redactUrl('redis://forum:s3cret@10.0.0.5:6379/2')).toBe('redis://forum:***@10.0.0.5:6379/2');
});

test('a URL with only a password hides it', () => {
	expect(redactUrl('rediss://:s3cret@cache.example:6380')).toBe('rediss://:***@cache.example:6380');
});

test('a URL without a password is shown as given', () => {
	expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
});

test('a percent-encoded password is hidden in both spellings wherever it appears', () => {
	const url = 'redis://forum:p%40ss%2Fword@h:1';
	expect(redactText(`failed for ${url}: auth p@ss/word rejected (p%40ss%2Fword)`, url)).toBe('failed for redis://forum:***@h:1: auth *** rejected (***)');
});

test('an unparseable URL loses everything before the @', () => {
	expect(redactUrl('redis://forum:se cret@@h')).not.toContain('se cret');
});

test('ioredis wording for an offline connection reads as plain words', () => {
	expect(describeRedisError(new Error("Stream isn't writeable and enableOfflineQueue options is false"), 'redis://h')).toBe('not connected');
});
