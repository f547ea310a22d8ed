/** "Did you mean": the closest known name to a mistyped one, by edit distance (leven). */
import leven from 'leven';

/**
 * The candidate closest to `input`, when it is close enough to be a likely typo: at most a
 * third of the input's length in edits (at least 2, so a swap of two letters counts; at most 3),
 * or the one candidate the input begins.
 */
export function closest(input: string, candidates: readonly string[]): string | undefined {
	const typed = input.toLowerCase();
	if (typed === '') return undefined;
	const limit = Math.min(3, Math.max(2, Math.floor(typed.length / 3)));
	const letters = (word: string) => [...word].sort().join('');
	let best: {name: string; score: number} | undefined;
	for (const name of candidates) {
		const lower = name.toLowerCase();
		const distance = leven(typed, lower);
		if (distance > limit) continue;
		// Ties go to the likelier typo: the same letters swapped (lsit → list), then the same first letter.
		const score = distance - (letters(typed) === letters(lower) ? 0.5 : 0) - (typed[0] === lower[0] ? 0.25 : 0);
		if (!best || score < best.score) best = {name, score};
	}
	if (best) return best.name;
	const prefixed = candidates.filter((name) => typed.length >= 2 && name.startsWith(typed));
	return prefixed.length === 1 ? prefixed[0] : undefined;
}

/** `; did you mean X?` or nothing. */
export function didYouMean(input: string, candidates: readonly string[]): string {
	const match = closest(input, candidates);
	return match === undefined ? '' : `; did you mean ${match}?`;
}
