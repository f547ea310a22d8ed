import {randomBytes, randomUUID} from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** A short thread id an operator can type: `t-` and 10 base32 characters (50 bits). */
export function newThreadId(): string {
	const bytes = randomBytes(10);
	let id = 't-';
	for (const byte of bytes) id += ALPHABET[byte & 31];
	return id;
}

export function newCommandId(): string {
	return `c-${randomUUID()}`;
}

export function newEventId(): string {
	return randomUUID();
}
