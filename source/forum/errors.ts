import type {Rejection, RejectionCode} from './types.js';

/** How a failure maps to DESIGN.md's exit codes. */
export type FailureKind = 'runtime' | 'usage' | 'refused';

export const EXIT_CODES: Readonly<Record<FailureKind, number>> = {runtime: 1, usage: 2, refused: 3};

/** A failure with a one-line message meant for the user, and a stable code for scripts. */
export class ForumError extends Error {
	override readonly name = 'ForumError';
	constructor(
		readonly kind: FailureKind,
		readonly code: string,
		message: string,
	) {
		super(message);
	}

	get exitCode(): number {
		return EXIT_CODES[this.kind];
	}
}

export function rejectionKind(code: RejectionCode): FailureKind {
	return code === 'invalid_input' ? 'usage' : 'refused';
}

export function rejectionError(rejection: Rejection): ForumError {
	return new ForumError(rejectionKind(rejection.code), rejection.code, rejection.message);
}
